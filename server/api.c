#include "config.h"

#include <errno.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "blobs.h"
#include "board_api.h"
#include "clock.h"
#include "device_key.h"
#include "edit_api.h"
#include "evidence.h"
#include "payments.h"
#include "report.h"
#include "report_aging_out.h"
#include "wire.h"

/* The first link of every device chain points at this hash (as in src/evidence.c). */
static const char genesis_hash[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

struct api {
	struct server_store *store;
	const struct server_config *conf;
	/* a real argon2id hash of a random password: unknown users are verified against it so
	 * that a login takes as long whether or not the name exists */
	char decoy_hash[crypto_pwhash_STRBYTES];
	struct blobs *blobs;	/* NULL when the blob directory could not be opened (logged) */
};

static void api_blobs_open(struct api *a);

typedef void (*api_handler)(struct api *a, const struct api_request *rq,
			    const struct server_user *u, struct api_reply *rp);

struct route {
	const char *method;
	const char *path;	/* exact, or a prefix ending in '/' when prefix is set */
	int prefix;
	int auth;		/* needs a bearer token */
	api_handler handler;
};

struct api *
api_new(struct server_store *store, const struct server_config *conf)
{
	struct api *a = calloc(1, sizeof *a);
	char pw[33];

	if (a == NULL)
		abort();
	a->store = store;
	a->conf = conf;
	randombytes_buf(pw, sizeof pw - 1);
	for (size_t i = 0; i < sizeof pw - 1; i++)
		pw[i] = (char)('a' + (unsigned char)pw[i] % 26);
	pw[sizeof pw - 1] = '\0';
	if (crypto_pwhash_str(a->decoy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		abort();
	api_blobs_open(a);
	return a;
}

void
api_free(struct api **a)
{
	if (a == NULL || *a == NULL)
		return;
	blobs_free(&(*a)->blobs);
	free(*a);
	*a = NULL;
}

void
api_error(struct api_reply *rp, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_decref(rp->body);
	rp->status = status;
	rp->body = wire_error_encode(code, msg);
}

static void
reply_json(struct api_reply *rp, int status, json_t *body)
{
	json_decref(rp->body);
	rp->status = status;
	rp->body = body;
}

static void
internal_error(struct api_reply *rp, const char *what, const struct err *e)
{
	log_msg("internal error: %s: %s", what, e->msg);
	/* a storage failure is worth retrying; the client keeps its events until it is told */
	api_error(rp, 503, "unavailable", "the server cannot do that now; retry later");
	rp->retry_after = 5;
}

static void
token_hash(const char *token, char out[65])
{
	unsigned char d[crypto_hash_sha256_BYTES];

	/* tokens carry 256 random bits, so a plain SHA-256 is enough to keep them unusable if
	 * the table leaks (no dictionary to try) */
	crypto_hash_sha256(d, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, d, sizeof d);
}

static json_t *
parse_body(struct api *a, const struct api_request *rq, struct api_reply *rp)
{
	struct err e;
	json_t *j;

	if (rq->body_len == 0) {
		api_error(rp, 400, "bad_json", "the request needs a JSON body");
		return NULL;
	}
	if ((j = wire_parse(rq->body, rq->body_len, a->conf->max_json_depth, &e)) == NULL)
		api_error(rp, 400, "bad_json", "%s", e.msg);
	else if (!json_is_object(j)) {
		json_decref(j);
		j = NULL;
		api_error(rp, 400, "bad_json", "$: the body must be a JSON object");
	}
	return j;
}

static int
text_field(const json_t *j, const char *key, const char **out, size_t max, int required,
	   struct api_reply *rp)
{
	const json_t *v = json_object_get(j, key);

	*out = NULL;
	if (v == NULL) {
		if (required)
			api_error(rp, 400, "bad_request", "$.%s: missing", key);
		return required ? -1 : 0;
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		api_error(rp, 400, "bad_request", "$.%s: must be a string of 1 to %zu bytes", key, max);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* Opens the blob directory named by the configuration, or DATABASE.blobs beside the book. A
 * failure is logged and answered 503 at each blob request rather than stop the server. */
static void
api_blobs_open(struct api *a)
{
	char dir[CONF_PATH_LEN + 8];
	struct err e;

	if (a->conf->blob_dir[0] != '\0')
		snprintf(dir, sizeof dir, "%s", a->conf->blob_dir);
	else
		snprintf(dir, sizeof dir, "%s.blobs", a->conf->database);
	if (blobs_open(dir, &a->blobs, &e) != 0)
		log_msg("attachments unavailable: %s", e.msg);
}

/* Registers a device's public key at its first keyed login; a different key later is refused
 * until an admin resets the device. 0, or -1 with rp filled. */
static int
device_key_register(struct api *a, const char *device, const char *key,
		    const struct server_user *u, int64_t now, struct api_reply *rp)
{
	struct server_store *st = a->store;
	char stored[65], owner[32];
	struct err e;
	int rc;

	if ((rc = st->ops->device_key_get(st, device, stored, owner, &e)) < 0) {
		internal_error(rp, "device key", &e);
		return -1;
	}
	if (rc == 0 && strcmp(stored, key) == 0)
		return 0;
	if (rc == 0) {
		log_msg("login refused: user %s, device %s presented another key", u->name, device);
		api_error(rp, 409, "device_key_mismatch",
			  "device %s has another key registered; an admin must reset it "
			  "(arrearsd device reset-key)", device);
		return -1;
	}
	if (st->ops->begin(st, &e) != 0 ||
	    st->ops->device_key_add(st, device, key, u->name, now, &e) != 0 ||
	    st->ops->commit(st, &e) != 0) {
		st->ops->rollback(st);
		internal_error(rp, "device key", &e);
		return -1;
	}
	log_msg("device key registered: device %s by user %s", device, u->name);
	return 0;
}

static int
roster_add(void *ctx, const struct server_user *u)
{
	if (json_array_append_new(ctx, json_pack("{s:s, s:s, s:s}", "name", u->name, "team",
						 u->team, "role", server_role_name(u->role))) != 0)
		abort();
	return 0;
}

/* A lead's login answer names the team's members and an admin's everyone who works cases, so
 * the board has its rows before any of them has a case (docs/PROTOCOL.md). */
static int
session_roster(struct api *a, const struct server_user *u, json_t *answer, struct err *e)
{
	json_t *roster = json_array();

	if (roster == NULL || json_object_set_new(answer, "roster", roster) != 0)
		return err_set(e, "out of memory");
	if (u->role == ROLE_LEAD && u->team[0] == '\0')
		return 0;
	return a->store->ops->roster_scan(a->store, u->role == ROLE_LEAD ? u->team : NULL,
					  roster_add, roster, e);
}

/* POST /v1/session: a password for a bearer token, slowed per user and per address. */
static void
session_create(struct api *a, const struct api_request *rq, const struct server_user *unused,
	       struct api_reply *rp)
{
	struct server_store *st = a->store;
	json_t *j = parse_body(a, rq, rp);
	const char *name, *password, *device, *device_key;
	json_t *answer;
	char ukey[64], akey[96], token[64], th[65], at[32];
	unsigned char raw[32];
	struct server_user u;
	int64_t now = clock_now(), wu = 0, wa = 0;
	struct err e;
	int found, ok, rc;

	if (j == NULL)
		return;
	if (text_field(j, "user", &name, 31, 1, rp) != 0 ||
	    text_field(j, "password", &password, 1024, 1, rp) != 0 ||
	    text_field(j, "device", &device, 39, 0, rp) != 0 ||
	    text_field(j, "device_key", &device_key, 64, 0, rp) != 0)
		goto out;
	if (device_key != NULL && (device == NULL || !wire_hex64_valid(device_key))) {
		api_error(rp, 400, "bad_request", device == NULL ? "$.device_key: needs $.device"
					: "$.device_key: must be 64 lowercase hex characters");
		goto out;
	}
	snprintf(ukey, sizeof ukey, "user:%s", name);
	snprintf(akey, sizeof akey, "addr:%s", rq->addr);
	if (st->ops->throttle_get(st, ukey, now, &wu, &e) != 0 ||
	    st->ops->throttle_get(st, akey, now, &wa, &e) != 0) {
		internal_error(rp, "throttle", &e);
		goto out;
	}
	if (wu > 0 || wa > 0) {
		log_msg("login throttled: user %s from %s", name, rq->addr);
		api_error(rp, 429, "too_many_requests", "too many failed logins; retry later");
		rp->retry_after = wu > wa ? wu : wa;
		goto out;
	}
	if ((found = st->ops->user_get(st, name, &u, &e)) < 0) {
		internal_error(rp, "user", &e);
		goto out;
	}
	ok = crypto_pwhash_str_verify(found == 0 ? u.pwhash : a->decoy_hash, password,
				      strlen(password)) == 0 && found == 0;
	if (!ok) {
		if (st->ops->begin(st, &e) != 0 ||
		    st->ops->throttle_fail(st, ukey, now, a->conf->login_free_tries, &e) != 0 ||
		    st->ops->throttle_fail(st, akey, now, a->conf->address_free_tries, &e) != 0 ||
		    st->ops->commit(st, &e) != 0) {
			st->ops->rollback(st);
			internal_error(rp, "throttle", &e);
			goto out;
		}
		log_msg("login refused: user %s from %s", name, rq->addr);
		api_error(rp, 401, "bad_credentials", "wrong user name or password");
		goto out;
	}
	if (device_key != NULL && (rc = device_key_register(a, device, device_key, &u, now, rp)) != 0)
		goto out;
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, sizeof token, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	token_hash(token, th);
	if (st->ops->begin(st, &e) != 0 || st->ops->throttle_clear(st, ukey, &e) != 0 ||
	    st->ops->session_add(st, th, u.id, device ? device : "", now,
				 now + a->conf->token_lifetime, &e) != 0 ||
	    st->ops->commit(st, &e) != 0) {
		st->ops->rollback(st);
		internal_error(rp, "session", &e);
		goto out;
	}
	log_msg("login: user %s (%s) from %s", u.name, server_role_name(u.role), rq->addr);
	answer = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "token", token, "token_type",
			   "Bearer", "expires_at",
			   time_format_rfc3339(now + a->conf->token_lifetime, at, sizeof at), "user",
			   u.name, "role", server_role_name(u.role), "team", u.team, "server_time",
			   time_format_rfc3339(now, th, sizeof th));
	sodium_memzero(token, sizeof token);
	if (answer != NULL && (u.role == ROLE_LEAD || u.role == ROLE_ADMIN) &&
	    session_roster(a, &u, answer, &e) != 0) {
		json_decref(answer);
		internal_error(rp, "session roster", &e);
		goto out;
	}
	reply_json(rp, 200, answer);
out:
	json_decref(j);
}

/* DELETE /v1/session: the token of this request stops working. */
static void
session_delete(struct api *a, const struct api_request *rq, const struct server_user *u,
	       struct api_reply *rp)
{
	struct server_store *st = a->store;
	const char *token = rq->authorization + strlen("Bearer ");
	char th[65];
	struct err e;

	token_hash(token, th);
	if (st->ops->begin(st, &e) != 0 || st->ops->session_revoke(st, th, &e) != 0 ||
	    st->ops->commit(st, &e) != 0) {
		st->ops->rollback(st);
		internal_error(rp, "revoke", &e);
		return;
	}
	log_msg("logout: user %s", u->name);
	reply_json(rp, 200, json_pack("{s:b}", "revoked", 1));
}

static int
parse_limit(const char *s, int max, size_t *out)
{
	char *end;
	long v;

	if (s == NULL) {
		*out = (size_t)(max < 1000 ? max : 1000);
		return 0;
	}
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 1)
		return -1;
	/* a limit is "at most": a client that asks more than this server serves gets less */
	*out = (size_t)(v > max ? max : v);
	return 0;
}

/* GET /v1/changes?since=CURSOR&limit=N: a page of the user's scope in sequence order. */
static void
changes_get(struct api *a, const struct api_request *rq, const struct server_user *u,
	    struct api_reply *rp)
{
	struct server_store *st = a->store;
	const char *since = rq->query(rq->query_ctx, "since");
	struct wire_cursor cur, next;
	struct wire_change *ch = NULL;
	size_t n = 0, limit;
	uint32_t epoch;
	json_t *arr;
	char cbuf[WIRE_CURSOR_LEN], now[32];
	struct err e;
	int more;

	if (wire_cursor_parse(since, &cur, &e) != 0) {
		api_error(rp, 400, "bad_request", "since: %s", e.msg);
		return;
	}
	if (parse_limit(rq->query(rq->query_ctx, "limit"), a->conf->page_limit, &limit) != 0) {
		api_error(rp, 400, "bad_request",
			  "limit: must be a whole number from 1 (at most %d are served)",
			  a->conf->page_limit);
		return;
	}
	if (st->ops->epoch(st, &epoch, &e) != 0) {
		internal_error(rp, "epoch", &e);
		return;
	}
	if (cur.epoch != 0 && cur.epoch != epoch) {
		api_error(rp, 410, "cursor_epoch",
			  "the book was rebuilt or restored since this cursor; pull again from the "
			  "start");
		return;
	}
	if (st->ops->changes(st, u, cur.seq, limit, &ch, &n, &more, &e) != 0) {
		internal_error(rp, "changes", &e);
		return;
	}
	arr = json_array();
	next.epoch = epoch;
	next.seq = n > 0 ? ch[n - 1].seq : cur.seq;
	for (size_t i = 0; i < n; i++) {
		json_t *c = wire_change_encode(&ch[i], &e);
		if (c == NULL)
			log_msg("change %lld not sent: %s", (long long)ch[i].seq, e.msg);
		else
			json_array_append_new(arr, c);
		wire_account_clear(&ch[i].acct);
	}
	free(ch);
	reply_json(rp, 200, json_pack("{s:s, s:b, s:o, s:s}", "cursor",
				      wire_cursor_format(&next, cbuf, sizeof cbuf), "more", more,
				      "changes", arr, "server_time",
				      time_format_rfc3339(clock_now(), now, sizeof now)));
}

/* GET /v1/accounts/ID: one account; outside the user's scope it does not exist. */
static void
account_get(struct api *a, const struct api_request *rq, const struct server_user *u,
	    struct api_reply *rp)
{
	struct server_store *st = a->store;
	const char *id = rq->path + strlen("/v1/accounts/");
	struct wire_account acct;
	json_t *j;
	struct err e;
	int rc;

	if ((rc = st->ops->account_visible(st, u, id, &e)) < 0) {
		internal_error(rp, "scope", &e);
		return;
	}
	if (rc == 1) {
		/* the same answer as for an account that does not exist: no oracle for ids */
		log_msg("not found or out of scope: user %s asked for account %.40s", u->name, id);
		api_error(rp, 404, "not_found", "no such object");
		return;
	}
	if ((rc = st->ops->account_get(st, id, &acct, &e)) != 0) {
		if (rc < 0)
			internal_error(rp, "account", &e);
		else
			api_error(rp, 404, "not_found", "no such object");
		return;
	}
	j = wire_account_encode(&acct, &e);
	wire_account_clear(&acct);
	if (j == NULL)
		internal_error(rp, "account", &e);
	else
		reply_json(rp, 200, j);
}

/* What an event of an intact chain asks for, checked: 0 when it may be applied, 1 with why
 * when it is refused, -1 with e on a store failure. */
static int
content_check(struct api *a, const struct server_user *u, const struct event *ev, char *why,
	      size_t len, struct err *e)
{
	struct server_store *st = a->store;
	struct err he;
	int rc;

	/* a reviewer writes reviews and nothing else; a review is written by a reviewer (or a
	 * lead or admin), never by the agent whose call it judges */
	if (u->role == ROLE_QA && strcmp(ev->kind, "qa_score") != 0)
		return snprintf(why, len, "role qa may push qa_score events only"), 1;
	if (strcmp(ev->kind, "qa_score") == 0 && u->role != ROLE_QA && u->role != ROLE_LEAD &&
	    u->role != ROLE_ADMIN)
		return snprintf(why, len, "only qa, lead and admin may push qa_score"), 1;
	if (strcmp(ev->kind, "attachment") == 0) {
		struct wire_attachment att;

		if (wire_attachment_decode(ev->body, &att, &he) != 0)
			return snprintf(why, len, "attachment: %.140s", he.msg), 1;
		if (att.size > a->conf->max_blob)
			return snprintf(why, len, "attachment: %lld bytes, over the server's limit of %d",
					(long long)att.size, a->conf->max_blob), 1;
	}
	if (strcmp(ev->kind, "reassign") == 0 &&
	    (rc = server_reassign_check(st, u, ev, why, len, e)) != 0)
		return rc;
	return server_edit_check(st, u, ev, why, len, e);
}

/* What a batch's checks learned, so the events after need not ask the store again: a batch
 * is mostly runs of one device on one account. The batch's transaction holds the device
 * (SQLite's writer, PostgreSQL's device locks), so a head read or stored in it stays true. */
struct batch_memo {
	char device[40];	/* "" until a head is known */
	char owner[32];
	int64_t head_seq;
	char head_hash[65];
	char account[ACCOUNT_ID_LEN];	/* "" until a scope answer is known */
	int visible_rc;		/* account_visible's answer for it */
};

/* The device's head and owner, from the memo when it holds this device. */
static int
memo_head(struct api *a, struct batch_memo *m, const char *device, char owner[32],
	  int64_t *seq, char hash[65], struct err *e)
{
	int rc;

	if (m->device[0] != '\0' && strcmp(m->device, device) == 0) {
		memcpy(owner, m->owner, sizeof m->owner);
		*seq = m->head_seq;
		memcpy(hash, m->head_hash, sizeof m->head_hash);
		return 0;
	}
	if ((rc = a->store->ops->device_head(a->store, device, owner, seq, hash, e)) == 0) {
		snprintf(m->device, sizeof m->device, "%s", device);
		memcpy(m->owner, owner, sizeof m->owner);
		m->head_seq = *seq;
		memcpy(m->head_hash, hash, sizeof m->head_hash);
	}
	return rc;
}

/* Checks one decoded event against the store; fills r. Returns 1 to store and apply it, 2 to
 * store it refused (answered rejected, never applied, flag saying why), 0 not to store it,
 * -1 on a storage failure. flag gets why a lead should look ("" when nothing). */
static int
event_check(struct api *a, const struct server_user *u, const struct event *ev,
	    struct batch_memo *memo, struct wire_event_result *r, char *flag, size_t flaglen,
	    struct err *e)
{
	struct server_store *st = a->store;
	char stored[65], owner[32], head_hash[65], h[65];
	int64_t head_seq = 0;
	struct err he;
	int rc;

	flag[0] = '\0';
	if ((rc = st->ops->event_hash(st, ev->id, stored, e)) < 0)
		return -1;
	if (rc == 0) {
		/* the id is the idempotency key, forever; the same id with other content is not a
		 * retry but a client bug, and is said so */
		if (strcmp(stored, ev->hash) == 0) {
			r->result = WIRE_DUPLICATE;
		} else {
			r->result = WIRE_REJECTED;
			snprintf(r->reason, sizeof r->reason, "id already used by another event");
		}
		return 0;
	}
	r->result = WIRE_REJECTED;
	if (strcmp(ev->user, u->name) != 0) {
		snprintf(r->reason, sizeof r->reason, "user is not the signed-in user");
		return 0;
	}
	if ((rc = memo_head(a, memo, ev->device, owner, &head_seq, head_hash, e)) < 0)
		return -1;
	if (rc == 1) {
		head_seq = 0;
		memcpy(head_hash, genesis_hash, sizeof head_hash);
	} else if (strcmp(owner, u->name) != 0) {
		snprintf(r->reason, sizeof r->reason, "device belongs to another user");
		return 0;
	}
	if (ev->seq != head_seq + 1) {
		snprintf(r->reason, sizeof r->reason, "chain: expected seq %lld, got %lld",
			 (long long)head_seq + 1, (long long)ev->seq);
		return 0;
	}
	if (strcmp(ev->prev_hash, head_hash) != 0) {
		snprintf(r->reason, sizeof r->reason, "chain: prev_hash is not the device's head");
		return 0;
	}
	if (evidence_hash(ev, h, &he) != 0 || strcmp(h, ev->hash) != 0) {
		snprintf(r->reason, sizeof r->reason, "hash does not match the event");
		return 0;
	}
	/* From here the event is an intact link of the pusher's own chain. What it asks for may
	 * still be refused, but the link is kept (refused, never applied): a link left out would
	 * break the device's chain, and every later event of the device with it. */
	if ((rc = content_check(a, u, ev, r->reason, sizeof r->reason, e)) != 0) {
		if (rc < 0)
			return -1;
		snprintf(flag, flaglen, SERVER_REFUSED_PREFIX "%s", r->reason);
		return 2;
	}
	if (memo->account[0] != '\0' && strcmp(memo->account, ev->account_id) == 0) {
		rc = memo->visible_rc;
	} else if ((rc = st->ops->account_visible(st, u, ev->account_id, e)) < 0) {
		return -1;
	} else {
		snprintf(memo->account, sizeof memo->account, "%s", ev->account_id);
		memo->visible_rc = rc;
	}
	/* reassigned meanwhile, or unknown: evidence is kept, a lead looks; a reviewer scores
	 * calls on every account, so theirs are not out of scope */
	if (rc == 1 && u->role != ROLE_QA)
		snprintf(flag, flaglen, "account not in the pusher's scope");
	r->result = WIRE_ACCEPTED;
	r->flagged = flag[0] != '\0';
	return 1;
}

/* The last event of one device in a batch, as its signed head must name it. */
struct batch_tail {
	char device[40];
	int64_t seq;
	char hash[65];
	const struct wire_head *head;	/* the batch's signed head for the device, or NULL */
	char key[65];			/* the device's registered key, "" when none */
};

/* Checks the signed heads of a batch before anything of it is stored (docs/PROTOCOL.md
 * "Signed chain heads"). 0 when the batch may go on (tails gets one row per device), -1 with
 * rp filled (403 bad_signature, 400, or 503). */
static int
heads_check(struct api *a, const struct server_user *u, const json_t *items,
	    const struct wire_head *heads, size_t nheads, struct batch_tail **tails, size_t *ntails,
	    struct api_reply *rp)
{
	struct server_store *st = a->store;
	struct batch_tail *t = calloc(json_array_size(items) + 1, sizeof *t);
	size_t n = 0, i;
	const json_t *item;
	char owner[32];
	struct err e;
	int rc;

	if (t == NULL)
		abort();
	*tails = t;
	/* the raw fields are enough here; an item that does not decode is refused later anyway */
	json_array_foreach(items, i, item) {
		const char *dev = json_string_value(json_object_get(item, "device"));
		const char *hash = json_string_value(json_object_get(item, "hash"));
		json_int_t seq = json_integer_value(json_object_get(item, "seq"));
		size_t k;

		if (dev == NULL || hash == NULL || strlen(dev) >= sizeof t->device ||
		    strlen(hash) >= sizeof t->hash)
			continue;
		for (k = 0; k < n && strcmp(t[k].device, dev) != 0; k++)
			;
		if (k == n) {
			snprintf(t[n].device, sizeof t[n].device, "%s", dev);
			n++;
		} else if (seq <= t[k].seq) {
			continue;
		}
		t[k].seq = seq;
		snprintf(t[k].hash, sizeof t[k].hash, "%s", hash);
	}
	*ntails = n;
	for (i = 0; i < nheads; i++) {
		size_t k;

		for (k = 0; k < n && strcmp(t[k].device, heads[i].device) != 0; k++)
			;
		if (k == n || t[k].head != NULL) {
			api_error(rp, 400, "bad_request", "$.heads[%zu]: no events of device %s in this "
				  "batch, or a second head for it", i, heads[i].device);
			return -1;
		}
		t[k].head = &heads[i];
	}
	for (i = 0; i < n; i++) {
		if ((rc = st->ops->device_key_get(st, t[i].device, t[i].key, owner, &e)) < 0) {
			internal_error(rp, "device key", &e);
			return -1;
		}
		if (rc == 1)
			t[i].key[0] = '\0';
		if (rc == 1 && t[i].head == NULL && !a->conf->require_signed_heads)
			continue;	/* an unkeyed device, and the server allows those */
		if (rc == 1) {
			api_error(rp, 403, "bad_signature", "device %s has no registered key; log in "
				  "again from it to register one", t[i].device);
		} else if (t[i].head == NULL) {
			api_error(rp, 403, "bad_signature", "the batch has no signed head for device %s",
				  t[i].device);
		} else if (t[i].head->seq != t[i].seq || strcmp(t[i].head->hash, t[i].hash) != 0) {
			api_error(rp, 403, "bad_signature", "the signed head of device %s is not the "
				  "batch's last event of it (seq %lld)", t[i].device,
				  (long long)t[i].seq);
		} else if (device_key_verify_head(t[i].key, t[i].device, t[i].head->seq,
						  t[i].head->hash, t[i].head->signature, &e) != 0) {
			api_error(rp, 403, "bad_signature", "%s", e.msg);
		} else {
			continue;
		}
		log_msg("push refused: user %s, device %s: bad or missing signature", u->name,
			t[i].device);
		return -1;
	}
	return 0;
}

/* Keeps the verified heads whose event the book now holds (accepted now or before), so the
 * signature vouches for a link that is really in the chain. Inside the batch's transaction. */
static int
heads_store(struct api *a, const struct server_user *u, const struct batch_tail *t, size_t n,
	    const struct event *evs, const struct wire_event_result *res, size_t nevs,
	    int64_t now, struct err *e)
{
	struct server_store *st = a->store;

	for (size_t i = 0; i < n; i++) {
		struct server_signed_head h = { .seq = t[i].seq, .received_at = now };
		int held = 0;

		if (t[i].head == NULL)
			continue;
		for (size_t k = 0; k < nevs; k++)
			if (res[k].result != WIRE_REJECTED && evs[k].seq == t[i].seq &&
			    strcmp(evs[k].device, t[i].device) == 0)
				held = 1;
		if (!held)
			continue;
		snprintf(h.device, sizeof h.device, "%s", t[i].device);
		snprintf(h.hash, sizeof h.hash, "%s", t[i].hash);
		snprintf(h.signature, sizeof h.signature, "%s", t[i].head->signature);
		snprintf(h.public_key, sizeof h.public_key, "%s", t[i].key);
		snprintf(h.pushed_by, sizeof h.pushed_by, "%s", u->name);
		if (st->ops->signed_head_add(st, &h, e) != 0)
			return -1;
	}
	return 0;
}

/* Links the blob of an accepted attachment event to its account. */
static int
attachment_link(struct api *a, const struct event *ev, const char *pushed_by, struct err *e)
{
	struct server_blob_link l = { .size = 0 };
	struct wire_attachment att;

	if (strcmp(ev->kind, "attachment") != 0)
		return 0;
	if (wire_attachment_decode(ev->body, &att, e) != 0)	/* checked before: a bug */
		return -1;
	snprintf(l.sha256, sizeof l.sha256, "%s", att.sha256);
	snprintf(l.account_id, sizeof l.account_id, "%s", ev->account_id);
	snprintf(l.event_id, sizeof l.event_id, "%s", ev->id);
	snprintf(l.pushed_by, sizeof l.pushed_by, "%s", pushed_by);
	snprintf(l.mime, sizeof l.mime, "%s", att.mime);
	l.size = att.size;
	return a->store->ops->blob_link_add(a->store, &l, e);
}

/* Locks the batch's devices in the store, so each chain is checked against a head no other
 * push is moving (arrearsd processes sharing one database). */
static int
devices_lock(struct server_store *st, const struct batch_tail *t, size_t n, struct err *e)
{
	const char **devices = calloc(n + 1, sizeof *devices);
	int rc;

	if (devices == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		devices[i] = t[i].device;
	rc = st->ops->devices_lock(st, devices, n, e);
	free(devices);
	return rc;
}

/* POST /v1/events: store a batch durably, answer per event, then apply to case state. */
static void
events_post(struct api *a, const struct api_request *rq, const struct server_user *u,
	    struct api_reply *rp)
{
	struct server_store *st = a->store;
	json_t *j = parse_body(a, rq, rp);
	const json_t *items;
	struct event *evs = NULL;
	struct wire_event_result *res = NULL;
	struct wire_head *heads = NULL;
	struct batch_tail *tails = NULL;
	int *store_it = NULL;
	size_t n = 0, accepted = 0, nheads = 0, ntails = 0;
	int64_t now = clock_now();
	char path[40], flag[200];
	struct batch_memo memo = { .device = "" };
	struct err e;

	if (j == NULL)
		return;
	if ((items = wire_batch_items(j, (size_t)a->conf->max_batch, &e)) == NULL) {
		api_error(rp, 400, "bad_request", "%s", e.msg);
		goto out;
	}
	if (wire_heads_decode(j, (size_t)a->conf->max_batch, &heads, &nheads, &e) != 0) {
		api_error(rp, 400, "bad_request", "%s", e.msg);
		goto out;
	}
	if (heads_check(a, u, items, heads, nheads, &tails, &ntails, rp) != 0)
		goto out;
	n = json_array_size(items);
	if ((evs = calloc(n + 1, sizeof *evs)) == NULL || (res = calloc(n + 1, sizeof *res)) == NULL ||
	    (store_it = calloc(n + 1, sizeof *store_it)) == NULL)
		abort();
	if (st->ops->begin(st, &e) != 0 || devices_lock(st, tails, ntails, &e) != 0) {
		st->ops->rollback(st);
		internal_error(rp, "begin", &e);
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const json_t *item = json_array_get(items, i);
		const char *id = json_string_value(json_object_get(item, "id"));

		snprintf(path, sizeof path, "$.events[%zu]", i);
		if (wire_event_decode(item, path, &evs[i], &e) != 0) {
			snprintf(res[i].id, sizeof res[i].id, "%s", id && strlen(id) < 40 ? id : "");
			res[i].result = WIRE_REJECTED;
			snprintf(res[i].reason, sizeof res[i].reason, "%.150s", e.msg);
			continue;
		}
		snprintf(res[i].id, sizeof res[i].id, "%s", evs[i].id);
		int rc = event_check(a, u, &evs[i], &memo, &res[i], flag, sizeof flag, &e);
		if (rc < 0 || (rc >= 1 && st->ops->event_put(st, &evs[i], u->name, now, flag, &e) != 0) ||
		    (rc == 1 && attachment_link(a, &evs[i], u->name, &e) != 0)) {
			st->ops->rollback(st);
			internal_error(rp, "events", &e);
			goto out;
		}
		if (rc >= 1) {	/* the stored event is its device's head now, the pusher's */
			snprintf(memo.device, sizeof memo.device, "%s", evs[i].device);
			snprintf(memo.owner, sizeof memo.owner, "%s", u->name);
			memo.head_seq = evs[i].seq;
			memcpy(memo.head_hash, evs[i].hash, sizeof memo.head_hash);
		}
		store_it[i] = rc == 1;
		accepted += (size_t)(rc == 1);
		if (res[i].result == WIRE_REJECTED)
			log_msg("event refused: user %s, %s: %s", u->name, res[i].id, res[i].reason);
	}
	/* the answer waits for this commit: an accepted event is on disk (synchronous=FULL) */
	if (heads_store(a, u, tails, ntails, evs, res, n, now, &e) != 0 ||
	    st->ops->commit(st, &e) != 0) {
		st->ops->rollback(st);
		internal_error(rp, "commit", &e);
		goto out;
	}
	/* applying to case state is its own step: a failure never un-accepts evidence. One
	 * transaction for the batch, not one per event: each commit is an fsync, and 200 of them
	 * made a batch take over a second. An event whose apply fails leaves nothing behind (the
	 * store's contract) and gets a dead letter in the same transaction. */
	if (accepted > 0 && st->ops->begin(st, &e) != 0) {
		log_msg("events of user %s not applied to case state: %s", u->name, e.msg);
	} else if (accepted > 0) {
		int failed = 0;

		for (size_t i = 0; i < n && !failed; i++) {
			struct err ae;

			if (store_it[i] &&
			    (st->ops->event_apply(st, &evs[i], now, &ae) != 0 ||
			     (strcmp(evs[i].kind, "reassign") == 0 &&
			      server_reassign_apply(st, &evs[i], &ae) != 0) ||
			     server_edit_apply(st, &evs[i], res[i].flagged, &ae) != 0) &&
			    st->ops->dead_letter_add(st, evs[i].id, ae.msg, now, &e) != 0)
				failed = 1;
		}
		if (failed || st->ops->commit(st, &e) != 0) {
			st->ops->rollback(st);
			log_msg("events of user %s not applied to case state: %s", u->name, e.msg);
		}
	}
	if (accepted > 0)
		log_msg("events: user %s pushed %zu, accepted %zu", u->name, n, accepted);
	reply_json(rp, 200, wire_results_encode(res, n));
out:
	for (size_t i = 0; i < n && evs; i++)
		free(evs[i].body);
	free(evs);
	free(res);
	free(store_it);
	free(heads);
	free(tails);
	json_decref(j);
}

/* The blob a /v1/blobs/SHA256 request names, when u may see it: 0 with its link, -1 with rp
 * filled (404 alike for a bad name, no link and out of scope; 503). */
static int
blob_target(struct api *a, const struct api_request *rq, const struct server_user *u,
	    const char **sha, struct server_blob_link *link, struct api_reply *rp)
{
	struct err e;
	int rc;

	*sha = rq->path + strlen("/v1/blobs/");
	if (a->blobs == NULL) {
		api_error(rp, 503, "unavailable", "attachments are not available on this server");
		rp->retry_after = 60;
		return -1;
	}
	if (!blobs_name_valid(*sha)) {
		api_error(rp, 404, "not_found", "no such object");
		return -1;
	}
	if ((rc = a->store->ops->blob_access(a->store, u, *sha, link, &e)) < 0) {
		internal_error(rp, "blob", &e);
		return -1;
	}
	if (rc == 1) {
		/* the same answer whether the blob is unknown or someone else's: no oracle */
		log_msg("not found or out of scope: user %s asked for blob %.16s", u->name, *sha);
		api_error(rp, 404, "not_found", "no such object");
		return -1;
	}
	return 0;
}

/* The upload headers and JSON status of a blob. */
static void
blob_status_reply(struct api_reply *rp, int status, const char *sha, int64_t held, int64_t size,
		  int complete)
{
	snprintf(rp->upload_offset, sizeof rp->upload_offset, "%lld", (long long)held);
	snprintf(rp->upload_length, sizeof rp->upload_length, "%lld", (long long)size);
	reply_json(rp, status, json_pack("{s:s, s:I, s:I, s:b}", "sha256", sha, "received",
					 (json_int_t)held, "size", (json_int_t)size, "complete",
					 complete));
}

/* HEAD /v1/blobs/SHA256: how much of the blob the server holds (Upload-Offset). */
static void
blob_head(struct api *a, const struct api_request *rq, const struct server_user *u,
	  struct api_reply *rp)
{
	struct server_blob_link link;
	const char *sha;
	int64_t held;
	int complete;
	struct err e;

	if (blob_target(a, rq, u, &sha, &link, rp) != 0)
		return;
	if (blobs_status(a->blobs, u->name, sha, &held, &complete, &e) != 0) {
		internal_error(rp, "blob", &e);
		return;
	}
	blob_status_reply(rp, 200, sha, held, link.size, complete);
}

/* PUT /v1/blobs/SHA256?offset=N: one chunk of a resumable upload. */
static void
blob_put(struct api *a, const struct api_request *rq, const struct server_user *u,
	 struct api_reply *rp)
{
	struct server_blob_link link;
	const char *sha, *off = rq->query(rq->query_ctx, "offset");
	char *end;
	long long offset;
	int64_t held = 0;
	struct err e;
	int rc;

	if (blob_target(a, rq, u, &sha, &link, rp) != 0)
		return;
	errno = 0;
	offset = off != NULL ? strtoll(off, &end, 10) : 0;
	if (off != NULL && (*off == '\0' || *end != '\0' || offset < 0 || errno != 0)) {
		api_error(rp, 400, "bad_request", "offset: must be a whole number of bytes");
		return;
	}
	if (link.size > a->conf->max_blob) {
		api_error(rp, 413, "payload_too_large", "the attachment is larger than %d bytes",
			  a->conf->max_blob);
		return;
	}
	rc = blobs_put(a->blobs, u->name, sha, link.size, offset, rq->body, rq->body_len, &held, &e);
	switch (rc) {
	case BLOBS_PARTIAL:
	case BLOBS_COMPLETE:
		if (rc == BLOBS_COMPLETE)
			log_msg("blob complete: %.16s by user %s", sha, u->name);
		blob_status_reply(rp, 200, sha, rc == BLOBS_COMPLETE ? link.size : held, link.size,
				  rc == BLOBS_COMPLETE);
		break;
	case BLOBS_BAD_OFFSET:
		api_error(rp, 409, "offset_mismatch", "the server holds %lld bytes of this blob; "
			  "send from there", (long long)held);
		snprintf(rp->upload_offset, sizeof rp->upload_offset, "%lld", (long long)held);
		break;
	case BLOBS_TOO_LONG:
		api_error(rp, 400, "bad_request", "the chunk goes past the attachment's %lld bytes",
			  (long long)link.size);
		break;
	case BLOBS_MISMATCH:
		log_msg("blob refused: user %s sent bytes that do not hash to %.16s", u->name, sha);
		api_error(rp, 422, "hash_mismatch", "the bytes received do not have the SHA-256 %s; "
			  "they were discarded", sha);
		snprintf(rp->upload_offset, sizeof rp->upload_offset, "0");
		break;
	default:
		internal_error(rp, "blob", &e);
	}
}

/* GET /v1/blobs/SHA256: the bytes of a complete blob. */
static void
blob_get(struct api *a, const struct api_request *rq, const struct server_user *u,
	 struct api_reply *rp)
{
	struct server_blob_link link;
	const char *sha;
	int64_t size;
	struct err e;
	int fd, rc;

	if (blob_target(a, rq, u, &sha, &link, rp) != 0)
		return;
	if ((rc = blobs_open_read(a->blobs, sha, &fd, &size, &e)) != 0) {
		if (rc < 0)
			internal_error(rp, "blob", &e);
		else
			api_error(rp, 404, "not_found", "no such object");
		return;
	}
	json_decref(rp->body);
	rp->body = NULL;
	rp->status = 200;
	rp->has_file = 1;
	rp->file_fd = fd;
	rp->file_size = size;
	snprintf(rp->content_type, sizeof rp->content_type, "%s", link.mime);
}

/* GET /v1/reports/aging?by=F&as_of=YYYY-MM-DD: the aging of a lead's team, or of the whole
 * book for an admin; the same JSON as `arrears report aging --format json`. */
static void
reports_aging_get(struct api *a, const struct api_request *rq, const struct server_user *u,
		  struct api_reply *rp)
{
	const char *by_s = rq->query(rq->query_ctx, "by"), *as_of_s = rq->query(rq->query_ctx,
										 "as_of");
	int32_t as_of = date_of_time(clock_now());
	struct aging aging;
	struct err e;
	int by = AGING_BY_NONE;
	json_t *j;

	if (u->role != ROLE_LEAD && u->role != ROLE_ADMIN) {
		api_error(rp, 403, "forbidden", "reports are for leads (their team) and admins");
		return;
	}
	if (u->role == ROLE_LEAD && u->team[0] == '\0') {
		api_error(rp, 403, "forbidden", "lead %s is in no team", u->name);
		return;
	}
	if (by_s != NULL && ((by = aging_by_parse(by_s)) < 0 || by == AGING_BY_SEGMENT)) {
		api_error(rp, 400, "bad_request", "by: must be product, agent, team or state");
		return;
	}
	if (as_of_s != NULL && date_parse(as_of_s, &as_of, &e) != 0) {
		api_error(rp, 400, "bad_request", "as_of: %s", e.msg);
		return;
	}
	if (server_report_aging(a->store, u->role == ROLE_LEAD ? u->team : NULL,
				(enum aging_by)by, as_of, &aging, &e) != 0) {
		internal_error(rp, "aging", &e);
		return;
	}
	j = aging_json(&aging);
	aging_free(&aging);
	if (j == NULL) {
		err_set(&e, "a group name is not valid UTF-8");
		internal_error(rp, "aging", &e);
	} else {
		reply_json(rp, 200, j);
	}
}

/* A call record for review is the call's own events and what its close wrote, all of which
 * carry the call's id (docs/QA.md). */
static bool
qa_call_event(const struct event *ev)
{
	static const char *const own[] = { "call_start", "call_answer", "checkpoint", "qa_score" };
	static const char *const closing[] = { "attempt", "ptp", "dispute", "cease", "callback" };
	json_t *j;
	bool call;

	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		if (strcmp(ev->kind, own[i]) == 0)
			return true;
	for (size_t i = 0; i < sizeof closing / sizeof closing[0]; i++) {
		if (strcmp(ev->kind, closing[i]) != 0)
			continue;
		/* most attempts are the dialler's, without a call: only those that name one are
		 * parsed to be sure */
		if (strstr(ev->body, "\"call\"") == NULL ||
		    (j = json_loads(ev->body, 0, NULL)) == NULL)
			return false;
		call = json_is_string(json_object_get(j, "call"));
		json_decref(j);
		return call;
	}
	return false;
}

struct qa_scan {
	struct api *a;
	const struct server_user *u;
	int64_t from, to;	/* seconds, [from, to) */
	char after_device[40];	/* the page starts after this (device, seq); "" = at the start */
	int64_t after_seq;
	size_t limit;
	json_t *events;
	bool more;
	struct err e;
};

/* Whether ev comes after the position the page starts from, in the scan's (device, seq) order. */
static bool
qa_after(const struct qa_scan *q, const struct event *ev)
{
	int c = strcmp(ev->device, q->after_device);

	return q->after_device[0] == '\0' || c > 0 || (c == 0 && ev->seq > q->after_seq);
}

/* Reads after=DEVICE:SEQ (the `next` of the page before). 0 or -1. */
static int
qa_after_parse(const char *s, struct qa_scan *q)
{
	const char *colon = s != NULL ? strrchr(s, ':') : NULL;
	char *end;

	if (s == NULL)
		return 0;
	if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof q->after_device)
		return -1;
	q->after_seq = strtoll(colon + 1, &end, 10);
	if (end == colon + 1 || *end != '\0' || q->after_seq < 1)
		return -1;
	memcpy(q->after_device, s, (size_t)(colon - s));
	q->after_device[colon - s] = '\0';
	return 0;
}

static int
qa_scan_event(void *ctx, const struct event *ev)
{
	struct qa_scan *q = ctx;
	struct server_store *st = q->a->store;
	json_t *j;
	int rc;

	if (ev->at < q->from || ev->at >= q->to || !qa_after(q, ev) || !qa_call_event(ev))
		return 0;
	if (q->u->role == ROLE_LEAD) {
		if ((rc = st->ops->account_visible(st, q->u, ev->account_id, &q->e)) < 0)
			return -1;
		if (rc == 1)
			return 0;
	}
	if (json_array_size(q->events) == q->limit) {
		q->more = true;
		return 1;
	}
	if ((j = wire_event_encode(ev, &q->e)) == NULL)
		return -1;
	json_array_append_new(q->events, j);
	return 0;
}

/* GET /v1/qa/calls?from=YYYY-MM-DD&to=YYYY-MM-DD&limit=N&after=DEVICE:SEQ: the events of
 * scripted calls made on those days (UTC, inclusive; the last 7 days by default), for qa (every
 * account), leads (their team's) and admins; a page cut by limit says where the next starts. */
static void
qa_calls_get(struct api *a, const struct api_request *rq, const struct server_user *u,
	     struct api_reply *rp)
{
	const char *from_s = rq->query(rq->query_ctx, "from"), *to_s = rq->query(rq->query_ctx, "to");
	int32_t to = date_of_time(clock_now()), from = to - 6;
	struct qa_scan q = { .a = a, .u = u };
	int rc;

	if (u->role != ROLE_QA && u->role != ROLE_LEAD && u->role != ROLE_ADMIN) {
		api_error(rp, 403, "forbidden", "call records are for qa, leads and admins");
		return;
	}
	if (to_s != NULL && date_parse(to_s, &to, &q.e) != 0) {
		api_error(rp, 400, "bad_request", "to: %s", q.e.msg);
		return;
	}
	from = to - 6;
	if (from_s != NULL && date_parse(from_s, &from, &q.e) != 0) {
		api_error(rp, 400, "bad_request", "from: %s", q.e.msg);
		return;
	}
	if (from > to) {
		api_error(rp, 400, "bad_request", "from: after to");
		return;
	}
	if (parse_limit(rq->query(rq->query_ctx, "limit"), a->conf->page_limit, &q.limit) != 0) {
		api_error(rp, 400, "bad_request",
			  "limit: must be a whole number from 1 (at most %d are served)",
			  a->conf->page_limit);
		return;
	}
	if (qa_after_parse(rq->query(rq->query_ctx, "after"), &q) != 0) {
		api_error(rp, 400, "bad_request", "after: DEVICE:SEQ of a page's next is needed");
		return;
	}
	q.from = (int64_t)from * 86400;
	q.to = ((int64_t)to + 1) * 86400;
	if ((q.events = json_array()) == NULL)
		abort();
	/* a scan of the log: reviews ask for days at a time, not on every keystroke */
	rc = a->store->ops->events_scan(a->store, false, qa_scan_event, &q, &q.e);
	if (rc < 0) {
		json_decref(q.events);
		internal_error(rp, "qa calls", &q.e);
		return;
	}
	if (q.more) {
		const json_t *last = json_array_get(q.events, json_array_size(q.events) - 1);
		char next[64];

		snprintf(next, sizeof next, "%s:%lld",
			 json_string_value(json_object_get(last, "device")),
			 (long long)json_integer_value(json_object_get(last, "seq")));
		reply_json(rp, 200, json_pack("{s:o, s:b, s:s}", "events", q.events, "more", true,
					      "next", next));
	} else {
		reply_json(rp, 200, json_pack("{s:o, s:b}", "events", q.events, "more", false));
	}
}

/* GET /v1/board: the queue board of a lead's team, or of every agent for an admin; for
 * anyone else it does not exist. */
static void
board_get(struct api *a, const struct api_request *rq, const struct server_user *u,
	  struct api_reply *rp)
{
	const char *as_of_s = rq->query(rq->query_ctx, "as_of");
	int32_t today = date_of_time(clock_now());
	struct err e;
	json_t *j;

	if ((u->role != ROLE_LEAD && u->role != ROLE_ADMIN) ||
	    (u->role == ROLE_LEAD && u->team[0] == '\0')) {
		log_msg("board refused: user %s (%s)", u->name, server_role_name(u->role));
		api_error(rp, 404, "not_found", "no such object");
		return;
	}
	if (as_of_s != NULL && date_parse(as_of_s, &today, &e) != 0) {
		api_error(rp, 400, "bad_request", "as_of: %s", e.msg);
		return;
	}
	if ((j = server_board_json(a->store, u, today, &e)) == NULL)
		internal_error(rp, "board", &e);
	else
		reply_json(rp, 200, j);
}

/* POST /v1/payments: the gateway's notifications carry a signature, not a token. */
static void
payments_post(struct api *a, const struct api_request *rq, const struct server_user *unused,
	      struct api_reply *rp)
{
	payments_notify(a->store, a->conf, rq, rp);
}

static const struct route routes[] = {
	{ .method = "POST", .path = "/v1/session", .auth = 0, .handler = session_create },
	{ .method = "DELETE", .path = "/v1/session", .auth = 1, .handler = session_delete },
	{ .method = "GET", .path = "/v1/changes", .auth = 1, .handler = changes_get },
	{ .method = "GET", .path = "/v1/accounts/", .prefix = 1, .auth = 1,
	  .handler = account_get },
	{ .method = "GET", .path = "/v1/reports/aging", .auth = 1, .handler = reports_aging_get },
	{ .method = "GET", .path = "/v1/board", .auth = 1, .handler = board_get },
	{ .method = "GET", .path = "/v1/qa/calls", .auth = 1, .handler = qa_calls_get },
	{ .method = "POST", .path = "/v1/events", .auth = 1, .handler = events_post },
	{ .method = "POST", .path = "/v1/payments", .auth = 0, .handler = payments_post },
	{ .method = "HEAD", .path = "/v1/blobs/", .prefix = 1, .auth = 1, .handler = blob_head },
	{ .method = "PUT", .path = "/v1/blobs/", .prefix = 1, .auth = 1, .handler = blob_put },
	{ .method = "GET", .path = "/v1/blobs/", .prefix = 1, .auth = 1, .handler = blob_get },
};

#define NROUTES (sizeof routes / sizeof routes[0])

static int
route_matches(const struct route *r, const char *path)
{
	if (r->prefix)
		return strncmp(path, r->path, strlen(r->path)) == 0 && path[strlen(r->path)] != '\0' &&
		       strchr(path + strlen(r->path), '/') == NULL;
	return strcmp(path, r->path) == 0;
}

/* The user of a bearer token: 0, 1 when there is none valid, -1 on a storage failure. */
static int
authenticate(struct api *a, const char *authorization, struct server_user *u, struct err *e)
{
	char th[65];
	int64_t now = clock_now();

	if (authorization == NULL || strncmp(authorization, "Bearer ", 7) != 0 ||
	    strlen(authorization + 7) == 0 || strlen(authorization + 7) > 128)
		return 1;
	token_hash(authorization + 7, th);
	return a->store->ops->session_get(a->store, th, now, u, e);
}

void
api_handle(struct api *a, const struct api_request *rq, struct api_reply *rp)
{
	const struct route *r = NULL;
	struct server_user u = { 0 };
	struct err e;
	size_t off = 0;
	int path_known = 0, rc;

	memset(rp, 0, sizeof *rp);
	for (size_t i = 0; i < NROUTES; i++) {
		if (!route_matches(&routes[i], rq->path))
			continue;
		path_known = 1;
		if (strcmp(routes[i].method, rq->method) == 0)
			r = &routes[i];
	}
	if (r == NULL && path_known) {
		for (size_t i = 0; i < NROUTES; i++)
			if (route_matches(&routes[i], rq->path) && off < sizeof rp->allow)
				off += (size_t)snprintf(rp->allow + off, sizeof rp->allow - off,
							"%s%s", off ? ", " : "", routes[i].method);
		api_error(rp, 405, "method_not_allowed", "%s is not allowed on %s", rq->method,
			  rq->path);
		return;
	}
	if (r == NULL) {
		api_error(rp, 404, "not_found", "no such object");
		return;
	}
	if (r->auth) {
		if ((rc = authenticate(a, rq->authorization, &u, &e)) < 0) {
			internal_error(rp, "session", &e);
			return;
		}
		if (rc == 1) {
			rp->challenge = 1;
			api_error(rp, 401, "unauthorized", "a valid bearer token is needed; log in");
			return;
		}
	}
	r->handler(a, rq, &u, rp);
}
