#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "money.h"

/* Largest amount accepted: keeps every sum over a large book far from int64 overflow. */
#define MONEY_MAX_UNITS 1000000000000LL

int
money_parse(const char *s, int64_t *cents, struct err *e)
{
	const char *p = s;
	int64_t units = 0, frac = 0;
	int sign = 1, digits = 0, decimals = 0, group = -1;

	if (s == NULL || *s == '\0')
		return err_set(e, "an amount is required");
	if (*p == '-') {
		sign = -1;
		p++;
	}
	for (; *p != '\0' && *p != '.'; p++) {
		if (*p == ',') {
			/* thousands separators must sit every three digits: "1,234" not "12,34" */
			if (digits == 0 || (group >= 0 && group != 3) || (group < 0 && digits > 3))
				goto bad;
			group = 0;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			goto bad;
		units = units * 10 + (*p - '0');
		digits++;
		if (group >= 0)
			group++;
		if (units > MONEY_MAX_UNITS)
			return err_set(e, "'%s' is too large", s);
	}
	if (digits == 0 || (group >= 0 && group != 3))
		goto bad;
	if (*p == '.') {
		for (p++; *p != '\0'; p++) {
			if (!isdigit((unsigned char)*p))
				goto bad;
			if (++decimals > 2)
				return err_set(e, "'%s' has more than 2 decimals", s);
			frac = frac * 10 + (*p - '0');
		}
		if (decimals == 0)
			goto bad;
		if (decimals == 1)
			frac *= 10;
	}
	*cents = sign * (units * 100 + frac);
	return 0;
bad:
	return err_set(e, "'%s' is not an amount (e.g. 1234.56)", s);
}

char *
money_format(int64_t cents, char *buf, size_t len, int grouped)
{
	char digits[32], out[48];
	uint64_t v = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
	int n, o = 0;

	n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)(v / 100));
	if (cents < 0)
		out[o++] = '-';
	for (int i = 0; i < n; i++) {
		if (grouped && i > 0 && (n - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = digits[i];
	}
	snprintf(out + o, sizeof out - (size_t)o, ".%02u", (unsigned)(v % 100));
	snprintf(buf, len, "%s", out);
	return buf;
}
