/* run_decide.h - what a strategy run does about one account at one time: pure, over the
 * account, its history (run_history.h), the book and the contact policy. docs/ARCHITECTURE.md
 * "Strategy runs". */
#ifndef ARREARS_SERVER_RUN_DECIDE_H
#define ARREARS_SERVER_RUN_DECIDE_H

#include <stdint.h>

#include "policy.h"
#include "run_history.h"
#include "strategy.h"
#include "wire.h"

/* Days after a promise's last day that a promise nobody judged still counts as open; the
 * workstation's default ptp.grace_days. After them the run takes it as broken. */
#define RUN_PROMISE_GRACE_DAYS 3

enum run_verdict {
	RUN_NOTHING,	/* no step now: none started, or the segment has none */
	RUN_CURED,	/* nothing past due: no treatment */
	RUN_PAUSED,	/* a kept promise holds the sequence until its last day */
	RUN_DONE,	/* the current step was given already */
	RUN_SEND,	/* a message the policy allows now */
	RUN_DEFER,	/* a message the policy (or a missing contact point) holds back */
	RUN_DUE		/* a call, visit or agency step: work for people, recorded as due */
};

/* A run's own reasons, besides the policy's. */
enum run_reason {
	RUN_REASON_NONE,
	RUN_REASON_NO_CONTACT_POINT,	/* no contact point of the step's channel */
	RUN_REASON_PROVIDER_RETRY	/* the provider failed for now (set by the run) */
};

struct run_decision {
	enum run_verdict verdict;
	int dpd;
	struct strategy_decision sd;
	const char *segment;	/* borrowed from the book */
	const char *arm;	/* "champion" or "challenger" */
	char key[RUN_KEY_LEN];	/* the step's, when there is a step */
	const struct run_mark *mark;	/* what was done about it before, or NULL */
	int channel;		/* enum channel of a message step, else -1 */
	int point;		/* the contact point used or waited for, -1 when none */
	policy_reasons reasons;
	enum run_reason extra;
	int64_t next_at;	/* RUN_DEFER: when it may go, POLICY_NONE when not with time */
};

/* What the run knows of the account besides its record. */
struct run_account_facts {
	const struct run_history *history;	/* the steps given so far; NULL for none */
	const struct policy_attempt *attempts;
	size_t nattempts;
	const struct run_promise *promise;	/* may be NULL */
};

/* Decides account a at time at (its day is at's UTC day) under book b and profile p; a step
 * marked done in h->history is RUN_DONE. tz may be NULL. */
void run_decide(const struct strategy_book *b, const struct policy_profile *p,
		const struct wire_account *a, const struct run_account_facts *h, int64_t at,
		struct policy_tzcache *tz, struct run_decision *d);

/* The reason codes of d as a JSON-ready list in buf ("NO_SMS_CONSENT,OUTSIDE_HOURS"). */
char *run_reasons_text(const struct run_decision *d, char *buf, size_t len);

/* "sent", "deferred", ... */
const char *run_verdict_name(enum run_verdict v);

#endif
