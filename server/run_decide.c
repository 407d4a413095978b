/* run_decide.c - one account's part of a strategy run, decided without touching anything. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "contact_facts.h"
#include "run_decide.h"

static const char *const verdict_names[] = {
	[RUN_NOTHING] = "nothing", [RUN_CURED] = "cured", [RUN_PAUSED] = "paused",
	[RUN_DONE] = "done",	   [RUN_SEND] = "send",	  [RUN_DEFER] = "defer",
	[RUN_DUE] = "due",
};

const char *
run_verdict_name(enum run_verdict v)
{
	return (unsigned)v < sizeof verdict_names / sizeof verdict_names[0] ? verdict_names[v]
									     : "?";
}

/* The promise state the strategy sees: an open promise nobody judged within its grace days is
 * taken as broken, since only a workstation judges promises against payments. */
static enum ptp_state
promise_state(const struct run_promise *p, int32_t today)
{
	if (p == NULL)
		return PTP_NONE;
	if (p->state == PTP_PENDING && today > p->due + RUN_PROMISE_GRACE_DAYS)
		return PTP_BROKEN;
	return p->state;
}

static policy_reasons
permanent_reasons(void)
{
	policy_reasons mask = 0;

	for (int r = 0; r < POLICY_REASON_COUNT; r++)
		if (policy_reason_permanent((enum policy_reason)r))
			mask |= POLICY_BIT(r);
	return mask;
}

/* Whether a contact point can carry a message of channel ch. */
static bool
point_takes(enum contact_kind k, enum channel ch)
{
	switch (ch) {
	case CHANNEL_SMS:
		return k == CONTACT_MOBILE;
	case CHANNEL_EMAIL:
		return k == CONTACT_EMAIL || k == CONTACT_WORK_EMAIL;
	case CHANNEL_LETTER:
		return k == CONTACT_ADDRESS;
	case CHANNEL_COUNT:
		break;
	}
	return false;
}

static enum policy_channel
policy_channel_of(enum channel ch)
{
	return ch == CHANNEL_SMS ? POLICY_SMS : ch == CHANNEL_EMAIL ? POLICY_EMAIL : POLICY_LETTER;
}

/* Asks the policy about every point that takes the message: the first allowed now wins, else
 * the one that opens soonest, else the first (as the workstation picks its best point). */
static void
message_decide(const struct policy_profile *p, const struct wire_account *a,
	       const struct run_account_facts *h, int64_t at, struct policy_tzcache *tz,
	       struct run_decision *d)
{
	static struct policy_facts f;	/* 2 KB, rebuilt for every point; one run at a time */
	struct policy_decision best = { 0 }, pd;

	f = (struct policy_facts){
		.at = at,
		.channel = policy_channel_of((enum channel)d->channel),
		.role = POLICY_AGENT,
		.flags = a->account.flags,
		.dispute_verified_at = POLICY_NONE,
		.callback_given_at = POLICY_NONE,
		/* every template carries its opt-out text: strategy_book_load refuses one without */
		.opt_out_notice = true,
		.history = (struct policy_attempt *)h->attempts,
		.nhistory = h->nattempts,
	};
	f.nzones = contact_zones_split(a->account.zones, f.zones);
	d->point = -1;
	for (size_t i = 0; i < a->ncontacts; i++) {
		const struct contact_point *cp = &a->contacts[i];

		if (!point_takes(cp->kind, (enum channel)d->channel))
			continue;
		f.contact_kind = cp->kind;
		f.consent = cp->consent;
		f.ncontact_zones = contact_zones_split(cp->zones, f.contact_zones);
		policy_decide(p, &f, tz, &pd);
		if (d->point == -1 || (pd.allowed && !best.allowed) ||
		    (!best.allowed && pd.next_allowed_at != POLICY_NONE &&
		     (best.next_allowed_at == POLICY_NONE ||
		      pd.next_allowed_at < best.next_allowed_at))) {
			best = pd;
			d->point = (int)i;
		}
		if (best.allowed)
			break;
	}
	if (d->point == -1) {
		d->verdict = RUN_DEFER;
		d->extra = RUN_REASON_NO_CONTACT_POINT;
		d->next_at = POLICY_NONE;
		return;
	}
	d->verdict = best.allowed ? RUN_SEND : RUN_DEFER;
	d->reasons = best.allowed ? 0 : best.reasons;
	/* a block until the facts change is the whole story: the hour of the run adds nothing,
	 * and would make each night's deferral look new */
	if ((d->reasons & permanent_reasons()) != 0)
		d->reasons &= permanent_reasons();
	d->next_at = best.allowed ? POLICY_NONE : best.next_allowed_at;
}

void
run_decide(const struct strategy_book *b, const struct policy_profile *p,
	   const struct wire_account *a, const struct run_account_facts *h, int64_t at,
	   struct policy_tzcache *tz, struct run_decision *d)
{
	int32_t today = date_of_time(at);
	struct account acct = a->account;
	struct strategy_facts f;

	*d = (struct run_decision){ .channel = -1, .point = -1, .next_at = POLICY_NONE };
	acct.ptp_state = promise_state(h->promise, today);
	strategy_facts_of(&acct, today, &f);
	/* paid up: the due date stays until the next statement, but nothing is owed now */
	if (acct.past_due <= 0)
		f.dpd = 0;
	d->dpd = f.dpd;
	strategy_decide(b, acct.id, &f, &d->sd);
	d->segment = b->segments[d->sd.segment].id;
	d->arm = d->sd.challenger ? "challenger" : "champion";
	if (acct.past_due <= 0) {
		d->verdict = RUN_CURED;
		return;
	}
	if (acct.ptp_state == PTP_KEPT && today <= h->promise->due) {
		d->verdict = RUN_PAUSED;
		return;
	}
	if (d->sd.step == NULL) {
		d->verdict = RUN_NOTHING;
		return;
	}
	run_key(b->name, b->version, d->segment, d->arm, d->sd.step_no, d->key);
	if (h->history != NULL)
		d->mark = run_history_mark(h->history, acct.id, d->key);
	if (d->mark != NULL && d->mark->done) {
		d->verdict = RUN_DONE;
		return;
	}
	d->channel = step_action_channel(d->sd.step->action);
	if (d->channel < 0) {
		d->verdict = RUN_DUE;
		return;
	}
	message_decide(p, a, h, at, tz, d);
}

char *
run_reasons_text(const struct run_decision *d, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (d->extra == RUN_REASON_NO_CONTACT_POINT)
		n += (size_t)snprintf(buf + n, len - n, "NO_CONTACT_POINT");
	else if (d->extra == RUN_REASON_PROVIDER_RETRY)
		n += (size_t)snprintf(buf + n, len - n, "PROVIDER_RETRY");
	for (int r = 0; r < POLICY_REASON_COUNT && n < len; r++)
		if (d->reasons & POLICY_BIT(r))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n > 0 ? "," : "",
					      policy_reason_name((enum policy_reason)r));
	return buf;
}
