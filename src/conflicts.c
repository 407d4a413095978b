/* conflicts.c - field versions and open conflicts in the cache. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflicts.h"
#include "store.h"

static int
db_err(sqlite3 *db, struct err *e)
{
	return err_set(e, "conflicts: %s", sqlite3_errmsg(db));
}

static void
column_copy(sqlite3_stmt *st, int col, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(buf, len, "%s", t ? (const char *)t : "");
}

int
conflicts_list(struct store *s, const char *account, struct conflict_row **out, size_t *n,
	       struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	size_t cap = 8;
	char field[24];
	int rc, f;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db,
			       "SELECT c.id, a.ext_id, c.field, CASE c.field WHEN 'party.name' THEN "
			       "unseal(p.name, 'parties', p.id) ELSE p.zones END, "
			       "unseal(c.value, 'conflicts', c.id), c.by_user, c.at, c.base "
			       "FROM conflicts c JOIN accounts a ON a.id = c.account_id "
			       "JOIN parties p ON p.id = a.party_id "
			       "WHERE ?1 IS NULL OR a.ext_id = ?1 ORDER BY a.ext_id, c.at, c.id",
			       -1, &st, NULL) != SQLITE_OK)
		return db_err(db, e);
	if (account != NULL)
		sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	if ((*out = calloc(cap, sizeof **out)) == NULL)
		abort();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct conflict_row *c;

		if (*n == cap && (*out = realloc(*out, (cap *= 2) * sizeof **out)) == NULL)
			abort();
		c = &(*out)[(*n)++];
		memset(c, 0, sizeof *c);
		column_copy(st, 0, c->id, sizeof c->id);
		column_copy(st, 1, c->account, sizeof c->account);
		column_copy(st, 2, field, sizeof field);
		c->field = (f = wire_field_parse(field)) < 0 ? WIRE_FIELD_PARTY_ZONES : f;
		column_copy(st, 3, c->current, sizeof c->current);
		column_copy(st, 4, c->value, sizeof c->value);
		column_copy(st, 5, c->by, sizeof c->by);
		c->at = sqlite3_column_int64(st, 6);
		c->base = sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return db_err(db, e);
	}
	return 0;
}

int
field_versions_get(struct store *s, const char *account, int64_t out[WIRE_FIELD_COUNT],
		   struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	int rc, f;

	memset(out, 0, WIRE_FIELD_COUNT * sizeof *out);
	if (sqlite3_prepare_v2(db, "SELECT v.field, v.version FROM field_versions v JOIN accounts a "
				   "ON a.id = v.account_id WHERE a.ext_id = ?", -1, &st, NULL) != SQLITE_OK)
		return db_err(db, e);
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if ((f = wire_field_parse((const char *)sqlite3_column_text(st, 0))) >= 0)
			out[f] = sqlite3_column_int64(st, 1);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(db, e);
}

struct conflicts_pull {
	sqlite3 *db;
	sqlite3_stmt *pending, *del_versions, *put_version, *del_conflicts, *put_conflict;
	char device[40];
	int64_t outbox_seq;
};

void
conflicts_pull_free(struct conflicts_pull **pp)
{
	struct conflicts_pull *p = *pp;

	if (p == NULL)
		return;
	sqlite3_finalize(p->pending);
	sqlite3_finalize(p->del_versions);
	sqlite3_finalize(p->put_version);
	sqlite3_finalize(p->del_conflicts);
	sqlite3_finalize(p->put_conflict);
	free(p);
	*pp = NULL;
}

struct conflicts_pull *
conflicts_pull_new(struct store *s, struct err *e)
{
	struct conflicts_pull *p = calloc(1, sizeof *p);
	char hw[24] = "0";

	if (p == NULL)
		abort();
	p->db = store_db(s);
	if (store_state_get(s, "device_id", p->device, sizeof p->device, e) < 0 ||
	    store_state_get(s, "outbox_seq", hw, sizeof hw, e) < 0)
		goto fail;
	p->outbox_seq = strtoll(hw, NULL, 10);
	if (sqlite3_prepare_v2(p->db, "SELECT 1 FROM events WHERE account_id = ?1 AND device = ?2 "
				      "AND kind IN ('field_edit', 'conflict_resolve') AND (seq > ?3 OR "
				      "id IN (SELECT event_id FROM outbox)) LIMIT 1", -1,
			       &p->pending, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(p->db, "DELETE FROM field_versions WHERE account_id = ?", -1,
			       &p->del_versions, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(p->db, "INSERT INTO field_versions(account_id, field, version) "
				      "VALUES(?, ?, ?)", -1, &p->put_version, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(p->db, "DELETE FROM conflicts WHERE account_id = ?", -1,
			       &p->del_conflicts, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(p->db, "INSERT OR REPLACE INTO conflicts(id, account_id, field, value, "
				      "by_user, at, base) VALUES(?, ?, ?, seal(?), ?, ?, ?)", -1,
			       &p->put_conflict, NULL) != SQLITE_OK) {
		db_err(p->db, e);
		goto fail;
	}
	return p;
fail:
	conflicts_pull_free(&p);
	return NULL;
}

/* Steps a statement that returns no row, and resets it. */
static int
run(struct conflicts_pull *p, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_err(p->db, e);
}

int
conflicts_pull_pending(struct conflicts_pull *p, const char *account, struct err *e)
{
	int rc;

	sqlite3_bind_text(p->pending, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(p->pending, 2, p->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p->pending, 3, p->outbox_seq);
	rc = sqlite3_step(p->pending);
	sqlite3_reset(p->pending);
	sqlite3_clear_bindings(p->pending);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : db_err(p->db, e);
}

int
conflicts_pull_store(struct conflicts_pull *p, int64_t rowid, int fresh,
		     const struct wire_account *w, struct err *e)
{
	if (!fresh) {
		sqlite3_bind_int64(p->del_versions, 1, rowid);
		sqlite3_bind_int64(p->del_conflicts, 1, rowid);
		if (run(p, p->del_versions, e) != 0 || run(p, p->del_conflicts, e) != 0)
			return -1;
	}
	for (int f = 0; f < WIRE_FIELD_COUNT; f++) {
		if (w->edits[f] == 0)
			continue;
		sqlite3_bind_int64(p->put_version, 1, rowid);
		sqlite3_bind_text(p->put_version, 2, wire_field_name(f), -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->put_version, 3, w->edits[f]);
		if (run(p, p->put_version, e) != 0)
			return -1;
	}
	for (size_t i = 0; i < w->nconflicts; i++) {
		const struct wire_conflict *c = &w->conflicts[i];

		sqlite3_bind_text(p->put_conflict, 1, c->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->put_conflict, 2, rowid);
		sqlite3_bind_text(p->put_conflict, 3, wire_field_name(c->field), -1, SQLITE_STATIC);
		sqlite3_bind_text(p->put_conflict, 4, c->value, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->put_conflict, 5, c->by, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->put_conflict, 6, c->at);
		sqlite3_bind_int64(p->put_conflict, 7, c->base);
		if (run(p, p->put_conflict, e) != 0)
			return -1;
	}
	return 0;
}

int
conflicts_pending_accounts(struct store *s, char (**ids)[ACCOUNT_ID_LEN], size_t *n,
			   struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	size_t cap = 4;
	int rc;

	*n = 0;
	if ((*ids = calloc(cap, sizeof **ids)) == NULL)
		abort();
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT ev.account_id FROM outbox o JOIN events ev ON "
				   "ev.id = o.event_id WHERE ev.kind IN ('field_edit', "
				   "'conflict_resolve') ORDER BY 1", -1, &st, NULL) != SQLITE_OK) {
		free(*ids);
		*ids = NULL;
		return db_err(db, e);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap && (*ids = realloc(*ids, (cap *= 2) * sizeof **ids)) == NULL)
			abort();
		snprintf((*ids)[(*n)++], ACCOUNT_ID_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_err(db, e);
}
