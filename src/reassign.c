/* reassign.c - reassigning cases: events first, then the cache's assignments. */
#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework.h"
#include "evidence.h"
#include "reassign.h"
#include "store.h"

int
reassign_allowed(const char *role)
{
	return strcmp(role, "lead") == 0 || strcmp(role, "admin") == 0;
}

int
reassign_role(struct store *s, const char *fallback, char *buf, size_t len, struct err *e)
{
	int rc = store_state_get(s, "role", buf, len, e);

	if (rc < 0)
		return -1;
	if (rc != 0 || buf[0] == '\0')
		snprintf(buf, len, "%s", fallback);
	return 0;
}

int
reassign_cases(const struct casework *cw, const char (*accounts)[ACCOUNT_ID_LEN], size_t n,
	       const char *to, int64_t now, struct err *e)
{
	sqlite3 *db = store_db(cw->store);
	struct evidence_writer *w = NULL;
	sqlite3_stmt *get = NULL, *put = NULL;
	int rc = -1;

	if (!reassign_allowed(cw->role))
		return err_set(e, "only a lead reassigns cases (your role is %s)", cw->role);
	if (to == NULL || to[0] == '\0')
		return err_set(e, "reassign: no agent to reassign to");
	if (n == 0)
		return err_set(e, "reassign: no cases marked");
	if (store_begin(cw->store, e) != 0)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT a.id, coalesce(s.assignee, '') FROM accounts a LEFT JOIN "
				   "assignments s ON s.account_id = a.id WHERE a.ext_id = ?1", -1,
			       &get, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO assignments(account_id, assignee, since) "
				   "VALUES(?1, ?2, ?3) ON CONFLICT(account_id) DO UPDATE SET "
				   "assignee = ?2, since = ?3", -1, &put, NULL) != SQLITE_OK) {
		err_set(e, "reassign: %s", sqlite3_errmsg(db));
		goto out;
	}
	if ((w = evidence_writer_new(cw->store, cw->device, e)) == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char id[37], from[64], *text;
		struct event_draft d = {
			.id = id, .device = cw->device, .user = cw->user,
			.account_id = accounts[i], .kind = "reassign", .at = now,
		};
		int64_t rowid;
		json_t *body;
		int step;

		sqlite3_bind_text(get, 1, accounts[i], -1, SQLITE_STATIC);
		if ((step = sqlite3_step(get)) != SQLITE_ROW) {
			sqlite3_reset(get);
			if (step == SQLITE_DONE)
				err_set(e, "reassign: no account %s in the cache", accounts[i]);
			else
				err_set(e, "reassign: %s", sqlite3_errmsg(db));
			goto out;
		}
		rowid = sqlite3_column_int64(get, 0);
		snprintf(from, sizeof from, "%s", (const char *)sqlite3_column_text(get, 1));
		sqlite3_reset(get);
		if (strcmp(from, to) == 0) {
			err_set(e, "reassign: %s is assigned to %s already", accounts[i], to);
			goto out;
		}
		evidence_uuid(id);
		if ((body = json_pack("{s:s, s:s}", "from", from, "to", to)) == NULL) {
			err_set(e, "reassign: an agent's name is not valid UTF-8");
			goto out;
		}
		if ((text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
			abort();
		json_decref(body);
		d.body = text;
		step = evidence_writer_append(w, &d, NULL, e);
		free(text);
		if (step != 0)
			goto out;
		sqlite3_bind_int64(put, 1, rowid);
		sqlite3_bind_text(put, 2, to, -1, SQLITE_STATIC);
		sqlite3_bind_int64(put, 3, now);
		step = sqlite3_step(put);
		sqlite3_reset(put);
		if (step != SQLITE_DONE) {
			err_set(e, "reassign: %s", sqlite3_errmsg(db));
			goto out;
		}
	}
	/* the server's board no longer counts these queues right: the cache's until a sync */
	if (sqlite3_exec(db, "DELETE FROM board_snapshot", NULL, NULL, NULL) != SQLITE_OK) {
		err_set(e, "reassign: %s", sqlite3_errmsg(db));
		goto out;
	}
	rc = store_commit(cw->store, e);
out:
	evidence_writer_free(&w);
	sqlite3_finalize(get);
	sqlite3_finalize(put);
	if (rc != 0)
		store_rollback(cw->store);
	return rc;
}
