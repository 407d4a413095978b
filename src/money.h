/* money.h - amounts are integer minor units (cents); never floating point. */
#ifndef ARREARS_MONEY_H
#define ARREARS_MONEY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Parses "1234", "1234.5", "1,234.56" or "-12.00" (at most 2 decimals) into cents. 0 or -1. */
int money_parse(const char *s, int64_t *cents, struct err *e);

/* Writes cents as "1,234.56" (grouped) or "1234.56" (plain) into buf. Returns buf. */
char *money_format(int64_t cents, char *buf, size_t len, int grouped);

#endif
