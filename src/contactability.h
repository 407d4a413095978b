/* contactability.h - may this account, and each of its contact points, be contacted now, and
 * if not, why and when: the policy engine (policy.h) over the cache. Facts come from the
 * account (profile, flags), the party (zones), the contact points (kind, zones, consent) and
 * the last CONTACT_HISTORY_DAYS days of the account's attempt events; every answer is for an
 * explicit `now`. Also sweeps the queue in bounded slices, and records the contacts the agent
 * starts (and a lead's overrides) as evidence. docs/POLICY.md, "In the workstation". */
#ifndef ARREARS_CONTACTABILITY_H
#define ARREARS_CONTACTABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "contact_facts.h"
#include "err.h"
#include "model.h"
#include "policy.h"
#include "queue.h"

struct settings;
struct store;

#define CONTACT_MAX_POINTS 16	/* contact points evaluated per account; the rest are ignored */
#define CONTACT_MAX_CHANNELS 2	/* channels one contact point takes (a mobile: call and sms) */

/* The engine's answer for one channel of one contact point. */
struct contact_verdict {
	enum policy_channel channel;
	bool decided;		/* false when the fast path stopped before this channel */
	struct policy_decision d;	/* next_allowed_at is POLICY_NONE when a reason is permanent
					 * (and, on the fast path, when allowed) */
};

struct contact_point_state {
	struct contact_point point;
	struct contact_verdict verdicts[CONTACT_MAX_CHANNELS];
	int nverdicts;		/* 0 for an address: letters are not started from the workstation */
};

/* An account as the agent may work it now. */
struct account_contact {
	enum queue_contact state;
	int best;		/* the point that decides state (index into points), -1 when none */
	enum policy_channel best_channel;
	policy_reasons reasons;	/* why the best point is not contactable now; 0 when it is */
	int64_t next_allowed_at;	/* LATER: when the best point next opens */
	int calls_max;		/* rule 5: counted calls allowed in the 7-date window */
	int calls_left;		/* of those, left today; detail only, -1 when not computed */
	struct contact_point_state points[CONTACT_MAX_POINTS];
	int npoints;
};

/* What happened to a contact the agent asked to start. */
enum contact_outcome {
	CONTACT_REFUSED,	/* the policy blocks it; nothing was recorded */
	CONTACT_STARTED,	/* allowed: contact_started recorded with "policy":"allow" */
	CONTACT_OVERRIDDEN	/* a lead's override: policy_override, then contact_started */
};

struct contact_request {
	const char *account_id;
	int64_t point_id;	/* contact_points.id */
	enum policy_channel channel;	/* call, sms or email */
	int64_t now;
	const char *override_reason;	/* NULL to ask the policy only */
};

/* Overrides recorded by one user. */
struct override_count {
	char user[32];
	int64_t count;
};

/* An evaluator over one cache: profiles, prepared statements and a zone cache. Owns them. */
struct contactability;

/* An evaluator for the user, role and default profile of cfg. NULL with e filled on error. */
struct contactability *contactability_new(struct store *s, const struct settings *cfg,
					  struct err *e);

/* Frees *c (NULL is fine) and clears the pointer. */
void contactability_free(struct contactability **c);

/* Decides account_id at now. Without detail it stops at the first point allowed now (the
 * queue's fast path); with detail it decides every channel of every point and counts the calls
 * left. 0, 1 when there is no such account, or -1. */
int contactability_account(struct contactability *c, const char *account_id, int64_t now,
			   bool detail, struct account_contact *out, struct err *e);

/* Asks the engine about r at r->now and, when allowed (or overridden by a lead with a reason
 * that is not blank), records the evidence, committed before it returns. d gets the decision.
 * An enum contact_outcome, or -1 (an override by someone not a lead, a blank reason, an
 * unknown contact point or channel, a failed write). */
int contactability_start(struct contactability *c, const struct contact_request *r,
			 struct policy_decision *d, struct err *e);

/* Starts a sweep over every item of q: the top visible rows in their order first, so the top
 * of the queue settles first, then the rest. Replaces a sweep under way. */
void contactability_sweep_start(struct contactability *c, const struct queue *q);

/* Evaluates items of the sweep at now until budget_us microseconds have passed, storing the
 * result on each item; *changed says whether any item's state moved. 1 while items remain,
 * 0 when the sweep is done (or none was started), -1 when an item could not be evaluated (it
 * is marked blocked, "could not be evaluated"; the next call goes on after it). */
int contactability_sweep_step(struct contactability *c, struct queue *q, int64_t now,
			      long budget_us, bool *changed, struct err *e);

/* A reason in words, e.g. "outside calling hours"; static. */
const char *contactability_reason_text(enum policy_reason r);

/* The engine's role for a settings role: specialist and lead are themselves, the rest agent. */
enum policy_role contactability_role(const char *settings_role);

/* This cache's device id (sync_state "device_id"), created as a fresh UUID on first use.
 * 0 or -1. */
int contactability_device_id(struct store *s, char buf[37], struct err *e);

/* Policy overrides per user, from the evidence, by user name: a new array in *out (free()).
 * 0 or -1. */
int contactability_overrides(struct store *s, struct override_count **out, size_t *n,
			     struct err *e);

#endif
