#include "config.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "evidence.h"
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
};

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
	return a;
}

void
api_free(struct api **a)
{
	if (a == NULL || *a == NULL)
		return;
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

/* POST /v1/session: a password for a bearer token, slowed per user and per address. */
static void
session_create(struct api *a, const struct api_request *rq, const struct server_user *unused,
	       struct api_reply *rp)
{
	struct server_store *st = a->store;
	json_t *j = parse_body(a, rq, rp);
	const char *name, *password, *device;
	char ukey[64], akey[96], token[64], th[65], at[32];
	unsigned char raw[32];
	struct server_user u;
	int64_t now = clock_now(), wu = 0, wa = 0;
	struct err e;
	int found, ok;

	if (j == NULL)
		return;
	if (text_field(j, "user", &name, 31, 1, rp) != 0 ||
	    text_field(j, "password", &password, 1024, 1, rp) != 0 ||
	    text_field(j, "device", &device, 39, 0, rp) != 0)
		goto out;
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
	reply_json(rp, 200, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "token", token,
				      "token_type", "Bearer", "expires_at",
				      time_format_rfc3339(now + a->conf->token_lifetime, at, sizeof at),
				      "user", u.name, "role", server_role_name(u.role), "team", u.team,
				      "server_time", time_format_rfc3339(now, th, sizeof th)));
	sodium_memzero(token, sizeof token);
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
	if (*s == '\0' || *end != '\0' || v < 1 || v > max)
		return -1;
	*out = (size_t)v;
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
		api_error(rp, 400, "bad_request", "limit: must be a whole number from 1 to %d",
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

/* Checks one decoded event against the store; fills r. Returns 1 to store it, 0 not to, -1
 * on a storage failure. flag gets why a lead should look ("" when nothing). */
static int
event_check(struct api *a, const struct server_user *u, const struct event *ev,
	    struct wire_event_result *r, char *flag, size_t flaglen, struct err *e)
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
	if ((rc = st->ops->device_head(st, ev->device, owner, &head_seq, head_hash, e)) < 0)
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
	if ((rc = st->ops->account_visible(st, u, ev->account_id, e)) < 0)
		return -1;
	if (rc == 1)	/* reassigned meanwhile, or unknown: evidence is kept, a lead looks */
		snprintf(flag, flaglen, "account not in the pusher's scope");
	r->result = WIRE_ACCEPTED;
	r->flagged = flag[0] != '\0';
	return 1;
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
	int *store_it = NULL;
	size_t n = 0, accepted = 0;
	int64_t now = clock_now();
	char path[40], flag[64];
	struct err e;

	if (j == NULL)
		return;
	if ((items = wire_batch_items(j, (size_t)a->conf->max_batch, &e)) == NULL) {
		api_error(rp, 400, "bad_request", "%s", e.msg);
		goto out;
	}
	n = json_array_size(items);
	if ((evs = calloc(n + 1, sizeof *evs)) == NULL || (res = calloc(n + 1, sizeof *res)) == NULL ||
	    (store_it = calloc(n + 1, sizeof *store_it)) == NULL)
		abort();
	if (st->ops->begin(st, &e) != 0) {
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
		int rc = event_check(a, u, &evs[i], &res[i], flag, sizeof flag, &e);
		if (rc < 0 || (rc == 1 && st->ops->event_put(st, &evs[i], u->name, now, flag, &e) != 0)) {
			st->ops->rollback(st);
			internal_error(rp, "events", &e);
			goto out;
		}
		store_it[i] = rc == 1;
		accepted += (size_t)(rc == 1);
		if (res[i].result == WIRE_REJECTED)
			log_msg("event refused: user %s, %s: %s", u->name, res[i].id, res[i].reason);
	}
	/* the answer waits for this commit: an accepted event is on disk (synchronous=FULL) */
	if (st->ops->commit(st, &e) != 0) {
		st->ops->rollback(st);
		internal_error(rp, "commit", &e);
		goto out;
	}
	/* applying to case state is its own step: a failure never un-accepts evidence */
	for (size_t i = 0; i < n; i++) {
		struct err ae;

		if (!store_it[i])
			continue;
		if (st->ops->begin(st, &e) == 0 && st->ops->event_apply(st, &evs[i], now, &ae) == 0 &&
		    st->ops->commit(st, &e) == 0)
			continue;
		st->ops->rollback(st);
		if (st->ops->begin(st, &e) != 0 ||
		    st->ops->dead_letter_add(st, evs[i].id, ae.msg, now, &e) != 0 ||
		    st->ops->commit(st, &e) != 0) {
			st->ops->rollback(st);
			log_msg("dead letter for %s not recorded: %s", evs[i].id, e.msg);
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
	json_decref(j);
}

static const struct route routes[] = {
	{ .method = "POST", .path = "/v1/session", .auth = 0, .handler = session_create },
	{ .method = "DELETE", .path = "/v1/session", .auth = 1, .handler = session_delete },
	{ .method = "GET", .path = "/v1/changes", .auth = 1, .handler = changes_get },
	{ .method = "GET", .path = "/v1/accounts/", .prefix = 1, .auth = 1,
	  .handler = account_get },
	{ .method = "POST", .path = "/v1/events", .auth = 1, .handler = events_post },
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
