/* qa.h - quality review of scripted calls: the call records (each call through a script, as
 * its events left it), one record's steps and checkpoints in order with breaches flagged, and
 * the reviewer's score as a qa_score event. docs/QA.md. */
#ifndef ARREARS_QA_H
#define ARREARS_QA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "casework.h"
#include "err.h"
#include "kpi.h"
#include "model.h"
#include "qa_card.h"
#include "script.h"

struct store;

/* One scripted call as the list shows it. */
struct qa_call {
	char id[37];			/* the call's id, as on its events */
	char account[ACCOUNT_ID_LEN];
	char agent[64];			/* who ran the call (the user of call_start) */
	char script[64];		/* the script's id */
	int64_t started_at;
	char outcome[24];		/* the attempt's result; "" while the call is not closed */
	int waived;			/* checkpoints overridden with a reason */
	int skipped;			/* checkpoints whose step was passed without them */
	bool reviewed;			/* a qa_score exists; the fields below are the latest */
	int percent;
	bool passed;
	char reviewer[64];
};

/* Whether the call breached its script: a checkpoint skipped or overridden. */
bool qa_call_breach(const struct qa_call *c);

#define QA_ANY_DAY INT32_MIN

/* Which calls to list; NULL or "" strings and QA_ANY_DAY match everything. */
struct qa_filter {
	const char *agent;
	const char *script;
	const char *outcome;		/* an attempt result, or "open" for calls not closed */
	int32_t from, to;		/* days (UTC) the call started on, inclusive */
	bool breach_only;
	int reviewed;			/* -1 any, 0 not reviewed yet, 1 reviewed */
};

/* Whether call c passes filter f (for a list already loaded). */
bool qa_call_matches(const struct qa_filter *f, const struct qa_call *c);

/* A filter that matches every call. */
void qa_filter_any(struct qa_filter *f);

/* Finds a loaded script by id (NULL when unknown), so skipped checkpoints can be told from the
 * script's steps; ctx is the caller's. */
typedef const struct script *(*qa_script_fn)(void *ctx, const char *id);

/* The scripted calls that match f, newest first, into a new array (free with free()). fn may be
 * NULL: then only waived checkpoints count as breaches. 0 or -1. */
int qa_calls_list(struct store *s, const struct qa_filter *f, qa_script_fn fn, void *ctx,
		  struct qa_call **out, size_t *n, struct err *e);

enum qa_entry_kind {
	QA_E_START,
	QA_E_ANSWER,
	QA_E_DONE,		/* a checkpoint ticked */
	QA_E_WAIVED,		/* a checkpoint overridden with a reason: a breach */
	QA_E_SKIPPED,		/* a checkpoint's step passed without it: a breach */
	QA_E_PROMISE,
	QA_E_OUTCOME,		/* the attempt that closed the call, and what it opened */
	QA_E_SCORE		/* an earlier review */
};

/* One line of a call record. */
struct qa_entry {
	int64_t at;
	enum qa_entry_kind kind;
	char checkpoint[32];		/* the checkpoint id for DONE, WAIVED, SKIPPED */
	char text[320];
	size_t order;			/* reading order, for ties in time */
};

/* What happened to one of the script's checkpoints during the call. */
enum qa_cp_state { QA_CP_NOT_REACHED, QA_CP_DONE, QA_CP_WAIVED, QA_CP_SKIPPED };

struct qa_cp {
	char id[32];
	enum qa_cp_state state;
};

/* One call record: the summary, its entries in time order, its script's checkpoints. */
struct qa_record {
	struct qa_call call;
	struct qa_entry *entries;	/* owned */
	size_t n;
	struct qa_cp *cps;		/* owned; empty when the script is unknown */
	size_t ncps;
	bool script_known;
};

/* Reads one call record by call id. 1 when there is no such call, 0, or -1. */
int qa_record_get(struct store *s, const char *call_id, qa_script_fn fn, void *ctx,
		  struct qa_record *out, struct err *e);

/* Frees what a record holds and zeroes it. */
void qa_record_clear(struct qa_record *r);

/* Proposes a result for each card item from the record: a linked checkpoint done passes,
 * waived or skipped fails, absent from the script is not applicable; the rest stay unset for
 * the reviewer. results has one slot per card item. */
void qa_suggest(const struct qa_card *card, const struct qa_record *r, enum qa_result *results);

/* Records a review of the call as a qa_score event on the call's account (committed when this
 * returns 0): per-item results, total, pass or fail, reviewer (cw->user) and comment (may be
 * empty). Refuses an unscored item, an invalid comment, and a review of one's own call. t
 * (may be NULL) gets the total. */
int qa_score_record(const struct casework *cw, const struct qa_card *card,
		    const struct qa_record *r, const enum qa_result *results, const char *comment,
		    int64_t now, struct qa_total *t, struct err *e);

/* The agent compliance score of agent (kpi_compliance_score) from the cache's qa_score and
 * policy_override events. 0 or -1. */
int qa_compliance(struct store *s, const char *agent, struct kpi_rate *out, struct err *e);

#endif
