/* problems.h - a list of every problem found while checking data files, so a check can report
 * them all instead of stopping at the first (each is "file:line: message"). */
#ifndef ARREARS_PROBLEMS_H
#define ARREARS_PROBLEMS_H

#include <stddef.h>

/* Owns its messages. Zero-initialise, then problems_free. */
struct problems {
	char **msg;
	size_t n, cap;
};

/* Appends a formatted message. Returns -1 so a parser can `return problems_add(...)`. */
int problems_add(struct problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Frees the messages and empties the list; the list can be used again. */
void problems_free(struct problems *p);

#endif
