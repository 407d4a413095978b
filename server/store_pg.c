/* store_pg.c - the server's book in PostgreSQL (libpq), for several arrearsd on one database.
 *
 * The SQLite store is right because it has one writer at a time; here writers of several
 * processes run together, so what that single writer gave is asked of the database:
 * - the change sequence is a counter row locked until commit (SELECT ... FOR UPDATE), taken
 *   before an account is read for writing; sequence numbers are thus handed out in commit
 *   order, and a puller that saw seq N has seen everything below it;
 * - a push holds an advisory lock per device of its batch (devices_lock), so a chain is
 *   checked against its head and extended by one transaction at a time, and a batch pushed
 *   twice at once is stored once and answered "duplicate" the second time;
 * - applying events to case state holds one advisory lock (PG_LOCK_APPLY), so batches that
 *   touch the same accounts in different orders never deadlock;
 * - login throttling and idempotency are single statements on keyed rows.
 * Locks are always taken in the order device, apply, sequence, so no two requests wait on
 * each other. Statements are prepared once per connection on first use. */
#include "config.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "store_pg.h"

enum query {
	Q_EPOCH,
	Q_SEQ_LOCK,
	Q_NEXT_SEQ,
	Q_XACT_LOCK,
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
	Q_PAYMENT_ADD,
	Q_EVENT_HASH,
	Q_DEVICE_HEAD,
	Q_EVENT_PUT,
	Q_DEVICE_ADVANCE,
	Q_ACCOUNT_EXISTS,
	Q_CASE_APPLY,
	Q_DEAD_LETTER,
	Q_EVENTS_SCAN,
	Q_DEVICE_KEY_GET,
	Q_DEVICE_KEY_ADD,
	Q_DEVICE_KEY_RESET,
	Q_SIGNED_HEAD_ADD,
	Q_SIGNED_HEADS,
	Q_BLOB_LINK_ADD,
	Q_BLOB_LINKS,
	Q_AGING,
	Q_BOARD_USERS,
	Q_BOARD_ACCOUNTS,
	Q_BOARD_EVENTS,
	Q_ROSTER,
	Q_COUNT
};

struct query_def {
	const char *sql;
	int nparams;	/* the values a call passes, $1 to $nparams */
};

/* The members of team $T (never of no team). */
#define TEAM_MEMBERS(T) "(SELECT name FROM users WHERE team = " T " AND team <> '')"
/* A due date (YYYY-MM-DD in the record) as days since 1970-01-01, the client's day number. */
#define DUE_DAY "(CAST(CAST(record AS json) ->> 'due_date' AS date) - DATE '1970-01-01')"
/* One change row: seq, version, record (NULL for a removal), account id. Removals leave a
 * scope only when the account is not still in it, as in the SQLite store. */
#define UPSERTS "SELECT seq, version, record, id FROM accounts WHERE seq > $1"
#define REMOVALS "SELECT d.seq, 0, NULL, d.account_id FROM departures d WHERE d.seq > $1"

static const struct query_def queries[Q_COUNT] = {
	[Q_EPOCH] = { "SELECT value FROM meta WHERE key = 'epoch'", 0 },
	[Q_SEQ_LOCK] = { "SELECT value FROM meta WHERE key = 'seq' FOR UPDATE", 0 },
	[Q_NEXT_SEQ] = { "UPDATE meta SET value = value + 1 WHERE key = 'seq' RETURNING value", 0 },
	[Q_XACT_LOCK] = { "SELECT pg_advisory_xact_lock(CAST($1 AS integer), CAST($2 AS integer))",
			  2 },
	[Q_USER_ADD] = { "INSERT INTO users(name, role, team, pwhash) VALUES($1, $2, $3, $4)", 4 },
	[Q_USER_GET] = { "SELECT id, name, role, team, pwhash FROM users WHERE name = $1", 1 },
	[Q_SESSION_ADD] = { "INSERT INTO sessions(token_hash, user_id, device, created_at,"
			    " expires_at) VALUES($1, $2, $3, $4, $5)", 5 },
	[Q_SESSION_GET] = { "SELECT u.id, u.name, u.role, u.team, u.pwhash FROM sessions s JOIN"
			    " users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.revoked = 0"
			    " AND s.expires_at > $2", 2 },
	[Q_SESSION_REVOKE] = { "UPDATE sessions SET revoked = 1 WHERE token_hash = $1", 1 },
	[Q_THROTTLE_GET] = { "SELECT wait_until - CAST($2 AS bigint) FROM throttle WHERE key = $1"
			     " AND wait_until > CAST($2 AS bigint)", 2 },
	/* the wait doubles with each failure past the free ones, capped at 15 minutes */
	[Q_THROTTLE_FAIL] = { "INSERT INTO throttle AS t(key, failures, wait_until) VALUES($1, 1, 0)"
			      " ON CONFLICT(key) DO UPDATE SET failures = t.failures + 1,"
			      " wait_until = CASE WHEN t.failures + 1 >= CAST($3 AS integer) THEN"
			      " CAST($2 AS bigint) + least(900, 30 << least(5, t.failures + 1 -"
			      " CAST($3 AS integer))) ELSE t.wait_until END", 3 },
	[Q_THROTTLE_CLEAR] = { "DELETE FROM throttle WHERE key = $1", 1 },
	[Q_ACCOUNT_GET] = { "SELECT assignee, version, record FROM accounts WHERE id = $1", 1 },
	[Q_ACCOUNT_INSERT] = { "INSERT INTO accounts(id, assignee, version, seq, record)"
			       " VALUES($1, $2, 1, $3, $4)", 4 },
	[Q_ACCOUNT_UPDATE] = { "UPDATE accounts SET assignee = $2, version = version + 1, seq = $3,"
			       " record = $4 WHERE id = $1", 4 },
	[Q_DEPARTURE_ADD] = { "INSERT INTO departures(seq, account_id, assignee, team) VALUES($1,"
			      " $2, $3, coalesce((SELECT team FROM users WHERE name = $3), ''))", 3 },
	/* scope: $1 the account, $2 the user, $3 the user's team */
	[Q_VISIBLE_ALL] = { "SELECT 1 FROM accounts WHERE id = $1", 1 },
	[Q_VISIBLE_OWN] = { "SELECT 1 FROM accounts WHERE id = $1 AND assignee = $2", 2 },
	[Q_VISIBLE_TEAM] = { "SELECT 1 FROM accounts WHERE id = $1 AND (assignee = $2 OR assignee"
			     " IN " TEAM_MEMBERS("$3") ")", 3 },
	/* changes: $1 since, $2 rows wanted, $3 the user, $4 the team; one statement, so one
	 * snapshot: a change committed between two reads could otherwise be passed over */
	[Q_CHANGES_ALL] = { UPSERTS " ORDER BY seq LIMIT $2", 2 },
	[Q_CHANGES_OWN] = { "(" UPSERTS " AND assignee = $3 ORDER BY seq LIMIT $2) UNION ALL"
			    " (" REMOVALS " AND d.assignee = $3 AND NOT EXISTS (SELECT 1 FROM accounts"
			    " a WHERE a.id = d.account_id AND a.assignee = $3) ORDER BY d.seq LIMIT $2)"
			    " ORDER BY 1 LIMIT $2", 3 },
	[Q_CHANGES_TEAM] = { "(" UPSERTS " AND (assignee = $3 OR assignee IN " TEAM_MEMBERS("$4")
			     ") ORDER BY seq LIMIT $2) UNION ALL (" REMOVALS " AND (d.assignee = $3"
			     " OR (d.team = $4 AND $4 <> '')) AND NOT EXISTS (SELECT 1 FROM accounts"
			     " a WHERE a.id = d.account_id AND (a.assignee = $3 OR a.assignee IN "
			     TEAM_MEMBERS("$4") ")) ORDER BY d.seq LIMIT $2) ORDER BY 1 LIMIT $2", 4 },
	[Q_PAYMENT_ADD] = { "INSERT INTO payments(reference, account_id, amount, paid_on,"
			    " recorded_at) VALUES($1, $2, $3, $4, $5) ON CONFLICT(reference) DO"
			    " NOTHING", 5 },
	[Q_EVENT_HASH] = { "SELECT hash FROM events WHERE id = $1", 1 },
	[Q_DEVICE_HEAD] = { "SELECT owner, head_seq, head_hash FROM devices WHERE device = $1", 1 },
	[Q_EVENT_PUT] = { "INSERT INTO events(id, device, seq, account_id, kind, \"user\", at, body,"
			  " prev_hash, hash, pushed_by, received_at, flag) VALUES($1, $2, $3, $4,"
			  " $5, $6, $7, $8, $9, $10, $11, $12, $13)", 13 },
	[Q_DEVICE_ADVANCE] = { "INSERT INTO devices(device, owner, head_seq, head_hash)"
			       " VALUES($1, $2, $3, $4) ON CONFLICT(device) DO UPDATE SET"
			       " head_seq = excluded.head_seq, head_hash = excluded.head_hash", 4 },
	[Q_ACCOUNT_EXISTS] = { "SELECT 1 FROM accounts WHERE id = $1", 1 },
	[Q_CASE_APPLY] = { "INSERT INTO case_state AS c(account_id, events, last_event_at,"
			   " last_kind) VALUES($1, 1, $2, $3) ON CONFLICT(account_id) DO UPDATE SET"
			   " events = c.events + 1, last_event_at = greatest(c.last_event_at,"
			   " excluded.last_event_at), last_kind = excluded.last_kind", 3 },
	[Q_DEAD_LETTER] = { "INSERT INTO dead_letters(event_id, reason, at) VALUES($1, $2, $3)", 3 },
	[Q_EVENTS_SCAN] = { "SELECT id, device, seq, account_id, kind, \"user\", at, body,"
			    " prev_hash, hash FROM events ORDER BY device, seq", 0 },
	[Q_DEVICE_KEY_GET] = { "SELECT public_key, \"user\" FROM device_keys WHERE device = $1", 1 },
	[Q_DEVICE_KEY_ADD] = { "INSERT INTO device_keys(device, public_key, \"user\","
			       " registered_at) VALUES($1, $2, $3, $4)", 4 },
	[Q_DEVICE_KEY_RESET] = { "DELETE FROM device_keys WHERE device = $1", 1 },
	/* a head signed again (a retried batch) keeps its first record */
	[Q_SIGNED_HEAD_ADD] = { "INSERT INTO signed_heads(device, seq, hash, signature, public_key,"
				" pushed_by, received_at) VALUES($1, $2, $3, $4, $5, $6, $7)"
				" ON CONFLICT(device, seq) DO NOTHING", 7 },
	[Q_SIGNED_HEADS] = { "SELECT h.device, h.seq, h.hash, h.signature, h.public_key,"
			     " h.pushed_by, h.received_at, coalesce(e.hash, '') FROM signed_heads h"
			     " LEFT JOIN events e ON e.device = h.device AND e.seq = h.seq WHERE"
			     " CAST($1 AS text) IS NULL OR h.device = $1 ORDER BY h.device, h.seq", 1 },
	[Q_BLOB_LINK_ADD] = { "INSERT INTO blob_links(event_id, sha256, account_id, pushed_by, mime,"
			      " size) VALUES($1, $2, $3, $4, $5, $6) ON CONFLICT(event_id) DO"
			      " NOTHING", 6 },
	[Q_BLOB_LINKS] = { "SELECT event_id, account_id, pushed_by, mime, size FROM blob_links"
			   " WHERE sha256 = $1 ORDER BY n", 1 },
	/* $1 the team (NULL: the whole book), $2 the grouping's name */
	[Q_AGING] = { "SELECT CASE CAST($2 AS text) WHEN 'product' THEN CAST(record AS json) ->> 'product'"
		      " WHEN 'agent' THEN assignee WHEN 'team' THEN coalesce((SELECT team FROM"
		      " users u WHERE u.name = assignee), '') WHEN 'state' THEN"
		      " coalesce(CAST(record AS json) ->> 'region', '') ELSE '' END,"
		      " CAST(record AS json) ->> 'currency', " DUE_DAY ", count(*),"
		      " sum(CAST(CAST(record AS json) #>> '{balance,total}' AS bigint)),"
		      " sum(CAST(CAST(record AS json) #>> '{balance,past_due}' AS bigint))"
		      " FROM accounts WHERE CAST($1 AS text) IS NULL OR assignee IN "
		      TEAM_MEMBERS("$1") " GROUP BY 1, 2, 3", 2 },
	/* $1 the team (NULL: every team); the people on a board are those who work cases */
	[Q_BOARD_USERS] = { "SELECT name, team FROM users WHERE role IN ('agent', 'field', 'lead')"
			    " AND (CAST($1 AS text) IS NULL OR (team = $1 AND team <> ''))", 1 },
	[Q_BOARD_ACCOUNTS] = { "SELECT assignee, " DUE_DAY ", count(*) FROM accounts WHERE"
			       " CAST($1 AS text) IS NULL OR assignee IN " TEAM_MEMBERS("$1")
			       " GROUP BY 1, 2", 1 },
	[Q_BOARD_EVENTS] = { "SELECT id, account_id, kind, \"user\", at, body FROM events WHERE"
			     " at >= $1", 1 },
	[Q_ROSTER] = { "SELECT id, name, role, team, '' FROM users WHERE role IN ('agent', 'field',"
		       " 'lead') AND (CAST($1 AS text) IS NULL OR (team = $1 AND team <> ''))"
		       " ORDER BY name", 1 },
};

struct pg_store {
	struct server_store base;	/* first, so the interface pointer is this one */
	PGconn *conn;
	unsigned char prepared[Q_COUNT];
	int in_tx;		/* between begin and commit or rollback */
	int seq_locked;		/* this transaction holds the sequence row */
	int apply_locked;	/* this transaction holds PG_LOCK_APPLY */
	int scans;		/* cursors open, so nested scans get names of their own */
	int reading;		/* in a scan's own read-only transaction: nothing to lock */
	char where[160];	/* the database in messages; never the connection string */
};

static struct pg_store *
impl(struct server_store *s)
{
	return (struct pg_store *)s;
}

static int
pg_err(struct pg_store *s, const PGresult *r, struct err *e)
{
	const char *m = r != NULL ? PQresultErrorMessage(r) : "";

	if (*m == '\0')
		m = PQerrorMessage(s->conn);
	return err_set(e, "%s: %.*s", s->where, (int)strcspn(m, "\n"), m);
}

static const char *
i64(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

static int64_t
col_i64(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

static void
col_copy(const PGresult *r, int row, int col, char *buf, size_t len)
{
	snprintf(buf, len, "%s", PQgetvalue(r, row, col));
}

/* A connection lost between requests (a database restart) is made again before the next
 * statement; inside a transaction the loss is the transaction's failure. */
static void
conn_check(struct pg_store *s)
{
	if (!s->in_tx && PQstatus(s->conn) == CONNECTION_BAD) {
		PQreset(s->conn);
		memset(s->prepared, 0, sizeof s->prepared);
	}
}

static int
prepare(struct pg_store *s, enum query q, struct err *e)
{
	char name[8];
	PGresult *r;
	int ret = 0;

	if (s->prepared[q])
		return 0;
	snprintf(name, sizeof name, "q%d", (int)q);
	r = PQprepare(s->conn, name, queries[q].sql, queries[q].nparams, NULL);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		ret = pg_err(s, r, e);
	else
		s->prepared[q] = 1;
	PQclear(r);
	return ret;
}

/* Runs q with its values (text; NULL is SQL NULL): whatever the server answered (PQclear
 * it), or NULL with e filled when q could not even be prepared. */
static PGresult *
run_raw(struct pg_store *s, enum query q, const char *const *vals, struct err *e)
{
	char name[8];

	conn_check(s);
	if (prepare(s, q, e) != 0)
		return NULL;
	snprintf(name, sizeof name, "q%d", (int)q);
	return PQexecPrepared(s->conn, name, queries[q].nparams, vals, NULL, NULL, 0);
}

/* Runs q: the result (PQclear it), or NULL with e filled. */
static PGresult *
run(struct pg_store *s, enum query q, const char *const *vals, struct err *e)
{
	PGresult *r = run_raw(s, q, vals, e);
	ExecStatusType st = PQresultStatus(r);

	if (r != NULL && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		pg_err(s, r, e);
		PQclear(r);
		return NULL;
	}
	return r;
}

/* Runs q for its effect only. */
static int
run_exec(struct pg_store *s, enum query q, const char *const *vals, struct err *e)
{
	PGresult *r = run(s, q, vals, e);

	PQclear(r);
	return r != NULL ? 0 : -1;
}

/* Runs q for at most one row: 0 with *out (PQclear it), 1 for no row, -1 with e filled. */
static int
run_row(struct pg_store *s, enum query q, const char *const *vals, PGresult **out,
	struct err *e)
{
	*out = run(s, q, vals, e);
	if (*out == NULL)
		return -1;
	if (PQntuples(*out) > 0)
		return 0;
	PQclear(*out);
	*out = NULL;
	return 1;
}

/* Hands fn each row of q, a thousand at a time through a cursor, so a scan of the whole book
 * takes little memory and fn may run statements of its own on this connection. Outside a
 * transaction the scan has one of its own, read-only and on one snapshot. fn's non-zero
 * return stops the scan and is returned. */
static int
scan(struct pg_store *s, enum query q, const char *const *vals,
     int (*fn)(void *ctx, const PGresult *r, int row), void *ctx, struct err *e)
{
	char cursor[24], sql[64];
	int own = !s->in_tx, ret = 0, n = 0;
	size_t len = strlen(queries[q].sql) + 64;
	char *declare = malloc(len);
	PGresult *r;

	if (declare == NULL)
		abort();
	conn_check(s);
	snprintf(cursor, sizeof cursor, "arrears_scan_%d", s->scans);
	snprintf(declare, len, "DECLARE %s NO SCROLL CURSOR FOR %s", cursor, queries[q].sql);
	if (own) {
		r = PQexec(s->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			ret = pg_err(s, r, e);
		PQclear(r);
		if (ret != 0) {
			free(declare);
			return ret;
		}
		s->in_tx = s->reading = 1;
	}
	r = PQexecParams(s->conn, declare, queries[q].nparams, NULL, vals, NULL, NULL, 0);
	free(declare);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		ret = pg_err(s, r, e);
	PQclear(r);
	s->scans++;
	snprintf(sql, sizeof sql, "FETCH 1000 FROM %s", cursor);
	while (ret == 0) {
		r = PQexec(s->conn, sql);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			ret = pg_err(s, r, e);
		} else {
			n = PQntuples(r);
			for (int i = 0; i < n && ret == 0; i++)
				ret = fn(ctx, r, i);
		}
		PQclear(r);
		if (n == 0)
			break;
	}
	s->scans--;
	snprintf(sql, sizeof sql, "CLOSE %s", cursor);
	PQclear(PQexec(s->conn, sql));
	if (own) {
		PQclear(PQexec(s->conn, "ROLLBACK"));	/* it only read */
		s->in_tx = s->reading = 0;
	}
	return ret;
}

static void
tx_end(struct pg_store *s)
{
	s->in_tx = s->seq_locked = s->apply_locked = 0;
}

static void
pg_close(struct server_store *base)
{
	struct pg_store *s = impl(base);

	PQfinish(s->conn);
	free(s);
}

static int
pg_begin(struct server_store *base, struct err *e)
{
	struct pg_store *s = impl(base);
	PGresult *r;
	int ret = 0;

	conn_check(s);
	r = PQexec(s->conn, "BEGIN");
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		ret = pg_err(s, r, e);
	else
		s->in_tx = 1;
	PQclear(r);
	return ret;
}

static int
pg_commit(struct server_store *base, struct err *e)
{
	struct pg_store *s = impl(base);
	PGresult *r = PQexec(s->conn, "COMMIT");
	int ret = 0;

	/* COMMIT of a transaction that failed answers ROLLBACK, and stored nothing */
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		ret = pg_err(s, r, e);
	else if (strcmp(PQcmdStatus(r), "COMMIT") != 0)
		ret = err_set(e, "%s: the transaction failed and was rolled back", s->where);
	PQclear(r);
	tx_end(s);
	return ret;
}

static void
pg_rollback(struct server_store *base)
{
	struct pg_store *s = impl(base);

	if (s->in_tx || PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		PQclear(PQexec(s->conn, "ROLLBACK"));
	tx_end(s);
}

static int
pg_epoch(struct server_store *base, uint32_t *out, struct err *e)
{
	struct pg_store *s = impl(base);
	PGresult *r;
	int rc = run_row(s, Q_EPOCH, NULL, &r, e);

	if (rc == 1)
		return err_set(e, "%s: the book has no epoch", s->where);
	if (rc == 0)
		*out = (uint32_t)col_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

/* Inside a transaction, the sequence row is locked before any account is read for writing,
 * so the read is of the latest commit and no other writer takes a number meanwhile. */
static int
seq_lock(struct pg_store *s, struct err *e)
{
	if (!s->in_tx || s->reading || s->seq_locked)
		return 0;
	if (run_exec(s, Q_SEQ_LOCK, NULL, e) != 0)
		return -1;
	s->seq_locked = 1;
	return 0;
}

static int
next_seq(struct pg_store *s, int64_t *seq, struct err *e)
{
	PGresult *r;
	int rc = run_row(s, Q_NEXT_SEQ, NULL, &r, e);

	if (rc == 1)
		return err_set(e, "%s: the book has no change sequence", s->where);
	if (rc == 0)
		*seq = col_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

static int
xact_lock(struct pg_store *s, int kind, int32_t key, struct err *e)
{
	char a[24], b[24];
	const char *v[] = { i64(a, kind), i64(b, key) };

	return run_exec(s, Q_XACT_LOCK, v, e);
}

static int
pg_user_add(struct server_store *base, const struct server_user *u, struct err *e)
{
	struct pg_store *s = impl(base);
	const char *v[] = { u->name, server_role_name(u->role), u->team, u->pwhash };
	PGresult *r = run_raw(s, Q_USER_ADD, v, e);
	const char *state;

	if (r == NULL)
		return -1;
	if (PQresultStatus(r) == PGRES_COMMAND_OK) {
		PQclear(r);
		return 0;
	}
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	if (state != NULL && strcmp(state, "23505") == 0)	/* unique_violation */
		err_set(e, "user '%s' exists already", u->name);
	else
		pg_err(s, r, e);
	PQclear(r);
	return -1;
}

static void
user_row(const PGresult *r, int row, struct server_user *out)
{
	char role[16];
	int n;

	memset(out, 0, sizeof *out);
	out->id = col_i64(r, row, 0);
	col_copy(r, row, 1, out->name, sizeof out->name);
	col_copy(r, row, 2, role, sizeof role);
	col_copy(r, row, 3, out->team, sizeof out->team);
	col_copy(r, row, 4, out->pwhash, sizeof out->pwhash);
	n = server_role_parse(role);
	/* an unknown role in the table gets the narrowest scope rather than a guess */
	out->role = n < 0 ? ROLE_QA : (enum server_role)n;
}

static int
user_fetch(struct pg_store *s, enum query q, const char *const *v, struct server_user *out,
	   struct err *e)
{
	PGresult *r;
	int rc = run_row(s, q, v, &r, e);

	if (rc == 0)
		user_row(r, 0, out);
	PQclear(r);
	return rc;
}

static int
pg_user_get(struct server_store *base, const char *name, struct server_user *out,
	    struct err *e)
{
	const char *v[] = { name };

	return user_fetch(impl(base), Q_USER_GET, v, out, e);
}

static int
pg_session_add(struct server_store *base, const char *token_hash, int64_t user_id,
	       const char *device, int64_t now, int64_t expires_at, struct err *e)
{
	char a[24], b[24], c[24];
	const char *v[] = { token_hash, i64(a, user_id), device, i64(b, now), i64(c, expires_at) };

	return run_exec(impl(base), Q_SESSION_ADD, v, e);
}

static int
pg_session_get(struct server_store *base, const char *token_hash, int64_t now,
	       struct server_user *out, struct err *e)
{
	char a[24];
	const char *v[] = { token_hash, i64(a, now) };

	return user_fetch(impl(base), Q_SESSION_GET, v, out, e);
}

static int
pg_session_revoke(struct server_store *base, const char *token_hash, struct err *e)
{
	const char *v[] = { token_hash };

	return run_exec(impl(base), Q_SESSION_REVOKE, v, e);
}

static int
pg_throttle_get(struct server_store *base, const char *key, int64_t now, int64_t *wait,
		struct err *e)
{
	char a[24];
	const char *v[] = { key, i64(a, now) };
	PGresult *r;
	int rc = run_row(impl(base), Q_THROTTLE_GET, v, &r, e);

	*wait = rc == 0 ? col_i64(r, 0, 0) : 0;
	PQclear(r);
	return rc < 0 ? -1 : 0;
}

static int
pg_throttle_fail(struct server_store *base, const char *key, int64_t now, int free_tries,
		 struct err *e)
{
	char a[24], b[24];
	const char *v[] = { key, i64(a, now), i64(b, free_tries) };

	return run_exec(impl(base), Q_THROTTLE_FAIL, v, e);
}

static int
pg_throttle_clear(struct server_store *base, const char *key, struct err *e)
{
	const char *v[] = { key };

	return run_exec(impl(base), Q_THROTTLE_CLEAR, v, e);
}

static int
pg_account_get(struct server_store *base, const char *id, struct wire_account *out,
	       struct err *e)
{
	struct pg_store *s = impl(base);
	const char *v[] = { id };
	PGresult *r;
	int rc;

	memset(out, 0, sizeof *out);
	/* read inside a transaction to be written back (a payment, a reassign) */
	if (seq_lock(s, e) != 0 || (rc = run_row(s, Q_ACCOUNT_GET, v, &r, e)) < 0)
		return -1;
	if (rc == 0)
		rc = store_record_read(PQgetvalue(r, 0, 2), col_i64(r, 0, 1), out, e);
	PQclear(r);
	return rc;
}

static int
pg_account_put(struct server_store *base, const struct wire_account *a, int *changed,
	       struct err *e)
{
	struct pg_store *s = impl(base);
	char *text = store_record_text(a, e), old_assignee[32] = "", sq[24];
	const char *id[] = { a->account.id };
	PGresult *r = NULL;
	int64_t seq;
	int rc, ret = -1;

	*changed = 0;
	if (text == NULL)
		return -1;
	if (seq_lock(s, e) != 0 || (rc = run_row(s, Q_ACCOUNT_GET, id, &r, e)) < 0)
		goto out;
	if (rc == 0) {
		col_copy(r, 0, 0, old_assignee, sizeof old_assignee);
		if (strcmp(PQgetvalue(r, 0, 2), text) == 0) {
			ret = 0;
			goto out;
		}
	}
	if (rc == 0 && strcmp(old_assignee, a->account.assignee) != 0) {
		/* the old owner (and their team) learn of the move by an explicit removal */
		const char *v[] = { sq, a->account.id, old_assignee };

		if (next_seq(s, &seq, e) != 0)
			goto out;
		i64(sq, seq);
		if (run_exec(s, Q_DEPARTURE_ADD, v, e) != 0)
			goto out;
	}
	if (next_seq(s, &seq, e) != 0)
		goto out;
	{
		const char *v[] = { a->account.id, a->account.assignee, i64(sq, seq), text };

		if (run_exec(s, rc == 0 ? Q_ACCOUNT_UPDATE : Q_ACCOUNT_INSERT, v, e) != 0)
			goto out;
	}
	*changed = 1;
	ret = 0;
out:
	PQclear(r);
	free(text);
	return ret;
}

/* Which statements implement a role's scope; qa and unknown roles see no accounts. */
static int
scope_queries(enum server_role role, enum query *visible, enum query *changes)
{
	switch (role) {
	case ROLE_AGENT:
	case ROLE_FIELD:
		*visible = Q_VISIBLE_OWN, *changes = Q_CHANGES_OWN;
		return 0;
	case ROLE_LEAD:
		*visible = Q_VISIBLE_TEAM, *changes = Q_CHANGES_TEAM;
		return 0;
	case ROLE_ADMIN:
		*visible = Q_VISIBLE_ALL, *changes = Q_CHANGES_ALL;
		return 0;
	case ROLE_QA:
	case ROLE_COUNT:
		break;
	}
	return -1;
}

static int
pg_account_visible(struct server_store *base, const struct server_user *u, const char *id,
		   struct err *e)
{
	struct pg_store *s = impl(base);
	const char *v[] = { id, u->name, u->team };
	enum query qv, qc;
	PGresult *r;
	int rc;

	if (scope_queries(u->role, &qv, &qc) != 0)
		return 1;
	rc = run_row(s, qv, v, &r, e);
	PQclear(r);
	return rc;
}

static int
pg_payment_add(struct server_store *base, const char *reference, const char *account_id,
	       int64_t amount, int32_t paid_on, int64_t now, int *duplicate, struct err *e)
{
	struct pg_store *s = impl(base);
	char a[24], b[24], c[24];
	const char *v[] = { reference, account_id, i64(a, amount), i64(b, paid_on), i64(c, now) };
	struct wire_account acct;
	PGresult *r;
	int rc, changed;

	*duplicate = 0;
	/* a reference recorded meanwhile by another transaction makes this insert wait for it,
	 * then do nothing: the payment is counted once */
	if ((r = run(s, Q_PAYMENT_ADD, v, e)) == NULL)
		return -1;
	*duplicate = strcmp(PQcmdTuples(r), "0") == 0;
	PQclear(r);
	if (*duplicate)
		return 0;
	if ((rc = pg_account_get(base, account_id, &acct, e)) != 0)
		return rc < 0 ? -1 : err_set(e, "no account %s", account_id);
	/* a payment pays the arrears first; neither figure goes below zero */
	acct.account.total = acct.account.total > amount ? acct.account.total - amount : 0;
	acct.account.past_due = acct.account.past_due > amount ? acct.account.past_due - amount : 0;
	rc = pg_account_put(base, &acct, &changed, e);
	wire_account_clear(&acct);
	return rc;
}

static int
pg_changes(struct server_store *base, const struct server_user *u, int64_t since, size_t limit,
	   struct wire_change **out, size_t *n, int *more, struct err *e)
{
	struct pg_store *s = impl(base);
	char a[24], b[24];
	const char *v[] = { i64(a, since), i64(b, (int64_t)limit + 1), u->name, u->team };
	struct wire_change *res;
	enum query qv, qc;
	PGresult *r;
	size_t rows, i;

	*out = NULL;
	*n = 0;
	*more = 0;
	if (scope_queries(u->role, &qv, &qc) != 0)
		return 0;
	if ((r = run(s, qc, v, e)) == NULL)
		return -1;
	rows = (size_t)PQntuples(r);
	*more = rows > limit;
	if (rows > limit)
		rows = limit;
	if ((res = calloc(rows + 1, sizeof *res)) == NULL)
		abort();
	for (i = 0; i < rows; i++) {
		struct wire_change *c = &res[i];

		c->seq = col_i64(r, (int)i, 0);
		col_copy(r, (int)i, 3, c->account_id, sizeof c->account_id);
		if (PQgetisnull(r, (int)i, 2)) {
			c->op = WIRE_CHANGE_REMOVE;
			continue;
		}
		c->op = WIRE_CHANGE_UPSERT;
		if (store_record_read(PQgetvalue(r, (int)i, 2), col_i64(r, (int)i, 1), &c->acct,
				      e) != 0)
			break;
	}
	PQclear(r);
	if (i < rows) {
		for (size_t k = 0; k < i; k++)
			wire_account_clear(&res[k].acct);
		free(res);
		*more = 0;
		return -1;
	}
	*out = res;
	*n = rows;
	return 0;
}

/* Copies the first column of q's row into buf: 0, 1 for no row, -1. */
static int
text_fetch(struct pg_store *s, enum query q, const char *key, char *buf, size_t len,
	   struct err *e)
{
	const char *v[] = { key };
	PGresult *r;
	int rc = run_row(s, q, v, &r, e);

	if (rc == 0)
		col_copy(r, 0, 0, buf, len);
	PQclear(r);
	return rc;
}

static int
pg_event_hash(struct server_store *base, const char *id, char hash[65], struct err *e)
{
	return text_fetch(impl(base), Q_EVENT_HASH, id, hash, 65, e);
}

static int
pg_device_head(struct server_store *base, const char *device, char owner[32], int64_t *seq,
	       char hash[65], struct err *e)
{
	const char *v[] = { device };
	PGresult *r;
	int rc = run_row(impl(base), Q_DEVICE_HEAD, v, &r, e);

	if (rc == 0) {
		col_copy(r, 0, 0, owner, 32);
		*seq = col_i64(r, 0, 1);
		col_copy(r, 0, 2, hash, 65);
	}
	PQclear(r);
	return rc;
}

static int
key_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/* One advisory lock per device, taken in the order of their keys so that two batches with
 * the same devices never wait on each other crosswise. */
static int
pg_devices_lock(struct server_store *base, const char *const *devices, size_t n,
		struct err *e)
{
	struct pg_store *s = impl(base);
	int32_t *keys = calloc(n + 1, sizeof *keys);
	int ret = 0;

	if (keys == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char h[crypto_generichash_BYTES_MIN];

		crypto_generichash(h, sizeof h, (const unsigned char *)devices[i],
				   strlen(devices[i]), NULL, 0);
		memcpy(&keys[i], h, sizeof keys[i]);
	}
	qsort(keys, n, sizeof *keys, key_cmp);
	for (size_t i = 0; i < n && ret == 0; i++)
		if (i == 0 || keys[i] != keys[i - 1])
			ret = xact_lock(s, PG_LOCK_DEVICE, keys[i], e);
	free(keys);
	return ret;
}

static int
pg_event_put(struct server_store *base, const struct event *ev, const char *pushed_by,
	     int64_t received_at, const char *flag, struct err *e)
{
	struct pg_store *s = impl(base);
	char a[24], b[24], c[24];
	const char *v[] = { ev->id, ev->device, i64(a, ev->seq), ev->account_id, ev->kind,
			    ev->user, i64(b, ev->at), ev->body, ev->prev_hash, ev->hash, pushed_by,
			    i64(c, received_at), flag };
	const char *head[] = { ev->device, pushed_by, a, ev->hash };

	if (run_exec(s, Q_EVENT_PUT, v, e) != 0)
		return -1;
	return run_exec(s, Q_DEVICE_ADVANCE, head, e);
}

static int
pg_event_apply(struct server_store *base, const struct event *ev, int64_t now, struct err *e)
{
	struct pg_store *s = impl(base);
	char a[24];
	const char *id[] = { ev->account_id };
	const char *v[] = { ev->account_id, i64(a, ev->at), ev->kind };
	PGresult *r;
	int rc;

	(void)now;
	if (s->in_tx && !s->apply_locked) {
		if (xact_lock(s, PG_LOCK_BOOK, PG_LOCK_APPLY, e) != 0)
			return -1;
		s->apply_locked = 1;
	}
	if ((rc = run_row(s, Q_ACCOUNT_EXISTS, id, &r, e)) < 0)
		return -1;
	PQclear(r);
	if (rc == 1)
		return err_set(e, "no account %s in the book", ev->account_id);
	return run_exec(s, Q_CASE_APPLY, v, e);
}

static int
pg_dead_letter_add(struct server_store *base, const char *event_id, const char *reason,
		   int64_t now, struct err *e)
{
	char a[24];
	const char *v[] = { event_id, reason, i64(a, now) };

	return run_exec(impl(base), Q_DEAD_LETTER, v, e);
}

struct event_scan {
	int (*fn)(void *ctx, const struct event *ev);
	void *ctx;
};

static int
event_row(void *ctx, const PGresult *r, int i)
{
	struct event_scan *sc = ctx;
	struct event ev;

	col_copy(r, i, 0, ev.id, sizeof ev.id);
	col_copy(r, i, 1, ev.device, sizeof ev.device);
	ev.seq = col_i64(r, i, 2);
	col_copy(r, i, 3, ev.account_id, sizeof ev.account_id);
	col_copy(r, i, 4, ev.kind, sizeof ev.kind);
	col_copy(r, i, 5, ev.user, sizeof ev.user);
	ev.at = col_i64(r, i, 6);
	ev.body = PQgetvalue(r, i, 7);
	col_copy(r, i, 8, ev.prev_hash, sizeof ev.prev_hash);
	col_copy(r, i, 9, ev.hash, sizeof ev.hash);
	return sc->fn(sc->ctx, &ev);
}

static int
pg_events_scan(struct server_store *base, int (*fn)(void *ctx, const struct event *ev),
	       void *ctx, struct err *e)
{
	struct event_scan sc = { .fn = fn, .ctx = ctx };

	return scan(impl(base), Q_EVENTS_SCAN, NULL, event_row, &sc, e);
}

static int
pg_device_key_get(struct server_store *base, const char *device, char key[65], char user[32],
		  struct err *e)
{
	const char *v[] = { device };
	PGresult *r;
	int rc = run_row(impl(base), Q_DEVICE_KEY_GET, v, &r, e);

	if (rc == 0) {
		col_copy(r, 0, 0, key, 65);
		col_copy(r, 0, 1, user, 32);
	}
	PQclear(r);
	return rc;
}

static int
pg_device_key_add(struct server_store *base, const char *device, const char *key,
		  const char *user, int64_t now, struct err *e)
{
	char a[24];
	const char *v[] = { device, key, user, i64(a, now) };

	return run_exec(impl(base), Q_DEVICE_KEY_ADD, v, e);
}

static int
pg_device_key_reset(struct server_store *base, const char *device, struct err *e)
{
	const char *v[] = { device };
	PGresult *r = run(impl(base), Q_DEVICE_KEY_RESET, v, e);
	int rc;

	if (r == NULL)
		return -1;
	rc = strcmp(PQcmdTuples(r), "0") == 0 ? 1 : 0;
	PQclear(r);
	return rc;
}

static int
pg_signed_head_add(struct server_store *base, const struct server_signed_head *h,
		   struct err *e)
{
	char a[24], b[24];
	const char *v[] = { h->device, i64(a, h->seq), h->hash, h->signature, h->public_key,
			    h->pushed_by, i64(b, h->received_at) };

	return run_exec(impl(base), Q_SIGNED_HEAD_ADD, v, e);
}

struct head_scan {
	int (*fn)(void *ctx, const struct server_signed_head *h);
	void *ctx;
};

static int
head_row(void *ctx, const PGresult *r, int i)
{
	struct head_scan *sc = ctx;
	struct server_signed_head h;

	col_copy(r, i, 0, h.device, sizeof h.device);
	h.seq = col_i64(r, i, 1);
	col_copy(r, i, 2, h.hash, sizeof h.hash);
	col_copy(r, i, 3, h.signature, sizeof h.signature);
	col_copy(r, i, 4, h.public_key, sizeof h.public_key);
	col_copy(r, i, 5, h.pushed_by, sizeof h.pushed_by);
	h.received_at = col_i64(r, i, 6);
	col_copy(r, i, 7, h.event_hash, sizeof h.event_hash);
	return sc->fn(sc->ctx, &h);
}

static int
pg_signed_heads_scan(struct server_store *base, const char *device,
		     int (*fn)(void *ctx, const struct server_signed_head *h), void *ctx,
		     struct err *e)
{
	struct head_scan sc = { .fn = fn, .ctx = ctx };
	const char *v[] = { device };

	return scan(impl(base), Q_SIGNED_HEADS, v, head_row, &sc, e);
}

static int
pg_blob_link_add(struct server_store *base, const struct server_blob_link *l, struct err *e)
{
	char a[24];
	const char *v[] = { l->event_id, l->sha256, l->account_id, l->pushed_by, l->mime,
			    i64(a, l->size) };

	return run_exec(impl(base), Q_BLOB_LINK_ADD, v, e);
}

static int
pg_blob_access(struct server_store *base, const struct server_user *u, const char *sha256,
	       struct server_blob_link *out, struct err *e)
{
	struct pg_store *s = impl(base);
	const char *v[] = { sha256 };
	PGresult *r = run(s, Q_BLOB_LINKS, v, e);
	int ret = 1;

	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && ret == 1; i++) {
		struct server_blob_link l = { .size = col_i64(r, i, 4) };

		snprintf(l.sha256, sizeof l.sha256, "%s", sha256);
		col_copy(r, i, 0, l.event_id, sizeof l.event_id);
		col_copy(r, i, 1, l.account_id, sizeof l.account_id);
		col_copy(r, i, 2, l.pushed_by, sizeof l.pushed_by);
		col_copy(r, i, 3, l.mime, sizeof l.mime);
		if (strcmp(l.pushed_by, u->name) == 0)
			ret = 0;
		else
			ret = pg_account_visible(base, u, l.account_id, e);
		if (ret == 0)
			*out = l;
	}
	PQclear(r);
	return ret;
}

static int
pg_aging_scan(struct server_store *base, const char *team, enum aging_by by, aging_row_fn fn,
	      void *ctx, struct err *e)
{
	struct pg_store *s = impl(base);
	const char *name = aging_by_name(by);
	const char *v[] = { team, name != NULL ? name : "" };
	PGresult *r;
	int ret = 0;

	if (by == AGING_BY_SEGMENT || (unsigned)by >= AGING_BY_COUNT_)
		return err_set(e, "aging: the server's book has no %s; group by product, agent, "
				  "team or state", name ? name : "such field");
	if ((r = run(s, Q_AGING, v, e)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		struct aging_row row = {
			.group = PQgetvalue(r, i, 0),
			.currency = PQgetvalue(r, i, 1),
			.due_date = (int32_t)col_i64(r, i, 2),
			.accounts = col_i64(r, i, 3),
			.balance = col_i64(r, i, 4),
			.past_due = col_i64(r, i, 5),
		};

		ret = fn(ctx, &row, e);
	}
	PQclear(r);
	return ret != 0 ? -1 : 0;
}

struct board_scan {
	struct board_builder *bb;
	int32_t today;
};

static int
board_event_row(void *ctx, const PGresult *r, int i)
{
	struct board_scan *sc = ctx;
	struct event ev = { .at = col_i64(r, i, 4) };

	col_copy(r, i, 0, ev.id, sizeof ev.id);
	col_copy(r, i, 1, ev.account_id, sizeof ev.account_id);
	col_copy(r, i, 2, ev.kind, sizeof ev.kind);
	col_copy(r, i, 3, ev.user, sizeof ev.user);
	ev.body = PQgetvalue(r, i, 5);
	board_add_event(sc->bb, &ev);
	return 0;
}

static int
pg_board_scan(struct server_store *base, const char *team, int32_t today,
	      struct board_builder *bb, struct err *e)
{
	struct pg_store *s = impl(base);
	struct board_scan sc = { .bb = bb, .today = today };
	char a[24];
	const char *v[] = { team };
	const char *since[] = { i64(a, ((int64_t)today - BOARD_SCAN_DAYS + 1) * 86400) };
	PGresult *r;

	if ((r = run(s, Q_BOARD_USERS, v, e)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		board_add_agent(bb, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	PQclear(r);
	if ((r = run(s, Q_BOARD_ACCOUNTS, v, e)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		board_add_accounts(bb, PQgetvalue(r, i, 0),
				   account_dpd((int32_t)col_i64(r, i, 1), today), col_i64(r, i, 2));
	PQclear(r);
	return scan(s, Q_BOARD_EVENTS, since, board_event_row, &sc, e);
}

static int
pg_roster_scan(struct server_store *base, const char *team,
	       int (*fn)(void *ctx, const struct server_user *u), void *ctx, struct err *e)
{
	const char *v[] = { team };
	PGresult *r = run(impl(base), Q_ROSTER, v, e);
	struct server_user u;
	int ret = 0;

	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		user_row(r, i, &u);
		ret = fn(ctx, &u);
	}
	PQclear(r);
	return ret;
}

static const struct server_store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.epoch = pg_epoch,
	.user_add = pg_user_add,
	.user_get = pg_user_get,
	.roster_scan = pg_roster_scan,
	.session_add = pg_session_add,
	.session_get = pg_session_get,
	.session_revoke = pg_session_revoke,
	.throttle_get = pg_throttle_get,
	.throttle_fail = pg_throttle_fail,
	.throttle_clear = pg_throttle_clear,
	.account_put = pg_account_put,
	.account_get = pg_account_get,
	.account_visible = pg_account_visible,
	.payment_add = pg_payment_add,
	.changes = pg_changes,
	.event_hash = pg_event_hash,
	.device_head = pg_device_head,
	.devices_lock = pg_devices_lock,
	.event_put = pg_event_put,
	.event_apply = pg_event_apply,
	.dead_letter_add = pg_dead_letter_add,
	.events_scan = pg_events_scan,
	.device_key_get = pg_device_key_get,
	.device_key_add = pg_device_key_add,
	.device_key_reset = pg_device_key_reset,
	.signed_head_add = pg_signed_head_add,
	.signed_heads_scan = pg_signed_heads_scan,
	.blob_link_add = pg_blob_link_add,
	.blob_access = pg_blob_access,
	.aging_scan = pg_aging_scan,
	.board_scan = pg_board_scan,
};

/* Notices (a table that exists, a transaction already open) are not for the log. */
static void
notice_ignore(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int
store_pg_open(const char *conninfo, enum server_store_mode mode, struct server_store **out,
	      struct err *e)
{
	/* the connection string's own settings win: it is expanded last */
	const char *const keys[] = { "application_name", "client_encoding", "dbname", NULL };
	const char *const vals[] = { "arrearsd", "UTF8", conninfo, NULL };
	struct pg_store *s;
	const char *m;

	*out = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL)
		abort();
	s->base.ops = &pg_ops;
	s->conn = PQconnectdbParams(keys, vals, 1);
	if (s->conn == NULL)
		abort();
	if (PQstatus(s->conn) != CONNECTION_OK) {
		m = PQerrorMessage(s->conn);
		err_set(e, "postgresql: cannot connect: %.*s", (int)strcspn(m, "\n"), m);
		goto fail;
	}
	PQsetNoticeProcessor(s->conn, notice_ignore, NULL);
	snprintf(s->where, sizeof s->where, "postgresql database %s on %s port %s", PQdb(s->conn),
		 PQhost(s->conn), PQport(s->conn));
	if (pg_book_prepare(s->conn, mode, s->where, e) != 0)
		goto fail;
	*out = &s->base;
	return 0;
fail:
	pg_close(&s->base);
	return -1;
}
