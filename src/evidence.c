#include "config.h"

#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "evidence.h"
#include "store.h"

/* The chain's first link points at this all-zero hash. */
static const char genesis_hash[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

void
evidence_uuid(char buf[37])
{
	unsigned char b[16];

	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	snprintf(buf, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
}

/* The canonical serialization: every field of the event and the previous hash as one JSON
 * object with sorted keys and no spaces, so any two programs that agree on the event agree on
 * the bytes (the server verifies with this same function). body is consumed. */
static char *
canonical_text(const struct event *ev, json_t *body, struct err *e)
{
	json_t *obj;
	char at[32], *text;

	obj = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:o}", "id", ev->id, "device",
			ev->device, "user", ev->user, "account_id", ev->account_id, "kind", ev->kind,
			"seq", (json_int_t)ev->seq, "at", time_format_rfc3339(ev->at, at, sizeof at),
			"prev_hash", ev->prev_hash, "body", body);
	if (obj == NULL) {
		err_set(e, "event has a field that is not valid UTF-8");
		return NULL;
	}
	text = json_dumps(obj, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(obj);
	if (text == NULL)
		abort();
	return text;
}

static json_t *
body_parse(const char *body, struct err *e)
{
	json_error_t jerr;
	json_t *j = json_loads(body, JSON_REJECT_DUPLICATES, &jerr);

	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		err_set(e, "event body is not a JSON object: %s", j ? "wrong type" : jerr.text);
		return NULL;
	}
	return j;
}

static void
sha256_hex(const char *text, char buf[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(digest, (const unsigned char *)text, strlen(text));
	sodium_bin2hex(buf, 65, digest, sizeof digest);
}

int
evidence_hash(const struct event *ev, char buf[65], struct err *e)
{
	json_t *body = body_parse(ev->body, e);
	char *text;

	if (body == NULL || (text = canonical_text(ev, body, e)) == NULL)
		return -1;
	sha256_hex(text, buf);
	free(text);
	return 0;
}

struct evidence_writer {
	struct store *store;
	sqlite3_stmt *insert, *head;
	char device[40];
	int64_t seq;
	char hash[65];
};

static int
writer_load_head(struct evidence_writer *w, struct err *e)
{
	int rc;

	sqlite3_reset(w->head);
	rc = sqlite3_step(w->head);
	if (rc == SQLITE_ROW) {
		w->seq = sqlite3_column_int64(w->head, 0);
		snprintf(w->hash, sizeof w->hash, "%s", (const char *)sqlite3_column_text(w->head, 1));
	} else {
		w->seq = 0;
		memcpy(w->hash, genesis_hash, sizeof w->hash);
	}
	sqlite3_reset(w->head);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return err_set(e, "%s", sqlite3_errmsg(store_db(w->store)));
	return 0;
}

struct evidence_writer *
evidence_writer_new(struct store *s, const char *device, struct err *e)
{
	struct evidence_writer *w = calloc(1, sizeof *w);
	sqlite3 *db = store_db(s);

	if (w == NULL)
		abort();
	w->store = s;
	snprintf(w->device, sizeof w->device, "%s", device);
	if (sqlite3_prepare_v2(db, "INSERT INTO events(id, device, seq, account_id, kind, user, at, "
				   "body, prev_hash, hash) VALUES(?,?,?,?,?,?,?,seal(?),?,?)",
			       -1, &w->insert, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT seq, hash FROM events WHERE device = ? ORDER BY seq DESC "
				   "LIMIT 1", -1, &w->head, NULL) != SQLITE_OK) {
		err_set(e, "%s", sqlite3_errmsg(db));
		evidence_writer_free(&w);
		return NULL;
	}
	sqlite3_bind_text(w->head, 1, w->device, -1, SQLITE_TRANSIENT);
	if (writer_load_head(w, e) != 0)
		evidence_writer_free(&w);
	return w;
}

void
evidence_writer_free(struct evidence_writer **w)
{
	if (w == NULL || *w == NULL)
		return;
	sqlite3_finalize((*w)->insert);
	sqlite3_finalize((*w)->head);
	free(*w);
	*w = NULL;
}

static int
writer_insert(struct evidence_writer *w, const struct event *ev)
{
	sqlite3_stmt *st = w->insert;
	int rc;

	sqlite3_bind_text(st, 1, ev->id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ev->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, ev->seq);
	sqlite3_bind_text(st, 4, ev->account_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, ev->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, ev->user, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, ev->at);
	sqlite3_bind_text(st, 8, ev->body, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, ev->prev_hash, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, ev->hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

int
evidence_writer_append(struct evidence_writer *w, const struct event_draft *d, struct event *out,
		       struct err *e)
{
	struct event ev = { 0 };
	json_t *body;
	char *text;
	int rc;

	if (d->id != NULL)
		snprintf(ev.id, sizeof ev.id, "%s", d->id);
	else
		evidence_uuid(ev.id);
	snprintf(ev.device, sizeof ev.device, "%s", w->device);
	snprintf(ev.user, sizeof ev.user, "%s", d->user);
	snprintf(ev.account_id, sizeof ev.account_id, "%s", d->account_id);
	snprintf(ev.kind, sizeof ev.kind, "%s", d->kind);
	ev.at = d->at;
	if ((body = body_parse(d->body, e)) == NULL)
		return -1;
	if ((ev.body = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
		abort();
	for (int attempt = 0; attempt < 2; attempt++) {
		ev.seq = w->seq + 1;
		memcpy(ev.prev_hash, w->hash, sizeof ev.prev_hash);
		json_incref(body);
		if ((text = canonical_text(&ev, body, e)) == NULL)
			goto fail;
		sha256_hex(text, ev.hash);
		free(text);
		rc = writer_insert(w, &ev);
		if (rc == SQLITE_DONE)
			break;
		/* Another writer of this device advanced the chain: reload the head, once. */
		if ((rc & 0xff) != SQLITE_CONSTRAINT || attempt == 1 || writer_load_head(w, e) != 0) {
			err_set(e, "cannot store event: %s", sqlite3_errmsg(store_db(w->store)));
			goto fail;
		}
	}
	json_decref(body);
	w->seq = ev.seq;
	memcpy(w->hash, ev.hash, sizeof w->hash);
	if (out != NULL)
		*out = ev;
	else
		free(ev.body);
	return 0;
fail:
	json_decref(body);
	free(ev.body);
	return -1;
}

int
evidence_append(struct store *s, const struct event_draft *d, struct event *out, struct err *e)
{
	struct evidence_writer *w = evidence_writer_new(s, d->device, e);
	int rc;

	if (w == NULL)
		return -1;
	rc = evidence_writer_append(w, d, out, e);
	evidence_writer_free(&w);
	return rc;
}

int
evidence_record(struct store *s, const struct event_draft *d, struct event *out, struct err *e)
{
	if (store_begin(s, e) != 0)
		return -1;
	if (evidence_append(s, d, out, e) != 0 || store_commit(s, e) != 0) {
		store_rollback(s);
		return -1;
	}
	return 0;
}

int
evidence_chain_step(struct chain_walk *w, const struct event *ev, char *problem, size_t len)
{
	char hash[65];

	if (w->events == 0 || strcmp(w->device, ev->device) != 0) {
		snprintf(w->device, sizeof w->device, "%s", ev->device);
		memcpy(w->prev, genesis_hash, sizeof w->prev);
		w->next_seq = 1;
		w->devices++;
	}
	w->events++;
	if (ev->seq != w->next_seq) {
		snprintf(problem, len,
			 "device %s: expected seq %lld, found %lld (an event was deleted or moved)",
			 ev->device, (long long)w->next_seq, (long long)ev->seq);
		return 1;
	}
	if (strcmp(ev->prev_hash, w->prev) != 0) {
		snprintf(problem, len, "device %s seq %lld: previous hash does not match the chain",
			 ev->device, (long long)ev->seq);
		return 1;
	}
	if (evidence_hash(ev, hash, NULL) != 0 || strcmp(hash, ev->hash) != 0) {
		snprintf(problem, len, "device %s seq %lld: content does not match its hash (edited)",
			 ev->device, (long long)ev->seq);
		return 1;
	}
	memcpy(w->prev, ev->hash, sizeof w->prev);
	w->next_seq++;
	return 0;
}

int
evidence_verify(struct store *s, struct verify_report *r, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	struct chain_walk w = { .events = 0 };
	int rc, broken = 0;

	memset(r, 0, sizeof *r);
	if (sqlite3_prepare_v2(db, "SELECT id, device, seq, account_id, kind, user, at, "
				   "unseal(body, 'events', id), prev_hash, hash FROM events "
				   "ORDER BY device, seq", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	while (!broken && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct event ev = { 0 };

		snprintf(ev.id, sizeof ev.id, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(ev.device, sizeof ev.device, "%s", (const char *)sqlite3_column_text(st, 1));
		ev.seq = sqlite3_column_int64(st, 2);
		snprintf(ev.account_id, sizeof ev.account_id, "%s", (const char *)sqlite3_column_text(st, 3));
		snprintf(ev.kind, sizeof ev.kind, "%s", (const char *)sqlite3_column_text(st, 4));
		snprintf(ev.user, sizeof ev.user, "%s", (const char *)sqlite3_column_text(st, 5));
		ev.at = sqlite3_column_int64(st, 6);
		ev.body = (char *)sqlite3_column_text(st, 7);
		snprintf(ev.prev_hash, sizeof ev.prev_hash, "%s", (const char *)sqlite3_column_text(st, 8));
		snprintf(ev.hash, sizeof ev.hash, "%s", (const char *)sqlite3_column_text(st, 9));

		broken = evidence_chain_step(&w, &ev, r->problem, sizeof r->problem);
		if (broken)
			snprintf(r->first_bad, sizeof r->first_bad, "%s", ev.id);
	}
	r->events = w.events;
	r->devices = w.devices;
	if (!broken && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return err_set(e, "%s", sqlite3_errmsg(db));
	}
	sqlite3_finalize(st);
	return broken;
}
