/* store.h - the server's book behind one interface: users, sessions, login throttling,
 * accounts and their change sequence, payments, evidence and the dead-letter list.
 * Implementations keep their SQL dialect to themselves: store_sqlite.c, store_pg.c. */
#ifndef ARREARS_SERVER_STORE_H
#define ARREARS_SERVER_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"
#include "report_aging.h"
#include "server.h"
#include "wire.h"

enum server_role {
	ROLE_AGENT,
	ROLE_FIELD,
	ROLE_LEAD,
	ROLE_QA,
	ROLE_ADMIN,
	ROLE_COUNT
};

struct server_user {
	int64_t id;
	char name[32];
	enum server_role role;
	char team[32];
	char pwhash[128];	/* crypto_pwhash_STRBYTES */
};

struct server_store;
struct board_builder;

/* A chain head a device signed (docs/PROTOCOL.md "Signed chain heads"), as kept for audits;
 * event_hash is the hash the book holds at (device, seq), "" when none. */
struct server_signed_head {
	char device[40];
	int64_t seq;
	char hash[65];
	char signature[129];
	char public_key[65];
	char pushed_by[32];
	int64_t received_at;
	char event_hash[65];
};

/* The link of a blob to an account, made by an accepted attachment event. */
struct server_blob_link {
	char sha256[65];
	char account_id[ACCOUNT_ID_LEN];
	char event_id[40];
	char pushed_by[32];
	char mime[128];
	int64_t size;
};

/* Every operation returns 0 on success and -1 with e filled on failure, unless it says
 * otherwise; "1" results mean "no such thing". Writes happen inside begin/commit. */
struct server_store_ops {
	const char *name;
	void (*close)(struct server_store *s);
	int (*begin)(struct server_store *s, struct err *e);
	int (*commit)(struct server_store *s, struct err *e);
	void (*rollback)(struct server_store *s);
	/* the book's epoch, chosen at init: cursors of another epoch are refused */
	int (*epoch)(struct server_store *s, uint32_t *out, struct err *e);
	/* gives the book a new random epoch (after a restore: every client pulls anew and pushes
	 * its chain again); inside begin/commit */
	int (*epoch_renew)(struct server_store *s, uint32_t *out, struct err *e);

	/* fails when the name is taken */
	int (*user_add)(struct server_store *s, const struct server_user *u, struct err *e);
	/* 0, or 1 when there is no such user */
	int (*user_get)(struct server_store *s, const char *name, struct server_user *out,
			struct err *e);

	int (*session_add)(struct server_store *s, const char *token_hash, int64_t user_id,
			   const char *device, int64_t now, int64_t expires_at, struct err *e);
	/* the user of a live session: 0, or 1 when unknown, expired or revoked */
	int (*session_get)(struct server_store *s, const char *token_hash, int64_t now,
			   struct server_user *out, struct err *e);
	int (*session_revoke)(struct server_store *s, const char *token_hash, struct err *e);

	/* seconds a throttled key (a user or an address) must still wait, 0 when none */
	int (*throttle_get)(struct server_store *s, const char *key, int64_t now,
			    int64_t *wait, struct err *e);
	/* counts a failure; after free_tries, each further one doubles the wait */
	int (*throttle_fail)(struct server_store *s, const char *key, int64_t now, int free_tries,
			     struct err *e);
	int (*throttle_clear)(struct server_store *s, const char *key, struct err *e);

	/* inserts or updates an account: a different record gets a new version and sequence
	 * number, and an assignee change leaves a removal record for the old scope;
	 * *changed says whether anything was written */
	int (*account_put)(struct server_store *s, const struct wire_account *a, int *changed,
			   struct err *e);
	/* 0, or 1 when there is no such account; out owns contacts (wire_account_clear) */
	int (*account_get)(struct server_store *s, const char *id, struct wire_account *out,
			   struct err *e);
	/* 0 when the account exists and u may see it, 1 otherwise (missing or out of scope) */
	int (*account_visible)(struct server_store *s, const struct server_user *u,
			       const char *id, struct err *e);

	/* records a payment once per reference: *duplicate says it was already there */
	int (*payment_add)(struct server_store *s, const char *reference, const char *account_id,
			   int64_t amount, int32_t paid_on, int64_t now, int *duplicate,
			   struct err *e);

	/* up to limit changes after seq `since` in u's scope, in sequence order; *out is a new
	 * array (free each acct with wire_account_clear, then the array) */
	int (*changes)(struct server_store *s, const struct server_user *u, int64_t since,
		       size_t limit, struct wire_change **out, size_t *n, int *more,
		       struct err *e);

	/* the stored hash of an event: 0, or 1 when the id is new */
	int (*event_hash)(struct server_store *s, const char *id, char hash[65], struct err *e);
	/* a device's chain head and owner: 0, or 1 for a device never seen */
	int (*device_head)(struct server_store *s, const char *device, char owner[32],
			   int64_t *seq, char hash[65], struct err *e);
	/* stores an event and advances its device's head; flag is "" or why a lead must look */
	/* holds off every other push for these devices until this transaction ends, so a chain
	 * is checked and extended by one writer at a time (several arrearsd on one database) */
	int (*devices_lock)(struct server_store *s, const char *const *devices, size_t n,
			    struct err *e);
	int (*event_put)(struct server_store *s, const struct event *ev, const char *pushed_by,
			 int64_t received_at, const char *flag, struct err *e);
	/* applies a stored event to case state (its own step; failures go to dead letters); a
	 * failure changes nothing, so one transaction can hold the applies of a whole batch */
	int (*event_apply)(struct server_store *s, const struct event *ev, int64_t now,
			   struct err *e);
	int (*dead_letter_add)(struct server_store *s, const char *event_id, const char *reason,
			       int64_t now, struct err *e);
	/* calls fn with every stored event in (device, seq) order (the body is borrowed for the
	 * call), the refused ones (kept only as links of their chain, never applied) too when
	 * with_refused; stops and returns fn's value when it is not 0 */
	int (*events_scan)(struct server_store *s, bool with_refused,
			   int (*fn)(void *ctx, const struct event *ev), void *ctx, struct err *e);

	/* a device's registered public key (hex) and the user who registered it: 0, or 1 when
	 * the device has none */
	int (*device_key_get)(struct server_store *s, const char *device, char key[65],
			      char user[32], struct err *e);
	/* registers a key for a device that has none */
	int (*device_key_add)(struct server_store *s, const char *device, const char *key,
			      const char *user, int64_t now, struct err *e);
	/* forgets a device's key (an admin's reset): 0, or 1 when it had none */
	int (*device_key_reset)(struct server_store *s, const char *device, struct err *e);
	/* keeps a verified signed head with the key it verified against */
	int (*signed_head_add)(struct server_store *s, const struct server_signed_head *h,
			       struct err *e);
	/* calls fn with every signed head of device (all devices when NULL) in (device, seq)
	 * order; stops and returns fn's value when it is not 0 */
	int (*signed_heads_scan)(struct server_store *s, const char *device,
				 int (*fn)(void *ctx, const struct server_signed_head *h),
				 void *ctx, struct err *e);
	/* links a blob to the account of an accepted attachment event */
	int (*blob_link_add)(struct server_store *s, const struct server_blob_link *l,
			     struct err *e);
	/* whether u may see the blob: 0 with its link in out (size, mime), 1 when no link is
	 * in u's scope or pushed by u */
	int (*blob_access)(struct server_store *s, const struct server_user *u, const char *sha256,
			   struct server_blob_link *out, struct err *e);
	/* hands fn the aging aggregate of the book (every account when team is NULL, else the
	 * accounts assigned to team's members), grouped by `by`: one row per group, currency and
	 * due date, without movement; stops at fn's first failure. Refuses AGING_BY_SEGMENT,
	 * which the book does not hold */
	int (*aging_scan)(struct server_store *s, const char *team, enum aging_by by,
			  aging_row_fn fn, void *ctx, struct err *e);
	/* feeds the board builder (src/board.h) of day today: the users (of team, or all when
	 * team is NULL) with their teams, their accounts' due dates and the events since
	 * BOARD_SCAN_DAYS before today */
	int (*board_scan)(struct server_store *s, const char *team, int32_t today,
			  struct board_builder *bb, struct err *e);
	/* hands fn each user who works cases (agent, field, lead) of team, or of every team when
	 * team is NULL, by name; fn's non-zero return stops the scan and is returned */
	int (*roster_scan)(struct server_store *s, const char *team,
			   int (*fn)(void *ctx, const struct server_user *u), void *ctx,
			   struct err *e);
};

struct server_store {
	const struct server_store_ops *ops;
};

enum server_store_mode {
	SERVER_STORE_INIT,	/* create a new book; refuse an existing one */
	SERVER_STORE_OPEN	/* open an existing book */
};

/* Opens the book the configuration names: the SQLite file `database`, or, with
 * store = "postgresql", the database of `conninfo`. */
int server_store_open(const struct server_config *c, enum server_store_mode mode,
		      struct server_store **out, struct err *e);

/* The book as messages name it: the SQLite path, or "postgresql database NAME" (never the
 * whole connection string, which may hold a password). Borrowed from c or a static buffer. */
const char *server_book_name(const struct server_config *c);

/* Closes a book and sets *s to NULL; accepts NULL. */
void server_store_close(struct server_store **s);

/* How a refused event is flagged (its flag starts so): kept as a link of its device's chain,
 * never applied, left out of every figure. Both stores' SQL tests it with this pattern. */
#define SERVER_REFUSED_PREFIX "refused: "
#define SERVER_NOT_REFUSED_SQL "flag NOT LIKE 'refused: %'"

/* A random epoch for a book: never 0 (on the wire "no cursor yet") nor old. */
uint32_t server_epoch_pick(uint32_t old);

/* Role names as the command line and the wire spell them; -1 when unknown. */
const char *server_role_name(enum server_role r);
int server_role_parse(const char *s);

/* The SQLite implementation. */
int store_sqlite_open(const char *path, enum server_store_mode mode, struct server_store **out,
		      struct err *e);

/* The PostgreSQL implementation, over a libpq connection string. */
int store_pg_open(const char *conninfo, enum server_store_mode mode, struct server_store **out,
		  struct err *e);

/* An account as both stores keep it: its wire record without the version, canonical JSON
 * text (a new string), so a change is found by comparing texts. NULL with e filled. */
char *store_record_text(const struct wire_account *a, struct err *e);

/* Reads a stored record back with its version into out (wire_account_clear it). */
int store_record_read(const char *text, int64_t version, struct wire_account *out,
		      struct err *e);

#endif
