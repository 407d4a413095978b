#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

int64_t
clock_now(void)
{
	const char *frozen = getenv("ARREARS_NOW");
	int64_t t;

	if (frozen != NULL && *frozen != '\0' && time_parse_rfc3339(frozen, &t, NULL) == 0)
		return t;
	return (int64_t)time(NULL);
}

/* Howard Hinnant's days_from_civil: exact for every proleptic Gregorian date. */
int32_t
date_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int32_t)doe - 719468;
}

void
date_to_civil(int32_t z, int *y, int *m, int *d)
{
	z += 719468;
	int era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)yoe + era * 400 + (*m <= 2);
}

static int
days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads exactly n digits at *p into *out, advancing *p. */
static int
read_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int
parse_date_part(const char **p, int *y, int *m, int *d)
{
	if (read_digits(p, 4, y) || **p != '-')
		return -1;
	(*p)++;
	if (read_digits(p, 2, m) || **p != '-')
		return -1;
	(*p)++;
	if (read_digits(p, 2, d))
		return -1;
	if (*m < 1 || *m > 12 || *d < 1 || *d > days_in_month(*y, *m))
		return -1;
	return 0;
}

int
date_parse(const char *s, int32_t *days, struct err *e)
{
	const char *p = s;
	int y, m, d;

	if (s == NULL || parse_date_part(&p, &y, &m, &d) != 0 || *p != '\0')
		return err_set(e, "'%s' is not a date (YYYY-MM-DD)", s ? s : "");
	*days = date_from_civil(y, m, d);
	return 0;
}

int
time_parse_rfc3339(const char *s, int64_t *out, struct err *e)
{
	const char *p = s;
	int y, mo, d, h, mi, sec, oh, om;
	int64_t offset = 0;

	if (s == NULL || parse_date_part(&p, &y, &mo, &d) != 0 || (*p != 'T' && *p != 't' && *p != ' '))
		goto bad;
	p++;
	if (read_digits(&p, 2, &h) || *p++ != ':' || read_digits(&p, 2, &mi) || *p++ != ':' ||
	    read_digits(&p, 2, &sec))
		goto bad;
	if (h > 23 || mi > 59 || sec > 60)
		goto bad;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			goto bad;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		p++;
		if (read_digits(&p, 2, &oh) || *p++ != ':' || read_digits(&p, 2, &om) || oh > 23 || om > 59)
			goto bad;
		offset = sign * (oh * 3600 + om * 60);
	} else {
		goto bad;
	}
	if (*p != '\0')
		goto bad;
	if (sec == 60)
		sec = 59;	/* a leap second is read as the second before it */
	*out = (int64_t)date_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
	return 0;
bad:
	return err_set(e, "'%s' is not an RFC 3339 time (e.g. 2026-03-10T14:05:00Z)", s ? s : "");
}

int32_t
date_of_time(int64_t t)
{
	int64_t d = t / 86400;
	if (t < 0 && t % 86400 != 0)
		d--;
	return (int32_t)d;
}

char *
time_format_rfc3339(int64_t t, char *buf, size_t len)
{
	int32_t days = date_of_time(t);
	int64_t rem = t - (int64_t)days * 86400;
	int y, m, d;

	date_to_civil(days, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rem / 3600),
		 (int)(rem / 60 % 60), (int)(rem % 60));
	return buf;
}

char *
date_format(int32_t days, char *buf, size_t len)
{
	int y, m, d;

	date_to_civil(days, &y, &m, &d);
	snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
	return buf;
}
