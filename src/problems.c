/* problems.c - see problems.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "problems.h"

int
problems_add(struct problems *p, const char *fmt, ...)
{
	va_list ap;
	char *m;

	va_start(ap, fmt);
	if (vasprintf(&m, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		if ((p->msg = realloc(p->msg, p->cap * sizeof *p->msg)) == NULL)
			abort();
	}
	p->msg[p->n++] = m;
	return -1;
}

void
problems_free(struct problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->msg[i]);
	free(p->msg);
	*p = (struct problems){ 0 };
}
