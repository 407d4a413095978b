/* strategy.h - segments and treatment strategies as data (data/strategies/NAME.conf,
 * arrears-strategy(5)), and the pure decision of an account's segment, arm and step. */
#ifndef ARREARS_STRATEGY_H
#define ARREARS_STRATEGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"
#include "problems.h"
#include "template.h"

enum step_action {
	STEP_SMS,
	STEP_EMAIL,
	STEP_LETTER,
	STEP_CALL,
	STEP_VISIT,
	STEP_AGENCY,
	STEP_COUNT
};

/* What conditions test: an account's flags (enum account_flag bits) and these, from the state
 * of its latest promise to pay (the model keeps no longer promise history). */
enum strategy_fact {
	FACT_PROMISE_OPEN = 1 << 16,
	FACT_PROMISE_KEPT = 1 << 17,
	FACT_PROMISE_PARTIAL = 1 << 18,
	FACT_PROMISE_BROKEN = 1 << 19
};

/* What segments and steps look at, taken from an account on a day. */
struct strategy_facts {
	int dpd;
	int64_t balance, past_due;	/* cents, in the account's currency */
	enum product product;
	int risk;			/* 0..1000 */
	unsigned facts;			/* enum account_flag | enum strategy_fact */
};

#define SEGMENT_ID_LEN 24	/* fits struct account's segment */

/* A segment's rule: every condition set must hold. A catch-all sets none. */
struct segment {
	char id[SEGMENT_ID_LEN];
	int dpd_min, dpd_max;
	int64_t balance_min, balance_max, past_due_min, past_due_max;
	int risk_min, risk_max;
	unsigned products;	/* a bit per enum product; 0 = any */
	unsigned if_any;	/* at least one must hold; 0 = no such condition */
	unsigned unless;	/* none may hold */
	bool catch_all;
	int line;
};

struct step {
	int at_dpd;
	int start;		/* the dpd it starts at: at_dpd, or later when a wait holds it */
	enum step_action action;
	char template_id[TEMPLATE_ID_LEN];	/* sms, email and letter only */
	int wait_days;		/* days the next step waits after this one starts; 0 = none */
	unsigned if_any, unless;
	int line;
};

/* An ordered sequence of steps, at_dpd strictly rising. */
struct plan {
	struct step *steps;	/* owned */
	size_t n;
};

/* A segment's treatment: the champion, and a challenger taking share percent of the
 * segment's accounts when has_challenger. */
struct strategy {
	struct plan champion, challenger;
	bool has_challenger;
	int share;
	int line;
};

/* One file: segments in order (the last a catch-all), strategies[i] treating segments[i]. */
struct strategy_book {
	char name[64];		/* the file name without ".conf" */
	char *file;		/* owned */
	int version;
	char language[8];	/* the templates' language for its messages */
	struct segment *segments;	/* owned */
	struct strategy *strategies;	/* owned */
	size_t n;
};

/* Loads a book and checks it against the templates ts (every message step's template must
 * exist for its channel in each language of ts). Every problem is added to p as
 * "file:line: message" and the rest still checked. 0 with *out set, or -1 with *out NULL. */
int strategy_book_load(const char *path, const struct template_set *ts,
		       struct strategy_book **out, struct problems *p);

/* Checks every NAME.conf book of dir against ts, adding each problem to p; *nbooks gets how
 * many files there were. 0, or -1 when p got problems. */
int strategy_dir_check(const char *dir, const struct template_set *ts, size_t *nbooks,
		       struct problems *p);

/* Loads the shipped templates and the shipped book NAME.conf from the data directories. 0, or
 * -1 with e saying why; when the data has problems, each is in p and e says to run
 * `arrears strategy check`. */
int strategy_open(const char *name, struct template_set **ts, struct strategy_book **out,
		  struct problems *p, struct err *e);

/* "2 of 4: email \"second\" at dpd 12 (from dpd 14, after a wait)": a step of plan. Returns
 * buf. */
char *strategy_step_text(const struct plan *plan, const struct step *st, char *buf, size_t len);

/* Frees a book and sets *b to NULL; accepts NULL. */
void strategy_book_free(struct strategy_book **b);

/* The facts of account a on day today. */
void strategy_facts_of(const struct account *a, int32_t today, struct strategy_facts *f);

/* The index of the first segment whose rule holds; the catch-all makes one always hold. */
size_t strategy_segment_of(const struct strategy_book *b, const struct strategy_facts *f);

/* Whether an account of a segment falls in its challenger's share: BLAKE2b of "SEGMENT\0ID",
 * its first 8 bytes read little-endian, modulo 100, below share. The same on every run and
 * machine. */
bool strategy_in_challenger(const char *segment_id, const char *account_id, int share);

/* Where an account stands. */
struct strategy_decision {
	size_t segment;		/* index into the book's segments and strategies */
	bool challenger;
	const struct plan *plan;	/* borrowed from the book */
	const struct step *step;	/* the current step, NULL for none yet */
	size_t step_no;		/* 1-based index of step in plan; 0 with none */
	const struct step *next;	/* the first step not started yet, or NULL */
};

/* Decides an account's segment, arm (champion or challenger) and current step: the last
 * step that has started (start <= dpd) and whose conditions hold. */
void strategy_decide(const struct strategy_book *b, const char *account_id,
		     const struct strategy_facts *f, struct strategy_decision *d);

/* The channel of a message action (sms, email, letter), or -1 for the others. */
int step_action_channel(enum step_action a);

const char *step_action_name(enum step_action a);
/* Parses an action's name; -1 when unknown. */
int step_action_parse(const char *name);
/* Parses a condition's name ("dispute", "promise_open", ...) into its bit; 0 when unknown. */
unsigned strategy_fact_parse(const char *name);

#endif
