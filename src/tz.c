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

/* "+2h", "+30m", "+1d": a delay of at most a year from now. */
static int
parse_delay(const char *text, int64_t now, int64_t *out, struct err *e)
{
	char *end;
	long n = strtol(text + 1, &end, 10);
	int64_t unit = *end == 'm' ? 60 : *end == 'h' ? 3600 : *end == 'd' ? 86400 : 0;

	if (end == text + 1 || unit == 0 || end[1] != '\0' || n < 1 || n * unit > 366 * 86400)
		return err_set(e, "'%s': write a delay as +30m, +2h or +1d", text);
	*out = now + n * unit;
	return 0;
}

int
tz_parse_when(const char *zone, const char *text, int64_t now, int64_t *out, struct err *e)
{
	struct local_time lt;
	char date[16];
	int32_t day;
	int hh, mm, used = 0;
	int64_t wall, t;

	if (text[0] == '+')
		return parse_delay(text, now, out, e);
	if (sscanf(text, "%10s %2d:%2d%n", date, &hh, &mm, &used) != 3 || text[used] != '\0' ||
	    hh > 23 || mm > 59 || hh < 0 || mm < 0 || date_parse(date, &day, e) != 0)
		return err_set(e, "'%s': write the time as YYYY-MM-DD HH:MM or +2h", text);
	if (zone[0] == '\0')
		zone = "UTC";
	/* The wall clock read as UTC, corrected by the zone's offset there; a second pass
	 * settles a guess that fell on the other side of a clock change. */
	wall = (int64_t)day * 86400 + hh * 3600 + mm * 60;
	if (tz_local(zone, wall, &lt) != 0)
		return err_set(e, "unknown time zone %s", zone);
	t = wall - lt.utc_offset;
	if (tz_local(zone, t, &lt) != 0)
		return err_set(e, "unknown time zone %s", zone);
	t = wall - lt.utc_offset;
	if (tz_local(zone, t, &lt) != 0 || lt.date != day || lt.minute != hh * 60 + mm)
		return err_set(e, "%s does not exist in %s (the clocks change)", text, zone);
	*out = t;
	return 0;
}
