/* run.h - `arrearsd run`: a strategy book evaluated over every account of the book once, each
 * due message step dispatched through a sender under the contact policy or deferred with its
 * reasons, calls, visits and agency steps recorded as due work, every outcome an event on the
 * server's own chain (run_history.h). Idempotent: a step given once is never given again. */
#ifndef ARREARS_SERVER_RUN_H
#define ARREARS_SERVER_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "problems.h"
#include "run_decide.h"
#include "store.h"
#include "strategy.h"
#include "template.h"

struct sender;

struct run_options {
	const struct strategy_book *book;
	const struct template_set *templates;
	const char *profile;	/* the contact-policy profile of the book's accounts */
	const char *pay_link;	/* {pay_link}; "" when none */
	int64_t at;		/* the run's time: dpd counts at its UTC day */
	bool dry_run;		/* decide and report; send and record nothing */
	size_t page;		/* accounts read at a time */
};

/* What happened to one account, as the run reports it. */
enum run_outcome {
	RUN_OUT_NONE,		/* nothing to do (no step, cured, paused, done already) */
	RUN_OUT_SENT,		/* sent (or, for a letter, queued to print) and recorded */
	RUN_OUT_DEFERRED,	/* recorded as deferred */
	RUN_OUT_DEFERRED_AGAIN,	/* deferred as recorded before: nothing new written */
	RUN_OUT_FAILED,		/* the provider refused it for good; recorded */
	RUN_OUT_DUE,		/* recorded as due work */
	RUN_OUT_WOULD		/* a dry run: what decision says would be done */
};

struct run_line {
	const char *account;
	const struct run_decision *d;
	enum run_outcome outcome;
	const char *template_id;	/* "" when the step has none */
	const char *contact;	/* the contact point's kind, "" when none */
	const char *why;	/* the provider's reason, "" when none */
};

struct run_totals {
	size_t accounts;
	size_t verdicts[RUN_DUE + 1];	/* accounts per decision */
	size_t sent, deferred, failed, due, written;	/* what was done (not on dry runs) */
	int64_t next_at;	/* the earliest time a deferral opens with time; 0 when none */
};

/* Loads the templates and a book for a run: name is a book of the strategies directory, or a
 * path (with a '/'); version, when not NULL, picks NAME.vVERSION.conf instead, and the book
 * must say that version. Problems of the data go to p; 0, or -1 with e. */
int run_book_open(const char *name, const char *version, struct template_set **ts,
		  struct strategy_book **b, struct problems *p, struct err *e);

/* Runs o over every account of st. snd may be NULL only for a dry run. Each account's outcome
 * goes to report(ctx, line). 0, or -1 with e (what was recorded before stays recorded). */
int run_execute(struct server_store *st, struct sender *snd, const struct run_options *o,
		void (*report)(void *ctx, const struct run_line *l), void *ctx,
		struct run_totals *t, struct err *e);

#endif
