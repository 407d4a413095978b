#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "settings.h"
#include "tz.h"
#include "when.h"

static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

void
when_agent_zone(const struct settings *cfg, char *buf, size_t len)
{
	const char *tz = getenv("TZ");
	char link[512], *z;
	ssize_t n;

	buf[0] = '\0';
	if (cfg->timezone[0] != '\0' && tz_valid(cfg->timezone)) {
		snprintf(buf, len, "%s", cfg->timezone);
	} else if (tz != NULL && tz_valid(tz[0] == ':' ? tz + 1 : tz)) {
		snprintf(buf, len, "%s", tz[0] == ':' ? tz + 1 : tz);
	} else if (tz == NULL && (n = readlink("/etc/localtime", link, sizeof link - 1)) > 0) {
		link[n] = '\0';
		if ((z = strstr(link, "zoneinfo/")) != NULL && tz_valid(z + 9))
			snprintf(buf, len, "%s", z + 9);
	}
}

/* The local time of t in zone, or UTC (computed, so it needs no tz database) when the zone
 * is "" or unknown. */
static void
local(const char *zone, int64_t t, struct local_time *lt)
{
	int64_t secs;

	if (zone[0] != '\0' && tz_local(zone, t, lt) == 0)
		return;
	lt->date = date_of_time(t);
	secs = t - (int64_t)lt->date * 86400;
	lt->minute = (int)(secs / 60);
	lt->second = (int)(secs % 60);
	/* 1970-01-01 was a Thursday. */
	lt->wday = (int)(((lt->date % 7) + 11) % 7);
	lt->utc_offset = 0;
}

char *
when_format(const char *zone, int64_t t, char *buf, size_t len)
{
	struct local_time lt;
	char date[16];

	if (t == 0) {
		snprintf(buf, len, "-");
		return buf;
	}
	local(zone, t, &lt);
	snprintf(buf, len, "%s %02d:%02d", date_format(lt.date, date, sizeof date),
		 lt.minute / 60, lt.minute % 60);
	return buf;
}

char *
when_clock(const char *zone, int64_t t, char *buf, size_t len)
{
	struct local_time lt;

	local(zone, t, &lt);
	snprintf(buf, len, "%s %02d:%02d", days[lt.wday], lt.minute / 60, lt.minute % 60);
	return buf;
}

char *
when_near(const char *zone, int64_t now, int64_t t, char *buf, size_t len)
{
	struct local_time lt, today;

	local(zone, t, &lt);
	local(zone, now, &today);
	/* A weekday names one day only within the coming week. */
	if (lt.date - today.date >= 0 && lt.date - today.date < 6)
		return when_clock(zone, t, buf, len);
	return when_format(zone, t, buf, len);
}
