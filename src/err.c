#include "config.h"

#include <stdio.h>
#include <string.h>

#include "err.h"

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

int
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[sizeof e->msg];
	va_list ap;
	int n;

	if (e == NULL)
		return -1;
	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n + 2 >= sizeof e->msg)
		return -1;
	/* the old message follows the prefix, cut to what still fits */
	memcpy(e->msg + n, ": ", 2);
	n += 2;
	size_t room = sizeof e->msg - (size_t)n - 1, len = strnlen(old, sizeof old - 1);
	if (len > room)
		len = room;
	memcpy(e->msg + n, old, len);
	e->msg[(size_t)n + len] = '\0';
	return -1;
}
