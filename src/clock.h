/* clock.h - the one source of "now", and UTC date/time text. */
#ifndef ARREARS_CLOCK_H
#define ARREARS_CLOCK_H

#include <stdint.h>
#include <stddef.h>

#include "err.h"

/* Seconds since the epoch, UTC. ARREARS_NOW (RFC 3339) freezes it, for tests and benches. */
int64_t clock_now(void);

/* Parses RFC 3339 ("2026-03-10T14:05:00Z", "+01:00" offsets, optional fraction). 0 or -1. */
int time_parse_rfc3339(const char *s, int64_t *out, struct err *e);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). Returns buf. */
char *time_format_rfc3339(int64_t t, char *buf, size_t len);

/* Days since 1970-01-01 of a proleptic Gregorian civil date, and back. */
int32_t date_from_civil(int y, int m, int d);
void date_to_civil(int32_t days, int *y, int *m, int *d);

/* Parses a strict "YYYY-MM-DD" that names a real day. 0 or -1. */
int date_parse(const char *s, int32_t *days, struct err *e);

/* Writes "YYYY-MM-DD" into buf (at least 11 bytes). Returns buf. */
char *date_format(int32_t days, char *buf, size_t len);

/* The UTC day number of t. */
int32_t date_of_time(int64_t t);

#endif
