/* store_pg_read.c - the PostgreSQL store's reads of many rows: the evidence and signed heads
 * (through cursors), blob access, and the aggregates of the aging report, the board and the
 * roster. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "board.h"
#include "store_pg.h"

struct event_scan {
	int (*fn)(void *ctx, const struct event *ev);
	void *ctx;
};

static int
event_row(void *ctx, const PGresult *r, int i)
{
	struct event_scan *sc = ctx;
	struct event ev;

	pg_col_copy(r, i, 0, ev.id, sizeof ev.id);
	pg_col_copy(r, i, 1, ev.device, sizeof ev.device);
	ev.seq = pg_col_i64(r, i, 2);
	pg_col_copy(r, i, 3, ev.account_id, sizeof ev.account_id);
	pg_col_copy(r, i, 4, ev.kind, sizeof ev.kind);
	pg_col_copy(r, i, 5, ev.user, sizeof ev.user);
	ev.at = pg_col_i64(r, i, 6);
	ev.body = PQgetvalue(r, i, 7);
	pg_col_copy(r, i, 8, ev.prev_hash, sizeof ev.prev_hash);
	pg_col_copy(r, i, 9, ev.hash, sizeof ev.hash);
	return sc->fn(sc->ctx, &ev);
}

int
pg_events_scan(struct server_store *base, bool with_refused,
	       int (*fn)(void *ctx, const struct event *ev), void *ctx, struct err *e)
{
	struct event_scan sc = { .fn = fn, .ctx = ctx };

	return pg_scan(pg_impl(base), with_refused ? PGQ_EVENTS_SCAN : PGQ_EVENTS_SCAN_APPLIED, NULL,
		       event_row, &sc, e);
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

	pg_col_copy(r, i, 0, h.device, sizeof h.device);
	h.seq = pg_col_i64(r, i, 1);
	pg_col_copy(r, i, 2, h.hash, sizeof h.hash);
	pg_col_copy(r, i, 3, h.signature, sizeof h.signature);
	pg_col_copy(r, i, 4, h.public_key, sizeof h.public_key);
	pg_col_copy(r, i, 5, h.pushed_by, sizeof h.pushed_by);
	h.received_at = pg_col_i64(r, i, 6);
	pg_col_copy(r, i, 7, h.event_hash, sizeof h.event_hash);
	return sc->fn(sc->ctx, &h);
}

int
pg_signed_heads_scan(struct server_store *base, const char *device,
		     int (*fn)(void *ctx, const struct server_signed_head *h), void *ctx,
		     struct err *e)
{
	struct head_scan sc = { .fn = fn, .ctx = ctx };
	const char *v[] = { device };

	return pg_scan(pg_impl(base), PGQ_SIGNED_HEADS, v, head_row, &sc, e);
}

int
pg_blob_access(struct server_store *base, const struct server_user *u, const char *sha256,
	       struct server_blob_link *out, struct err *e)
{
	struct pg_store *s = pg_impl(base);
	const char *v[] = { sha256 };
	PGresult *r = pg_run(s, PGQ_BLOB_LINKS, v, e);
	int ret = 1;

	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && ret == 1; i++) {
		struct server_blob_link l = { .size = pg_col_i64(r, i, 4) };

		snprintf(l.sha256, sizeof l.sha256, "%s", sha256);
		pg_col_copy(r, i, 0, l.event_id, sizeof l.event_id);
		pg_col_copy(r, i, 1, l.account_id, sizeof l.account_id);
		pg_col_copy(r, i, 2, l.pushed_by, sizeof l.pushed_by);
		pg_col_copy(r, i, 3, l.mime, sizeof l.mime);
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

int
pg_aging_scan(struct server_store *base, const char *team, enum aging_by by, aging_row_fn fn,
	      void *ctx, struct err *e)
{
	struct pg_store *s = pg_impl(base);
	const char *name = aging_by_name(by);
	const char *v[] = { team, name != NULL ? name : "" };
	PGresult *r;
	int ret = 0;

	if (by == AGING_BY_SEGMENT || (unsigned)by >= AGING_BY_COUNT_)
		return err_set(e, "aging: the server's book has no %s; group by product, agent, "
				  "team or state", name ? name : "such field");
	if ((r = pg_run(s, PGQ_AGING, v, e)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		struct aging_row row = {
			.group = PQgetvalue(r, i, 0),
			.currency = PQgetvalue(r, i, 1),
			.due_date = (int32_t)pg_col_i64(r, i, 2),
			.accounts = pg_col_i64(r, i, 3),
			.balance = pg_col_i64(r, i, 4),
			.past_due = pg_col_i64(r, i, 5),
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
	struct event ev = { .at = pg_col_i64(r, i, 4) };

	pg_col_copy(r, i, 0, ev.id, sizeof ev.id);
	pg_col_copy(r, i, 1, ev.account_id, sizeof ev.account_id);
	pg_col_copy(r, i, 2, ev.kind, sizeof ev.kind);
	pg_col_copy(r, i, 3, ev.user, sizeof ev.user);
	ev.body = PQgetvalue(r, i, 5);
	board_add_event(sc->bb, &ev);
	return 0;
}

int
pg_board_scan(struct server_store *base, const char *team, int32_t today,
	      struct board_builder *bb, struct err *e)
{
	struct pg_store *s = pg_impl(base);
	struct board_scan sc = { .bb = bb, .today = today };
	char a[24];
	const char *v[] = { team };
	const char *since[] = { pg_i64(a, ((int64_t)today - BOARD_SCAN_DAYS + 1) * 86400) };
	PGresult *r;

	if ((r = pg_run(s, PGQ_BOARD_USERS, v, e)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		board_add_agent(bb, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
	PQclear(r);
	if ((r = pg_run(s, PGQ_BOARD_ACCOUNTS, v, e)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		board_add_accounts(bb, PQgetvalue(r, i, 0),
				   account_dpd((int32_t)pg_col_i64(r, i, 1), today), pg_col_i64(r, i, 2));
	PQclear(r);
	return pg_scan(s, PGQ_BOARD_EVENTS, since, board_event_row, &sc, e);
}

int
pg_roster_scan(struct server_store *base, const char *team,
	       int (*fn)(void *ctx, const struct server_user *u), void *ctx, struct err *e)
{
	const char *v[] = { team };
	PGresult *r = pg_run(pg_impl(base), PGQ_ROSTER, v, e);
	struct server_user u;
	int ret = 0;

	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r) && ret == 0; i++) {
		pg_user_row(r, i, &u);
		ret = fn(ctx, &u);
	}
	PQclear(r);
	return ret;
}
