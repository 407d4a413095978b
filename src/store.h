/* store.h - the local SQLite cache: open/migrate, and model structs in and out. */
#ifndef ARREARS_STORE_H
#define ARREARS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

struct store;
struct sqlite3;

enum store_mode {
	STORE_OPEN_EXISTING,	/* the file must exist already */
	STORE_CREATE,		/* create it (and its directory, 0700) when missing */
	STORE_READ_ONLY
};

/* Exit codes for a cache that cannot be opened, so scripts can tell causes apart. */
enum store_failure {
	STORE_FAIL_NONE = 0,
	STORE_FAIL_MISSING = 10,
	STORE_FAIL_NEWER = 11,
	STORE_FAIL_CORRUPT = 12,
	STORE_FAIL_LOCKED = 13,
	STORE_FAIL_READONLY = 14,
	STORE_FAIL_OTHER = 15,
	STORE_FAIL_KEY = 16	/* the seal key file is missing, wrong or unreadable */
};

/* Opens (and migrates) the cache at path. On failure *why says which kind, e says what. */
int store_open(const char *path, enum store_mode mode, struct store **out,
	       enum store_failure *why, struct err *e);

/* Closes the cache and sets *s to NULL; accepts NULL. */
void store_close(struct store **s);

/* The schema version this binary writes. */
int store_schema_version(void);

/* The underlying handle, for modules of libarrears only (never ui/). Borrowed. */
struct sqlite3 *store_db(struct store *s);

/* The path the store was opened at. Borrowed. */
const char *store_path(const struct store *s);

int store_begin(struct store *s, struct err *e);
int store_commit(struct store *s, struct err *e);
void store_rollback(struct store *s);

/* Number of accounts in the cache, or -1. */
int64_t store_account_count(struct store *s, struct err *e);

/* Loads one account by id. 0, 1 when there is no such account, or -1. */
int store_account_get(struct store *s, const char *id, struct account *out, struct err *e);

/* Calls fn with the summary of every account; the queue's start-up path, kept to the columns
 * it needs. Stops and returns fn's value when it is not 0. */
int store_summaries_scan(struct store *s, int (*fn)(void *ctx, const struct account_summary *a),
			 void *ctx, struct err *e);

/* Loads an account's contact points into a new array (*out, free with free()). */
int store_contacts_get(struct store *s, const char *account_id, struct contact_point **out,
		       size_t *n, struct err *e);

/* Loads an account's events newest first into a new array; free with events_free(). */
int store_events_get(struct store *s, const char *account_id, struct event **out, size_t *n,
		     struct err *e);

void events_free(struct event **evs, size_t n);

/* Reads and writes a key of the sync_state table (NULL/1 when missing). */
int store_state_get(struct store *s, const char *key, char *buf, size_t len, struct err *e);
int store_state_set(struct store *s, const char *key, const char *value, struct err *e);

#endif
