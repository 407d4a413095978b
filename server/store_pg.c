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

#include "store_pg.h"

struct pg_store *
pg_impl(struct server_store *s)
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

const char *
pg_i64(char buf[24], int64_t v)
{
	snprintf(buf, 24, "%lld", (long long)v);
	return buf;
}

int64_t
pg_col_i64(const PGresult *r, int row, int col)
{
	return strtoll(PQgetvalue(r, row, col), NULL, 10);
}

void
pg_col_copy(const PGresult *r, int row, int col, char *buf, size_t len)
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
prepare(struct pg_store *s, enum pg_query q, struct err *e)
{
	char name[8];
	PGresult *r;
	int ret = 0;

	if (s->prepared[q])
		return 0;
	snprintf(name, sizeof name, "q%d", (int)q);
	r = PQprepare(s->conn, name, pg_queries[q].sql, pg_queries[q].nparams, NULL);
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
run_raw(struct pg_store *s, enum pg_query q, const char *const *vals, struct err *e)
{
	char name[8];
	PGresult *r;

	conn_check(s);
	if (prepare(s, q, e) != 0)
		return NULL;
	snprintf(name, sizeof name, "q%d", (int)q);
	if ((r = PQexecPrepared(s->conn, name, pg_queries[q].nparams, vals, NULL, NULL, 0)) == NULL)
		pg_err(s, NULL, e);
	return r;
}

/* Runs q: the result (PQclear it), or NULL with e filled. */
PGresult *
pg_run(struct pg_store *s, enum pg_query q, const char *const *vals, struct err *e)
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
run_exec(struct pg_store *s, enum pg_query q, const char *const *vals, struct err *e)
{
	PGresult *r = pg_run(s, q, vals, e);

	PQclear(r);
	return r != NULL ? 0 : -1;
}

/* Runs q for at most one row: 0 with *out (PQclear it), 1 for no row, -1 with e filled. */
int
pg_run_row(struct pg_store *s, enum pg_query q, const char *const *vals, PGresult **out,
	   struct err *e)
{
	*out = pg_run(s, q, vals, e);
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
int
pg_scan(struct pg_store *s, enum pg_query q, const char *const *vals,
	int (*fn)(void *ctx, const PGresult *r, int row), void *ctx, struct err *e)
{
	char cursor[24], sql[64];
	int own = !s->in_tx, ret = 0, n = 0;
	size_t len = strlen(pg_queries[q].sql) + 64;
	char *declare = malloc(len);
	PGresult *r;

	if (declare == NULL)
		abort();
	conn_check(s);
	snprintf(cursor, sizeof cursor, "arrears_scan_%d", s->scans);
	snprintf(declare, len, "DECLARE %s NO SCROLL CURSOR FOR %s", cursor, pg_queries[q].sql);
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
	r = PQexecParams(s->conn, declare, pg_queries[q].nparams, NULL, vals, NULL, NULL, 0);
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
	s->in_tx = s->seq_locked = s->seq_moved = s->apply_locked = 0;
}


static void
pg_close(struct server_store *base)
{
	struct pg_store *s = pg_impl(base);

	PQfinish(s->conn);
	free(s);
}

static int
pg_begin(struct server_store *base, struct err *e)
{
	struct pg_store *s = pg_impl(base);
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
	struct pg_store *s = pg_impl(base);
	PGresult *r;
	int ret = 0;

	/* the numbers this transaction took, written once: a row updated a million times in one
	 * transaction (an import) keeps every version until the commit, and each update walks
	 * them */
	if (s->seq_moved) {
		char v[24];
		const char *vals[] = { pg_i64(v, s->seq_last) };

		if (run_exec(s, PGQ_SEQ_SET, vals, e) != 0) {
			PQclear(PQexec(s->conn, "ROLLBACK"));
			tx_end(s);
			return -1;
		}
	}
	r = PQexec(s->conn, "COMMIT");
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
	struct pg_store *s = pg_impl(base);

	if (s->in_tx || PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		PQclear(PQexec(s->conn, "ROLLBACK"));
	tx_end(s);
}

static int
pg_epoch(struct server_store *base, uint32_t *out, struct err *e)
{
	struct pg_store *s = pg_impl(base);
	PGresult *r;
	int rc = pg_run_row(s, PGQ_EPOCH, NULL, &r, e);

	if (rc == 1)
		return err_set(e, "%s: the book has no epoch", s->where);
	if (rc == 0)
		*out = (uint32_t)pg_col_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

static int
pg_epoch_renew(struct server_store *base, uint32_t *out, struct err *e)
{
	struct pg_store *s = pg_impl(base);
	uint32_t old;
	char v[16];
	const char *vals[] = { v };

	if (pg_epoch(base, &old, e) != 0)
		return -1;
	*out = server_epoch_pick(old);
	snprintf(v, sizeof v, "%u", *out);
	return run_exec(s, PGQ_EPOCH_SET, vals, e);
}

/* Inside a transaction, the sequence row is locked before any account is read for writing,
 * so the read is of the latest commit and no other writer takes a number meanwhile. */
static int
seq_lock(struct pg_store *s, struct err *e)
{
	PGresult *r;
	int rc;

	if (!s->in_tx || s->reading || s->seq_locked)
		return 0;
	if ((rc = pg_run_row(s, PGQ_SEQ_LOCK, NULL, &r, e)) != 0)
		return rc < 0 ? -1 : err_set(e, "%s: the book has no change sequence", s->where);
	s->seq_last = pg_col_i64(r, 0, 0);
	PQclear(r);
	s->seq_locked = 1;
	return 0;
}

/* The next change number: counted in the transaction that holds the row (seq_lock), written
 * back at commit; else taken from the row at once. */
static int
next_seq(struct pg_store *s, int64_t *seq, struct err *e)
{
	PGresult *r;
	int rc;

	if (s->seq_locked) {
		*seq = ++s->seq_last;
		s->seq_moved = 1;
		return 0;
	}
	rc = pg_run_row(s, PGQ_NEXT_SEQ, NULL, &r, e);

	if (rc == 1)
		return err_set(e, "%s: the book has no change sequence", s->where);
	if (rc == 0)
		*seq = pg_col_i64(r, 0, 0);
	PQclear(r);
	return rc;
}

static int
xact_lock(struct pg_store *s, int kind, int32_t key, struct err *e)
{
	char a[24], b[24];
	const char *v[] = { pg_i64(a, kind), pg_i64(b, key) };

	return run_exec(s, PGQ_XACT_LOCK, v, e);
}

static int
pg_user_add(struct server_store *base, const struct server_user *u, struct err *e)
{
	struct pg_store *s = pg_impl(base);
	const char *v[] = { u->name, server_role_name(u->role), u->team, u->pwhash };
	PGresult *r = run_raw(s, PGQ_USER_ADD, v, e);
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

void
pg_user_row(const PGresult *r, int row, struct server_user *out)
{
	char role[16];
	int n;

	memset(out, 0, sizeof *out);
	out->id = pg_col_i64(r, row, 0);
	pg_col_copy(r, row, 1, out->name, sizeof out->name);
	pg_col_copy(r, row, 2, role, sizeof role);
	pg_col_copy(r, row, 3, out->team, sizeof out->team);
	pg_col_copy(r, row, 4, out->pwhash, sizeof out->pwhash);
	n = server_role_parse(role);
	/* an unknown role in the table gets the narrowest scope rather than a guess */
	out->role = n < 0 ? ROLE_QA : (enum server_role)n;
}

static int
user_fetch(struct pg_store *s, enum pg_query q, const char *const *v, struct server_user *out,
	   struct err *e)
{
	PGresult *r;
	int rc = pg_run_row(s, q, v, &r, e);

	if (rc == 0)
		pg_user_row(r, 0, out);
	PQclear(r);
	return rc;
}

static int
pg_user_get(struct server_store *base, const char *name, struct server_user *out,
	    struct err *e)
{
	const char *v[] = { name };

	return user_fetch(pg_impl(base), PGQ_USER_GET, v, out, e);
}

static int
pg_session_add(struct server_store *base, const char *token_hash, int64_t user_id,
	       const char *device, int64_t now, int64_t expires_at, struct err *e)
{
	char a[24], b[24], c[24];
	const char *v[] = { token_hash, pg_i64(a, user_id), device, pg_i64(b, now), pg_i64(c, expires_at) };

	return run_exec(pg_impl(base), PGQ_SESSION_ADD, v, e);
}

static int
pg_session_get(struct server_store *base, const char *token_hash, int64_t now,
	       struct server_user *out, struct err *e)
{
	char a[24];
	const char *v[] = { token_hash, pg_i64(a, now) };

	return user_fetch(pg_impl(base), PGQ_SESSION_GET, v, out, e);
}

static int
pg_session_revoke(struct server_store *base, const char *token_hash, struct err *e)
{
	const char *v[] = { token_hash };

	return run_exec(pg_impl(base), PGQ_SESSION_REVOKE, v, e);
}

static int
pg_throttle_get(struct server_store *base, const char *key, int64_t now, int64_t *wait,
		struct err *e)
{
	char a[24];
	const char *v[] = { key, pg_i64(a, now) };
	PGresult *r;
	int rc = pg_run_row(pg_impl(base), PGQ_THROTTLE_GET, v, &r, e);

	*wait = rc == 0 ? pg_col_i64(r, 0, 0) : 0;
	PQclear(r);
	return rc < 0 ? -1 : 0;
}

static int
pg_throttle_fail(struct server_store *base, const char *key, int64_t now, int free_tries,
		 struct err *e)
{
	char a[24], b[24];
	const char *v[] = { key, pg_i64(a, now), pg_i64(b, free_tries) };

	return run_exec(pg_impl(base), PGQ_THROTTLE_FAIL, v, e);
}

static int
pg_throttle_clear(struct server_store *base, const char *key, struct err *e)
{
	const char *v[] = { key };

	return run_exec(pg_impl(base), PGQ_THROTTLE_CLEAR, v, e);
}

static int
pg_account_get(struct server_store *base, const char *id, struct wire_account *out,
	       struct err *e)
{
	struct pg_store *s = pg_impl(base);
	const char *v[] = { id };
	PGresult *r;
	int rc;

	memset(out, 0, sizeof *out);
	/* read inside a transaction to be written back (a payment, a reassign) */
	if (seq_lock(s, e) != 0 || (rc = pg_run_row(s, PGQ_ACCOUNT_GET, v, &r, e)) < 0)
		return -1;
	if (rc == 0)
		rc = store_record_read(PQgetvalue(r, 0, 2), pg_col_i64(r, 0, 1), out, e);
	PQclear(r);
	return rc;
}

static int
pg_account_put(struct server_store *base, const struct wire_account *a, int *changed,
	       struct err *e)
{
	struct pg_store *s = pg_impl(base);
	char *text = store_record_text(a, e), old_assignee[32] = "", sq[24];
	const char *id[] = { a->account.id };
	PGresult *r = NULL;
	int64_t seq;
	int rc, ret = -1;

	*changed = 0;
	if (text == NULL)
		return -1;
	if (seq_lock(s, e) != 0 || (rc = pg_run_row(s, PGQ_ACCOUNT_GET, id, &r, e)) < 0)
		goto out;
	if (rc == 0) {
		pg_col_copy(r, 0, 0, old_assignee, sizeof old_assignee);
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
		pg_i64(sq, seq);
		if (run_exec(s, PGQ_DEPARTURE_ADD, v, e) != 0)
			goto out;
	}
	if (next_seq(s, &seq, e) != 0)
		goto out;
	{
		const char *v[] = { a->account.id, a->account.assignee, pg_i64(sq, seq), text };

		if (run_exec(s, rc == 0 ? PGQ_ACCOUNT_UPDATE : PGQ_ACCOUNT_INSERT, v, e) != 0)
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
scope_queries(enum server_role role, enum pg_query *visible, enum pg_query *changes)
{
	switch (role) {
	case ROLE_AGENT:
	case ROLE_FIELD:
		*visible = PGQ_VISIBLE_OWN, *changes = PGQ_CHANGES_OWN;
		return 0;
	case ROLE_LEAD:
		*visible = PGQ_VISIBLE_TEAM, *changes = PGQ_CHANGES_TEAM;
		return 0;
	case ROLE_ADMIN:
		*visible = PGQ_VISIBLE_ALL, *changes = PGQ_CHANGES_ALL;
		return 0;
	case ROLE_QA:
	case ROLE_COUNT:
		break;
	}
	return -1;
}

int
pg_account_visible(struct server_store *base, const struct server_user *u, const char *id,
		   struct err *e)
{
	struct pg_store *s = pg_impl(base);
	const char *v[] = { id, u->name, u->team };
	enum pg_query qv, qc;
	PGresult *r;
	int rc;

	if (scope_queries(u->role, &qv, &qc) != 0)
		return 1;
	rc = pg_run_row(s, qv, v, &r, e);
	PQclear(r);
	return rc;
}

static int
pg_payment_add(struct server_store *base, const char *reference, const char *account_id,
	       int64_t amount, int32_t paid_on, int64_t now, int *duplicate, struct err *e)
{
	struct pg_store *s = pg_impl(base);
	char a[24], b[24], c[24];
	const char *v[] = { reference, account_id, pg_i64(a, amount), pg_i64(b, paid_on), pg_i64(c, now) };
	struct wire_account acct;
	PGresult *r;
	int rc, changed;

	*duplicate = 0;
	/* a reference recorded meanwhile by another transaction makes this insert wait for it,
	 * then do nothing: the payment is counted once */
	if ((r = pg_run(s, PGQ_PAYMENT_ADD, v, e)) == NULL)
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
	struct pg_store *s = pg_impl(base);
	char a[24], b[24];
	const char *v[] = { pg_i64(a, since), pg_i64(b, (int64_t)limit + 1), u->name, u->team };
	struct wire_change *res;
	enum pg_query qv, qc;
	PGresult *r;
	size_t rows, i;

	*out = NULL;
	*n = 0;
	*more = 0;
	if (scope_queries(u->role, &qv, &qc) != 0)
		return 0;
	if ((r = pg_run(s, qc, v, e)) == NULL)
		return -1;
	rows = (size_t)PQntuples(r);
	*more = rows > limit;
	if (rows > limit)
		rows = limit;
	if ((res = calloc(rows + 1, sizeof *res)) == NULL)
		abort();
	for (i = 0; i < rows; i++) {
		struct wire_change *c = &res[i];

		c->seq = pg_col_i64(r, (int)i, 0);
		pg_col_copy(r, (int)i, 3, c->account_id, sizeof c->account_id);
		if (PQgetisnull(r, (int)i, 2)) {
			c->op = WIRE_CHANGE_REMOVE;
			continue;
		}
		c->op = WIRE_CHANGE_UPSERT;
		if (store_record_read(PQgetvalue(r, (int)i, 2), pg_col_i64(r, (int)i, 1), &c->acct,
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
text_fetch(struct pg_store *s, enum pg_query q, const char *key, char *buf, size_t len,
	   struct err *e)
{
	const char *v[] = { key };
	PGresult *r;
	int rc = pg_run_row(s, q, v, &r, e);

	if (rc == 0)
		pg_col_copy(r, 0, 0, buf, len);
	PQclear(r);
	return rc;
}

static int
pg_event_hash(struct server_store *base, const char *id, char hash[65], struct err *e)
{
	return text_fetch(pg_impl(base), PGQ_EVENT_HASH, id, hash, 65, e);
}

static int
pg_device_head(struct server_store *base, const char *device, char owner[32], int64_t *seq,
	       char hash[65], struct err *e)
{
	const char *v[] = { device };
	PGresult *r;
	int rc = pg_run_row(pg_impl(base), PGQ_DEVICE_HEAD, v, &r, e);

	if (rc == 0) {
		pg_col_copy(r, 0, 0, owner, 32);
		*seq = pg_col_i64(r, 0, 1);
		pg_col_copy(r, 0, 2, hash, 65);
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
	struct pg_store *s = pg_impl(base);
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
	struct pg_store *s = pg_impl(base);
	char a[24], b[24], c[24];
	const char *v[] = { ev->id, ev->device, pg_i64(a, ev->seq), ev->account_id, ev->kind,
			    ev->user, pg_i64(b, ev->at), ev->body, ev->prev_hash, ev->hash, pushed_by,
			    pg_i64(c, received_at), flag };
	const char *head[] = { ev->device, pushed_by, a, ev->hash };

	if (run_exec(s, PGQ_EVENT_PUT, v, e) != 0)
		return -1;
	return run_exec(s, PGQ_DEVICE_ADVANCE, head, e);
}

static int
pg_event_apply(struct server_store *base, const struct event *ev, int64_t now, struct err *e)
{
	struct pg_store *s = pg_impl(base);
	char a[24];
	const char *id[] = { ev->account_id };
	const char *v[] = { ev->account_id, pg_i64(a, ev->at), ev->kind };
	PGresult *r;
	int rc;

	(void)now;
	if (s->in_tx && !s->apply_locked) {
		if (xact_lock(s, PG_LOCK_BOOK, PG_LOCK_APPLY, e) != 0)
			return -1;
		s->apply_locked = 1;
	}
	if ((rc = pg_run_row(s, PGQ_ACCOUNT_EXISTS, id, &r, e)) < 0)
		return -1;
	PQclear(r);
	if (rc == 1)
		return err_set(e, "no account %s in the book", ev->account_id);
	return run_exec(s, PGQ_CASE_APPLY, v, e);
}

static int
pg_dead_letter_add(struct server_store *base, const char *event_id, const char *reason,
		   int64_t now, struct err *e)
{
	char a[24];
	const char *v[] = { event_id, reason, pg_i64(a, now) };

	return run_exec(pg_impl(base), PGQ_DEAD_LETTER, v, e);
}

static int
pg_device_key_get(struct server_store *base, const char *device, char key[65], char user[32],
		  struct err *e)
{
	const char *v[] = { device };
	PGresult *r;
	int rc = pg_run_row(pg_impl(base), PGQ_DEVICE_KEY_GET, v, &r, e);

	if (rc == 0) {
		pg_col_copy(r, 0, 0, key, 65);
		pg_col_copy(r, 0, 1, user, 32);
	}
	PQclear(r);
	return rc;
}

static int
pg_device_key_add(struct server_store *base, const char *device, const char *key,
		  const char *user, int64_t now, struct err *e)
{
	char a[24];
	const char *v[] = { device, key, user, pg_i64(a, now) };

	return run_exec(pg_impl(base), PGQ_DEVICE_KEY_ADD, v, e);
}

static int
pg_device_key_reset(struct server_store *base, const char *device, struct err *e)
{
	const char *v[] = { device };
	PGresult *r = pg_run(pg_impl(base), PGQ_DEVICE_KEY_RESET, v, e);
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
	const char *v[] = { h->device, pg_i64(a, h->seq), h->hash, h->signature, h->public_key,
			    h->pushed_by, pg_i64(b, h->received_at) };

	return run_exec(pg_impl(base), PGQ_SIGNED_HEAD_ADD, v, e);
}

static int
pg_blob_link_add(struct server_store *base, const struct server_blob_link *l, struct err *e)
{
	char a[24];
	const char *v[] = { l->event_id, l->sha256, l->account_id, l->pushed_by, l->mime,
			    pg_i64(a, l->size) };

	return run_exec(pg_impl(base), PGQ_BLOB_LINK_ADD, v, e);
}

static const struct server_store_ops pg_ops = {
	.name = "postgresql",
	.close = pg_close,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.epoch = pg_epoch,
	.epoch_renew = pg_epoch_renew,
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
