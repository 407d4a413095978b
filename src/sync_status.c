/* sync_status.c - the sync state the workstation shows, from the outbox, dead_letters and
 * sync_state tables; see sync_status.h. */
#include "config.h"

#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "store.h"
#include "sync.h"
#include "sync_status.h"

/* Events owed: the outbox, plus this device's events above the outbox's high-water mark
 * (recorded since the last sync, which queues them first, up to the mark, so the two never
 * overlap). Both halves are indexed, so the status bar can count them after every change.
 * ?1 device, ?2 the mark. */
#define PENDING_COUNT \
	"SELECT (SELECT count(*) FROM outbox) + " \
	"(SELECT count(*) FROM events WHERE device = ?1 AND seq > ?2)"
#define PENDING_LIST \
	"SELECT e.id, e.account_id, e.kind, e.at, o.attempts, coalesce(o.last_error, ''), 0, " \
	"e.device, e.seq FROM outbox o JOIN events e ON e.id = o.event_id UNION ALL " \
	"SELECT id, account_id, kind, at, 0, '', 0, device, seq FROM events " \
	"WHERE device = ?1 AND seq > ?2 ORDER BY 4, 8, 9 LIMIT ?3"

static int
prep(struct store *s, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(store_db(s), sql, -1, st, NULL) != SQLITE_OK)
		return err_set(e, "sync status: %s", sqlite3_errmsg(store_db(s)));
	return 0;
}

/* Binds the device id and the outbox mark as ?1 and ?2 of PENDING_COUNT or PENDING_LIST. */
static int
pending_bind(struct store *s, sqlite3_stmt *st, char *device, size_t len, struct err *e)
{
	char hw[24] = "0";

	if (store_state_get(s, "device_id", device, len, e) < 0 ||
	    store_state_get(s, "outbox_seq", hw, sizeof hw, e) < 0)
		return -1;
	sqlite3_bind_text(st, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, strtoll(hw, NULL, 10));
	return 0;
}

/* Reads a time kept in sync_state as RFC 3339; 0 when missing. */
static int
state_time(struct store *s, const char *key, int64_t *out, struct err *e)
{
	char buf[40];
	int rc;

	*out = 0;
	if ((rc = store_state_get(s, key, buf, sizeof buf, e)) != 0)
		return rc < 0 ? -1 : 0;
	if (time_parse_rfc3339(buf, out, NULL) != 0)
		return err_set(e, "sync_state %s: '%s' is not a time", key, buf);
	return 0;
}

static int
count(struct store *s, sqlite3_stmt *st, int64_t *out, struct err *e)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return err_set(e, "sync status: %s", sqlite3_errmsg(store_db(s)));
	return 0;
}

int
sync_status_load(struct store *s, struct sync_summary *out, struct err *e)
{
	sqlite3_stmt *st;
	char device[40] = "";
	int rc;

	memset(out, 0, sizeof *out);
	if (prep(s, PENDING_COUNT, &st, e) != 0)
		return -1;
	if (pending_bind(s, st, device, sizeof device, e) != 0) {
		sqlite3_finalize(st);
		return -1;
	}
	if (count(s, st, &out->pending, e) != 0)
		return -1;
	if (prep(s, "SELECT count(*) FROM dead_letters", &st, e) != 0 ||
	    count(s, st, &out->dead, e) != 0)
		return -1;
	if (state_time(s, "last_sync", &out->last_sync, e) != 0 ||
	    state_time(s, "offline_since", &out->offline_since, e) != 0)
		return -1;
	rc = store_state_get(s, "sync_problem", out->problem, sizeof out->problem, e);
	if (rc == 1)
		out->problem[0] = '\0';
	return rc < 0 ? -1 : 0;
}

static int
state_delete(struct store *s, const char *key, struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prep(s, "DELETE FROM sync_state WHERE key = ?", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "sync status: %s", sqlite3_errmsg(store_db(s)));
	return 0;
}

int
sync_status_note(struct store *s, int status, const char *why, int64_t now, struct err *e)
{
	char buf[40];
	int rc;

	if (store_begin(s, e) != 0)
		return -1;
	if (status == SYNC_OK || status == SYNC_REJECTED) {
		/* A rejection is the server's answer: it was reached, and the dead letters say
		 * the rest. */
		rc = state_delete(s, "offline_since", e) || state_delete(s, "sync_problem", e);
	} else {
		rc = store_state_set(s, "sync_problem", why != NULL && why[0] != '\0' ? why :
				     "the sync failed", e) != 0;
		/* Only the network makes the workstation offline; a refused login means the
		 * server is there. The first miss is kept: "offline since" the first of them. */
		if (rc == 0 && status == SYNC_UNREACHABLE) {
			int have = store_state_get(s, "offline_since", buf, sizeof buf, e);

			rc = have < 0 || (have == 1 &&
					  store_state_set(s, "offline_since",
							  time_format_rfc3339(now, buf, sizeof buf),
							  e) != 0);
		} else if (rc == 0) {
			rc = state_delete(s, "offline_since", e);
		}
	}
	if (rc != 0) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

static void
text_col(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(buf, len, "%s", t != NULL ? (const char *)t : "");
}

/* Runs a prepared list query whose columns are id, account, kind, at, attempts, reason,
 * rejected_at, with max bound as parameter number limit. */
static int
items_read(struct store *s, sqlite3_stmt *st, int limit, size_t max, struct sync_item **items,
	   size_t *n, struct err *e)
{
	struct sync_item *v = NULL;
	int rc;

	*items = NULL;
	*n = 0;
	if (max == 0)
		return 0;
	if ((v = calloc(max, sizeof *v)) == NULL)
		return err_set(e, "out of memory");
	sqlite3_bind_int64(st, limit, (sqlite3_int64)max);
	while (*n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct sync_item *it = &v[(*n)++];

		text_col(st, 0, it->event_id, sizeof it->event_id);
		text_col(st, 1, it->account, sizeof it->account);
		text_col(st, 2, it->kind, sizeof it->kind);
		it->at = sqlite3_column_int64(st, 3);
		it->attempts = sqlite3_column_int(st, 4);
		text_col(st, 5, it->reason, sizeof it->reason);
		it->rejected_at = sqlite3_column_int64(st, 6);
	}
	if (*n < max && rc != SQLITE_DONE) {
		free(v);
		*n = 0;
		return err_set(e, "sync status: %s", sqlite3_errmsg(store_db(s)));
	}
	if (*n == 0) {
		free(v);
		v = NULL;
	}
	*items = v;
	return 0;
}

int
sync_status_pending(struct store *s, size_t max, struct sync_item **items, size_t *n,
		    struct err *e)
{
	sqlite3_stmt *st;
	char device[40] = "";
	int rc;

	if (prep(s, PENDING_LIST, &st, e) != 0)
		return -1;
	rc = pending_bind(s, st, device, sizeof device, e);
	if (rc == 0)
		rc = items_read(s, st, 3, max, items, n, e);
	sqlite3_finalize(st);
	return rc;
}

int
sync_status_dead(struct store *s, size_t max, struct sync_item **items, size_t *n,
		 struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	if (prep(s, "SELECT e.id, e.account_id, e.kind, e.at, 0, d.reason, d.at "
		    "FROM dead_letters d JOIN events e ON e.id = d.event_id "
		    "ORDER BY d.at DESC, e.seq LIMIT ?1", &st, e) != 0)
		return -1;
	rc = items_read(s, st, 1, max, items, n, e);
	sqlite3_finalize(st);
	return rc;
}

int
sync_status_retry(struct store *s, const char *event_id, struct err *e)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	int rc = -1;

	if (store_begin(s, e) != 0)
		return -1;
	if (prep(s, "DELETE FROM dead_letters WHERE event_id = ?", &del, e) != 0 ||
	    prep(s, "INSERT OR IGNORE INTO outbox(event_id) VALUES(?)", &ins, e) != 0)
		goto out;
	sqlite3_bind_text(del, 1, event_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 1, event_id, -1, SQLITE_STATIC);
	if (sqlite3_step(del) != SQLITE_DONE) {
		err_set(e, "retry: %s", sqlite3_errmsg(store_db(s)));
		goto out;
	}
	if (sqlite3_changes(store_db(s)) == 0) {
		err_set(e, "retry: event %s is not a dead letter", event_id);
		goto out;
	}
	if (sqlite3_step(ins) != SQLITE_DONE) {
		err_set(e, "retry: %s", sqlite3_errmsg(store_db(s)));
		goto out;
	}
	rc = store_commit(s, e);
out:
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	if (rc != 0)
		store_rollback(s);
	return rc;
}

char *
sync_status_ago(int64_t now, int64_t t, char *buf, size_t len)
{
	int64_t d = now - t;

	if (d < 60)
		snprintf(buf, len, "just now");
	else if (d < 3600)
		snprintf(buf, len, "%" PRId64 "m ago", d / 60);
	else if (d < 86400)
		snprintf(buf, len, "%" PRId64 "h ago", d / 3600);
	else
		snprintf(buf, len, "%" PRId64 "d ago", d / 86400);
	return buf;
}
