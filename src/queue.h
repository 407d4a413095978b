/* queue.h - the prioritized work queue: scoring with explained parts, filter, sort, search. */
#ifndef ARREARS_QUEUE_H
#define ARREARS_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bands.h"
#include "err.h"
#include "model.h"
#include "policy.h"

struct store;

/* Weights of the priority score; each part is first scaled to 0..1 (docs/ARCHITECTURE.md). */
struct queue_weights {
	double callback_due;
	double ptp_broken;
	double ptp_due;
	double dpd_band;
	double balance;
	double risk;
	double idle;
};

/* Whether a case's best contact point may be contacted now, as the background evaluation
 * (src/contactability.h) found it; UNKNOWN until the evaluation has reached the case. */
enum queue_contact {
	QUEUE_CONTACT_UNKNOWN,
	QUEUE_CONTACT_NOW,
	QUEUE_CONTACT_LATER,	/* not now; contact_next says when it opens */
	QUEUE_CONTACT_BLOCKED	/* not until the facts change (cease, attorney, no consent, ...) */
};

/* One row of the queue: a compact copy of what ranking and the list need. */
struct queue_item {
	char id[ACCOUNT_ID_LEN];
	char name[NAME_LEN];
	char segment[24];
	enum product product;
	int32_t due_date;
	int dpd;
	int band;
	int64_t total, amount_due;
	int64_t last_attempt_at, last_contact_at, callback_at;
	enum ptp_state ptp_state;
	int32_t ptp_due;
	int risk;
	unsigned flags;
	double score;
	bool blocked;		/* permanently not contactable: ranked after every workable case */
	enum queue_contact contact;
	policy_reasons contact_reasons;	/* why not now; 0 when contactable or unknown */
	const char *contact_why;	/* the first reason in words; static, borrowed, or NULL */
	int64_t contact_next;	/* LATER: when the best contact point next opens */
};

/* How a case stands for the agent: what the next action row says and how it is shown. */
enum queue_attention {
	QUEUE_ATTN_NORMAL,
	QUEUE_ATTN_CALLBACK_DUE,
	QUEUE_ATTN_PTP_BROKEN,
	QUEUE_ATTN_PTP_DUE,
	QUEUE_ATTN_WARN,	/* workable, with care: attorney, breathing space, dispute */
	QUEUE_ATTN_WAIT,	/* the policy says not now: it opens later */
	QUEUE_ATTN_BLOCKED	/* no collection contact at all: cease, bankruptcy, deceased */
};

struct score_parts {
	double callback_due, ptp_broken, ptp_due, dpd_band, balance, risk, idle;
	double total;
};

enum queue_sort {
	QUEUE_SORT_SCORE,
	QUEUE_SORT_DPD,
	QUEUE_SORT_BALANCE,
	QUEUE_SORT_NAME,
	QUEUE_SORT_COUNT
};

struct queue_filter {
	int band;		/* -1 = any */
	char segment[24];	/* "" = any */
	unsigned flags;		/* every bit set here must be set on the account; 0 = any */
	char search[64];	/* case-insensitive substring of name or id; "" = any */
	/* only the accounts of the queue's `only` set (queue_only_set), e.g. one group and
	 * currency of the aging view, named by only_label */
	bool only;
	char only_label[80];
};

struct queue {
	struct queue_item *items;	/* owned */
	size_t n;
	size_t *order;		/* owned; indices into items of the visible rows, best first */
	void *sort_keys;	/* owned scratch space of the sort */
	size_t nvisible;
	enum queue_sort sort;
	struct queue_filter filter;
	struct queue_weights weights;
	struct bands bands;
	int64_t now;
	char zone[64];		/* the agent's zone, for times in explanations; "" = UTC */
	char (*only)[ACCOUNT_ID_LEN];	/* owned; sorted; what filter.only keeps */
	size_t nonly;
};

void queue_weights_default(struct queue_weights *w);

/* Loads every account of the cache into q (replacing what it held) and ranks it at now. */
int queue_load(struct queue *q, struct store *s, int64_t now, struct err *e);

/* Rereads one account from the cache into its item and scores it again at q->now, keeping what
 * the contact policy found; the order is not touched, so call queue_refilter to move it (once,
 * after refreshing several). 0, 1 when the id is not in the queue or the cache, or -1. */
int queue_refresh_item(struct queue *q, struct store *s, const char *id, struct err *e);

/* Recomputes dpd, band and score of every item at q->now, then filters and sorts. */
void queue_rank(struct queue *q);

/* Takes ids (sorted in byte order, n of them; owned from here on) as the set filter.only keeps,
 * turns filter.only on with label, and refilters. The set stays across reloads of the queue
 * until another replaces it; turning filter.only off shows every account again. */
void queue_only_set(struct queue *q, char (*ids)[ACCOUNT_ID_LEN], size_t n, const char *label);

/* Filters and sorts only (scores unchanged): for a changed filter, sort or search. */
void queue_refilter(struct queue *q);

/* The parts of one item's score at now, with nbands aging bands. */
void queue_score_parts(const struct queue_item *it, const struct queue_weights *w, int nbands,
		       int64_t now, struct score_parts *out);

/* Flags that forbid collection contact altogether; such cases rank last. Cases the policy
 * engine finds not contactable now rank after the contactable ones and before these. */
#define QUEUE_NO_CONTACT_FLAGS (AFLAG_CEASE | AFLAG_BANKRUPTCY | AFLAG_DECEASED)

/* The next action for a case at now, e.g. "callback due", and how it stands (QUEUE_ATTN_WAIT:
 * "wait", shown with contact_next). Static text. */
const char *queue_next_action(const struct queue_item *it, int64_t now,
			      enum queue_attention *attention);

/* One line saying why the item ranks where it does, e.g. "promise broken +40, 61-90 +18". */
char *queue_explain(const struct queue *q, const struct queue_item *it, char *buf, size_t len);

/* Frees what q owns; q itself may be reused after queue_init(). */
void queue_init(struct queue *q);
void queue_free(struct queue *q);

const char *queue_sort_name(enum queue_sort s);

#endif
