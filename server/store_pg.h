/* store_pg.h - what the PostgreSQL store's files share: its advisory locks and the schema. */
#ifndef ARREARS_SERVER_STORE_PG_H
#define ARREARS_SERVER_STORE_PG_H

#include <libpq-fe.h>

#include "err.h"
#include "store.h"

/* Transaction-level advisory locks, in pg_advisory_xact_lock's two-key form: the first key
 * says what kind of thing is locked, so the book's locks never meet another program's. */
#define PG_LOCK_BOOK 0x61727264		/* "arrd": one lock per job, the second key below */
#define PG_LOCK_DEVICE 0x61727265	/* "arre": one lock per device, by a hash of its name */
enum {
	PG_LOCK_MIGRATE = 1,	/* creating or upgrading the schema */
	PG_LOCK_APPLY = 2	/* applying events to case state */
};

/* Creates the book (SERVER_STORE_INIT: refuses one that exists) or opens it, bringing an
 * older schema up to date; both under PG_LOCK_MIGRATE in one transaction, so several
 * arrearsd starting together migrate once. `where` names the database in messages. */
int pg_book_prepare(PGconn *conn, enum server_store_mode mode, const char *where,
		    struct err *e);

#endif
