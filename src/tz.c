#include "config.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "tz.h"

/* The C library reads zones from TZ only, so switching zones means setenv+tzset. Remember the
 * last zone set: the queue asks about the same few zones over and over. */
static char current_zone[128];

static const char *
zoneinfo_dir(void)
{
	const char *dir = getenv("TZDIR");
	return dir != NULL && *dir != '\0' ? dir : "/usr/share/zoneinfo";
}

/* A zone is a regular file in TZif format: "America" (a directory) or "zone.tab" is no zone,
 * though the C library would quietly read either as UTC. */
static bool
is_tzif(const char *path)
{
	struct stat st;
	char magic[4];
	FILE *f;
	bool ok;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (f = fopen(path, "rb")) == NULL)
		return false;
	ok = fread(magic, 1, sizeof magic, f) == sizeof magic && memcmp(magic, "TZif", 4) == 0;
	fclose(f);
	return ok;
}

bool
tz_valid(const char *name)
{
	char path[512];

	if (name == NULL || *name == '\0' || name[0] == '/' || strstr(name, "..") != NULL ||
	    strlen(name) >= sizeof current_zone)
		return false;
	snprintf(path, sizeof path, "%s/%s", zoneinfo_dir(), name);
	return is_tzif(path);
}

int
tz_local(const char *name, int64_t t, struct local_time *out)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (strcmp(name, current_zone) != 0) {
		if (!tz_valid(name))
			return -1;
		setenv("TZ", name, 1);
		tzset();
		snprintf(current_zone, sizeof current_zone, "%s", name);
	}
	if (localtime_r(&tt, &tm) == NULL)
		return -1;
	out->date = date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	out->minute = tm.tm_hour * 60 + tm.tm_min;
	out->second = tm.tm_sec;
	out->wday = tm.tm_wday;
	out->utc_offset = (int)tm.tm_gmtoff;
	return 0;
}
