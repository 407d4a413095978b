/* err.h - error reporting for libarrears: core code never prints, it fills a struct err. */
#ifndef ARREARS_ERR_H
#define ARREARS_ERR_H

#include <stdarg.h>

struct err {
	char msg[512];
};

/* Formats a message into e (e may be NULL); always returns -1 so callers can `return err_set(...)`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes e's message with "prefix: ", for adding context on the way up. Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
