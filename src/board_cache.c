/* board_cache.c - the queue board of the client cache: three reads into the board builder;
 * or the server's board a sync kept, while it is of today. */
#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "board.h"
#include "board_json.h"
#include "store.h"

static int
db_fail(sqlite3 *db, sqlite3_stmt *st, struct err *e)
{
	err_set(e, "board: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	return -1;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return t != NULL ? (const char *)t : "";
}

int
board_from_cache(struct store *s, const struct bands *b, int32_t today, struct board *out,
		 struct err *e)
{
	sqlite3 *db = store_db(s);
	struct board_builder *bb = board_builder_new(b, today);
	sqlite3_stmt *st = NULL;
	int rc, ret = -1;

	if (sqlite3_prepare_v2(db, "SELECT name, team FROM roster", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		board_add_agent(bb, col(st, 0), col(st, 1));
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	/* grouped by due date, so a book of 100,000 accounts is a few thousand rows here */
	if (sqlite3_prepare_v2(db, "SELECT s.assignee, a.due_date, count(*) FROM accounts a "
				   "JOIN assignments s ON s.account_id = a.id GROUP BY 1, 2",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		board_add_accounts(bb, col(st, 0), account_dpd(sqlite3_column_int(st, 1), today),
				   sqlite3_column_int64(st, 2));
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	/* bodies are sealed (seal.h): only those the board reads are opened, which leaves out
	 * the attempts of days before today, the bulk of the events */
	if (sqlite3_prepare_v2(db, "SELECT id, account_id, kind, user, at, CASE WHEN kind IN "
				   "('ptp', 'ptp_status', 'checkpoint') OR (kind = 'attempt' AND "
				   "at >= ?2) THEN unseal(body, 'events', id) ELSE '' END FROM events "
				   "WHERE at >= ?1", -1, &st, NULL) != SQLITE_OK)
		goto fail;
	sqlite3_bind_int64(st, 1, ((int64_t)today - BOARD_SCAN_DAYS + 1) * 86400);
	sqlite3_bind_int64(st, 2, (int64_t)today * 86400);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event ev = { .at = sqlite3_column_int64(st, 4) };

		snprintf(ev.id, sizeof ev.id, "%s", col(st, 0));
		snprintf(ev.account_id, sizeof ev.account_id, "%s", col(st, 1));
		snprintf(ev.kind, sizeof ev.kind, "%s", col(st, 2));
		snprintf(ev.user, sizeof ev.user, "%s", col(st, 3));
		ev.body = (char *)col(st, 5);
		board_add_event(bb, &ev);
	}
	if (rc != SQLITE_DONE)
		goto fail;
	sqlite3_finalize(st);
	board_finish(bb, out);
	ret = 0;
	goto out;
fail:
	db_fail(db, st, e);
out:
	board_builder_free(&bb);
	return ret;
}

int
board_cases(struct store *s, const char *agent, int32_t today, struct board_case **out,
	    size_t *n, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	struct board_case *v = NULL;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT a.ext_id, a.due_date, coalesce(b.total, 0), "
				   "a.last_attempt_at FROM assignments s JOIN accounts a ON "
				   "a.id = s.account_id LEFT JOIN balances b ON b.account_id = a.id "
				   "WHERE s.assignee = ?1 ORDER BY a.due_date, a.ext_id", -1, &st,
			       NULL) != SQLITE_OK)
		return db_fail(db, st, e);
	sqlite3_bind_text(st, 1, agent, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			if ((v = realloc(v, cap * sizeof *v)) == NULL)
				abort();
		}
		snprintf(v[*n].id, sizeof v[*n].id, "%s", col(st, 0));
		v[*n].dpd = account_dpd(sqlite3_column_int(st, 1), today);
		v[*n].balance = sqlite3_column_int64(st, 2);
		v[*n].last_attempt_at = sqlite3_column_int64(st, 3);
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return db_fail(db, st, e);
	}
	sqlite3_finalize(st);
	*out = v;
	return 0;
}

int
board_from_snapshot(struct store *s, int32_t today, struct board *out, int64_t *fetched_at,
		    struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	json_t *j;
	json_error_t je;
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT fetched_at, body FROM board_snapshot WHERE as_of = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, st, e);
	sqlite3_bind_int(st, 1, today);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		sqlite3_finalize(st);
		return 1;
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, st, e);
	*fetched_at = sqlite3_column_int64(st, 0);
	j = json_loads(col(st, 1), 0, &je);
	sqlite3_finalize(st);
	if (j == NULL)
		return err_set(e, "board_snapshot: %s", je.text);
	rc = board_from_json(j, out, e);
	json_decref(j);
	return rc != 0 ? err_prefix(e, "board_snapshot") : 0;
}
