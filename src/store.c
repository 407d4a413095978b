#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrations.h"
#include "paths.h"
#include "seal.h"
#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
	struct seal *seal;
};

static enum store_failure
failure_of(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return STORE_FAIL_CORRUPT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return STORE_FAIL_LOCKED;
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		return STORE_FAIL_READONLY;
	default:
		return STORE_FAIL_OTHER;
	}
}

static const char *
failure_text(enum store_failure f)
{
	switch (f) {
	case STORE_FAIL_CORRUPT:
		return "not an arrears cache or damaged";
	case STORE_FAIL_LOCKED:
		return "locked by another program";
	case STORE_FAIL_READONLY:
		return "cannot be written";
	default:
		return "cannot be opened";
	}
}

/* Checks up front what SQLite would only report late or vaguely: a missing file, or a file or
 * directory we may not write (WAL needs to create files beside the cache). */
static int
check_path(const char *path, enum store_mode mode, enum store_failure *why, struct err *e)
{
	char dir[4096];
	struct stat st;

	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			*why = STORE_FAIL_OTHER;
			return err_set(e, "%s: not a regular file", path);
		}
		if (mode != STORE_READ_ONLY && access(path, W_OK) != 0) {
			*why = STORE_FAIL_READONLY;
			return err_set(e, "%s: %s (use a writable cache)", path, strerror(errno));
		}
	} else if (mode != STORE_CREATE) {
		*why = STORE_FAIL_MISSING;
		return err_set(e, "%s: no cache here (create one with 'arrears demo' or 'arrears sync')",
			       path);
	}
	if (mode == STORE_READ_ONLY)
		return 0;
	if (paths_dirname(path, dir, sizeof dir) != 0 || paths_mkdir_p(dir, 0700, e) != 0) {
		*why = STORE_FAIL_READONLY;
		return err_prefix(e, "%s", path);
	}
	if (access(dir, W_OK) != 0) {
		*why = STORE_FAIL_READONLY;
		return err_set(e, "%s: directory %s is not writable", path, dir);
	}
	return 0;
}

static int
exec(sqlite3 *db, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, "%s", msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* The check of the key the cache was sealed under: 0 with it in buf, 1 when the cache was never
 * sealed, -1. */
static int
seal_check_get(sqlite3 *db, char buf[SEAL_CHECK_HEX], struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT value FROM sync_state WHERE key = 'seal_check'", -1, &st,
			       NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		snprintf(buf, SEAL_CHECK_HEX, "%s", (const char *)sqlite3_column_text(st, 0));
	else if (rc != SQLITE_DONE)
		err_set(e, "%s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Seals in place every personal value still in plain text (a cache made before sealing, or a
 * new one), and records the key's check, in one transaction. secure_delete makes SQLite zero
 * the space the plain text leaves, so none of it lingers in free pages. The events triggers
 * refuse every UPDATE, so the no-update trigger is set aside and put back, as it was, inside
 * the same transaction. */
static int
seal_in_place(sqlite3 *db, const struct seal *k, struct err *e)
{
	char check[SEAL_CHECK_HEX], *sql, *trigger = NULL;
	sqlite3_stmt *st = NULL;
	int rc = -1;

	seal_check(k, check);
	if (exec(db, "PRAGMA secure_delete = ON; BEGIN IMMEDIATE; "
		     "UPDATE parties SET name = seal(name) WHERE typeof(name) = 'text'; "
		     "UPDATE contact_points SET value = seal(value) WHERE typeof(value) = 'text'",
		 e) != 0)
		goto out;
	if (sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND "
			       "name = 'events_no_update' AND EXISTS (SELECT 1 FROM events WHERE "
			       "typeof(body) = 'text')", -1, &st, NULL) != SQLITE_OK) {
		err_set(e, "%s", sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_step(st) == SQLITE_ROW &&
	    (trigger = strdup((const char *)sqlite3_column_text(st, 0))) == NULL)
		abort();
	sqlite3_finalize(st);
	if (trigger != NULL &&
	    (exec(db, "DROP TRIGGER events_no_update; "
		      "UPDATE events SET body = seal(body) WHERE typeof(body) = 'text'", e) != 0 ||
	     exec(db, trigger, e) != 0))
		goto out;
	if ((sql = sqlite3_mprintf("INSERT INTO sync_state(key, value) VALUES('seal_check', %Q) "
				   "ON CONFLICT(key) DO UPDATE SET value = excluded.value; COMMIT",
				   check)) == NULL)
		abort();
	rc = exec(db, sql, e);
	sqlite3_free(sql);
out:
	if (rc != 0)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	free(trigger);
	sqlite3_exec(db, "PRAGMA secure_delete = OFF", NULL, NULL, NULL);
	/* The plain text's old pages sit in the WAL until a checkpoint copies the sealed ones over. */
	if (rc == 0)
		sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	return rc;
}

/* Loads the key the cache's personal data is sealed under and registers seal()/unseal() on
 * db. A cache in memory gets a key in memory; a cache never sealed gets the key file made (on
 * first use) and is sealed in place, unless it is opened read-only. */
static int
seal_setup(sqlite3 *db, const char *path, enum store_mode mode, struct seal **out,
	   enum store_failure *why, struct err *e)
{
	char key_path[4200], want[SEAL_CHECK_HEX], have[SEAL_CHECK_HEX];
	int sealed, rc;

	*out = NULL;
	*why = STORE_FAIL_KEY;
	if ((sealed = seal_check_get(db, want, e)) == -1) {
		*why = failure_of(sqlite3_errcode(db));
		return -1;
	}
	if (sealed == 1 && mode == STORE_READ_ONLY) {
		/* Reading never writes, so a cache from before sealing cannot be sealed here. */
		*why = STORE_FAIL_OTHER;
		return err_set(e, "%s: its personal data is not sealed yet; open it once with the "
			       "workstation to seal it", path);
	}
	if (path[0] == '\0' || strcmp(path, ":memory:") == 0)
		*out = seal_ephemeral();
	else if (seal_key_path(path, key_path, sizeof key_path) != 0)
		return err_set(e, "%s: path too long for its seal key", path);
	else if ((rc = seal_load(key_path, sealed == 1, out, e)) == -1)
		return -1;
	else if (rc == 1)
		return err_set(e, "%s: seal key missing; the names, contact points and notes in %s are "
			       "sealed under it (restore that file, or move the cache aside and pull "
			       "a new one with 'arrears sync')", key_path, path);
	if (sealed == 0) {
		seal_check(*out, have);
		if (strcmp(have, want) != 0) {
			err_set(e, "%s: wrong seal key for %s (the cache was sealed under another key)",
				seal_key_file(*out), path);
			goto fail;
		}
	}
	if (seal_register(db, *out, e) != 0) {
		*why = STORE_FAIL_OTHER;
		goto fail;
	}
	if (sealed == 1 && seal_in_place(db, *out, e) != 0) {
		*why = failure_of(sqlite3_errcode(db));
		err_prefix(e, "%s: sealing its personal data", path);
		goto fail;
	}
	*why = STORE_FAIL_NONE;
	return 0;
fail:
	seal_free(out);
	return -1;
}

int
store_open(const char *path, enum store_mode mode, struct store **out, enum store_failure *why,
	   struct err *e)
{
	struct seal *seal = NULL;
	enum store_failure dummy;
	sqlite3 *db = NULL;
	int flags, rc, newer;
	mode_t old_umask;

	*out = NULL;
	if (why == NULL)
		why = &dummy;
	*why = STORE_FAIL_NONE;
	if (check_path(path, mode, why, e) != 0)
		return -1;

	/* One connection per thread: SQLite's own per-call locking would only cost time. */
	flags = (mode == STORE_READ_ONLY ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		SQLITE_OPEN_NOMUTEX;
	if (mode == STORE_CREATE)
		flags |= SQLITE_OPEN_CREATE;
	old_umask = umask(077);	/* personal data: the cache and its WAL are 0600 */
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	umask(old_umask);
	if (rc != SQLITE_OK) {
		*why = failure_of(rc);
		err_set(e, "%s: %s (%s)", path, failure_text(*why), sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, 1000);

	/* The first real read tells a corrupt or foreign file apart before anything is written. */
	rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		*why = failure_of(rc);
		err_set(e, "%s: %s (%s)", path, failure_text(*why), sqlite3_errmsg(db));
		sqlite3_close(db);
		return -1;
	}
	if (mode != STORE_READ_ONLY) {
		old_umask = umask(077);
		rc = exec(db, "PRAGMA journal_mode=WAL", e);
		umask(old_umask);
		if (rc != 0 || exec(db, "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON", e) != 0) {
			*why = failure_of(sqlite3_errcode(db));
			err_prefix(e, "%s: %s", path, failure_text(*why));
			sqlite3_close(db);
			return -1;
		}
	}
	if (mode == STORE_READ_ONLY) {
		/* Reading never writes, so an older schema cannot be brought up to date here. */
		int version = 0;
		if (migrations_version(db, &version, e) != 0 || version != migrations_count()) {
			*why = version > migrations_count() ? STORE_FAIL_NEWER : STORE_FAIL_OTHER;
			if (version > migrations_count())
				err_set(e, "%s: made by a newer arrears (schema %d; this one knows up to %d)",
					path, version, migrations_count());
			else if (version < migrations_count())
				err_set(e, "%s: schema %d is older than this arrears (%d); open it once "
					"with the workstation to upgrade it", path, version, migrations_count());
			else
				err_prefix(e, "%s", path);
			sqlite3_close(db);
			return -1;
		}
	} else if (migrations_apply(db, &newer, e) != 0) {
		*why = newer ? STORE_FAIL_NEWER : failure_of(sqlite3_errcode(db));
		err_prefix(e, "%s", path);
		sqlite3_close(db);
		return -1;
	}
	if (seal_setup(db, path, mode, &seal, why, e) != 0) {
		sqlite3_close(db);
		return -1;
	}
	*out = calloc(1, sizeof **out);
	if (*out == NULL || ((*out)->path = strdup(path)) == NULL)
		abort();
	(*out)->db = db;
	(*out)->seal = seal;
	return 0;
}

void
store_close(struct store **s)
{
	if (s == NULL || *s == NULL)
		return;
	sqlite3_close((*s)->db);
	seal_free(&(*s)->seal);
	free((*s)->path);
	free(*s);
	*s = NULL;
}

int
store_schema_version(void)
{
	return migrations_count();
}

struct sqlite3 *
store_db(struct store *s)
{
	return s->db;
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

int
store_begin(struct store *s, struct err *e)
{
	return exec(s->db, "BEGIN IMMEDIATE", e);
}

int
store_commit(struct store *s, struct err *e)
{
	return exec(s->db, "COMMIT", e);
}

void
store_rollback(struct store *s)
{
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
prepare(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	return 0;
}

int64_t
store_account_count(struct store *s, struct err *e)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (prepare(s, "SELECT count(*) FROM accounts", &st, e) != 0)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return n;
}

/* Copies a text column into a fixed buffer, cut at a UTF-8 character boundary when too long.
 * (memcpy, not snprintf: the queue copies a million of these at start-up.) */
static void
copy_text(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);

	if (t == NULL)
		n = 0;
	if (n >= len) {
		n = len - 1;
		while (n > 0 && (t[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, t ? (const char *)t : "", n);
	dst[n] = '\0';
}

#define ACCOUNT_COLUMNS                                                                          \
	"a.id, a.ext_id, unseal(p.name, 'parties', p.id), a.product, a.currency, a.profile, "   \
	"a.region, a.segment, "                                                                 \
	"coalesce(s.assignee, ''), p.zones, a.opened_on, a.due_date, b.principal, b.fees, "     \
	"b.past_due, b.total, b.amount_due, a.risk, a.flags, a.last_attempt_at, "               \
	"a.last_contact_at, a.callback_at, a.ptp_state, a.ptp_amount, a.ptp_due "               \
	"FROM accounts a JOIN parties p ON p.id = a.party_id JOIN balances b ON b.account_id = a.id " \
	"LEFT JOIN assignments s ON s.account_id = a.id "

static void
account_from_row(sqlite3_stmt *st, struct account *a)
{
	int c = 0;

	a->rowid = sqlite3_column_int64(st, c++);
	copy_text(a->id, sizeof a->id, st, c++);
	copy_text(a->name, sizeof a->name, st, c++);
	a->product = (enum product)sqlite3_column_int(st, c++);
	copy_text(a->currency, sizeof a->currency, st, c++);
	copy_text(a->profile, sizeof a->profile, st, c++);
	copy_text(a->region, sizeof a->region, st, c++);
	copy_text(a->segment, sizeof a->segment, st, c++);
	copy_text(a->assignee, sizeof a->assignee, st, c++);
	copy_text(a->zones, sizeof a->zones, st, c++);
	a->opened_on = sqlite3_column_int(st, c++);
	a->due_date = sqlite3_column_int(st, c++);
	a->principal = sqlite3_column_int64(st, c++);
	a->fees = sqlite3_column_int64(st, c++);
	a->past_due = sqlite3_column_int64(st, c++);
	a->total = sqlite3_column_int64(st, c++);
	a->amount_due = sqlite3_column_int64(st, c++);
	a->risk = sqlite3_column_int(st, c++);
	a->flags = (unsigned)sqlite3_column_int(st, c++);
	a->last_attempt_at = sqlite3_column_int64(st, c++);
	a->last_contact_at = sqlite3_column_int64(st, c++);
	a->callback_at = sqlite3_column_int64(st, c++);
	a->ptp_state = (enum ptp_state)sqlite3_column_int(st, c++);
	a->ptp_amount = sqlite3_column_int64(st, c++);
	a->ptp_due = sqlite3_column_int(st, c++);
}

int
store_account_get(struct store *s, const char *id, struct account *out, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "SELECT " ACCOUNT_COLUMNS "WHERE a.ext_id = ?", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		account_from_row(st, out);
	else if (rc != SQLITE_DONE)
		err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

/* Rows per batch of store_summaries_scan. */
#define SCAN_BATCH 2048

struct scan_batch {
	const struct seal *seal;
	struct account_summary rows[SCAN_BATCH];
	struct seal_job jobs[SCAN_BATCH];
	size_t at[SCAN_BATCH];		/* each sealed name's offset in arena */
	int64_t party[SCAN_BATCH];
	unsigned char *arena;
	size_t n, used, cap;
	long bad;			/* the first job that did not open, or -1 */
};

/* Opens a batch's names; a thread's body, or called in place. */
static void *
scan_open(void *arg)
{
	struct scan_batch *b = arg;

	for (size_t i = 0; i < b->n; i++)
		b->jobs[i].c = b->arena + b->at[i];
	b->bad = seal_open_jobs(b->seal, b->jobs, b->n);
	return NULL;
}

/* Hands an opened batch's rows to fn, in order, and empties it. fn's value, or -1. */
static int
scan_hand(struct store *s, struct scan_batch *b, int (*fn)(void *, const struct account_summary *),
	  void *ctx, struct err *e)
{
	int ret = 0;

	if (b->bad >= 0)
		ret = err_set(e, "%s: parties row %lld: sealed value fails authentication (damaged, "
			      "or not sealed under %s)", s->path, (long long)b->party[b->bad],
			      seal_key_file(s->seal));
	for (size_t i = 0; i < b->n && ret == 0; i++)
		ret = fn(ctx, &b->rows[i]);
	b->n = b->used = 0;
	return ret;
}

/* Adds the statement's row to b. 0, or -1 when its name is not sealed. */
static int
scan_add(struct store *s, struct scan_batch *b, sqlite3_stmt *st, struct err *e)
{
	struct account_summary *a = &b->rows[b->n];
	size_t len = (size_t)sqlite3_column_bytes(st, 1);

	if (sqlite3_column_type(st, 1) != SQLITE_BLOB)
		return err_set(e, "%s: parties row %lld: value is not sealed (changed outside "
			       "arrears?)", s->path, (long long)sqlite3_column_int64(st, 14));
	if (b->used + len > b->cap) {
		b->cap = (b->used + len) * 2;
		if ((b->arena = realloc(b->arena, b->cap)) == NULL)
			abort();
	}
	memcpy(b->arena + b->used, sqlite3_column_blob(st, 1), len);
	b->at[b->n] = b->used;
	b->used += len;
	b->jobs[b->n] = (struct seal_job){ .n = len, .out = a->name, .cap = sizeof a->name };
	b->party[b->n] = sqlite3_column_int64(st, 14);
	copy_text(a->id, sizeof a->id, st, 0);
	copy_text(a->segment, sizeof a->segment, st, 2);
	a->product = (enum product)sqlite3_column_int(st, 3);
	a->due_date = sqlite3_column_int(st, 4);
	a->total = sqlite3_column_int64(st, 5);
	a->amount_due = sqlite3_column_int64(st, 6);
	a->last_attempt_at = sqlite3_column_int64(st, 7);
	a->last_contact_at = sqlite3_column_int64(st, 8);
	a->callback_at = sqlite3_column_int64(st, 9);
	a->ptp_state = (enum ptp_state)sqlite3_column_int(st, 10);
	a->ptp_due = sqlite3_column_int(st, 11);
	a->risk = sqlite3_column_int(st, 12);
	a->flags = (unsigned)sqlite3_column_int(st, 13);
	b->n++;
	return 0;
}

/* The names are read sealed and opened in batches on a second thread while this one reads the
 * next batch from SQLite, so on two cores opening 100,000 names adds little to the scan (by
 * unseal() row by row it nearly doubled it; bench/RESULTS.md). The worker touches only its
 * batch and libsodium; rows reach fn in order, on this thread. */
int
store_summaries_scan(struct store *s, int (*fn)(void *ctx, const struct account_summary *a),
		     void *ctx, struct err *e)
{
	struct scan_batch *bs, *fill, *busy = NULL;
	sqlite3_stmt *st;
	pthread_t worker;
	int rc, ret = 0;

	if (prepare(s, "SELECT a.ext_id, p.name, a.segment, a.product, a.due_date, b.total, "
		       "b.amount_due, a.last_attempt_at, a.last_contact_at, a.callback_at, a.ptp_state, "
		       "a.ptp_due, a.risk, a.flags, p.id FROM accounts a JOIN parties p "
		       "ON p.id = a.party_id JOIN balances b ON b.account_id = a.id ORDER BY a.id",
		    &st, e) != 0)
		return -1;
	if ((bs = calloc(2, sizeof *bs)) == NULL)
		abort();
	bs[0].seal = bs[1].seal = s->seal;
	fill = &bs[0];
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((ret = scan_add(s, fill, st, e)) != 0)
			break;
		if (fill->n < SCAN_BATCH)
			continue;
		if (busy != NULL) {
			pthread_join(worker, NULL);
			ret = scan_hand(s, busy, fn, ctx, e);
			busy = NULL;
			if (ret != 0)
				break;
		}
		if (pthread_create(&worker, NULL, scan_open, fill) == 0) {
			busy = fill;
		} else {
			scan_open(fill);
			if ((ret = scan_hand(s, fill, fn, ctx, e)) != 0)
				break;
		}
		fill = fill == &bs[0] ? &bs[1] : &bs[0];
	}
	if (busy != NULL) {
		pthread_join(worker, NULL);
		if (ret == 0)
			ret = scan_hand(s, busy, fn, ctx, e);
	}
	if (ret == 0 && rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	else if (ret == 0 && fill->n > 0) {
		scan_open(fill);
		ret = scan_hand(s, fill, fn, ctx, e);
	}
	sqlite3_finalize(st);
	free(bs[0].arena);
	free(bs[1].arena);
	free(bs);
	return ret;
}

int
store_contacts_get(struct store *s, const char *account_id, struct contact_point **out, size_t *n,
		   struct err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (prepare(s, "SELECT c.id, c.kind, unseal(c.value, 'contact_points', c.id), c.zones, c.consent "
		       "FROM contact_points c "
		       "JOIN accounts a ON a.party_id = c.party_id WHERE a.ext_id = ? ORDER BY c.id",
		    &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct contact_point *c;

		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			if ((*out = realloc(*out, cap * sizeof **out)) == NULL)
				abort();
		}
		c = &(*out)[(*n)++];
		c->id = sqlite3_column_int64(st, 0);
		c->kind = (enum contact_kind)sqlite3_column_int(st, 1);
		copy_text(c->value, sizeof c->value, st, 2);
		copy_text(c->zones, sizeof c->zones, st, 3);
		c->consent = (unsigned)sqlite3_column_int(st, 4);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	}
	return 0;
}

int
store_events_get(struct store *s, const char *account_id, struct event **out, size_t *n,
		 struct err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (prepare(s, "SELECT id, account_id, kind, device, user, at, seq, unseal(body, 'events', id), "
		       "hash, prev_hash "
		       "FROM events WHERE account_id = ? ORDER BY at DESC, seq DESC",
		    &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event *ev;

		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((*out = realloc(*out, cap * sizeof **out)) == NULL)
				abort();
		}
		ev = &(*out)[(*n)++];
		copy_text(ev->id, sizeof ev->id, st, 0);
		copy_text(ev->account_id, sizeof ev->account_id, st, 1);
		copy_text(ev->kind, sizeof ev->kind, st, 2);
		copy_text(ev->device, sizeof ev->device, st, 3);
		copy_text(ev->user, sizeof ev->user, st, 4);
		ev->at = sqlite3_column_int64(st, 5);
		ev->seq = sqlite3_column_int64(st, 6);
		if ((ev->body = strdup((const char *)sqlite3_column_text(st, 7))) == NULL)
			abort();
		copy_text(ev->hash, sizeof ev->hash, st, 8);
		copy_text(ev->prev_hash, sizeof ev->prev_hash, st, 9);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		events_free(out, *n);
		*n = 0;
		return err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	}
	return 0;
}

void
events_free(struct event **evs, size_t n)
{
	if (evs == NULL || *evs == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free((*evs)[i].body);
	free(*evs);
	*evs = NULL;
}

int
store_state_get(struct store *s, const char *key, char *buf, size_t len, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "SELECT value FROM sync_state WHERE key = ?", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		copy_text(buf, len, st, 0);
	else if (rc != SQLITE_DONE)
		err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : rc == SQLITE_DONE ? 1 : -1;
}

int
store_state_set(struct store *s, const char *key, const char *value, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prepare(s, "INSERT INTO sync_state(key, value) VALUES(?, ?) "
		       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
		    &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	return 0;
}
