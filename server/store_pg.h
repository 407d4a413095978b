/* store_pg.h - what the PostgreSQL store's files share: the connection, its statements and the
 * helpers that run them (store_pg.c), the statements' text (store_pg_sql.c), the scans and
 * reports (store_pg_read.c), the advisory locks and the schema (store_pg_schema.c). */
#ifndef ARREARS_SERVER_STORE_PG_H
#define ARREARS_SERVER_STORE_PG_H

#include <libpq-fe.h>
#include <stdint.h>

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

/* Every statement of the store, prepared once per connection on first use. */
enum pg_query {
	PGQ_EPOCH,
	PGQ_EPOCH_SET,
	PGQ_SEQ_LOCK,
	PGQ_NEXT_SEQ,
	PGQ_SEQ_SET,
	PGQ_XACT_LOCK,
	PGQ_USER_ADD,
	PGQ_USER_GET,
	PGQ_SESSION_ADD,
	PGQ_SESSION_GET,
	PGQ_SESSION_REVOKE,
	PGQ_THROTTLE_GET,
	PGQ_THROTTLE_FAIL,
	PGQ_THROTTLE_CLEAR,
	PGQ_ACCOUNT_GET,
	PGQ_ACCOUNT_INSERT,
	PGQ_ACCOUNT_UPDATE,
	PGQ_DEPARTURE_ADD,
	PGQ_VISIBLE_OWN,
	PGQ_VISIBLE_TEAM,
	PGQ_VISIBLE_ALL,
	PGQ_CHANGES_OWN,
	PGQ_CHANGES_TEAM,
	PGQ_CHANGES_ALL,
	PGQ_PAYMENT_ADD,
	PGQ_EVENT_HASH,
	PGQ_DEVICE_HEAD,
	PGQ_EVENT_PUT,
	PGQ_DEVICE_ADVANCE,
	PGQ_ACCOUNT_EXISTS,
	PGQ_CASE_APPLY,
	PGQ_DEAD_LETTER,
	PGQ_EVENTS_SCAN,
	PGQ_EVENTS_SCAN_APPLIED,
	PGQ_DEVICE_KEY_GET,
	PGQ_DEVICE_KEY_ADD,
	PGQ_DEVICE_KEY_RESET,
	PGQ_SIGNED_HEAD_ADD,
	PGQ_SIGNED_HEADS,
	PGQ_BLOB_LINK_ADD,
	PGQ_BLOB_LINKS,
	PGQ_AGING,
	PGQ_BOARD_USERS,
	PGQ_BOARD_ACCOUNTS,
	PGQ_BOARD_EVENTS,
	PGQ_ROSTER,
	PGQ_COUNT
};

struct pg_query_def {
	const char *sql;
	int nparams;	/* the values a call passes, $1 to $nparams */
};

extern const struct pg_query_def pg_queries[PGQ_COUNT];

struct pg_store {
	struct server_store base;	/* first, so the interface pointer is this one */
	PGconn *conn;
	unsigned char prepared[PGQ_COUNT];
	int in_tx;		/* between begin and commit or rollback */
	int seq_locked;		/* this transaction holds the sequence row */
	int64_t seq_last;	/* ... whose value, as this transaction moves it on */
	int seq_moved;		/* ... and has taken numbers: written back before COMMIT */
	int apply_locked;	/* this transaction holds PG_LOCK_APPLY */
	int scans;		/* cursors open, so nested scans get names of their own */
	int reading;		/* in a scan's own read-only transaction: nothing to lock */
	char where[160];	/* the database in messages; never the connection string */
};

/* The store behind the interface pointer. */
struct pg_store *pg_impl(struct server_store *s);

/* v as decimal text in buf, for a statement's values; returns buf. */
const char *pg_i64(char buf[24], int64_t v);

/* A column as a number (0 when NULL), or copied into buf (truncated; "" when NULL). */
int64_t pg_col_i64(const PGresult *r, int row, int col);
void pg_col_copy(const PGresult *r, int row, int col, char *buf, size_t len);

/* Runs q with its values (text; NULL is SQL NULL): the result (PQclear it), or NULL with e
 * filled. */
PGresult *pg_run(struct pg_store *s, enum pg_query q, const char *const *vals, struct err *e);

/* Runs q for at most one row: 0 with *out (PQclear it), 1 for no row, -1 with e filled. */
int pg_run_row(struct pg_store *s, enum pg_query q, const char *const *vals, PGresult **out,
	       struct err *e);

/* Hands fn each row of q through a cursor, a thousand at a time, so fn may run statements of
 * its own; outside a transaction on one read-only snapshot. fn's non-zero return stops the
 * scan and is returned. */
int pg_scan(struct pg_store *s, enum pg_query q, const char *const *vals,
	    int (*fn)(void *ctx, const PGresult *r, int row), void *ctx, struct err *e);

/* A user from the columns id, name, role, team, pwhash. */
void pg_user_row(const PGresult *r, int row, struct server_user *out);

/* The ops of store_pg_read.c, and the scope check they share (server_store_ops in store.h). */
int pg_account_visible(struct server_store *base, const struct server_user *u, const char *id,
		       struct err *e);
int pg_events_scan(struct server_store *base, bool with_refused,
		   int (*fn)(void *ctx, const struct event *ev), void *ctx, struct err *e);
int pg_signed_heads_scan(struct server_store *base, const char *device,
			 int (*fn)(void *ctx, const struct server_signed_head *h), void *ctx,
			 struct err *e);
int pg_blob_access(struct server_store *base, const struct server_user *u, const char *sha256,
		   struct server_blob_link *out, struct err *e);
int pg_aging_scan(struct server_store *base, const char *team, enum aging_by by,
		  aging_row_fn fn, void *ctx, struct err *e);
int pg_board_scan(struct server_store *base, const char *team, int32_t today,
		  struct board_builder *bb, struct err *e);
int pg_roster_scan(struct server_store *base, const char *team,
		   int (*fn)(void *ctx, const struct server_user *u), void *ctx, struct err *e);

/* Creates the book (SERVER_STORE_INIT: refuses one that exists) or opens it, bringing an
 * older schema up to date; both under PG_LOCK_MIGRATE in one transaction, so several
 * arrearsd starting together migrate once. `where` names the database in messages. */
int pg_book_prepare(PGconn *conn, enum server_store_mode mode, const char *where,
		    struct err *e);

#endif
