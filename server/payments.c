/* payments.c - payment notifications from the gateway: signature, body, one payment per
 * reference, and a `payment` event on the gateway's chain as the record of what arrived. */
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "evidence.h"
#include "money.h"
#include "payments.h"
#include "webhook_sig.h"
#include "wire.h"

static const char genesis_hash[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* A notification's fields, as read from its body. */
struct notice {
	const char *reference, *account_id, *link;
	int64_t amount;
	int32_t paid_on;
};

static void
refuse(struct api_reply *rp, const struct api_request *rq, int status, const char *code,
       const char *what, const char *why)
{
	log_msg("payment notification refused from %s: %s: %s", rq->addr, what, why);
	api_error(rp, status, code, "%s", why);
}

/* Reads the body's fields: 0, or -1 with rp filled (400 naming the field). */
static int
notice_read(const json_t *j, struct notice *n, const struct api_request *rq,
	    struct api_reply *rp)
{
	static const char *const texts[] = { "reference", "account_id", "paid_on", "link" };
	static const size_t maxlen[] = { 64, ACCOUNT_ID_LEN - 1, 10, 1024 };
	static const char *const what[] = { "a string of 1 to 64 bytes",
					    "an account id of 1 to 23 bytes", "a YYYY-MM-DD date",
					    "a payment link of 1 to 1024 bytes" };
	const char *v[4];
	const json_t *amount = json_object_get(j, "amount");
	char why[160];
	struct err e;

	for (size_t i = 0; i < 4; i++) {
		const json_t *f = json_object_get(j, texts[i]);

		v[i] = NULL;
		if (f == NULL && i == 3)
			continue;
		if (f == NULL || !json_is_string(f) || json_string_length(f) == 0 ||
		    json_string_length(f) > maxlen[i] ||
		    strlen(json_string_value(f)) != json_string_length(f)) {
			snprintf(why, sizeof why, "$.%s: %s %s", texts[i],
				 f == NULL ? "missing; needs" : "must be", what[i]);
			refuse(rp, rq, 400, "bad_request", "bad body", why);
			return -1;
		}
		v[i] = json_string_value(f);
	}
	n->reference = v[0];
	n->account_id = v[1];
	n->link = v[3];
	if (date_parse(v[2], &n->paid_on, &e) != 0) {
		snprintf(why, sizeof why, "$.paid_on: '%s' is not a YYYY-MM-DD date", v[2]);
		refuse(rp, rq, 400, "bad_request", "bad body", why);
		return -1;
	}
	if (!json_is_integer(amount) || json_integer_value(amount) <= 0 ||
	    json_integer_value(amount) > 999999999999999LL) {
		refuse(rp, rq, 400, "bad_request", "bad body",
		       amount == NULL ? "$.amount: missing; needs a whole number of cents"
				      : "$.amount: must be a whole number of cents from 1");
		return -1;
	}
	n->amount = json_integer_value(amount);
	return 0;
}

/* Checks the link the payment came from against the key and the notification: 0, or -1 with
 * rp filled. The link must not have expired when the day of the payment began (UTC): a
 * gateway may deliver a notification hours late, after the link's expiry. */
static int
link_check(const struct server_config *c, const struct notice *n, const char *currency,
	   const struct api_request *rq, struct api_reply *rp)
{
	int64_t paid_at = (int64_t)n->paid_on * 86400;
	struct paylink p;
	char why[600], m1[32], m2[32];
	struct err e;

	if (!c->has_paylink_key) {
		refuse(rp, rq, 400, "bad_request", n->reference,
		       "$.link: this server signs no payment links (no paylink_key_file)");
		return -1;
	}
	if (paylink_verify(c->paylink_key, n->link, paid_at, &p, &e) != PAYLINK_OK) {
		snprintf(why, sizeof why, "$.link: %s", e.msg);
		refuse(rp, rq, 400, "bad_request", n->reference, why);
		return -1;
	}
	if (strcmp(p.account, n->account_id) != 0)
		snprintf(why, sizeof why, "$.link: the link is for account %s, not %s", p.account,
			 n->account_id);
	else if (p.amount != n->amount)
		snprintf(why, sizeof why, "$.link: the link is for %s, not %s",
			 money_format(p.amount, m1, sizeof m1, 0),
			 money_format(n->amount, m2, sizeof m2, 0));
	else if (strcmp(p.currency, currency) != 0)
		snprintf(why, sizeof why, "$.link: the link is in %s, the account in %s", p.currency,
			 currency);
	else
		return 0;
	refuse(rp, rq, 400, "bad_request", n->reference, why);
	return -1;
}

/* The id of a notification's event: a UUID (version 8) made of the SHA-256 of its content, so
 * the same payment sent again finds its event and another one under the same reference does
 * not. */
static void
notice_id(const struct notice *n, char id[37])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	char nums[48];
	int len = snprintf(nums, sizeof nums, "%lld", (long long)n->amount);

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)"arrears-gateway-payment-v1", 27);
	crypto_hash_sha256_update(&st, (const unsigned char *)n->reference, strlen(n->reference) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)n->account_id,
				  strlen(n->account_id) + 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)nums, (unsigned long long)len + 1);
	len = snprintf(nums, sizeof nums, "%ld", (long)n->paid_on);
	crypto_hash_sha256_update(&st, (const unsigned char *)nums, (unsigned long long)len);
	crypto_hash_sha256_final(&st, d);
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x80);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	snprintf(id, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", d[0], d[1],
		 d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
		 d[15]);
}

/* Appends the payment event to the gateway's chain, inside the caller's transaction. */
static int
event_add(struct server_store *st, const struct notice *n, const char *id, int64_t now,
	  struct event *ev, struct err *e)
{
	char owner[32], money[32], day[16];
	json_t *body;
	int rc;

	memset(ev, 0, sizeof *ev);
	if ((rc = st->ops->device_head(st, GATEWAY_DEVICE, owner, &ev->seq, ev->prev_hash, e)) < 0)
		return -1;
	if (rc == 1) {
		ev->seq = 0;
		memcpy(ev->prev_hash, genesis_hash, sizeof ev->prev_hash);
	} else if (owner[0] != '\0') {
		return err_set(e, "device %s belongs to user %s; the gateway's payments cannot be "
			       "chained on it", GATEWAY_DEVICE, owner);
	}
	ev->seq++;
	snprintf(ev->id, sizeof ev->id, "%s", id);
	snprintf(ev->account_id, sizeof ev->account_id, "%s", n->account_id);
	snprintf(ev->kind, sizeof ev->kind, "payment");
	snprintf(ev->device, sizeof ev->device, GATEWAY_DEVICE);
	snprintf(ev->user, sizeof ev->user, "gateway");
	ev->at = now;
	/* the body of the client's own payment events (src/casework.c), and the link when given */
	body = json_pack("{s:s, s:s, s:s, s:s}", "amount", money_format(n->amount, money, sizeof money, 0),
			 "paid_on", date_format(n->paid_on, day, sizeof day), "reference",
			 n->reference, "source", "gateway");
	if (body == NULL || (n->link != NULL && json_object_set_new(body, "link",
								     json_string(n->link)) != 0))
		abort();
	ev->body = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	if (ev->body == NULL)
		abort();
	if (evidence_hash(ev, ev->hash, e) != 0)
		return -1;
	return st->ops->event_put(st, ev, "", now, "", e);
}

/* Records the notification in one transaction: "recorded", "duplicate", or 0 with rp filled
 * (404, 409, 400 for a link, 503). */
static const char *
notice_store(struct server_store *st, const struct server_config *c, const struct notice *n,
	     int64_t now, const struct api_request *rq, struct api_reply *rp)
{
	struct wire_account acct = { 0 };
	struct event ev = { 0 };
	char id[37], stored[65], why[160];
	const char *result = NULL;
	struct err e;
	int rc, dup;

	if (st->ops->begin(st, &e) != 0)
		goto fail;
	if ((rc = st->ops->account_get(st, n->account_id, &acct, &e)) < 0)
		goto fail;
	if (rc == 1) {
		snprintf(why, sizeof why, "$.account_id: no account %s", n->account_id);
		refuse(rp, rq, 404, "not_found", n->reference, why);
		goto out;
	}
	notice_id(n, id);
	if ((rc = st->ops->event_hash(st, id, stored, &e)) < 0)
		goto fail;
	if (rc == 0) {
		/* the gateway retried a payment already recorded: nothing changes */
		log_msg("payment %s: a repeated notification from %s, already recorded", n->reference,
			rq->addr);
		result = "duplicate";
		goto out;
	}
	/* after the retry test: a retry is a duplicate whatever its link says now (the link key
	 * may have been replaced since) */
	if (n->link != NULL && link_check(c, n, acct.account.currency, rq, rp) != 0)
		goto out;
	if (st->ops->payment_add(st, n->reference, n->account_id, n->amount, n->paid_on, now, &dup,
				 &e) != 0)
		goto fail;
	if (dup) {
		snprintf(why, sizeof why, "$.reference: %s is already recorded with other content",
			 n->reference);
		refuse(rp, rq, 409, "replay", n->reference, why);
		goto out;
	}
	if (event_add(st, n, id, now, &ev, &e) != 0 || st->ops->commit(st, &e) != 0)
		goto fail;
	log_msg("payment %s recorded: account %s, %lld cents, from %s", n->reference, n->account_id,
		(long long)n->amount, rq->addr);
	/* case state follows in its own step, as for pushed events: a failure there never
	 * un-records the payment */
	if (st->ops->begin(st, &e) != 0 ||
	    ((st->ops->event_apply(st, &ev, now, &e) != 0 &&
	      st->ops->dead_letter_add(st, ev.id, e.msg, now, &e) != 0)) ||
	    st->ops->commit(st, &e) != 0) {
		st->ops->rollback(st);
		log_msg("payment %s not applied to case state: %s", n->reference, e.msg);
	}
	wire_account_clear(&acct);
	free(ev.body);
	return "recorded";
fail:
	log_msg("internal error: payment %s: %s", n->reference, e.msg);
	api_error(rp, 503, "unavailable", "the server cannot do that now; retry later");
	rp->retry_after = 5;
out:
	st->ops->rollback(st);
	wire_account_clear(&acct);
	free(ev.body);
	return result;
}

void
payments_notify(struct server_store *st, const struct server_config *c,
		const struct api_request *rq, struct api_reply *rp)
{
	struct notice n = { 0 };
	const char *result;
	int64_t now = clock_now();
	struct err e;
	json_t *j;

	if (c->webhook_secret_len == 0) {
		refuse(rp, rq, 404, "not_found", "no webhook_secret_file configured", "no such object");
		return;
	}
	switch (webhook_verify(c->webhook_secret, c->webhook_secret_len, rq->signature, rq->body,
			       rq->body_len, now, c->webhook_tolerance, &e)) {
	case WEBHOOK_OK:
		break;
	case WEBHOOK_STALE:
		refuse(rp, rq, 401, "stale_timestamp", "stale timestamp", e.msg);
		return;
	case WEBHOOK_MALFORMED:
	case WEBHOOK_FORGED:
		refuse(rp, rq, 401, "bad_signature", "bad signature", e.msg);
		return;
	}
	if ((j = wire_parse(rq->body, rq->body_len, c->max_json_depth, &e)) == NULL) {
		refuse(rp, rq, 400, "bad_json", "bad body", e.msg);
		return;
	}
	if (!json_is_object(j))
		refuse(rp, rq, 400, "bad_json", "bad body", "$: the body must be a JSON object");
	else if (notice_read(j, &n, rq, rp) == 0 &&
		 (result = notice_store(st, c, &n, now, rq, rp)) != NULL) {
		json_decref(rp->body);
		rp->status = 200;
		rp->body = json_pack("{s:s}", "result", result);
	}
	json_decref(j);
}
