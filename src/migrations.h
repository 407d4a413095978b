/* migrations.h - the numbered schema migrations compiled in from data/migrations. */
#ifndef ARREARS_MIGRATIONS_H
#define ARREARS_MIGRATIONS_H

#include "err.h"

struct sqlite3;

/* Number of migrations this binary knows: the schema version it writes. */
int migrations_count(void);

/* Reads db's schema version (PRAGMA user_version). 0 or -1. */
int migrations_version(struct sqlite3 *db, int *version, struct err *e);

/* Brings db from its user_version up to migrations_count(), each step in its own
 * transaction. Refuses a database newer than the binary (*newer set). 0 or -1. */
int migrations_apply(struct sqlite3 *db, int *newer, struct err *e);

#endif
