/* xalloc.h - allocation that cannot fail: out of memory aborts, as everywhere in arrears (a
 * half-built object is worse than a clean stop; evidence is already durable). */
#ifndef ARREARS_XALLOC_H
#define ARREARS_XALLOC_H

#include <stddef.h>

char *xstrdup(const char *s);
void *xcalloc(size_t n, size_t size);

#endif
