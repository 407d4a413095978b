/* book_admin.h - backing up a SQLite book while it serves, and the book's epoch. */
#ifndef ARREARS_SERVER_BOOK_ADMIN_H
#define ARREARS_SERVER_BOOK_ADMIN_H

#include <stdint.h>

#include "err.h"
#include "server.h"

/* Writes a consistent copy of the SQLite book into dst (which must not exist), durable when
 * this returns 0; the PostgreSQL store is refused with what to use instead. 0 or -1. */
int book_backup(const struct server_config *c, const char *dst, struct err *e);

/* The book's epoch into out; with renew, a new one first (one transaction). 0 or -1. */
int book_epoch(const struct server_config *c, int renew, uint32_t *out, struct err *e);

#endif
