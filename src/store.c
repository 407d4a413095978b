#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "migrations.h"
#include "paths.h"
#include "store.h"

struct store {
	sqlite3 *db;
	char *path;
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

int
store_open(const char *path, enum store_mode mode, struct store **out, enum store_failure *why,
	   struct err *e)
{
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
	*out = calloc(1, sizeof **out);
	if (*out == NULL || ((*out)->path = strdup(path)) == NULL)
		abort();
	(*out)->db = db;
	return 0;
}

void
store_close(struct store **s)
{
	if (s == NULL || *s == NULL)
		return;
	sqlite3_close((*s)->db);
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
	"a.id, a.ext_id, p.name, a.product, a.currency, a.profile, a.region, a.segment, "       \
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

int
store_summaries_scan(struct store *s, int (*fn)(void *ctx, const struct account_summary *a),
		     void *ctx, struct err *e)
{
	sqlite3_stmt *st;
	struct account_summary a;
	int rc, ret = 0;

	if (prepare(s, "SELECT a.ext_id, p.name, a.segment, a.product, a.due_date, b.total, "
		       "b.amount_due, a.last_attempt_at, a.last_contact_at, a.callback_at, a.ptp_state, "
		       "a.ptp_due, a.risk, a.flags FROM accounts a JOIN parties p ON p.id = a.party_id "
		       "JOIN balances b ON b.account_id = a.id ORDER BY a.id", &st, e) != 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		copy_text(a.id, sizeof a.id, st, 0);
		copy_text(a.name, sizeof a.name, st, 1);
		copy_text(a.segment, sizeof a.segment, st, 2);
		a.product = (enum product)sqlite3_column_int(st, 3);
		a.due_date = sqlite3_column_int(st, 4);
		a.total = sqlite3_column_int64(st, 5);
		a.amount_due = sqlite3_column_int64(st, 6);
		a.last_attempt_at = sqlite3_column_int64(st, 7);
		a.last_contact_at = sqlite3_column_int64(st, 8);
		a.callback_at = sqlite3_column_int64(st, 9);
		a.ptp_state = (enum ptp_state)sqlite3_column_int(st, 10);
		a.ptp_due = sqlite3_column_int(st, 11);
		a.risk = sqlite3_column_int(st, 12);
		a.flags = (unsigned)sqlite3_column_int(st, 13);
		if ((ret = fn(ctx, &a)) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = err_set(e, "%s: %s", s->path, sqlite3_errmsg(s->db));
	sqlite3_finalize(st);
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
	if (prepare(s, "SELECT c.id, c.kind, c.value, c.zones, c.consent FROM contact_points c "
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
	if (prepare(s, "SELECT id, account_id, kind, device, user, at, seq, body, hash, prev_hash "
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
