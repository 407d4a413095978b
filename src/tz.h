/* tz.h - local time in an IANA zone through the C library's tz database. */
#ifndef ARREARS_TZ_H
#define ARREARS_TZ_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

struct local_time {
	int32_t date;	/* days since 1970-01-01 in the zone */
	int minute;	/* minute of the day, 0..1439 */
	int second;
	int wday;	/* 0 = Sunday */
	int utc_offset;	/* seconds east of UTC */
};

/* True when name is a zone the tz database knows (a file under the zoneinfo directory). */
bool tz_valid(const char *name);

/* The local time of t in zone name. Returns 0, or -1 when the zone is unknown.
 * The C library reads zones only through TZ, so this leaves TZ set to the last zone asked
 * about (restoring it would reread the zone file on every call): code that wants the
 * process's own local time must use tz_local with that zone too, never localtime(). */
int tz_local(const char *name, int64_t t, struct local_time *out);

/* Parses a time the agent types: "YYYY-MM-DD HH:MM" in zone (the agent's), or a delay from now
 * such as "+2h", "+30m" or "+1d". A local time that the zone skips (a clock change) is an
 * error, so a callback never silently moves by an hour. 0 or -1. */
int tz_parse_when(const char *zone, const char *text, int64_t now, int64_t *out, struct err *e);

#endif
