/* sync.c - the sync client: log in and out, the pulled changes applied to the cache one page
 * per transaction, this device's events pushed from the outbox in seq order, attachments
 * uploaded. One request at a time through sync_http.c. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach.h"
#include "clock.h"
#include "conflicts.h"
#include "contactability.h"
#include "device_key.h"
#include "store.h"
#include "sync.h"
#include "sync_http.h"
#include "sync_oversight.h"
#include "wire.h"

#define PAGE_LIMIT 1000
#define PUSH_BATCH 200
#define BLOB_CHUNK (256 * 1024)
#define BLOB_CHUNK_MIN 1024

/* Flags a client may only make stricter: a local cease or dispute stays until the server
 * has seen the event that set it and sends the flag itself. */
#define SAFETY_FLAGS (AFLAG_DISPUTE | AFLAG_CEASE | AFLAG_ATTORNEY | AFLAG_VULNERABLE)

void
sync_conf_default(struct sync_conf *c)
{
	memset(c, 0, sizeof *c);
	c->max_attempts = 4;
	c->connect_timeout_s = 10;
	c->timeout_s = 60;
}

int
sync_token_path(const char *cache, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.token", cache);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
token_read(const char *cache, char *buf, size_t len, struct err *e)
{
	char path[4096];
	FILE *f;
	size_t n;

	if (sync_token_path(cache, path, sizeof path) != 0)
		return err_set(e, "cache path too long");
	if ((f = fopen(path, "r")) == NULL)
		return err_set(e, "not logged in (no %s): run arrears login", path);
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (buf[0] == '\0')
		return err_set(e, "not logged in (%s is empty): run arrears login", path);
	return 0;
}

/* Writes the token beside the cache: created 0600 under a temporary name, then renamed, so a
 * reader never sees half a token. */
static int
token_write(const char *cache, const char *token, struct err *e)
{
	char path[4096], tmp[4200];
	size_t n = strlen(token);
	int fd, ok;

	if (sync_token_path(cache, path, sizeof path) != 0)
		return err_set(e, "cache path too long");
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0)
		return err_set(e, "%s: %s", tmp, strerror(errno));
	ok = fchmod(fd, 0600) == 0 && write(fd, token, n) == (ssize_t)n &&
	     write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	if (close(fd) != 0 || !ok || rename(tmp, path) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The server a command talks to: the configured one, else the one saved at login. */
static int
server_of(struct store *s, const struct sync_conf *c, char *buf, size_t len, struct err *e)
{
	int rc;

	if (c->server != NULL && c->server[0] != '\0') {
		snprintf(buf, len, "%s", c->server);
		return 0;
	}
	if ((rc = store_state_get(s, "server", buf, len, e)) == 1)
		return err_set(e, "no server: run arrears login --server URL");
	return rc;
}

/* The roster a lead's or an admin's login answer carries replaces the cache's, so the board
 * lists every member of the team, even one without cases; an answer without one (an agent's)
 * leaves it alone. A bad entry changes nothing and is named. */
static int
roster_save(struct store *s, const json_t *roster, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	size_t i;
	json_t *m;

	if (roster == NULL)
		return 0;
	if (!json_is_array(roster))
		return err_set(e, "login: $.roster: not an array");
	json_array_foreach(roster, i, m) {
		const char *name = json_string_value(json_object_get(m, "name"));
		const char *team = json_string_value(json_object_get(m, "team"));
		const char *role = json_string_value(json_object_get(m, "role"));

		if (name == NULL || name[0] == '\0' || strlen(name) > 31 || team == NULL ||
		    strlen(team) > 31 || role == NULL || strlen(role) > 15)
			return err_set(e, "login: $.roster[%zu]: needs name, team and role strings "
					  "(at most 31, 31 and 15 bytes)", i);
	}
	if (store_begin(s, e) != 0)
		return -1;
	if (sqlite3_exec(db, "DELETE FROM roster", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO roster(name, team, role) VALUES(?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK)
		goto fail;
	json_array_foreach(roster, i, m) {
		sqlite3_bind_text(st, 1, json_string_value(json_object_get(m, "name")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, json_string_value(json_object_get(m, "team")), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, json_string_value(json_object_get(m, "role")), -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return store_commit(s, e);
fail:
	err_set(e, "login: roster: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	store_rollback(s);
	return -1;
}

int
sync_login(struct store *s, const struct sync_conf *c, const char *user, const char *password,
	   struct err *e)
{
	char base[1024], device[40], pk[DEVICE_KEY_HEX];
	struct device_key key;
	struct reply r = { 0 };
	json_t *req;
	char *text = NULL;
	const char *token;
	int rc;

	if (c->server == NULL || strncmp(c->server, "https://", 8) != 0)
		return err_set(e, "the server must be an https:// URL"), SYNC_FAILED;
	snprintf(base, sizeof base, "%s", c->server);
	while (base[0] != '\0' && base[strlen(base) - 1] == '/')
		base[strlen(base) - 1] = '\0';
	if (contactability_device_id(s, device, e) != 0)
		return SYNC_FAILED;
	/* the key pair is made with the first login, so every later push can be signed */
	if (device_key_load(store_path(s), 1, &key, e) != 0)
		return SYNC_FAILED;
	device_key_public_hex(&key, pk);
	device_key_wipe(&key);
	if ((req = json_pack("{s:s, s:s, s:s, s:s}", "user", user, "password", password, "device",
			     device, "device_key", pk)) == NULL)
		return err_set(e, "user or password is not UTF-8"), SYNC_FAILED;
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (text == NULL)
		return err_set(e, "out of memory"), SYNC_FAILED;
	rc = request(c, base, "POST", "/v1/session", NULL, text, &r, e);
	sodium_memzero(text, strlen(text));
	free(text);
	if (rc != SYNC_OK)
		goto out;
	if (r.status == 401) {
		rc = SYNC_LOGIN_NEEDED;
		answer_error(&r, "login", e);
		goto out;
	}
	rc = SYNC_FAILED;
	if (r.status != 200) {
		answer_error(&r, "login", e);
		goto out;
	}
	if ((token = json_string_value(json_object_get(r.body, "token"))) == NULL ||
	    strlen(token) > 200) {
		err_set(e, "login: the answer has no token");
		goto out;
	}
	if (token_write(store_path(s), token, e) != 0 || store_state_set(s, "server", base, e) != 0 ||
	    store_state_set(s, "user", user, e) != 0)
		goto out;
	/* the server's word on who this is: the board and reassigning follow it (reassign.h) */
	const char *role = json_string_value(json_object_get(r.body, "role"));
	const char *team = json_string_value(json_object_get(r.body, "team"));
	if (store_state_set(s, "role", role != NULL && strlen(role) < 16 ? role : "", e) != 0 ||
	    store_state_set(s, "team", team != NULL && strlen(team) < 32 ? team : "", e) != 0 ||
	    roster_save(s, json_object_get(r.body, "roster"), e) != 0)
		goto out;
	rc = SYNC_OK;
out:
	json_decref(r.body);
	return rc;
}

/* Prepared statements of one pull, finalized together. */
struct pull {
	struct store *s;
	sqlite3 *db;
	sqlite3_stmt *find, *ins_party, *upd_party, *ins_account, *upd_account, *del_contacts,
		*ins_contact, *put_balance, *put_assign, *del_account, *del_party;
	struct conflicts_pull *edits;
	int64_t now;
};

static void
pull_finish(struct pull *p)
{
	sqlite3_stmt **all[] = { &p->find, &p->ins_party, &p->upd_party, &p->ins_account,
				 &p->upd_account, &p->del_contacts, &p->ins_contact, &p->put_balance,
				 &p->put_assign, &p->del_account, &p->del_party };

	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
		sqlite3_finalize(*all[i]);
		*all[i] = NULL;
	}
	conflicts_pull_free(&p->edits);
}

static int
prep(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	return 0;
}

static int
pull_prepare(struct pull *p, struct err *e)
{
	sqlite3 *db = p->db;

	if (prep(db, "SELECT id, party_id, flags FROM accounts WHERE ext_id = ?", &p->find, e) ||
	    prep(db, "INSERT INTO parties(name, zones) VALUES(seal(?), ?)", &p->ins_party, e) ||
	    prep(db, "UPDATE parties SET name = seal(?), zones = ? WHERE id = ?", &p->upd_party, e) ||
	    prep(db, "INSERT INTO accounts(ext_id, party_id, product, currency, region, opened_on, "
		     "due_date, flags, version) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)", &p->ins_account, e) ||
	    prep(db, "UPDATE accounts SET product = ?, currency = ?, region = ?, due_date = ?, "
		     "flags = ?, version = ? WHERE id = ?", &p->upd_account, e) ||
	    prep(db, "DELETE FROM contact_points WHERE party_id = ?", &p->del_contacts, e) ||
	    prep(db, "INSERT INTO contact_points(party_id, kind, value, zones, consent) "
		     "VALUES(?, ?, seal(?), ?, ?)", &p->ins_contact, e) ||
	    prep(db, "INSERT INTO balances(account_id, principal, fees, past_due, total, amount_due, "
		     "as_of) VALUES(?1, ?2, 0, ?3, ?2, ?4, ?5) ON CONFLICT(account_id) DO UPDATE SET "
		     "principal = ?2, fees = 0, past_due = ?3, total = ?2, amount_due = ?4, as_of = ?5",
		 &p->put_balance, e) ||
	    prep(db, "INSERT INTO assignments(account_id, assignee, since) VALUES(?1, ?2, ?3) "
		     "ON CONFLICT(account_id) DO UPDATE SET since = CASE WHEN assignee = ?2 THEN since "
		     "ELSE ?3 END, assignee = ?2", &p->put_assign, e) ||
	    prep(db, "DELETE FROM accounts WHERE id = ?", &p->del_account, e) ||
	    prep(db, "DELETE FROM parties WHERE id = ? AND NOT EXISTS "
		     "(SELECT 1 FROM accounts WHERE party_id = ?1)", &p->del_party, e))
		return -1;
	return (p->edits = conflicts_pull_new(p->s, e)) == NULL ? -1 : 0;
}

/* Steps a statement that returns no row, and resets it. */
static int
run(struct pull *p, sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "%s", sqlite3_errmsg(p->db));
	return 0;
}

/* Looks an account up by its book id: 0 found, 1 not in the cache, -1. */
static int
pull_find(struct pull *p, const char *id, int64_t *rowid, int64_t *party, unsigned *flags,
	  struct err *e)
{
	int rc;

	sqlite3_bind_text(p->find, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(p->find);
	if (rc == SQLITE_ROW) {
		*rowid = sqlite3_column_int64(p->find, 0);
		*party = sqlite3_column_int64(p->find, 1);
		*flags = (unsigned)sqlite3_column_int64(p->find, 2);
	}
	sqlite3_reset(p->find);
	sqlite3_clear_bindings(p->find);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return err_set(e, "%s", sqlite3_errmsg(p->db));
}

static int
pull_upsert(struct pull *p, const struct wire_account *w, struct err *e)
{
	const struct account *a = &w->account;
	int64_t rowid = 0, party = 0;
	unsigned old_flags = 0;
	int found, pending = 0;

	if ((found = pull_find(p, a->id, &rowid, &party, &old_flags, e)) < 0 ||
	    (found == 0 && (pending = conflicts_pull_pending(p->edits, a->id, e)) < 0))
		return -1;
	if (found == 0) {
		sqlite3_bind_text(p->upd_party, 1, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->upd_party, 2, a->zones, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->upd_party, 3, party);
		sqlite3_bind_int(p->upd_account, 1, (int)a->product);
		sqlite3_bind_text(p->upd_account, 2, a->currency, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->upd_account, 3, a->region, -1, SQLITE_STATIC);
		sqlite3_bind_int(p->upd_account, 4, a->due_date);
		sqlite3_bind_int64(p->upd_account, 5, a->flags | (old_flags & SAFETY_FLAGS));
		sqlite3_bind_int64(p->upd_account, 6, w->version);
		sqlite3_bind_int64(p->upd_account, 7, rowid);
		sqlite3_bind_int64(p->del_contacts, 1, party);
		/* an edit of ours the server has not answered for yet stays as we made it */
		if ((!pending && run(p, p->upd_party, e)) || run(p, p->upd_account, e) ||
		    run(p, p->del_contacts, e))
			return -1;
	} else {
		sqlite3_bind_text(p->ins_party, 1, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->ins_party, 2, a->zones, -1, SQLITE_STATIC);
		if (run(p, p->ins_party, e))
			return -1;
		party = sqlite3_last_insert_rowid(p->db);
		sqlite3_bind_text(p->ins_account, 1, a->id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->ins_account, 2, party);
		sqlite3_bind_int(p->ins_account, 3, (int)a->product);
		sqlite3_bind_text(p->ins_account, 4, a->currency, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->ins_account, 5, a->region, -1, SQLITE_STATIC);
		/* protocol v1 does not carry the opening date; the due date is the closest known */
		sqlite3_bind_int(p->ins_account, 6, a->due_date);
		sqlite3_bind_int(p->ins_account, 7, a->due_date);
		sqlite3_bind_int64(p->ins_account, 8, a->flags);
		sqlite3_bind_int64(p->ins_account, 9, w->version);
		if (run(p, p->ins_account, e))
			return -1;
		rowid = sqlite3_last_insert_rowid(p->db);
	}
	if (!pending && conflicts_pull_store(p->edits, rowid, found == 1, w, e) != 0)
		return -1;
	for (size_t i = 0; i < w->ncontacts; i++) {
		const struct contact_point *cp = &w->contacts[i];

		sqlite3_bind_int64(p->ins_contact, 1, party);
		sqlite3_bind_int(p->ins_contact, 2, (int)cp->kind);
		sqlite3_bind_text(p->ins_contact, 3, cp->value, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->ins_contact, 4, cp->zones, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->ins_contact, 5, cp->consent);
		if (run(p, p->ins_contact, e))
			return -1;
	}
	sqlite3_bind_int64(p->put_balance, 1, rowid);
	sqlite3_bind_int64(p->put_balance, 2, a->total);
	sqlite3_bind_int64(p->put_balance, 3, a->past_due);
	sqlite3_bind_int64(p->put_balance, 4, a->amount_due);
	sqlite3_bind_int64(p->put_balance, 5, p->now);
	sqlite3_bind_int64(p->put_assign, 1, rowid);
	sqlite3_bind_text(p->put_assign, 2, a->assignee, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p->put_assign, 3, p->now);
	return run(p, p->put_balance, e) || run(p, p->put_assign, e) ? -1 : 0;
}

/* Drops an account that left the user's scope; its evidence stays (events keep the book id). */
static int
pull_remove(struct pull *p, const char *id, struct err *e)
{
	int64_t rowid, party;
	unsigned flags;
	int found;

	if ((found = pull_find(p, id, &rowid, &party, &flags, e)) != 0)
		return found < 0 ? -1 : 0;
	sqlite3_bind_int64(p->del_account, 1, rowid);
	sqlite3_bind_int64(p->del_party, 1, party);
	return run(p, p->del_account, e) || run(p, p->del_party, e) ? -1 : 0;
}

/* Applies one page and its cursor in one transaction. */
static int
pull_page(struct pull *p, const json_t *page, const char *cursor, struct sync_report *r,
	  struct err *e)
{
	const json_t *changes = json_object_get(page, "changes"), *item;
	char path[48];
	size_t i;

	if (!json_is_array(changes))
		return err_set(e, "changes: the answer has no changes array");
	if (store_begin(p->s, e) != 0)
		return -1;
	json_array_foreach(changes, i, item) {
		struct wire_change c;
		int rc;

		snprintf(path, sizeof path, "$.changes[%zu]", i);
		if (wire_change_decode(item, path, &c, e) != 0)
			goto fail;
		if (c.op == WIRE_CHANGE_UPSERT) {
			rc = pull_upsert(p, &c.acct, e);
			wire_account_clear(&c.acct);
			r->upserted++;
		} else {
			rc = pull_remove(p, c.account_id, e);
			r->removed++;
		}
		if (rc != 0)
			goto fail;
	}
	if (store_state_set(p->s, "cursor", cursor, e) != 0 || store_commit(p->s, e) != 0)
		goto fail;
	r->pages++;
	return 0;
fail:
	store_rollback(p->s);
	return -1;
}

/* The cursor is of another epoch: the book goes, the evidence and the outbox stay, and the
 * whole chain is queued again. */
static int
pull_reset(struct store *s, struct err *e)
{
	sqlite3 *db = store_db(s);

	if (store_begin(s, e) != 0)
		return -1;
	/* A book of another epoch may be a restore of an older one, missing evidence this device
	 * pushed since: its whole chain is queued again. The server answers duplicate for what it
	 * has and accepts the rest, in chain order; nothing is lost to a restore. */
	if (sqlite3_exec(db, "DELETE FROM accounts; DELETE FROM parties; "
			     "DELETE FROM sync_state WHERE key = 'cursor'; "
			     "INSERT OR IGNORE INTO outbox(event_id) SELECT id FROM events WHERE "
			     "device = (SELECT value FROM sync_state WHERE key = 'device_id')",
			     NULL, NULL, NULL) != SQLITE_OK) {
		err_set(e, "%s", sqlite3_errmsg(db));
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

/* Keeps the server's clock minus ours, so evidence can show both times. */
static void
clock_offset_note(struct store *s, const json_t *page)
{
	const char *t = json_string_value(json_object_get(page, "server_time"));
	int64_t server;
	char buf[24];

	if (t != NULL && time_parse_rfc3339(t, &server, NULL) == 0) {
		snprintf(buf, sizeof buf, "%lld", (long long)(server - clock_now()));
		store_state_set(s, "clock_offset", buf, NULL);
	}
}

static int
pull_all(struct store *s, const struct sync_conf *c, const char *base, const char *token,
	 struct sync_report *r, struct err *e)
{
	struct pull p = { .s = s, .db = store_db(s), .now = clock_now() };
	struct wire_cursor wc;
	char cursor[WIRE_CURSOR_LEN] = "", path[96];
	int rc;

	if (store_state_get(s, "cursor", cursor, sizeof cursor, e) < 0)
		return SYNC_FAILED;
	if (wire_cursor_parse(cursor, &wc, e) != 0) {
		err_prefix(e, "the cache's cursor: ");
		return SYNC_FAILED;
	}
	if (pull_prepare(&p, e) != 0) {
		pull_finish(&p);
		return SYNC_FAILED;
	}
	for (;;) {
		struct reply rep;
		const char *next;

		snprintf(path, sizeof path, "/v1/changes?since=%s&limit=%d", cursor, PAGE_LIMIT);
		if ((rc = request(c, base, "GET", path, token, NULL, &rep, e)) != SYNC_OK)
			break;
		rc = SYNC_FAILED;
		if (rep.status == 410 && !r->refreshed) {
			r->refreshed = 1;
			cursor[0] = '\0';
			json_decref(rep.body);
			pull_finish(&p);
			if (pull_reset(s, e) != 0 || pull_prepare(&p, e) != 0)
				break;
			continue;
		}
		if (rep.status == 401) {
			rc = SYNC_LOGIN_NEEDED;
			answer_error(&rep, "changes", e);
		} else if (rep.status != 200) {
			answer_error(&rep, "changes", e);
		} else if ((next = json_string_value(json_object_get(rep.body, "cursor"))) == NULL ||
			   wire_cursor_parse(next, &wc, e) != 0) {
			err_set(e, "changes: the answer has no valid cursor");
		} else {
			snprintf(cursor, sizeof cursor, "%s", next);
			clock_offset_note(s, rep.body);
			if (pull_page(&p, rep.body, cursor, r, e) == 0) {
				rc = json_is_true(json_object_get(rep.body, "more")) ? -1 : SYNC_OK;
				if (c->progress != NULL)
					c->progress(c->progress_ctx, r);
			}
		}
		json_decref(rep.body);
		if (rc != -1)
			break;
	}
	pull_finish(&p);
	return rc;
}

/* Fetches again the accounts whose edits the push just took to the server: their pull
 * kept our values while the server did not know of the edits, and the cursor has moved on,
 * so this is where the server's decision (written, or kept as a conflict) reaches the cache
 * before the record changes again. An account out of scope now (404) is left to the pull. */
static int
edits_refresh(struct store *s, const struct sync_conf *c, const char *base, const char *token,
	      char (*ids)[ACCOUNT_ID_LEN], size_t n, struct err *e)
{
	struct pull p = { .s = s, .db = store_db(s), .now = clock_now() };
	char path[96];
	int rc = SYNC_OK;

	if (n == 0)
		return SYNC_OK;
	if (pull_prepare(&p, e) != 0) {
		pull_finish(&p);
		return SYNC_FAILED;
	}
	for (size_t i = 0; i < n && rc == SYNC_OK; i++) {
		struct wire_account w;
		struct reply rep;

		snprintf(path, sizeof path, "/v1/accounts/%s", ids[i]);
		if ((rc = request(c, base, "GET", path, token, NULL, &rep, e)) != SYNC_OK)
			break;
		if (rep.status == 401) {
			rc = SYNC_LOGIN_NEEDED;
			answer_error(&rep, "account", e);
		} else if (rep.status != 200 && rep.status != 404) {
			rc = SYNC_FAILED;
			answer_error(&rep, "account", e);
		} else if (rep.status == 200) {
			if (wire_account_decode(rep.body, "$", &w, e) != 0) {
				err_prefix(e, "account: ");
				rc = SYNC_FAILED;
			} else {
				if (store_begin(s, e) != 0 || pull_upsert(&p, &w, e) != 0 ||
				    store_commit(s, e) != 0) {
					store_rollback(s);
					rc = SYNC_FAILED;
				}
				wire_account_clear(&w);
			}
		}
		json_decref(rep.body);
	}
	pull_finish(&p);
	return rc;
}

/* Queues every event of this device the outbox has not had yet, in the events' own order;
 * "outbox_seq" in sync_state is the highest seq queued, so an event is queued once. */
static int
outbox_fill(struct store *s, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *ins = NULL, *top = NULL;
	char device[40], hw[24] = "0";
	int rc;

	if ((rc = store_state_get(s, "device_id", device, sizeof device, e)) != 0)
		return rc < 0 ? -1 : 0;	/* no device id: this cache has written no events */
	if (store_state_get(s, "outbox_seq", hw, sizeof hw, e) < 0 || store_begin(s, e) != 0)
		return -1;
	rc = -1;
	if (prep(db, "INSERT OR IGNORE INTO outbox(event_id) SELECT id FROM events "
		     "WHERE device = ?1 AND seq > ?2 ORDER BY seq", &ins, e) ||
	    prep(db, "SELECT max(seq) FROM events WHERE device = ?1 AND seq > ?2", &top, e))
		goto out;
	sqlite3_bind_text(ins, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, strtoll(hw, NULL, 10));
	sqlite3_bind_text(top, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(top, 2, strtoll(hw, NULL, 10));
	if (sqlite3_step(ins) != SQLITE_DONE || sqlite3_step(top) != SQLITE_ROW) {
		err_set(e, "%s", sqlite3_errmsg(db));
		goto out;
	}
	if (sqlite3_column_type(top, 0) != SQLITE_NULL) {
		snprintf(hw, sizeof hw, "%lld", (long long)sqlite3_column_int64(top, 0));
		if (store_state_set(s, "outbox_seq", hw, e) != 0)
			goto out;
	}
	rc = store_commit(s, e);
out:
	sqlite3_finalize(ins);
	sqlite3_finalize(top);
	if (rc != 0)
		store_rollback(s);
	return rc;
}

/* Loads the next batch of the outbox, oldest link of each chain first. */
static int
outbox_batch(struct store *s, struct event **out, size_t *n, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	struct event *evs;
	int rc;

	*out = NULL;
	*n = 0;
	if ((evs = calloc(PUSH_BATCH, sizeof *evs)) == NULL)
		return err_set(e, "out of memory");
	/* The batch is chosen first and only its bodies are opened: sorting the join directly
	 * would open every waiting body in the outbox for each batch. */
	if (prep(db, "SELECT e.id, e.device, e.seq, e.account_id, e.kind, e.user, e.at, "
		     "unseal(e.body, 'events', e.id), e.prev_hash, e.hash FROM "
		     "(SELECT o.event_id FROM outbox o JOIN events x ON x.id = o.event_id "
		     " ORDER BY x.device, x.seq LIMIT ?) b JOIN events e ON e.id = b.event_id "
		     "ORDER BY e.device, e.seq", &st, e) != 0) {
		free(evs);
		return -1;
	}
	sqlite3_bind_int(st, 1, PUSH_BATCH);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event *ev = &evs[*n];

		snprintf(ev->id, sizeof ev->id, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(ev->device, sizeof ev->device, "%s", (const char *)sqlite3_column_text(st, 1));
		ev->seq = sqlite3_column_int64(st, 2);
		snprintf(ev->account_id, sizeof ev->account_id, "%s",
			 (const char *)sqlite3_column_text(st, 3));
		snprintf(ev->kind, sizeof ev->kind, "%s", (const char *)sqlite3_column_text(st, 4));
		snprintf(ev->user, sizeof ev->user, "%s", (const char *)sqlite3_column_text(st, 5));
		ev->at = sqlite3_column_int64(st, 6);
		ev->body = strdup((const char *)sqlite3_column_text(st, 7));
		snprintf(ev->prev_hash, sizeof ev->prev_hash, "%s",
			 (const char *)sqlite3_column_text(st, 8));
		snprintf(ev->hash, sizeof ev->hash, "%s", (const char *)sqlite3_column_text(st, 9));
		(*n)++;
		if (ev->body == NULL) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		events_free(&evs, *n);
		*n = 0;
		return err_set(e, "reading the outbox: %s", sqlite3_errmsg(db));
	}
	*out = evs;
	return 0;
}

/* Notes a failed attempt on the rows of a batch (best effort: the rows stay either way). */
static void
outbox_note_failure(struct store *s, const struct event *evs, size_t n, const char *why)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(store_db(s), "UPDATE outbox SET attempts = attempts + 1, "
					    "last_error = ? WHERE event_id = ?", -1, &st, NULL) != SQLITE_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, why, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, evs[i].id, -1, SQLITE_STATIC);
		sqlite3_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
}

/* Settles a batch from the server's results in one transaction: answered rows leave the
 * outbox, rejected ones go to dead_letters with the reason. */
static int
outbox_settle(struct store *s, const struct event *evs, size_t n,
	      const struct wire_event_result *res, size_t nres, struct sync_report *r,
	      struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *del = NULL, *dead = NULL;
	int rc = -1;

	if (nres != n)
		return err_set(e, "push: %zu results for %zu events", nres, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(res[i].id, evs[i].id) != 0)
			return err_set(e, "push: result %zu is for another event", i);
	if (store_begin(s, e) != 0)
		return -1;
	if (prep(db, "DELETE FROM outbox WHERE event_id = ?", &del, e) ||
	    prep(db, "INSERT OR REPLACE INTO dead_letters(event_id, reason, at) VALUES(?, ?, ?)",
		 &dead, e))
		goto out;
	for (size_t i = 0; i < n; i++) {
		if (res[i].result == WIRE_REJECTED) {
			sqlite3_bind_text(dead, 1, evs[i].id, -1, SQLITE_STATIC);
			sqlite3_bind_text(dead, 2, res[i].reason, -1, SQLITE_STATIC);
			sqlite3_bind_int64(dead, 3, clock_now());
			if (sqlite3_step(dead) != SQLITE_DONE) {
				err_set(e, "%s", sqlite3_errmsg(db));
				goto out;
			}
			sqlite3_reset(dead);
			r->rejected++;
		} else if (res[i].result == WIRE_DUPLICATE) {
			r->duplicates++;
		} else {
			r->accepted++;
		}
		sqlite3_bind_text(del, 1, evs[i].id, -1, SQLITE_STATIC);
		if (sqlite3_step(del) != SQLITE_DONE) {
			err_set(e, "%s", sqlite3_errmsg(db));
			goto out;
		}
		sqlite3_reset(del);
	}
	rc = store_commit(s, e);
out:
	sqlite3_finalize(del);
	sqlite3_finalize(dead);
	if (rc != 0)
		store_rollback(s);
	return rc;
}

/* Adds to batch the signed head of this device's last event in it (evs are in (device, seq)
 * order), and keeps what was signed in signed_heads for `arrears audit verify`. */
static int
heads_sign(struct store *s, const struct device_key *key, const char *device,
	   const struct event *evs, size_t n, json_t *batch, struct err *e)
{
	struct wire_head h = { .seq = 0 };
	sqlite3_stmt *st;
	char pk[DEVICE_KEY_HEX];
	int rc;

	for (size_t i = 0; i < n; i++)
		if (strcmp(evs[i].device, device) == 0 && evs[i].seq > h.seq) {
			h.seq = evs[i].seq;
			snprintf(h.hash, sizeof h.hash, "%s", evs[i].hash);
		}
	if (h.seq == 0)
		return 0;
	snprintf(h.device, sizeof h.device, "%s", device);
	if (device_key_sign_head(key, h.device, h.seq, h.hash, h.signature, e) != 0)
		return -1;
	device_key_public_hex(key, pk);
	if (prep(store_db(s), "INSERT OR IGNORE INTO signed_heads(device, seq, hash, signature, "
			      "public_key, at) VALUES(?, ?, ?, ?, ?, ?)", &st, e) != 0)
		return -1;
	sqlite3_bind_text(st, 1, h.device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, h.seq);
	sqlite3_bind_text(st, 3, h.hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, h.signature, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, pk, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, clock_now());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "%s", sqlite3_errmsg(store_db(s)));
	return json_object_set_new(batch, "heads", wire_heads_encode(&h, 1)) == 0
		       ? 0 : err_set(e, "out of memory");
}

static int
push_all(struct store *s, const struct sync_conf *c, const char *base, const char *token,
	 const struct device_key *key, struct sync_report *r, struct err *e)
{
	char device[40] = "";

	if (key != NULL && store_state_get(s, "device_id", device, sizeof device, e) < 0)
		return SYNC_FAILED;
	for (;;) {
		struct event *evs;
		struct wire_event_result *res = NULL;
		struct reply rep = { 0 };
		size_t n, nres = 0;
		json_t *batch;
		char *text;
		int rc;

		if (outbox_batch(s, &evs, &n, e) != 0)
			return SYNC_FAILED;
		if (n == 0) {
			free(evs);
			return SYNC_OK;
		}
		batch = wire_batch_encode(evs, n, e);
		if (batch != NULL && key != NULL && device[0] != '\0' &&
		    heads_sign(s, key, device, evs, n, batch, e) != 0) {
			json_decref(batch);
			batch = NULL;
		}
		text = batch ? json_dumps(batch, JSON_COMPACT) : NULL;
		json_decref(batch);
		rc = SYNC_FAILED;
		if (text == NULL) {
			err_prefix(e, "push: ");
		} else if ((rc = request(c, base, "POST", "/v1/events", token, text, &rep, e)) !=
			   SYNC_OK) {
			outbox_note_failure(s, evs, n, e->msg);
		} else if (rep.status == 401) {
			rc = SYNC_LOGIN_NEEDED;
			answer_error(&rep, "push", e);
		} else if (rep.status != 200) {
			rc = SYNC_FAILED;
			answer_error(&rep, "push", e);
			outbox_note_failure(s, evs, n, e->msg);
		} else if (wire_results_decode(rep.body, &res, &nres, e) != 0 ||
			   outbox_settle(s, evs, n, res, nres, r, e) != 0) {
			rc = SYNC_FAILED;
		} else {
			rc = -1;	/* settled: next batch */
			if (c->progress != NULL)
				c->progress(c->progress_ctx, r);
		}
		free(res);
		free(text);
		json_decref(rep.body);
		events_free(&evs, n);
		if (rc != -1)
			return rc;
	}
}

/* Uploads one blob from the cache's copy, resuming where the server's copy ends (HEAD), in
 * chunks that halve on 413. Returns SYNC_OK when it is complete at the server, -1 when the
 * upload limit stopped it (it stays pending), else an enum sync_status with e filled; a
 * blob the server refuses for its hash, or whose copy is gone, is marked failed. */
static int
blob_upload(struct store *s, const struct sync_conf *c, const char *base, const char *token,
	    const struct attach_pending *b, struct sync_report *r, struct err *e)
{
	char path[96], file[4200];
	struct reply rep = { 0 };
	size_t chunk = BLOB_CHUNK;
	int64_t offset;
	char *buf = NULL;
	int fd, rc;

	if (attach_blob_path(store_path(s), b->sha256, file, sizeof file) != 0)
		return err_set(e, "cache path too long"), SYNC_FAILED;
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
		err_set(e, "attachment %.16s: %s: %s", b->sha256, file, strerror(errno));
		attach_mark(s, b->sha256, "failed", e->msg, NULL);
		r->blobs_failed++;
		return SYNC_OK;
	}
	snprintf(path, sizeof path, "/v1/blobs/%s", b->sha256);
	if ((rc = request(c, base, "HEAD", path, token, NULL, &rep, e)) != SYNC_OK)
		goto out;
	json_decref(rep.body);
	if (rep.status == 404) {
		/* the server accepted the event, so it has lost it since (a rebuilt book): retrying
		 * forever would only hide that; the attachment is marked for a person to look at */
		err_set(e, "attachment %.16s: the server has no attachment event for it", b->sha256);
		attach_mark(s, b->sha256, "failed", e->msg, NULL);
		r->blobs_failed++;
		rc = SYNC_OK;
		goto out;
	}
	rc = rep.status == 401 ? SYNC_LOGIN_NEEDED : SYNC_FAILED;
	if (rep.status != 200 || rep.upload_offset < 0 || rep.upload_offset > b->size) {
		err_set(e, "attachment %.16s: HEAD answered %ld", b->sha256, rep.status);
		goto out;
	}
	offset = rep.upload_offset;
	if ((buf = malloc(BLOB_CHUNK)) == NULL) {
		err_set(e, "out of memory");
		goto out;
	}
	for (;;) {
		size_t len = (size_t)(b->size - offset < (int64_t)chunk ? b->size - offset : (int64_t)chunk);
		struct payload p = { .data = buf, .len = len, .type = "application/octet-stream" };
		char q[160];

		if (c->upload_limit > 0 && r->blob_bytes + (int64_t)len > c->upload_limit) {
			len = (size_t)(c->upload_limit - r->blob_bytes);
			p.len = len;
			if (len == 0) {
				rc = -1;
				break;
			}
		}
		if (len > 0 && pread(fd, buf, len, (off_t)offset) != (ssize_t)len) {
			err_set(e, "attachment %.16s: %s: short read", b->sha256, file);
			rc = SYNC_FAILED;
			break;
		}
		snprintf(q, sizeof q, "%s?offset=%lld", path, (long long)offset);
		if ((rc = request_payload(c, base, "PUT", q, token, &p, &rep, e)) != SYNC_OK)
			break;
		rc = SYNC_FAILED;
		if (rep.status == 200) {
			json_int_t got = json_integer_value(json_object_get(rep.body, "received"));

			r->blob_bytes += (int64_t)len;
			if (json_is_true(json_object_get(rep.body, "complete"))) {
				rc = attach_mark(s, b->sha256, "uploaded", NULL, e) == 0 ? SYNC_OK
											: SYNC_FAILED;
				r->blobs_done += rc == SYNC_OK;
			} else if (got > offset && got <= b->size) {
				offset = got;
				rc = -2;	/* next chunk */
			} else {
				err_set(e, "attachment %.16s: the server did not move on", b->sha256);
			}
		} else if (rep.status == 409 && rep.upload_offset >= 0 &&
			   rep.upload_offset <= b->size) {
			offset = rep.upload_offset;	/* another run got further: go on from there */
			rc = -2;
		} else if (rep.status == 413 && chunk > BLOB_CHUNK_MIN) {
			chunk /= 2;
			rc = -2;
		} else if (rep.status == 422) {
			answer_error(&rep, "attachment", e);
			attach_mark(s, b->sha256, "failed", e->msg, NULL);
			r->blobs_failed++;
			rc = SYNC_OK;
		} else {
			if (rep.status == 401)
				rc = SYNC_LOGIN_NEEDED;
			answer_error(&rep, "attachment", e);
		}
		json_decref(rep.body);
		rep.body = NULL;
		if (rc != -2)
			break;
	}
out:
	free(buf);
	close(fd);
	return rc;
}

/* Uploads every attachment whose event the server holds; see blob_upload. */
static int
push_blobs(struct store *s, const struct sync_conf *c, const char *base, const char *token,
	   struct sync_report *r, struct err *e)
{
	struct attach_pending *p;
	size_t n, i;
	int rc = SYNC_OK;

	if (attach_pending_list(s, &p, &n, e) != 0)
		return SYNC_FAILED;
	for (i = 0; i < n && rc == SYNC_OK; i++)
		rc = blob_upload(s, c, base, token, &p[i], r, e);
	free(p);
	return rc == -1 ? SYNC_OK : rc;	/* the limit is reached: the rest waits for next time */
}

static int64_t
blobs_waiting(struct store *s)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(store_db(s), "SELECT count(DISTINCT sha256) FROM attachments WHERE "
					    "state = 'pending'", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static int64_t
outbox_count(struct store *s)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	if (sqlite3_prepare_v2(store_db(s), "SELECT count(*) FROM outbox", -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
sync_run(struct store *s, const struct sync_conf *c, struct sync_report *r, struct err *e)
{
	char base[1024], token[256], now[24], (*edited)[ACCOUNT_ID_LEN] = NULL;
	size_t nedited = 0;
	struct device_key key;
	int rc, keyed;

	memset(r, 0, sizeof *r);
	/* queue first: whatever happens to the network, the outbox then holds all that is owed */
	if (outbox_fill(s, e) != 0)
		return SYNC_FAILED;
	r->pending = outbox_count(s);
	if (server_of(s, c, base, sizeof base, e) != 0 ||
	    token_read(store_path(s), token, sizeof token, e) != 0)
		return SYNC_LOGIN_NEEDED;
	/* a cache logged in before device keys pushes unsigned until its next login */
	if ((keyed = device_key_load(store_path(s), 0, &key, e)) < 0)
		return SYNC_FAILED;
	rc = pull_all(s, c, base, token, r, e);
	if (rc == SYNC_OK && conflicts_pending_accounts(s, &edited, &nedited, e) != 0)
		rc = SYNC_FAILED;
	if (rc == SYNC_OK)
		rc = push_all(s, c, base, token, keyed == 0 ? &key : NULL, r, e);
	device_key_wipe(&key);
	if (rc == SYNC_OK)
		rc = edits_refresh(s, c, base, token, edited, nedited, e);
	free(edited);
	if (rc == SYNC_OK)
		rc = push_blobs(s, c, base, token, r, e);
	/* after the push, so the server's board counts what this device just sent */
	if (rc == SYNC_OK)
		rc = sync_oversight(s, c, base, token, r, e);
	sodium_memzero(token, sizeof token);
	r->pending = outbox_count(s);
	r->blobs_waiting = blobs_waiting(s);
	if (rc != SYNC_OK)
		return rc;
	if (store_state_set(s, "last_sync", time_format_rfc3339(clock_now(), now, sizeof now), e) != 0)
		return SYNC_FAILED;
	if (r->rejected > 0) {
		err_set(e, "%lld events rejected by the server, kept in dead_letters",
			(long long)r->rejected);
		return SYNC_REJECTED;
	}
	if (r->blobs_failed > 0) {
		err_set(e, "%lld attachments refused; the reasons are in the cache's attachments "
			"table (state 'failed')", (long long)r->blobs_failed);
		return SYNC_REJECTED;
	}
	return SYNC_OK;
}

int
sync_logout(struct store *s, const struct sync_conf *c, struct err *e)
{
	char base[1024], token[256], path[4096];
	struct reply rep = { 0 };
	int rc;

	if (sync_token_path(store_path(s), path, sizeof path) != 0)
		return err_set(e, "cache path too long"), SYNC_FAILED;
	if (token_read(store_path(s), token, sizeof token, e) != 0)
		return SYNC_LOGIN_NEEDED;
	if (server_of(s, c, base, sizeof base, e) != 0)
		rc = SYNC_FAILED;
	else if ((rc = request(c, base, "DELETE", "/v1/session", token, NULL, &rep, e)) == SYNC_OK &&
		 rep.status != 200 && rep.status != 401) {
		answer_error(&rep, "logout", e);
		rc = SYNC_FAILED;
	}
	json_decref(rep.body);
	sodium_memzero(token, sizeof token);
	/* the local token goes even when the server could not be told: it is the user's intent */
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(e, "%s: %s", path, strerror(errno)), SYNC_FAILED;
	return rc;
}
