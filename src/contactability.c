/* contactability.c - policy facts from the cache, decisions per contact point and account, the
 * queue sweep, and the evidence of contacts started and overridden. */
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contact_facts.h"
#include "contactability.h"
#include "evidence.h"
#include "policy_profile.h"
#include "settings.h"
#include "store.h"
#include "tz.h"

#define DAY_SECONDS 86400
/* Rows a sweep evaluates in rank order before going on in row order: a few screens. */
#define SWEEP_RANKED_FIRST 1000

struct contactability {
	struct store *store;	/* borrowed */
	struct policy_profiles profiles;
	const struct policy_profile *default_profile;
	enum policy_role role;
	char user[32];
	char device[37];	/* "" until the first contact is recorded */
	struct policy_tzcache *tz;
	sqlite3_stmt *account_st, *points_st, *events_st;
	struct policy_attempt *history;	/* grown as needed, reused across accounts */
	size_t history_cap;
	struct policy_facts facts;	/* 2 KB: kept here rather than on the stack per account */
	struct account_contact scratch;	/* the sweep's and start's working answer */
	size_t *todo;		/* the sweep: item indices in the order they are evaluated */
	size_t ntodo, next, sweep_n;
};

static const char *const reason_texts[POLICY_REASON_COUNT] = {
	[POLICY_TIMEZONE_UNKNOWN] = "no known time zone",
	[POLICY_OUTSIDE_HOURS] = "outside calling hours",
	[POLICY_CONSUMER_INCONVENIENT_TIME] = "a time the consumer called inconvenient",
	[POLICY_CALL_FREQUENCY_7IN7] = "7 calls in 7 days already",
	[POLICY_CONVERSATION_COOLOFF] = "spoke recently: cool-off",
	[POLICY_STATE_FREQUENCY] = "state or city contact limit reached",
	[POLICY_CEASE] = "asked us to cease contact",
	[POLICY_ATTORNEY] = "represented by an attorney",
	[POLICY_BANKRUPTCY] = "in bankruptcy",
	[POLICY_DECEASED] = "deceased",
	[POLICY_BREATHING_SPACE] = "in breathing space",
	[POLICY_DISPUTE_UNVERIFIED] = "dispute not yet verified",
	[POLICY_WORKPLACE_PROHIBITED] = "employer prohibits contact at work",
	[POLICY_WORK_EMAIL] = "work email address",
	[POLICY_NO_AUTODIAL_CONSENT] = "no consent to autodialed calls",
	[POLICY_NO_SMS_CONSENT] = "no consent to texts",
	[POLICY_OPTED_OUT] = "opted out of this channel",
	[POLICY_NO_OPT_OUT_NOTICE] = "message lacks an opt-out notice",
	[POLICY_VULNERABLE_SPECIALIST_ONLY] = "vulnerable: specialists only",
};

const char *
contactability_reason_text(enum policy_reason r)
{
	return (unsigned)r < POLICY_REASON_COUNT ? reason_texts[r] : "?";
}

enum policy_role
contactability_role(const char *settings_role)
{
	if (strcmp(settings_role, "specialist") == 0)
		return POLICY_SPECIALIST;
	if (strcmp(settings_role, "lead") == 0)
		return POLICY_LEAD;
	return POLICY_AGENT;
}

static policy_reasons
permanent_reasons(void)
{
	policy_reasons mask = 0;

	for (int r = 0; r < POLICY_REASON_COUNT; r++)
		if (policy_reason_permanent(r))
			mask |= POLICY_BIT(r);
	return mask;
}

static int
prepare(struct contactability *c, const char *sql, sqlite3_stmt **st, struct err *e)
{
	sqlite3 *db = store_db(c->store);

	if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK)
		return err_set(e, "%s: %s", store_path(c->store), sqlite3_errmsg(db));
	return 0;
}

struct contactability *
contactability_new(struct store *s, const struct settings *cfg, struct err *e)
{
	struct contactability *c = calloc(1, sizeof *c);
	const char *profile = cfg->profile[0] != '\0' ? cfg->profile : POLICY_DEFAULT_PROFILE;

	if (c == NULL)
		abort();
	c->store = s;
	c->role = contactability_role(cfg->role);
	snprintf(c->user, sizeof c->user, "%s", cfg->user);
	c->tz = policy_tzcache_new();
	if (policy_profiles_load(&c->profiles, e) == -1)
		goto fail;
	if ((c->default_profile = policy_profiles_find(&c->profiles, profile)) == NULL) {
		err_set(e, "unknown policy profile '%s'", profile);
		goto fail;
	}
	if (prepare(c, "SELECT a.profile, a.flags, p.zones, a.party_id FROM accounts a "
		       "JOIN parties p ON p.id = a.party_id WHERE a.ext_id = ?",
		    &c->account_st, e) == -1 ||
	    prepare(c, "SELECT id, kind, unseal(value, 'contact_points', id), zones, consent "
		       "FROM contact_points "
		       "WHERE party_id = ? ORDER BY id",
		    &c->points_st, e) == -1 ||
	    prepare(c, "SELECT kind, at, unseal(body, 'events', id) FROM events "
		       "WHERE account_id = ? AND at >= ? "
		       "AND kind IN ('attempt', 'callback')",
		    &c->events_st, e) == -1)
		goto fail;
	return c;
fail:
	contactability_free(&c);
	return NULL;
}

void
contactability_free(struct contactability **cp)
{
	struct contactability *c = *cp;

	if (c == NULL)
		return;
	sqlite3_finalize(c->account_st);
	sqlite3_finalize(c->points_st);
	sqlite3_finalize(c->events_st);
	policy_tzcache_free(&c->tz);
	free(c->history);
	free(c->todo);
	free(c);
	*cp = NULL;
}

static void
copy_column(char *dst, size_t len, sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	snprintf(dst, len, "%s", t != NULL ? (const char *)t : "");
}

/* The account's recent attempts and the latest callback request into c->facts. */
static int
history_load(struct contactability *c, const char *account_id, int64_t now, struct err *e)
{
	sqlite3_stmt *st = c->events_st;
	struct policy_facts *f = &c->facts;
	int rc;

	f->nhistory = 0;
	f->callback_given_at = POLICY_NONE;
	sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now - (int64_t)CONTACT_HISTORY_DAYS * DAY_SECONDS);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		int64_t at = sqlite3_column_int64(st, 1);
		const char *body = (const char *)sqlite3_column_text(st, 2);

		/* The consumer asking to be called back is the consent of rule 6a. */
		if (strcmp(kind, "callback") == 0) {
			if (f->callback_given_at == POLICY_NONE || at > f->callback_given_at)
				f->callback_given_at = at;
			continue;
		}
		if (f->nhistory == c->history_cap) {
			c->history_cap = c->history_cap ? c->history_cap * 2 : 32;
			c->history = realloc(c->history, c->history_cap * sizeof *c->history);
			if (c->history == NULL)
				abort();
		}
		if (body != NULL && contact_attempt_decode(body, at, &c->history[f->nhistory]))
			f->nhistory++;
	}
	sqlite3_reset(st);
	f->history = c->history;
	if (rc != SQLITE_DONE)
		return err_set(e, "%s: %s", store_path(c->store), sqlite3_errmsg(store_db(c->store)));
	return 0;
}

/* The account's consumer facts into c->facts and its contact points into out. 0, 1 when there
 * is no such account, or -1. */
static int
facts_load(struct contactability *c, const char *account_id, int64_t now,
	   const struct policy_profile **profile, struct account_contact *out, struct err *e)
{
	sqlite3_stmt *st = c->account_st;
	struct policy_facts *f = &c->facts;
	char name[16], zones[ZONES_LEN];
	int64_t party;
	int rc;

	sqlite3_bind_text(st, 1, account_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		if (rc == SQLITE_DONE)
			return 1;
		return err_set(e, "%s: %s", store_path(c->store), sqlite3_errmsg(store_db(c->store)));
	}
	copy_column(name, sizeof name, st, 0);
	*f = (struct policy_facts){
		.at = now,
		.role = c->role,
		.flags = (unsigned)sqlite3_column_int(st, 1),
		/* The cache has no record of a verification being sent yet, nor of stated
		 * inconvenient times or channel opt-outs (docs/POLICY.md). */
		.dispute_verified_at = POLICY_NONE,
		/* Every text and email the workstation starts goes out on a template that
		 * carries the opt-out notice (docs/POLICY.md). */
		.opt_out_notice = true,
	};
	copy_column(zones, sizeof zones, st, 2);
	f->nzones = contact_zones_split(zones, f->zones);
	party = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	*profile = name[0] != '\0' ? policy_profiles_find(&c->profiles, name) : c->default_profile;
	if (*profile == NULL)
		return err_set(e, "account %s: unknown policy profile '%s'", account_id, name);

	st = c->points_st;
	out->npoints = 0;
	sqlite3_bind_int64(st, 1, party);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->npoints < CONTACT_MAX_POINTS) {
		struct contact_point *cp = &out->points[out->npoints++].point;

		cp->id = sqlite3_column_int64(st, 0);
		cp->kind = (enum contact_kind)sqlite3_column_int(st, 1);
		copy_column(cp->value, sizeof cp->value, st, 2);
		copy_column(cp->zones, sizeof cp->zones, st, 3);
		cp->consent = (unsigned)sqlite3_column_int(st, 4);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return err_set(e, "%s: %s", store_path(c->store), sqlite3_errmsg(store_db(c->store)));
	return history_load(c, account_id, now, e);
}

/* The channels an agent starts on a kind of contact point, best first. */
static int
kind_channels(enum contact_kind k, enum policy_channel out[CONTACT_MAX_CHANNELS])
{
	switch (k) {
	case CONTACT_MOBILE:
		out[0] = POLICY_CALL;
		out[1] = POLICY_SMS;
		return 2;
	case CONTACT_LANDLINE:
	case CONTACT_WORK:
		out[0] = POLICY_CALL;
		return 1;
	case CONTACT_EMAIL:
	case CONTACT_WORK_EMAIL:
		out[0] = POLICY_EMAIL;
		return 1;
	case CONTACT_ADDRESS:
	case CONTACT_KIND_COUNT:
		break;
	}
	return 0;
}

/* The fast path asks only which reasons block now, and searches for a next time only when
 * every reason passes with time. */
static void
decide(struct contactability *c, const struct policy_profile *p, bool detail,
       struct policy_decision *d)
{
	static policy_reasons permanent;
	policy_reasons r;

	if (detail) {
		policy_decide(p, &c->facts, c->tz, d);
		return;
	}
	if (permanent == 0)
		permanent = permanent_reasons();
	r = policy_check(p, &c->facts, c->tz);
	if (r == 0 || (r & permanent) != 0) {
		*d = (struct policy_decision){
			.allowed = r == 0, .reasons = r, .next_allowed_at = POLICY_NONE};
		return;
	}
	policy_decide(p, &c->facts, c->tz, d);
}

/* Rule 5 as the agent sees it: counted calls still allowed on today's local date in the
 * consumer's primary zone; -1 when no zone is known. */
static int
calls_left(const struct policy_profile *p, const struct policy_facts *f, int64_t now)
{
	const char *zone = f->nzones > 0 ? f->zones[0] : NULL;
	struct local_time today, then;
	int n = 0;

	if (zone == NULL || tz_local(zone, now, &today) == -1)
		return -1;
	for (size_t i = 0; i < f->nhistory; i++) {
		const struct policy_attempt *a = &f->history[i];
		bool counted = a->result == POLICY_NO_ANSWER || a->result == POLICY_VOICEMAIL ||
			       a->result == POLICY_CONVERSATION || a->result == POLICY_WRONG_PARTY;

		if (a->channel != POLICY_CALL || a->inbound || !counted || a->at > now ||
		    tz_local(zone, a->at, &then) == -1)
			continue;
		if (today.date - then.date >= 0 && today.date - then.date < p->frequency_days)
			n++;
	}
	return n >= p->max_calls ? 0 : p->max_calls - n;
}

/* Sets the facts of point cp and channel ch over the consumer's. */
static void
facts_point(struct policy_facts *f, const struct contact_point *cp, enum policy_channel ch)
{
	f->channel = ch;
	f->contact_kind = cp->kind;
	f->consent = cp->consent;
	f->ncontact_zones = contact_zones_split(cp->zones, f->contact_zones);
}

int
contactability_account(struct contactability *c, const char *account_id, int64_t now,
		       bool detail, struct account_contact *out, struct err *e)
{
	const struct policy_profile *p = NULL;
	const struct contact_verdict *best = NULL;
	int rc, i, k, rank;

	memset(out, 0, offsetof(struct account_contact, points));
	out->npoints = 0;
	if ((rc = facts_load(c, account_id, now, &p, out, e)) != 0)
		return rc;
	out->best = -1;
	out->calls_max = p->max_calls;
	out->calls_left = detail ? calls_left(p, &c->facts, now) : -1;
	for (i = 0; i < out->npoints; i++) {
		struct contact_point_state *ps = &out->points[i];
		enum policy_channel chans[CONTACT_MAX_CHANNELS];

		ps->nverdicts = kind_channels(ps->point.kind, chans);
		for (k = 0; k < ps->nverdicts; k++)
			ps->verdicts[k] = (struct contact_verdict){.channel = chans[k]};
	}
	/* Calls first, then texts, then email; within a channel, points in their order. The best
	 * point is the first allowed now, else the one that opens soonest, else the first. */
	for (rank = 0; rank < 3 && (detail || best == NULL || !best->d.allowed); rank++) {
		enum policy_channel want = rank == 0 ? POLICY_CALL : rank == 1 ? POLICY_SMS
									: POLICY_EMAIL;

		for (i = 0; i < out->npoints; i++) {
			struct contact_point_state *ps = &out->points[i];

			for (k = 0; k < ps->nverdicts; k++) {
				struct contact_verdict *v = &ps->verdicts[k];

				if (v->channel != want || (!detail && best != NULL && best->d.allowed))
					continue;
				facts_point(&c->facts, &ps->point, want);
				decide(c, p, detail, &v->d);
				v->decided = true;
				if (best == NULL || (v->d.allowed && !best->d.allowed) ||
				    (!best->d.allowed && v->d.next_allowed_at != POLICY_NONE &&
				     (best->d.next_allowed_at == POLICY_NONE ||
				      v->d.next_allowed_at < best->d.next_allowed_at))) {
					best = v;
					out->best = i;
				}
			}
		}
	}
	if (best == NULL) {
		out->state = QUEUE_CONTACT_BLOCKED;
		return 0;
	}
	out->best_channel = best->channel;
	out->reasons = best->d.allowed ? 0 : best->d.reasons;
	out->next_allowed_at = best->d.allowed ? 0 : best->d.next_allowed_at;
	out->state = best->d.allowed			       ? QUEUE_CONTACT_NOW
		     : best->d.next_allowed_at != POLICY_NONE ? QUEUE_CONTACT_LATER
							       : QUEUE_CONTACT_BLOCKED;
	return 0;
}

/* The words of the first reason in a set, for the queue's why line. */
static const char *
first_reason_text(policy_reasons r)
{
	for (int i = 0; i < POLICY_REASON_COUNT; i++)
		if (r & POLICY_BIT(i))
			return reason_texts[i];
	return NULL;
}

void
contactability_sweep_start(struct contactability *c, const struct queue *q)
{
	unsigned char *seen;
	size_t i, k = 0;

	free(c->todo);
	c->todo = NULL;
	c->ntodo = c->next = 0;
	c->sweep_n = q->n;
	if (q->n == 0)
		return;
	if ((c->todo = malloc(q->n * sizeof *c->todo)) == NULL ||
	    (seen = calloc(q->n, 1)) == NULL)
		abort();
	/* The top of the queue first, in rank order; then the rest in load order, which is the
	 * cache's row order: in rank order every account is a random read of a large file, and a
	 * sweep in row order takes 3.8 s instead of 6.8 s at 100,000 accounts (contact_bench). */
	for (i = 0; i < q->nvisible && i < SWEEP_RANKED_FIRST; i++) {
		c->todo[k++] = q->order[i];
		seen[q->order[i]] = 1;
	}
	for (i = 0; i < q->n; i++)
		if (!seen[i])
			c->todo[k++] = i;
	free(seen);
	c->ntodo = k;
}

static long
elapsed_us(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000000L + (t.tv_nsec - t0->tv_nsec) / 1000;
}

int
contactability_sweep_step(struct contactability *c, struct queue *q, int64_t now,
			  long budget_us, bool *changed, struct err *e)
{
	struct account_contact *ac = &c->scratch;
	struct timespec t0;
	int rc = 0;

	*changed = false;
	/* The queue was reloaded under the sweep: its indices mean other accounts now. */
	if (q->n != c->sweep_n)
		c->ntodo = c->next = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (c->next < c->ntodo && rc == 0) {
		struct queue_item *it = &q->items[c->todo[c->next++]];
		struct queue_item was = *it;

		rc = contactability_account(c, it->id, now, false, ac, e);
		if (rc == 1) {
			/* gone from the cache since the queue was loaded: a reload will drop it */
			rc = 0;
			continue;
		}
		if (rc == -1) {
			it->contact = QUEUE_CONTACT_BLOCKED;
			it->contact_reasons = 0;
			it->contact_why = "could not be evaluated";
			it->contact_next = 0;
		} else {
			it->contact = ac->state;
			it->contact_reasons = ac->reasons;
			it->contact_why = ac->state == QUEUE_CONTACT_NOW ? NULL
					  : ac->best == -1	      ? "no phone or email on file"
								      : first_reason_text(ac->reasons);
			it->contact_next = ac->state == QUEUE_CONTACT_LATER ? ac->next_allowed_at : 0;
		}
		if (it->contact != was.contact || it->contact_reasons != was.contact_reasons ||
		    it->contact_next != was.contact_next)
			*changed = true;
		if (elapsed_us(&t0) >= budget_us)
			break;
	}
	if (rc == -1)
		return -1;
	return c->next < c->ntodo;
}

int
contactability_device_id(struct store *s, char buf[37], struct err *e)
{
	int rc = store_state_get(s, "device_id", buf, 37, e);

	if (rc != 1)
		return rc;
	evidence_uuid(buf);
	return store_state_set(s, "device_id", buf, e);
}

/* Canonical JSON text of obj (which this takes), or NULL; free() it. */
static char *
json_text(json_t *obj)
{
	char *text = obj != NULL ? json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS) : NULL;

	json_decref(obj);
	return text;
}

static int
record(struct contactability *c, const char *account_id, const char *kind, int64_t at,
       json_t *body, bool own_transaction, struct err *e)
{
	char *text = json_text(body);
	struct event_draft d = {
		.device = c->device, .user = c->user, .account_id = account_id, .kind = kind,
		.at = at, .body = text,
	};
	int rc;

	if (text == NULL)
		abort();
	rc = own_transaction ? evidence_record(c->store, &d, NULL, e)
			     : evidence_append(c->store, &d, NULL, e);
	free(text);
	return rc;
}

static bool
blank(const char *s)
{
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return false;
	return true;
}

/* The override's body: what was blocked, why, and the lead's words. */
static json_t *
override_body(const struct contactability *c, const struct contact_request *r,
	      const char *contact, policy_reasons reasons)
{
	json_t *codes = json_array();
	const char *text = r->override_reason;
	size_t len;

	for (int i = 0; i < POLICY_REASON_COUNT; i++)
		if (reasons & POLICY_BIT(i))
			json_array_append_new(codes, json_string(policy_reason_name(i)));
	while (isspace((unsigned char)*text))
		text++;
	len = strlen(text);
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;
	return json_pack("{s:s, s:s, s:o, s:s%, s:s}", "channel", policy_channel_name(r->channel),
			 "contact", contact, "reasons", codes, "reason_text", text, len, "by",
			 c->user);
}

int
contactability_start(struct contactability *c, const struct contact_request *r,
		     struct policy_decision *d, struct err *e)
{
	struct account_contact *ac = &c->scratch;
	const struct contact_verdict *v = NULL;
	const char *contact = NULL;
	int rc, i, k;

	if (r->channel != POLICY_CALL && r->channel != POLICY_SMS && r->channel != POLICY_EMAIL)
		return err_set(e, "the workstation starts calls, texts and emails only");
	if ((rc = contactability_account(c, r->account_id, r->now, true, ac, e)) != 0)
		return rc == 1 ? err_set(e, "account %s is no longer in the cache", r->account_id)
			       : -1;
	for (i = 0; i < ac->npoints && ac->points[i].point.id != r->point_id; i++)
		continue;
	if (i == ac->npoints)
		return err_set(e, "no such contact point on account %s", r->account_id);
	contact = contact_kind_name(ac->points[i].point.kind);
	for (k = 0; k < ac->points[i].nverdicts; k++)
		if (ac->points[i].verdicts[k].channel == r->channel)
			v = &ac->points[i].verdicts[k];
	if (v == NULL)
		return err_set(e, "a %s contact point takes no %s", contact,
			       policy_channel_name(r->channel));
	*d = v->d;
	if (!d->allowed && r->override_reason == NULL)
		return CONTACT_REFUSED;
	if (!d->allowed && c->role != POLICY_LEAD)
		return err_set(e, "only a lead may override a policy block");
	if (!d->allowed && blank(r->override_reason))
		return err_set(e, "an override needs a reason");
	if (c->device[0] == '\0' && contactability_device_id(c->store, c->device, e) == -1)
		return -1;
	if (d->allowed) {
		if (record(c, r->account_id, "contact_started", r->now,
			   json_pack("{s:s, s:s, s:s}", "channel", policy_channel_name(r->channel),
				     "contact", contact, "policy", "allow"),
			   true, e) == -1)
			return -1;
		return CONTACT_STARTED;
	}
	/* One transaction: an override is never on disk without the contact it allowed. */
	if (store_begin(c->store, e) == -1)
		return -1;
	if (record(c, r->account_id, "policy_override", r->now,
		   override_body(c, r, contact, d->reasons), false, e) == -1 ||
	    record(c, r->account_id, "contact_started", r->now,
		   json_pack("{s:s, s:s, s:s}", "channel", policy_channel_name(r->channel),
			     "contact", contact, "policy", "override"),
		   false, e) == -1 ||
	    store_commit(c->store, e) == -1) {
		store_rollback(c->store);
		return -1;
	}
	return CONTACT_OVERRIDDEN;
}

int
contactability_overrides(struct store *s, struct override_count **out, size_t *n,
			 struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT user, count(*) FROM events WHERE kind = 'policy_override' "
				   "GROUP BY user ORDER BY user",
			       -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "%s: %s", store_path(s), sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((*out = realloc(*out, cap * sizeof **out)) == NULL)
				abort();
		}
		copy_column((*out)[*n].user, sizeof (*out)[*n].user, st, 0);
		(*out)[(*n)++].count = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return err_set(e, "%s: %s", store_path(s), sqlite3_errmsg(db));
	}
	return 0;
}
