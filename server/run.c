/* run.c - a strategy run over the book (run.h): accounts a page at a time, each decided by
 * run_decide, messages sent outside any transaction, then the page's events written on the
 * run's chain in one transaction. */
#include "config.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "evidence.h"
#include "paths.h"
#include "policy_profile.h"
#include "run.h"
#include "send.h"

#define PROVIDER_RETRY_SECONDS 3600

static const char genesis[65] =
	"0000000000000000000000000000000000000000000000000000000000000000";

/* An event waiting for its page's transaction. */
struct pending {
	struct event ev;	/* body owned */
	bool once;		/* its id is the step's own: skip it when the book has it */
};

struct run {
	struct server_store *st;
	struct sender *snd;
	const struct run_options *o;
	const struct template_lang *lang;
	const struct policy_profile *profile;
	struct policy_profiles profiles;
	struct policy_tzcache *tz;
	struct run_history *history;
	struct run_totals *t;
	struct pending *pend;
	size_t npend, cappend;
};

int
run_book_open(const char *name, const char *version, struct template_set **ts,
	      struct strategy_book **b, struct problems *p, struct err *e)
{
	char tdir[4096], file[256], path[4096];
	const char *slash = strrchr(name, '/');
	int n;

	*ts = NULL;
	*b = NULL;
	if (version != NULL && strspn(version, "0123456789") != strlen(version))
		return err_set(e, "--strategy-version: '%s' is not a whole number", version);
	if (slash != NULL && version == NULL)
		n = snprintf(file, sizeof file, "%s", name);
	else if (version != NULL)
		n = snprintf(file, sizeof file, "%s.v%s.conf", name, version);
	else
		n = snprintf(file, sizeof file, "%s.conf", name);
	if (n < 0 || (size_t)n >= sizeof file)
		return err_set(e, "strategy book name too long");
	if (paths_find_data_dir("templates", tdir, sizeof tdir, e) != 0 ||
	    paths_find_data("strategies", file, path, sizeof path, e) != 0)
		return -1;
	if (template_set_load(tdir, ts, p) != 0 || strategy_book_load(path, *ts, b, p) != 0) {
		template_set_free(ts);
		return err_set(e, "the strategy data has problems (%zu); see arrears strategy check",
			       p->n);
	}
	if (version != NULL && (*b)->version != atoi(version)) {
		err_set(e, "%s: says version %d, not %s", path, (*b)->version, version);
		strategy_book_free(b);
		template_set_free(ts);
		return -1;
	}
	return 0;
}

/* The id of a step's dispatch, failure or due work: the same on every run, so a provider that
 * got a message from a run that died before recording it sees the retry as the same message
 * (send.h), and the book refuses the step twice. BLAKE2b-128 of the account and step key,
 * written as a UUID of version 8 (RFC 9562, custom). */
static void
step_uuid(const char *account, const char *key, char out[37])
{
	crypto_generichash_state st;
	unsigned char h[16];
	static const char tag[] = "arrearsd-step";

	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)tag, sizeof tag);
	crypto_generichash_update(&st, (const unsigned char *)account, strlen(account) + 1);
	crypto_generichash_update(&st, (const unsigned char *)key, strlen(key));
	crypto_generichash_final(&st, h, sizeof h);
	h[6] = (unsigned char)((h[6] & 0x0f) | 0x80);
	h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", h[0], h[1],
		 h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9], h[10], h[11], h[12], h[13], h[14],
		 h[15]);
}

/* The parts every body of a step has. New reference. */
static json_t *
step_body(const struct run *r, const struct run_decision *d)
{
	return json_pack("{s:s, s:i, s:s, s:s, s:i, s:s, s:i}", "book", r->o->book->name,
			 "version", r->o->book->version, "segment", d->segment, "arm", d->arm,
			 "step", (int)d->sd.step_no, "action", step_action_name(d->sd.step->action),
			 "dpd", d->dpd);
}

static json_t *
reasons_json(const struct run_decision *d)
{
	char text[512], *save = NULL;
	json_t *list = json_array();

	run_reasons_text(d, text, sizeof text);
	for (char *tok = strtok_r(text, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save))
		json_array_append_new(list, json_string(tok));
	return list;
}

/* Queues an event for the page's transaction; takes body. id NULL for a fresh one. */
static void
pend(struct run *r, const char *account, const char *kind, const char *id, json_t *body)
{
	struct pending *p;
	char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(body);
	if (text == NULL)
		abort();
	if (r->npend == r->cappend) {
		r->cappend = r->cappend ? r->cappend * 2 : 64;
		if ((r->pend = realloc(r->pend, r->cappend * sizeof *r->pend)) == NULL)
			abort();
	}
	p = &r->pend[r->npend++];
	memset(p, 0, sizeof *p);
	if (id != NULL)
		snprintf(p->ev.id, sizeof p->ev.id, "%s", id);
	else
		evidence_uuid(p->ev.id);
	p->once = id != NULL;
	snprintf(p->ev.account_id, sizeof p->ev.account_id, "%s", account);
	snprintf(p->ev.kind, sizeof p->ev.kind, "%s", kind);
	snprintf(p->ev.device, sizeof p->ev.device, "%s", RUN_DEVICE);
	snprintf(p->ev.user, sizeof p->ev.user, "%s", RUN_USER);
	p->ev.at = r->o->at;
	p->ev.body = text;
}

static void
pend_clear(struct run *r)
{
	for (size_t i = 0; i < r->npend; i++)
		free(r->pend[i].ev.body);
	r->npend = 0;
}

/* Writes the queued events on the run's chain in one transaction. */
static int
pend_write(struct run *r, struct err *e)
{
	struct server_store *st = r->st;
	char owner[32], hash[65], stored[65];
	int64_t seq;
	int rc;

	if (r->npend == 0)
		return 0;
	if (st->ops->begin(st, e) != 0)
		return -1;
	/* read inside the transaction: another run may have written since */
	if ((rc = st->ops->device_head(st, RUN_DEVICE, owner, &seq, hash, e)) < 0)
		goto fail;
	if (rc == 1) {
		seq = 0;
		memcpy(hash, genesis, sizeof hash);
	} else if (strcmp(owner, RUN_USER) != 0) {
		err_set(e, "device %s belongs to user %s, not to the run", RUN_DEVICE, owner);
		goto fail;
	}
	for (size_t i = 0; i < r->npend; i++) {
		struct event *ev = &r->pend[i].ev;

		if (r->pend[i].once && (rc = st->ops->event_hash(st, ev->id, stored, e)) != 1) {
			if (rc < 0)
				goto fail;
			continue;	/* a run at the same time recorded this step */
		}
		ev->seq = ++seq;
		memcpy(ev->prev_hash, hash, sizeof hash);
		if (evidence_hash(ev, ev->hash, e) != 0 ||
		    st->ops->event_put(st, ev, RUN_USER, r->o->at, "", e) != 0)
			goto fail;
		memcpy(hash, ev->hash, sizeof hash);
		r->t->written++;
	}
	if (st->ops->commit(st, e) != 0)
		goto fail;
	pend_clear(r);
	return 0;
fail:
	st->ops->rollback(st);
	return -1;
}

/* The deferral as history keeps it, to write it only when it changed. */
static void
deferral_text(const struct run_decision *d, char *buf, size_t len)
{
	json_t *list = reasons_json(d);
	char *reasons = json_dumps(list, JSON_COMPACT), next[32] = "";

	json_decref(list);
	if (d->next_at != POLICY_NONE)
		time_format_rfc3339(d->next_at, next, sizeof next);
	snprintf(buf, len, "%s@%s", reasons != NULL ? reasons : "", next);
	free(reasons);
}

static enum run_outcome
defer(struct run *r, const struct wire_account *a, const struct run_decision *d,
      const char *contact, const char *why)
{
	char now[RUN_DEFERRAL_LEN], next[32];
	json_t *body;

	if (d->next_at != POLICY_NONE && (r->t->next_at == 0 || d->next_at < r->t->next_at))
		r->t->next_at = d->next_at;
	deferral_text(d, now, sizeof now);
	if (d->mark != NULL && strcmp(d->mark->deferral, now) == 0)
		return RUN_OUT_DEFERRED_AGAIN;
	body = step_body(r, d);
	json_object_set_new(body, "channel", json_string(channel_name((enum channel)d->channel)));
	json_object_set_new(body, "template", json_string(d->sd.step->template_id));
	json_object_set_new(body, "contact", contact[0] ? json_string(contact) : json_null());
	json_object_set_new(body, "reasons", reasons_json(d));
	json_object_set_new(body, "next_at", d->next_at != POLICY_NONE
		? json_string(time_format_rfc3339(d->next_at, next, sizeof next)) : json_null());
	if (why[0] != '\0')
		json_object_set_new(body, "why", json_string(why));
	pend(r, a->account.id, "dispatch_deferred", NULL, body);
	r->t->deferred++;
	return RUN_OUT_DEFERRED;
}

/* The SHA-256 of the filled subject and body, so the evidence proves what was sent without
 * holding the personal data in it. */
static void
message_hash(const char *subject, const char *body, char out[65])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256_init(&st);
	if (subject != NULL)
		crypto_hash_sha256_update(&st, (const unsigned char *)subject, strlen(subject));
	crypto_hash_sha256_update(&st, (const unsigned char *)"", 1);
	crypto_hash_sha256_update(&st, (const unsigned char *)body, strlen(body));
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* Fills and sends (or queues to print) a message the policy allows now. */
static int
send_step(struct run *r, const struct wire_account *a, struct run_decision *d, char *why,
	  size_t whylen, enum run_outcome *out, struct err *e)
{
	enum channel ch = (enum channel)d->channel;
	const struct template *tp = template_find(r->lang, d->sd.step->template_id, ch);
	const struct contact_point *cp = &a->contacts[d->point];
	const char *contact = contact_kind_name(cp->kind);
	struct template_values v;
	char id[37], digest[65];
	char *subject = NULL, *body;
	json_t *ev;
	int rc = 0;

	if (tp == NULL)
		return err_set(e, "template %s (%s) missing in language %s",
			       d->sd.step->template_id, channel_name(ch), r->lang->code);
	template_values_of(&a->account, date_of_time(r->o->at), r->o->pay_link, &v);
	body = template_fill(r->lang, ch, tp->body, &v);
	if (tp->subject != NULL)
		subject = template_fill(r->lang, ch, tp->subject, &v);
	message_hash(subject, body, digest);
	step_uuid(a->account.id, d->key, id);
	if (ch != CHANNEL_LETTER) {
		struct send_message m = {
			.channel = ch == CHANNEL_SMS ? SEND_SMS : SEND_EMAIL, .to = cp->value,
			.subject = subject, .body = body, .dispatch_id = id,
		};
		rc = sender_send(r->snd, &m, why, whylen, e);
	}
	sodium_memzero(body, strlen(body));
	free(body);
	free(subject);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		d->extra = RUN_REASON_PROVIDER_RETRY;
		d->next_at = r->o->at + PROVIDER_RETRY_SECONDS;
		*out = defer(r, a, d, contact, why);
		return 0;
	}
	ev = step_body(r, d);
	json_object_set_new(ev, "channel", json_string(channel_name(ch)));
	json_object_set_new(ev, "template", json_string(tp->id));
	json_object_set_new(ev, "contact", json_string(contact));
	json_object_set_new(ev, "message_sha256", json_string(digest));
	json_object_set_new(ev, "via", json_string(ch == CHANNEL_LETTER ? "print" : "provider"));
	if (rc == 2) {
		json_object_set_new(ev, "why", json_string(why));
		pend(r, a->account.id, "dispatch_failed", id, ev);
		r->t->failed++;
		*out = RUN_OUT_FAILED;
	} else {
		pend(r, a->account.id, "dispatch", id, ev);
		r->t->sent++;
		*out = RUN_OUT_SENT;
	}
	return 0;
}

static int
account_run(struct run *r, const struct wire_account *a, void (*report)(void *, const struct run_line *),
	    void *ctx, struct err *e)
{
	struct run_account_facts f = { .history = r->history };
	struct run_decision d;
	struct run_line line = { .account = a->account.id, .d = &d, .template_id = "",
				 .contact = "", .why = "" };
	char why[256] = "";

	f.attempts = run_history_attempts(r->history, a->account.id, &f.nattempts);
	f.promise = run_history_promise(r->history, a->account.id);
	run_decide(r->o->book, r->profile, a, &f, r->o->at, r->tz, &d);
	r->t->accounts++;
	r->t->verdicts[d.verdict]++;
	if (d.sd.step != NULL)
		line.template_id = d.sd.step->template_id;
	if (d.point >= 0)
		line.contact = contact_kind_name(a->contacts[d.point].kind);
	if (r->o->dry_run) {
		line.outcome = d.verdict == RUN_SEND || d.verdict == RUN_DEFER || d.verdict == RUN_DUE
				       ? RUN_OUT_WOULD : RUN_OUT_NONE;
		if (d.verdict == RUN_DEFER && d.next_at != POLICY_NONE &&
		    (r->t->next_at == 0 || d.next_at < r->t->next_at))
			r->t->next_at = d.next_at;
	} else if (d.verdict == RUN_SEND) {
		if (send_step(r, a, &d, why, sizeof why, &line.outcome, e) != 0)
			return -1;
		line.why = why;
	} else if (d.verdict == RUN_DEFER) {
		line.outcome = defer(r, a, &d, line.contact, "");
	} else if (d.verdict == RUN_DUE) {
		char id[37];

		step_uuid(a->account.id, d.key, id);
		pend(r, a->account.id, "treatment_due", id, step_body(r, &d));
		r->t->due++;
		line.outcome = RUN_OUT_DUE;
	}
	report(ctx, &line);
	return 0;
}

int
run_execute(struct server_store *st, struct sender *snd, const struct run_options *o,
	    void (*report)(void *ctx, const struct run_line *l), void *ctx, struct run_totals *t,
	    struct err *e)
{
	struct server_user admin = { .role = ROLE_ADMIN };
	struct run r = { .st = st, .snd = snd, .o = o, .t = t };
	struct wire_change *ch = NULL;
	int64_t since = 0;
	size_t n = 0;
	int more = 1, ret = -1;

	memset(t, 0, sizeof *t);
	snprintf(admin.name, sizeof admin.name, "%s", RUN_USER);
	if (!o->dry_run && snd == NULL)
		return err_set(e, "no sender: set sender in arrearsd.conf (or run with --dry-run)");
	if ((r.lang = template_lang_find(o->templates, o->book->language)) == NULL)
		return err_set(e, "%s: no templates in language %s", o->book->file,
			       o->book->language);
	if (policy_profiles_load(&r.profiles, e) != 0)
		return -1;
	if ((r.profile = policy_profiles_find(&r.profiles, o->profile)) == NULL)
		return err_set(e, "unknown policy profile '%s'", o->profile);
	r.tz = policy_tzcache_new();
	if (run_history_load(st, o->at, &r.history, e) != 0)
		goto out;
	while (more) {
		if (st->ops->changes(st, &admin, since, o->page, &ch, &n, &more, e) != 0)
			goto out;
		for (size_t i = 0; i < n; i++) {
			since = ch[i].seq;
			if (ch[i].op == WIRE_CHANGE_UPSERT &&
			    account_run(&r, &ch[i].acct, report, ctx, e) != 0)
				goto out;
		}
		for (size_t i = 0; i < n; i++)
			wire_account_clear(&ch[i].acct);
		free(ch);
		ch = NULL;
		if (pend_write(&r, e) != 0)
			goto out;
	}
	ret = 0;
out:
	if (ch != NULL) {
		for (size_t i = 0; i < n; i++)
			wire_account_clear(&ch[i].acct);
		free(ch);
	}
	/* what was sent is recorded even when a later account failed */
	if (ret != 0 && r.npend > 0) {
		struct err we;

		if (pend_write(&r, &we) != 0) {
			char was[sizeof e->msg];

			memcpy(was, e->msg, sizeof was);
			err_set(e, "%.200s; and %zu events of this page not recorded: %.200s", was,
				r.npend, we.msg);
		}
	}
	pend_clear(&r);
	free(r.pend);
	run_history_free(&r.history);
	policy_tzcache_free(&r.tz);
	return ret;
}
