/* sync_oversight.c - the part of a sync that only leads, admins and QA reviewers need: the
 * queue board of GET /v1/board (kept whole in board_snapshot) and the call records of
 * GET /v1/qa/calls (kept event by event in review_events, hashes checked), so their screens
 * show the team's work and not just what this device wrote. */
#include "config.h"

#include <curl/curl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_json.h"
#include "clock.h"
#include "evidence.h"
#include "store.h"
#include "sync_http.h"
#include "sync_oversight.h"
#include "wire.h"

#define CALLS_PAGE 1000

/* The answer's status as a sync status: SYNC_OK for 200, else e says why. */
static int
answer_status(const struct reply *rep, const char *what, struct err *e)
{
	if (rep->status == 200 && rep->body != NULL)
		return SYNC_OK;
	if (rep->status == 200)
		return err_set(e, "%s: the answer is not JSON", what), SYNC_FAILED;
	answer_error(rep, what, e);
	return rep->status == 401 ? SYNC_LOGIN_NEEDED : SYNC_FAILED;
}

static int
exec(sqlite3 *db, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return 0;
	err_set(e, "%s", msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return -1;
}

/* Keeps a board answer that reads back whole; a 404 (a lead in no team) forgets the old one. */
static int
board_fetch(struct store *s, const struct sync_conf *c, const char *base, const char *token,
	    struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	struct reply rep;
	struct board b;
	char path[64], date[16], *text = NULL;
	int32_t today = date_of_time(clock_now());
	int rc;

	snprintf(path, sizeof path, "/v1/board?as_of=%s", date_format(today, date, sizeof date));
	if ((rc = request(c, base, "GET", path, token, NULL, &rep, e)) != SYNC_OK)
		return rc;
	if (rep.status == 404) {
		json_decref(rep.body);
		return exec(db, "DELETE FROM board_snapshot", e) == 0 ? SYNC_OK : SYNC_FAILED;
	}
	if ((rc = answer_status(&rep, "board", e)) != SYNC_OK)
		goto out;
	rc = SYNC_FAILED;
	if (board_from_json(rep.body, &b, e) != 0) {
		err_prefix(e, "board");
		goto out;
	}
	board_free(&b);
	if ((text = json_dumps(rep.body, JSON_COMPACT)) == NULL)
		abort();
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO board_snapshot(id, as_of, fetched_at, "
				   "body) VALUES(1, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		err_set(e, "board: %s", sqlite3_errmsg(db));
		goto out;
	}
	sqlite3_bind_int(st, 1, today);
	sqlite3_bind_int64(st, 2, clock_now());
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		err_set(e, "board: %s", sqlite3_errmsg(db));
	else
		rc = SYNC_OK;
out:
	sqlite3_finalize(st);
	free(text);
	json_decref(rep.body);
	return rc;
}

/* Keeps one page of call events; each must read as an event whose hash is its own. */
static int
calls_keep(sqlite3 *db, sqlite3_stmt *ins, const json_t *events, int64_t *kept, struct err *e)
{
	const json_t *j;
	size_t i;

	if (!json_is_array(events))
		return err_set(e, "qa calls: $.events: an array is needed");
	json_array_foreach(events, i, j) {
		struct event ev;
		char path[48], hash[65];
		int rc = 0;

		snprintf(path, sizeof path, "$.events[%zu]", i);
		if (wire_event_decode(j, path, &ev, e) != 0)
			return err_prefix(e, "qa calls");
		if (evidence_hash(&ev, hash, e) != 0 || strcmp(hash, ev.hash) != 0)
			rc = err_set(e, "qa calls: %s: event %s does not hash to its hash", path,
				     ev.id);
		if (rc == 0) {
			sqlite3_bind_text(ins, 1, ev.id, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 2, ev.device, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 3, ev.seq);
			sqlite3_bind_text(ins, 4, ev.account_id, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 5, ev.kind, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 6, ev.user, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 7, ev.at);
			sqlite3_bind_text(ins, 8, ev.body, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 9, ev.prev_hash, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 10, ev.hash, -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins, 11, clock_now());
			if (sqlite3_step(ins) != SQLITE_DONE)
				rc = err_set(e, "qa calls: %s", sqlite3_errmsg(db));
			else
				*kept += sqlite3_changes(db);
			sqlite3_reset(ins);
		}
		free(ev.body);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* The call records of the last OVERSIGHT_DAYS days, page by page, each page in its own
 * transaction (a page is whole events, so a cut sync leaves nothing half kept). */
static int
calls_fetch(struct store *s, const struct sync_conf *c, const char *base, const char *token,
	    int64_t *kept, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *ins = NULL;
	int32_t today = date_of_time(clock_now());
	char from[16], to[16], after[80] = "", path[256];
	int rc = SYNC_FAILED;

	date_format(today - (OVERSIGHT_DAYS - 1), from, sizeof from);
	date_format(today, to, sizeof to);
	if (sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO review_events(id, device, seq, "
				   "account_id, kind, user, at, body, prev_hash, hash, fetched_at) "
				   "VALUES(?, ?, ?, ?, ?, ?, ?, seal(?8), ?, ?, ?)", -1, &ins,
			       NULL) != SQLITE_OK)
		return err_set(e, "qa calls: %s", sqlite3_errmsg(db)), SYNC_FAILED;
	for (;;) {
		struct reply rep;
		const char *next;
		char *q;

		/* a device id is the client's own string: escaped */
		q = after[0] != '\0' ? curl_easy_escape(NULL, after, 0) : NULL;
		if (after[0] != '\0' && q == NULL)
			abort();
		snprintf(path, sizeof path, "/v1/qa/calls?from=%s&to=%s&limit=%d%s%s", from, to,
			 CALLS_PAGE, q != NULL ? "&after=" : "", q != NULL ? q : "");
		curl_free(q);
		if ((rc = request(c, base, "GET", path, token, NULL, &rep, e)) != SYNC_OK)
			break;
		if ((rc = answer_status(&rep, "qa calls", e)) == SYNC_OK) {
			rc = SYNC_FAILED;
			if (store_begin(s, e) == 0) {
				if (calls_keep(db, ins, json_object_get(rep.body, "events"), kept, e) == 0 &&
				    store_commit(s, e) == 0)
					rc = SYNC_OK;
				else
					store_rollback(s);
			}
		}
		next = json_string_value(json_object_get(rep.body, "next"));
		if (rc == SYNC_OK && json_is_true(json_object_get(rep.body, "more"))) {
			if (next == NULL || strlen(next) >= sizeof after || strcmp(next, after) == 0) {
				err_set(e, "qa calls: a page with more has no new next");
				rc = SYNC_FAILED;
			} else {
				snprintf(after, sizeof after, "%s", next);
				rc = -1;
			}
		}
		json_decref(rep.body);
		if (rc != -1)
			break;
	}
	sqlite3_finalize(ins);
	return rc;
}

int
sync_oversight(struct store *s, const struct sync_conf *c, const char *base, const char *token,
	       struct sync_report *r, struct err *e)
{
	char role[16];
	int rc;

	if ((rc = store_state_get(s, "role", role, sizeof role, e)) != 0)
		return rc < 0 ? SYNC_FAILED : SYNC_OK;	/* no role kept: a login from before */
	rc = SYNC_OK;
	if (strcmp(role, "lead") == 0 || strcmp(role, "admin") == 0)
		rc = board_fetch(s, c, base, token, e);
	if (rc == SYNC_OK &&
	    (strcmp(role, "qa") == 0 || strcmp(role, "lead") == 0 || strcmp(role, "admin") == 0))
		rc = calls_fetch(s, c, base, token, &r->calls_fetched, e);
	return rc;
}
