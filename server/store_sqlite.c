#include "config.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "store.h"

/* The schema of the server's book. One version so far; a newer file is refused rather than
 * guessed at. Account records are kept as their canonical wire JSON beside the columns that
 * scope and order them, so a change is detected by comparing the text. */
#define SCHEMA_VERSION 1

static const char schema_sql[] =
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value NOT NULL);"
	"CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL,"
	" team TEXT NOT NULL DEFAULT '', pwhash TEXT NOT NULL);"
	"CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES"
	" users(id), device TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" revoked INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE throttle(key TEXT PRIMARY KEY, failures INTEGER NOT NULL,"
	" wait_until INTEGER NOT NULL);"
	"CREATE TABLE accounts(id TEXT PRIMARY KEY, assignee TEXT NOT NULL, version INTEGER NOT"
	" NULL, seq INTEGER NOT NULL UNIQUE, record TEXT NOT NULL);"
	/* (assignee, seq): a page of one agent's changes is a range of this index; on assignee
	 * alone every page sorted all of the agent's accounts, 100 times for a first pull */
	"CREATE INDEX accounts_assignee ON accounts(assignee, seq);"
	"CREATE TABLE departures(seq INTEGER PRIMARY KEY, account_id TEXT NOT NULL,"
	" assignee TEXT NOT NULL, team TEXT NOT NULL);"
	"CREATE TABLE payments(reference TEXT PRIMARY KEY, account_id TEXT NOT NULL,"
	" amount INTEGER NOT NULL, paid_on INTEGER NOT NULL, recorded_at INTEGER NOT NULL);"
	"CREATE TABLE devices(device TEXT PRIMARY KEY, owner TEXT NOT NULL, head_seq INTEGER NOT"
	" NULL, head_hash TEXT NOT NULL);"
	"CREATE TABLE events(id TEXT PRIMARY KEY, device TEXT NOT NULL, seq INTEGER NOT NULL,"
	" account_id TEXT NOT NULL, kind TEXT NOT NULL, user TEXT NOT NULL, at INTEGER NOT NULL,"
	" body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL, pushed_by TEXT NOT NULL,"
	" received_at INTEGER NOT NULL, flag TEXT NOT NULL DEFAULT '', UNIQUE(device, seq));"
	"CREATE INDEX events_flagged ON events(flag) WHERE flag <> '';"
	"CREATE TABLE case_state(account_id TEXT PRIMARY KEY, events INTEGER NOT NULL,"
	" last_event_at INTEGER NOT NULL, last_kind TEXT NOT NULL);"
	"CREATE TABLE dead_letters(id INTEGER PRIMARY KEY, event_id TEXT NOT NULL,"
	" reason TEXT NOT NULL, at INTEGER NOT NULL);"
	"CREATE TABLE device_keys(device TEXT PRIMARY KEY, public_key TEXT NOT NULL,"
	" user TEXT NOT NULL, registered_at INTEGER NOT NULL);"
	"CREATE TABLE signed_heads(device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL,"
	" signature TEXT NOT NULL, public_key TEXT NOT NULL, pushed_by TEXT NOT NULL,"
	" received_at INTEGER NOT NULL, PRIMARY KEY(device, seq));"
	"CREATE TABLE blob_links(event_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL,"
	" account_id TEXT NOT NULL, pushed_by TEXT NOT NULL, mime TEXT NOT NULL,"
	" size INTEGER NOT NULL);"
	"CREATE INDEX blob_links_sha ON blob_links(sha256);"
	"INSERT INTO meta(key, value) VALUES('seq', 0);";

/* Scope predicates, written once: ?1 the user's name, ?4 the user's team. */
#define TEAM_MEMBERS "(SELECT name FROM users WHERE team = ?4 AND team <> '')"

enum query {
	Q_EPOCH,
	Q_EPOCH_SET,
	Q_NEXT_SEQ,
	Q_USER_ADD,
	Q_USER_GET,
	Q_SESSION_ADD,
	Q_SESSION_GET,
	Q_SESSION_REVOKE,
	Q_THROTTLE_GET,
	Q_THROTTLE_FAIL,
	Q_THROTTLE_CLEAR,
	Q_ACCOUNT_GET,
	Q_ACCOUNT_INSERT,
	Q_ACCOUNT_UPDATE,
	Q_DEPARTURE_ADD,
	Q_VISIBLE_OWN,
	Q_VISIBLE_TEAM,
	Q_VISIBLE_ALL,
	Q_CHANGES_OWN,
	Q_CHANGES_TEAM,
	Q_CHANGES_ALL,
	Q_REMOVALS_OWN,
	Q_REMOVALS_TEAM,
	Q_PAYMENT_ADD,
	Q_EVENT_HASH,
	Q_DEVICE_HEAD,
	Q_EVENT_PUT,
	Q_DEVICE_ADVANCE,
	Q_ACCOUNT_EXISTS,
	Q_CASE_APPLY,
	Q_DEAD_LETTER,
	Q_EVENTS_SCAN,
	Q_EVENTS_SCAN_APPLIED,
	Q_DEVICE_KEY_GET,
	Q_DEVICE_KEY_ADD,
	Q_DEVICE_KEY_RESET,
	Q_SIGNED_HEAD_ADD,
	Q_SIGNED_HEADS,
	Q_BLOB_LINK_ADD,
	Q_BLOB_LINKS,
	Q_COUNT
};

static const char *const query_sql[Q_COUNT] = {
	[Q_EPOCH] = "SELECT value FROM meta WHERE key = 'epoch'",
	[Q_EPOCH_SET] = "UPDATE meta SET value = ? WHERE key = 'epoch'",
	[Q_NEXT_SEQ] = "UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value",
	[Q_USER_ADD] = "INSERT INTO users(name, role, team, pwhash) VALUES(?1, ?2, ?3, ?4)",
	[Q_USER_GET] = "SELECT id, name, role, team, pwhash FROM users WHERE name = ?1",
	[Q_SESSION_ADD] = "INSERT INTO sessions(token_hash, user_id, device, created_at, expires_at)"
			  " VALUES(?1, ?2, ?3, ?4, ?5)",
	[Q_SESSION_GET] = "SELECT u.id, u.name, u.role, u.team, u.pwhash FROM sessions s JOIN users u"
			  " ON u.id = s.user_id WHERE s.token_hash = ?1 AND s.revoked = 0"
			  " AND s.expires_at > ?2",
	[Q_SESSION_REVOKE] = "UPDATE sessions SET revoked = 1 WHERE token_hash = ?1",
	[Q_THROTTLE_GET] = "SELECT wait_until - ?2 FROM throttle WHERE key = ?1 AND wait_until > ?2",
	/* the wait doubles with each failure past the free ones, capped at 15 minutes */
	[Q_THROTTLE_FAIL] = "INSERT INTO throttle(key, failures, wait_until) VALUES(?1, 1, 0)"
			    " ON CONFLICT(key) DO UPDATE SET failures = failures + 1,"
			    " wait_until = CASE WHEN failures + 1 >= ?3 THEN ?2 + min(900, 30 <<"
			    " min(5, failures + 1 - ?3)) ELSE wait_until END",
	[Q_THROTTLE_CLEAR] = "DELETE FROM throttle WHERE key = ?1",
	[Q_ACCOUNT_GET] = "SELECT assignee, version, record FROM accounts WHERE id = ?1",
	[Q_ACCOUNT_INSERT] = "INSERT INTO accounts(id, assignee, version, seq, record)"
			     " VALUES(?1, ?2, 1, ?3, ?4)",
	[Q_ACCOUNT_UPDATE] = "UPDATE accounts SET assignee = ?2, version = version + 1, seq = ?3,"
			     " record = ?4 WHERE id = ?1",
	[Q_DEPARTURE_ADD] = "INSERT INTO departures(seq, account_id, assignee, team) VALUES(?1, ?2,"
			    " ?3, coalesce((SELECT team FROM users WHERE name = ?3), ''))",
	[Q_VISIBLE_OWN] = "SELECT 1 FROM accounts WHERE id = ?2 AND assignee = ?1",
	[Q_VISIBLE_TEAM] = "SELECT 1 FROM accounts WHERE id = ?2 AND (assignee = ?1 OR assignee IN "
			   TEAM_MEMBERS ")",
	[Q_VISIBLE_ALL] = "SELECT 1 FROM accounts WHERE id = ?2",
	[Q_CHANGES_OWN] = "SELECT seq, version, record FROM accounts WHERE assignee = ?1 AND"
			  " seq > ?2 ORDER BY seq LIMIT ?3",
	[Q_CHANGES_TEAM] = "SELECT seq, version, record FROM accounts WHERE seq > ?2 AND"
			   " (assignee = ?1 OR assignee IN " TEAM_MEMBERS ") ORDER BY seq LIMIT ?3",
	[Q_CHANGES_ALL] = "SELECT seq, version, record FROM accounts WHERE seq > ?2 AND ?1 = ?1"
			  " ORDER BY seq LIMIT ?3",
	[Q_REMOVALS_OWN] = "SELECT d.seq, d.account_id FROM departures d WHERE d.seq > ?2 AND"
			   " d.assignee = ?1 AND NOT EXISTS (SELECT 1 FROM accounts a WHERE"
			   " a.id = d.account_id AND a.assignee = ?1) ORDER BY d.seq LIMIT ?3",
	[Q_REMOVALS_TEAM] = "SELECT d.seq, d.account_id FROM departures d WHERE d.seq > ?2 AND"
			    " (d.assignee = ?1 OR (d.team = ?4 AND ?4 <> '')) AND NOT EXISTS"
			    " (SELECT 1 FROM accounts a WHERE a.id = d.account_id AND"
			    " (a.assignee = ?1 OR a.assignee IN " TEAM_MEMBERS "))"
			    " ORDER BY d.seq LIMIT ?3",
	[Q_PAYMENT_ADD] = "INSERT INTO payments(reference, account_id, amount, paid_on, recorded_at)"
			  " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT(reference) DO NOTHING",
	[Q_EVENT_HASH] = "SELECT hash FROM events WHERE id = ?1",
	[Q_DEVICE_HEAD] = "SELECT owner, head_seq, head_hash FROM devices WHERE device = ?1",
	[Q_EVENT_PUT] = "INSERT INTO events(id, device, seq, account_id, kind, user, at, body,"
			" prev_hash, hash, pushed_by, received_at, flag)"
			" VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	[Q_DEVICE_ADVANCE] = "INSERT INTO devices(device, owner, head_seq, head_hash)"
			     " VALUES(?1, ?2, ?3, ?4) ON CONFLICT(device) DO UPDATE SET"
			     " head_seq = excluded.head_seq, head_hash = excluded.head_hash",
	[Q_ACCOUNT_EXISTS] = "SELECT 1 FROM accounts WHERE id = ?1",
	[Q_CASE_APPLY] = "INSERT INTO case_state(account_id, events, last_event_at, last_kind)"
			 " VALUES(?1, 1, ?2, ?3) ON CONFLICT(account_id) DO UPDATE SET"
			 " events = events + 1, last_event_at = max(last_event_at, excluded.last_event_at),"
			 " last_kind = excluded.last_kind",
	[Q_DEAD_LETTER] = "INSERT INTO dead_letters(event_id, reason, at) VALUES(?1, ?2, ?3)",
	[Q_EVENTS_SCAN] = "SELECT id, device, seq, account_id, kind, user, at, body, prev_hash,"
			  " hash FROM events ORDER BY device, seq",
	[Q_EVENTS_SCAN_APPLIED] = "SELECT id, device, seq, account_id, kind, user, at, body,"
				  " prev_hash, hash FROM events WHERE " SERVER_NOT_REFUSED_SQL
				  " ORDER BY device, seq",
	[Q_DEVICE_KEY_GET] = "SELECT public_key, user FROM device_keys WHERE device = ?1",
	[Q_DEVICE_KEY_ADD] = "INSERT INTO device_keys(device, public_key, user, registered_at)"
			     " VALUES(?1, ?2, ?3, ?4)",
	[Q_DEVICE_KEY_RESET] = "DELETE FROM device_keys WHERE device = ?1",
	/* a head signed again (a retried batch) keeps its first record */
	[Q_SIGNED_HEAD_ADD] = "INSERT INTO signed_heads(device, seq, hash, signature, public_key,"
			      " pushed_by, received_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)"
			      " ON CONFLICT(device, seq) DO NOTHING",
	[Q_SIGNED_HEADS] = "SELECT h.device, h.seq, h.hash, h.signature, h.public_key, h.pushed_by,"
			   " h.received_at, coalesce(e.hash, '') FROM signed_heads h LEFT JOIN"
			   " events e ON e.device = h.device AND e.seq = h.seq"
			   " WHERE ?1 IS NULL OR h.device = ?1 ORDER BY h.device, h.seq",
	[Q_BLOB_LINK_ADD] = "INSERT INTO blob_links(event_id, sha256, account_id, pushed_by, mime,"
			    " size) VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(event_id) DO NOTHING",
	[Q_BLOB_LINKS] = "SELECT event_id, account_id, pushed_by, mime, size FROM blob_links"
			 " WHERE sha256 = ?1 ORDER BY rowid",
};

struct sqlite_store {
	struct server_store base;	/* first, so the interface pointer is this one */
	sqlite3 *db;
	sqlite3_stmt *q[Q_COUNT];	/* prepared on first use */
	int writing;			/* holds writer_lock: between begin and commit/rollback */
};

/* The writers of this process take turns here before BEGIN IMMEDIATE. SQLite's busy handler
 * would make them poll with sleeps of up to 100 ms, so under many clients a push could wait
 * whole seconds behind others that came later; a mutex hands the lock on at once. Other
 * processes (an import beside the server) still meet the busy timeout. */
static pthread_mutex_t writer_lock = PTHREAD_MUTEX_INITIALIZER;

static void
writer_release(struct sqlite_store *s)
{
	if (s->writing) {
		s->writing = 0;
		pthread_mutex_unlock(&writer_lock);
	}
}

static struct sqlite_store *
impl(struct server_store *s)
{
	return (struct sqlite_store *)s;
}

static int
db_err(struct sqlite_store *s, struct err *e)
{
	return err_set(e, "database: %s", sqlite3_errmsg(s->db));
}

/* The statement for q, reset and unbound, ready to bind. */
static sqlite3_stmt *
stmt(struct sqlite_store *s, enum query q, struct err *e)
{
	if (s->q[q] == NULL) {
		if (sqlite3_prepare_v3(s->db, query_sql[q], -1, SQLITE_PREPARE_PERSISTENT, &s->q[q],
				       NULL) != SQLITE_OK) {
			db_err(s, e);
			return NULL;
		}
	} else {
		sqlite3_reset(s->q[q]);
		sqlite3_clear_bindings(s->q[q]);
	}
	return s->q[q];
}

static void
bind_text(sqlite3_stmt *st, int i, const char *v)
{
	sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void
column_copy(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

/* Steps a statement that returns no row (or whose row is not needed). */
static int
exec_stmt(struct sqlite_store *s, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_err(s, e);
	return 0;
}

static void
sq_close(struct server_store *base)
{
	struct sqlite_store *s = impl(base);

	writer_release(s);
	for (int i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->q[i]);
	sqlite3_close(s->db);
	free(s);
}

static int
sq_begin(struct server_store *base, struct err *e)
{
	struct sqlite_store *s = impl(base);

	int took = !s->writing;

	if (took) {
		pthread_mutex_lock(&writer_lock);
		s->writing = 1;
	}
	/* IMMEDIATE: a writer takes the lock up front rather than failing at its first write */
	if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	db_err(s, e);
	if (took)
		writer_release(s);
	return -1;
}

static int
sq_commit(struct server_store *base, struct err *e)
{
	struct sqlite_store *s = impl(base);

	if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return db_err(s, e);	/* still in the transaction: the rollback releases */
	writer_release(s);
	return 0;
}

static void
sq_rollback(struct server_store *base)
{
	sqlite3_exec(impl(base)->db, "ROLLBACK", NULL, NULL, NULL);
	writer_release(impl(base));
}

static int
sq_epoch(struct server_store *base, uint32_t *out, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_EPOCH, e);

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return err_set(e, "database: the book has no epoch");
	}
	*out = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int
sq_epoch_renew(struct server_store *base, uint32_t *out, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_EPOCH_SET, e);
	uint32_t old;

	if (st == NULL || sq_epoch(base, &old, e) != 0)
		return -1;
	*out = server_epoch_pick(old);
	sqlite3_bind_int64(st, 1, *out);
	return exec_stmt(s, st, e);
}

static int
next_seq(struct sqlite_store *s, int64_t *seq, struct err *e)
{
	sqlite3_stmt *st = stmt(s, Q_NEXT_SEQ, e);

	if (st == NULL)
		return -1;
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_reset(st);
		return db_err(s, e);
	}
	*seq = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int
sq_user_add(struct server_store *base, const struct server_user *u, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_USER_ADD, e);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, u->name);
	bind_text(st, 2, server_role_name(u->role));
	bind_text(st, 3, u->team);
	bind_text(st, 4, u->pwhash);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_CONSTRAINT)
		return err_set(e, "user '%s' exists already", u->name);
	return rc == SQLITE_DONE ? 0 : db_err(s, e);
}

static int
user_row(sqlite3_stmt *st, struct server_user *out)
{
	char role[16];
	int r;

	memset(out, 0, sizeof *out);
	out->id = sqlite3_column_int64(st, 0);
	column_copy(st, 1, out->name, sizeof out->name);
	column_copy(st, 2, role, sizeof role);
	column_copy(st, 3, out->team, sizeof out->team);
	column_copy(st, 4, out->pwhash, sizeof out->pwhash);
	r = server_role_parse(role);
	/* an unknown role in the table gets the narrowest scope rather than a guess */
	out->role = r < 0 ? ROLE_QA : (enum server_role)r;
	return 0;
}

/* Steps a bound statement that yields at most one user: 0 found, 1 none, -1 error. */
static int
user_fetch(struct sqlite_store *s, sqlite3_stmt *st, struct server_user *out, struct err *e)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		user_row(st, out);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : db_err(s, e);
}

static int
sq_user_get(struct server_store *base, const char *name, struct server_user *out, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_USER_GET, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, name);
	return user_fetch(s, st, out, e);
}

static int
sq_session_add(struct server_store *base, const char *token_hash, int64_t user_id,
	       const char *device, int64_t now, int64_t expires_at, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_SESSION_ADD, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, user_id);
	bind_text(st, 3, device);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, expires_at);
	return exec_stmt(s, st, e);
}

static int
sq_session_get(struct server_store *base, const char *token_hash, int64_t now,
	       struct server_user *out, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_SESSION_GET, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, token_hash);
	sqlite3_bind_int64(st, 2, now);
	return user_fetch(s, st, out, e);
}

static int
sq_session_revoke(struct server_store *base, const char *token_hash, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_SESSION_REVOKE, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, token_hash);
	return exec_stmt(s, st, e);
}

static int
sq_throttle_get(struct server_store *base, const char *key, int64_t now, int64_t *wait,
		struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_THROTTLE_GET, e);
	int rc;

	*wait = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, now);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*wait = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_err(s, e);
}

static int
sq_throttle_fail(struct server_store *base, const char *key, int64_t now, int free_tries,
		 struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_THROTTLE_FAIL, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, key);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int(st, 3, free_tries);
	return exec_stmt(s, st, e);
}

static int
sq_throttle_clear(struct server_store *base, const char *key, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_THROTTLE_CLEAR, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, key);
	return exec_stmt(s, st, e);
}

static int
sq_account_put(struct server_store *base, const struct wire_account *a, int *changed,
	       struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st;
	char *text = store_record_text(a, e), old_assignee[32] = "";
	int64_t seq;
	int rc, exists = 0, ret = -1;

	*changed = 0;
	if (text == NULL)
		return -1;
	if ((st = stmt(s, Q_ACCOUNT_GET, e)) == NULL)
		goto out;
	bind_text(st, 1, a->account.id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		exists = 1;
		column_copy(st, 0, old_assignee, sizeof old_assignee);
		if (strcmp((const char *)sqlite3_column_text(st, 2), text) == 0) {
			sqlite3_reset(st);
			ret = 0;
			goto out;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_err(s, e);
		goto out;
	}
	if (exists && strcmp(old_assignee, a->account.assignee) != 0) {
		/* the old owner (and their team) learn of the move by an explicit removal */
		if (next_seq(s, &seq, e) != 0 || (st = stmt(s, Q_DEPARTURE_ADD, e)) == NULL)
			goto out;
		sqlite3_bind_int64(st, 1, seq);
		bind_text(st, 2, a->account.id);
		bind_text(st, 3, old_assignee);
		if (exec_stmt(s, st, e) != 0)
			goto out;
	}
	if (next_seq(s, &seq, e) != 0 ||
	    (st = stmt(s, exists ? Q_ACCOUNT_UPDATE : Q_ACCOUNT_INSERT, e)) == NULL)
		goto out;
	bind_text(st, 1, a->account.id);
	bind_text(st, 2, a->account.assignee);
	sqlite3_bind_int64(st, 3, seq);
	bind_text(st, 4, text);
	if (exec_stmt(s, st, e) != 0)
		goto out;
	*changed = 1;
	ret = 0;
out:
	free(text);
	return ret;
}

static int
sq_account_get(struct server_store *base, const char *id, struct wire_account *out,
	       struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_ACCOUNT_GET, e);
	int rc, ret;

	memset(out, 0, sizeof *out);
	if (st == NULL)
		return -1;
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		ret = store_record_read((const char *)sqlite3_column_text(st, 2),
				  sqlite3_column_int64(st, 1), out, e);
	else
		ret = rc == SQLITE_DONE ? 1 : db_err(s, e);
	sqlite3_reset(st);
	return ret;
}

/* Which statements implement a role's scope; qa and unknown roles see no accounts. */
static int
scope_queries(enum server_role role, enum query *visible, enum query *changes,
	      enum query *removals)
{
	switch (role) {
	case ROLE_AGENT:
	case ROLE_FIELD:
		*visible = Q_VISIBLE_OWN, *changes = Q_CHANGES_OWN, *removals = Q_REMOVALS_OWN;
		return 0;
	case ROLE_LEAD:
		*visible = Q_VISIBLE_TEAM, *changes = Q_CHANGES_TEAM, *removals = Q_REMOVALS_TEAM;
		return 0;
	case ROLE_ADMIN:
		*visible = Q_VISIBLE_ALL, *changes = Q_CHANGES_ALL, *removals = Q_COUNT;
		return 0;
	case ROLE_QA:
	case ROLE_COUNT:
		break;
	}
	return -1;
}

static void
bind_scope(sqlite3_stmt *st, const struct server_user *u)
{
	bind_text(st, 1, u->name);
	if (sqlite3_bind_parameter_count(st) >= 4)
		bind_text(st, 4, u->team);
}

static int
sq_account_visible(struct server_store *base, const struct server_user *u, const char *id,
		   struct err *e)
{
	struct sqlite_store *s = impl(base);
	enum query qv, qc, qr;
	sqlite3_stmt *st;
	int rc;

	if (scope_queries(u->role, &qv, &qc, &qr) != 0)
		return 1;
	if ((st = stmt(s, qv, e)) == NULL)
		return -1;
	bind_scope(st, u);
	bind_text(st, 2, id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : db_err(s, e);
}

static int
sq_payment_add(struct server_store *base, const char *reference, const char *account_id,
	       int64_t amount, int32_t paid_on, int64_t now, int *duplicate, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_PAYMENT_ADD, e);
	struct wire_account a;
	int rc, changed;

	*duplicate = 0;
	if (st == NULL)
		return -1;
	bind_text(st, 1, reference);
	bind_text(st, 2, account_id);
	sqlite3_bind_int64(st, 3, amount);
	sqlite3_bind_int(st, 4, paid_on);
	sqlite3_bind_int64(st, 5, now);
	if (exec_stmt(s, st, e) != 0)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		*duplicate = 1;
		return 0;
	}
	if ((rc = sq_account_get(base, account_id, &a, e)) != 0)
		return rc < 0 ? -1 : err_set(e, "no account %s", account_id);
	/* a payment pays the arrears first; neither figure goes below zero */
	a.account.total = a.account.total > amount ? a.account.total - amount : 0;
	a.account.past_due = a.account.past_due > amount ? a.account.past_due - amount : 0;
	rc = sq_account_put(base, &a, &changed, e);
	wire_account_clear(&a);
	return rc;
}

static void
changes_free(struct wire_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		wire_account_clear(&c[i].acct);
	free(c);
}

static int
sq_changes(struct server_store *base, const struct server_user *u, int64_t since, size_t limit,
	   struct wire_change **out, size_t *n, int *more, struct err *e)
{
	struct sqlite_store *s = impl(base);
	enum query qv, qc, qr;
	struct wire_change *up = NULL, *rm = NULL, *res = NULL;
	size_t nup = 0, nrm = 0, nres = 0;
	sqlite3_stmt *st;
	int rc, ret = -1;

	*out = NULL;
	*n = 0;
	*more = 0;
	if (scope_queries(u->role, &qv, &qc, &qr) != 0)
		return 0;
	if ((up = calloc(limit + 1, sizeof *up)) == NULL || (rm = calloc(limit + 1, sizeof *rm)) == NULL)
		abort();
	if ((st = stmt(s, qc, e)) == NULL)
		goto out;
	bind_scope(st, u);
	sqlite3_bind_int64(st, 2, since);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct wire_change *c = &up[nup];

		c->seq = sqlite3_column_int64(st, 0);
		c->op = WIRE_CHANGE_UPSERT;
		if (store_record_read((const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 1),
				&c->acct, e) != 0) {
			sqlite3_reset(st);
			goto out;
		}
		snprintf(c->account_id, sizeof c->account_id, "%s", c->acct.account.id);
		nup++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_err(s, e);
		goto out;
	}
	if (qr != Q_COUNT) {
		if ((st = stmt(s, qr, e)) == NULL)
			goto out;
		bind_scope(st, u);
		sqlite3_bind_int64(st, 2, since);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)limit + 1);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			rm[nrm].seq = sqlite3_column_int64(st, 0);
			rm[nrm].op = WIRE_CHANGE_REMOVE;
			column_copy(st, 1, rm[nrm].account_id, sizeof rm[nrm].account_id);
			nrm++;
		}
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			db_err(s, e);
			goto out;
		}
	}
	/* merge both lists by sequence and keep the first `limit`; anything left means more */
	if ((res = calloc(limit + 1, sizeof *res)) == NULL)
		abort();
	for (size_t i = 0, j = 0; nres < limit && (i < nup || j < nrm);) {
		if (j >= nrm || (i < nup && up[i].seq < rm[j].seq)) {
			res[nres++] = up[i];
			memset(&up[i++], 0, sizeof *up);
		} else {
			res[nres++] = rm[j++];
		}
	}
	*more = nup + nrm > nres;
	*out = res;
	*n = nres;
	res = NULL;	/* handed over */
	nres = 0;
	ret = 0;
out:
	changes_free(up, nup);
	free(rm);
	changes_free(res, nres);
	return ret;
}

static int
sq_event_hash(struct server_store *base, const char *id, char hash[65], struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_EVENT_HASH, e);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		column_copy(st, 0, hash, 65);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : db_err(s, e);
}

static int
sq_device_head(struct server_store *base, const char *device, char owner[32], int64_t *seq,
	       char hash[65], struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_DEVICE_HEAD, e);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, device);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		column_copy(st, 0, owner, 32);
		*seq = sqlite3_column_int64(st, 1);
		column_copy(st, 2, hash, 65);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : db_err(s, e);
}

/* The single writer (writer_lock and BEGIN IMMEDIATE) already holds off every other push. */
static int
sq_devices_lock(struct server_store *base, const char *const *devices, size_t n,
		struct err *e)
{
	(void)base, (void)devices, (void)n, (void)e;
	return 0;
}

static int
sq_event_put(struct server_store *base, const struct event *ev, const char *pushed_by,
	     int64_t received_at, const char *flag, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_EVENT_PUT, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, ev->id);
	bind_text(st, 2, ev->device);
	sqlite3_bind_int64(st, 3, ev->seq);
	bind_text(st, 4, ev->account_id);
	bind_text(st, 5, ev->kind);
	bind_text(st, 6, ev->user);
	sqlite3_bind_int64(st, 7, ev->at);
	bind_text(st, 8, ev->body);
	bind_text(st, 9, ev->prev_hash);
	bind_text(st, 10, ev->hash);
	bind_text(st, 11, pushed_by);
	sqlite3_bind_int64(st, 12, received_at);
	bind_text(st, 13, flag);
	if (exec_stmt(s, st, e) != 0 || (st = stmt(s, Q_DEVICE_ADVANCE, e)) == NULL)
		return -1;
	bind_text(st, 1, ev->device);
	bind_text(st, 2, pushed_by);
	sqlite3_bind_int64(st, 3, ev->seq);
	bind_text(st, 4, ev->hash);
	return exec_stmt(s, st, e);
}

static int
sq_event_apply(struct server_store *base, const struct event *ev, int64_t now, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_ACCOUNT_EXISTS, e);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, ev->account_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return err_set(e, "no account %s in the book", ev->account_id);
	if (rc != SQLITE_ROW || (st = stmt(s, Q_CASE_APPLY, e)) == NULL)
		return rc != SQLITE_ROW ? db_err(s, e) : -1;
	bind_text(st, 1, ev->account_id);
	sqlite3_bind_int64(st, 2, ev->at);
	bind_text(st, 3, ev->kind);
	return exec_stmt(s, st, e);
}

static int
sq_dead_letter_add(struct server_store *base, const char *event_id, const char *reason,
		   int64_t now, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_DEAD_LETTER, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, event_id);
	bind_text(st, 2, reason);
	sqlite3_bind_int64(st, 3, now);
	return exec_stmt(s, st, e);
}

static int
sq_events_scan(struct server_store *base, bool with_refused,
	       int (*fn)(void *ctx, const struct event *ev), void *ctx, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, with_refused ? Q_EVENTS_SCAN : Q_EVENTS_SCAN_APPLIED, e);
	int rc, ret = 0;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event ev;

		column_copy(st, 0, ev.id, sizeof ev.id);
		column_copy(st, 1, ev.device, sizeof ev.device);
		ev.seq = sqlite3_column_int64(st, 2);
		column_copy(st, 3, ev.account_id, sizeof ev.account_id);
		column_copy(st, 4, ev.kind, sizeof ev.kind);
		column_copy(st, 5, ev.user, sizeof ev.user);
		ev.at = sqlite3_column_int64(st, 6);
		ev.body = (char *)sqlite3_column_text(st, 7);
		column_copy(st, 8, ev.prev_hash, sizeof ev.prev_hash);
		column_copy(st, 9, ev.hash, sizeof ev.hash);
		if (ev.body == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
		if ((ret = fn(ctx, &ev)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_err(s, e);
	sqlite3_reset(st);
	return ret;
}

static int
sq_device_key_get(struct server_store *base, const char *device, char key[65], char user[32],
		  struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_DEVICE_KEY_GET, e);
	int rc;

	if (st == NULL)
		return -1;
	bind_text(st, 1, device);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		column_copy(st, 0, key, 65);
		column_copy(st, 1, user, 32);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : db_err(s, e);
}

static int
sq_device_key_add(struct server_store *base, const char *device, const char *key,
		  const char *user, int64_t now, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_DEVICE_KEY_ADD, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, device);
	bind_text(st, 2, key);
	bind_text(st, 3, user);
	sqlite3_bind_int64(st, 4, now);
	return exec_stmt(s, st, e);
}

static int
sq_device_key_reset(struct server_store *base, const char *device, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_DEVICE_KEY_RESET, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, device);
	if (exec_stmt(s, st, e) != 0)
		return -1;
	return sqlite3_changes(s->db) > 0 ? 0 : 1;
}

static int
sq_signed_head_add(struct server_store *base, const struct server_signed_head *h,
		   struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_SIGNED_HEAD_ADD, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, h->device);
	sqlite3_bind_int64(st, 2, h->seq);
	bind_text(st, 3, h->hash);
	bind_text(st, 4, h->signature);
	bind_text(st, 5, h->public_key);
	bind_text(st, 6, h->pushed_by);
	sqlite3_bind_int64(st, 7, h->received_at);
	return exec_stmt(s, st, e);
}

static int
sq_signed_heads_scan(struct server_store *base, const char *device,
		     int (*fn)(void *ctx, const struct server_signed_head *h), void *ctx,
		     struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_SIGNED_HEADS, e);
	int rc, ret = 0;

	if (st == NULL)
		return -1;
	if (device != NULL)
		bind_text(st, 1, device);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct server_signed_head h;

		column_copy(st, 0, h.device, sizeof h.device);
		h.seq = sqlite3_column_int64(st, 1);
		column_copy(st, 2, h.hash, sizeof h.hash);
		column_copy(st, 3, h.signature, sizeof h.signature);
		column_copy(st, 4, h.public_key, sizeof h.public_key);
		column_copy(st, 5, h.pushed_by, sizeof h.pushed_by);
		h.received_at = sqlite3_column_int64(st, 6);
		column_copy(st, 7, h.event_hash, sizeof h.event_hash);
		if ((ret = fn(ctx, &h)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_err(s, e);
	sqlite3_reset(st);
	return ret;
}

static int
sq_blob_link_add(struct server_store *base, const struct server_blob_link *l, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = stmt(s, Q_BLOB_LINK_ADD, e);

	if (st == NULL)
		return -1;
	bind_text(st, 1, l->event_id);
	bind_text(st, 2, l->sha256);
	bind_text(st, 3, l->account_id);
	bind_text(st, 4, l->pushed_by);
	bind_text(st, 5, l->mime);
	sqlite3_bind_int64(st, 6, l->size);
	return exec_stmt(s, st, e);
}

static int
sq_blob_access(struct server_store *base, const struct server_user *u, const char *sha256,
	       struct server_blob_link *out, struct err *e)
{
	struct sqlite_store *s = impl(base);
	struct server_blob_link *links = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *st = stmt(s, Q_BLOB_LINKS, e);
	int rc, ret = 1;

	if (st == NULL)
		return -1;
	bind_text(st, 1, sha256);
	/* collected first: the scope check below runs statements of its own */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct server_blob_link *l;

		if (n == cap && (links = realloc(links, (cap = cap ? 2 * cap : 4) * sizeof *links)) == NULL)
			abort();
		l = &links[n++];
		snprintf(l->sha256, sizeof l->sha256, "%s", sha256);
		column_copy(st, 0, l->event_id, sizeof l->event_id);
		column_copy(st, 1, l->account_id, sizeof l->account_id);
		column_copy(st, 2, l->pushed_by, sizeof l->pushed_by);
		column_copy(st, 3, l->mime, sizeof l->mime);
		l->size = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(links);
		return db_err(s, e);
	}
	for (size_t i = 0; i < n && ret == 1; i++) {
		if (strcmp(links[i].pushed_by, u->name) == 0)
			ret = 0;
		else if ((ret = sq_account_visible(base, u, links[i].account_id, e)) < 0)
			break;
		if (ret == 0)
			*out = links[i];
	}
	free(links);
	return ret;
}

/* The book's aging groupings, read from each account's record; team from the assignee's
 * user row, as the scope of a lead is. */
static const char *const aging_columns[AGING_BY_COUNT_] = {
	[AGING_BY_NONE] = "''",
	[AGING_BY_PRODUCT] = "json_extract(record, '$.product')",
	[AGING_BY_AGENT] = "assignee",
	[AGING_BY_TEAM] = "coalesce((SELECT team FROM users u WHERE u.name = assignee), '')",
	[AGING_BY_STATE] = "coalesce(json_extract(record, '$.region'), '')",
};

static int
sq_aging_scan(struct server_store *base, const char *team, enum aging_by by, aging_row_fn fn,
	      void *ctx, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st = NULL;
	char sql[768];
	int rc, n;

	if ((unsigned)by >= AGING_BY_COUNT_ || aging_columns[by] == NULL)
		return err_set(e, "aging: the server's book has no %s; group by product, agent, "
				  "team or state", aging_by_name(by) ? aging_by_name(by) : "such field");
	/* Due dates are kept as YYYY-MM-DD text; julianday counts them in days, and the Unix
	 * epoch is Julian day 2440587.5, so this is the day number the client keeps. */
	n = snprintf(sql, sizeof sql,
		     "SELECT %s, json_extract(record, '$.currency'), CAST(julianday(json_extract("
		     "record, '$.due_date')) - 2440587.5 AS INTEGER), count(*), sum(json_extract("
		     "record, '$.balance.total')), sum(json_extract(record, '$.balance.past_due')) "
		     "FROM accounts%s GROUP BY 1, 2, 3",
		     aging_columns[by],
		     team != NULL ? " WHERE assignee IN (SELECT name FROM users WHERE team = ?1 AND "
				    "team <> '')" : "");
	if (n < 0 || (size_t)n >= sizeof sql)
		return err_set(e, "aging: query too long");
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e);
	if (team != NULL)
		bind_text(st, 1, team);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *g = sqlite3_column_text(st, 0), *cur = sqlite3_column_text(st, 1);
		struct aging_row r = {
			.group = g != NULL ? (const char *)g : "",
			.currency = cur != NULL ? (const char *)cur : "",
			.due_date = sqlite3_column_int(st, 2),
			.accounts = sqlite3_column_int64(st, 3),
			.balance = sqlite3_column_int64(st, 4),
			.past_due = sqlite3_column_int64(st, 5),
		};

		if (fn(ctx, &r, e) != 0) {
			sqlite3_finalize(st);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		db_err(s, e);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* One board query: rows of text columns handed to fn. */
static int
board_rows(struct sqlite_store *s, const char *sql, const char *team, int64_t since,
	   void (*fn)(struct board_builder *bb, sqlite3_stmt *st, int32_t today),
	   struct board_builder *bb, int32_t today, struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e);
	if (team != NULL)
		bind_text(st, 1, team);
	sqlite3_bind_int64(st, 2, since);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(bb, st, today);
	if (rc != SQLITE_DONE) {
		db_err(s, e);
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

static const char *
text_col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t != NULL ? (const char *)t : "";
}

static void
board_user_row(struct board_builder *bb, sqlite3_stmt *st, int32_t today)
{
	(void)today;
	board_add_agent(bb, text_col(st, 0), text_col(st, 1));
}

static void
board_account_row(struct board_builder *bb, sqlite3_stmt *st, int32_t today)
{
	board_add_accounts(bb, text_col(st, 0), account_dpd(sqlite3_column_int(st, 1), today),
			   sqlite3_column_int64(st, 2));
}

static void
board_event_row(struct board_builder *bb, sqlite3_stmt *st, int32_t today)
{
	struct event ev = { .at = sqlite3_column_int64(st, 4) };

	(void)today;
	snprintf(ev.id, sizeof ev.id, "%s", text_col(st, 0));
	snprintf(ev.account_id, sizeof ev.account_id, "%s", text_col(st, 1));
	snprintf(ev.kind, sizeof ev.kind, "%s", text_col(st, 2));
	snprintf(ev.user, sizeof ev.user, "%s", text_col(st, 3));
	ev.body = (char *)text_col(st, 5);
	board_add_event(bb, &ev);
}

/* The people on a board are those who work cases (agents, field agents, leads); accounts are
 * grouped by assignee and due date, a few thousand rows for a big book. */
static int
sq_board_scan(struct server_store *base, const char *team, int32_t today,
	      struct board_builder *bb, struct err *e)
{
	struct sqlite_store *s = impl(base);
	int64_t since = ((int64_t)today - BOARD_SCAN_DAYS + 1) * 86400;
	const char *in_team = team != NULL ? " AND team = ?1 AND team <> ''" : "";
	char users[256], accounts[512];

	snprintf(users, sizeof users, "SELECT name, team FROM users WHERE role IN ('agent', "
		 "'field', 'lead')%s", in_team);
	snprintf(accounts, sizeof accounts,
		 "SELECT assignee, CAST(julianday(json_extract(record, '$.due_date')) - 2440587.5 "
		 "AS INTEGER), count(*) FROM accounts%s GROUP BY 1, 2",
		 team != NULL ? " WHERE assignee IN (SELECT name FROM users WHERE team = ?1 AND "
				"team <> '')" : "");
	return board_rows(s, users, team, since, board_user_row, bb, today, e) ||
	       board_rows(s, accounts, team, since, board_account_row, bb, today, e) ||
	       board_rows(s, "SELECT id, account_id, kind, user, at, body FROM events WHERE "
			     "at >= ?2 AND " SERVER_NOT_REFUSED_SQL, NULL, since, board_event_row, bb,
			     today, e) ? -1 : 0;
}

static int
sq_roster_scan(struct server_store *base, const char *team,
	       int (*fn)(void *ctx, const struct server_user *u), void *ctx, struct err *e)
{
	struct sqlite_store *s = impl(base);
	sqlite3_stmt *st;
	struct server_user u;
	int rc, ret = 0;

	if (sqlite3_prepare_v2(s->db, team != NULL ?
			       "SELECT id, name, role, team, '' FROM users WHERE role IN ('agent', "
			       "'field', 'lead') AND team = ?1 AND team <> '' ORDER BY name" :
			       "SELECT id, name, role, team, '' FROM users WHERE role IN ('agent', "
			       "'field', 'lead') ORDER BY name", -1, &st, NULL) != SQLITE_OK)
		return db_err(s, e);
	if (team != NULL)
		bind_text(st, 1, team);
	while (ret == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		user_row(st, &u);
		ret = fn(ctx, &u);
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = db_err(s, e);
	sqlite3_finalize(st);
	return ret;
}

static const struct server_store_ops sqlite_ops = {
	.name = "sqlite",
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.epoch = sq_epoch,
	.epoch_renew = sq_epoch_renew,
	.user_add = sq_user_add,
	.user_get = sq_user_get,
	.roster_scan = sq_roster_scan,
	.session_add = sq_session_add,
	.session_get = sq_session_get,
	.session_revoke = sq_session_revoke,
	.throttle_get = sq_throttle_get,
	.throttle_fail = sq_throttle_fail,
	.throttle_clear = sq_throttle_clear,
	.account_put = sq_account_put,
	.account_get = sq_account_get,
	.account_visible = sq_account_visible,
	.payment_add = sq_payment_add,
	.changes = sq_changes,
	.event_hash = sq_event_hash,
	.device_head = sq_device_head,
	.devices_lock = sq_devices_lock,
	.event_put = sq_event_put,
	.event_apply = sq_event_apply,
	.dead_letter_add = sq_dead_letter_add,
	.events_scan = sq_events_scan,
	.device_key_get = sq_device_key_get,
	.device_key_add = sq_device_key_add,
	.device_key_reset = sq_device_key_reset,
	.signed_head_add = sq_signed_head_add,
	.signed_heads_scan = sq_signed_heads_scan,
	.blob_link_add = sq_blob_link_add,
	.blob_access = sq_blob_access,
	.aging_scan = sq_aging_scan,
	.board_scan = sq_board_scan,
};

static int
user_version(sqlite3 *db, int *v)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

/* Creates the schema and picks the epoch, all in one transaction. */
static int
book_create(sqlite3 *db, const char *path, struct err *e)
{
	char sql[160];
	uint32_t epoch;

	epoch = server_epoch_pick(0);
	snprintf(sql, sizeof sql, "INSERT INTO meta(key, value) VALUES('epoch', %u);"
		 "PRAGMA user_version = %d;", (unsigned)epoch, SCHEMA_VERSION);
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		err_set(e, "%s: cannot create the book: %s", path, sqlite3_errmsg(db));
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return err_set(e, "%s: %s", path, sqlite3_errmsg(db));
	return 0;
}

int
store_sqlite_open(const char *path, enum server_store_mode mode, struct server_store **out,
		  struct err *e)
{
	struct sqlite_store *s;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, v;

	*out = NULL;
	if (mode == SERVER_STORE_INIT) {
		if (access(path, F_OK) == 0)
			return err_set(e, "%s: a book exists there already", path);
		flags |= SQLITE_OPEN_CREATE;
	} else if (access(path, F_OK) != 0) {
		return err_set(e, "%s: no book here (run arrearsd init)", path);
	}
	if ((s = calloc(1, sizeof *s)) == NULL)
		abort();
	s->base.ops = &sqlite_ops;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		err_set(e, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 5000);
	/* evidence and money must survive a power cut once the client has been told "stored" */
	if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 " PRAGMA foreign_keys=ON;", NULL, NULL, NULL) != SQLITE_OK) {
		err_set(e, "%s: not an arrearsd book: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (user_version(s->db, &v) != 0) {
		err_set(e, "%s: not an arrearsd book: %s", path, sqlite3_errmsg(s->db));
		goto fail;
	}
	if (mode == SERVER_STORE_INIT) {
		if (book_create(s->db, path, e) != 0)
			goto fail;
	} else if (v > SCHEMA_VERSION) {
		err_set(e, "%s: written by a newer arrearsd (schema %d, this one knows %d)", path, v,
			SCHEMA_VERSION);
		goto fail;
	} else if (v < 1) {
		err_set(e, "%s: not an arrearsd book", path);
		goto fail;
	}
	*out = &s->base;
	return 0;
fail:
	sq_close(&s->base);
	return -1;
}
