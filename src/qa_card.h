/* qa_card.h - QA scorecards as data (data/qa/NAME.conf, arrears-qa(5)): weighted items, some
 * critical, some linked to a call script's checkpoint; and the scoring arithmetic. */
#ifndef ARREARS_QA_CARD_H
#define ARREARS_QA_CARD_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define QA_CARD_MAX_ITEMS 64

struct qa_item {
	char id[32];
	char *text;		/* owned */
	int weight;		/* 1..100 */
	bool critical;		/* failing it fails the call whatever the total */
	char checkpoint[32];	/* a script checkpoint id, "" when not linked */
	int line;
};

/* A loaded scorecard; read-only for its users. */
struct qa_card {
	char id[64];		/* the file name without ".conf", recorded on qa_score events */
	char *name;		/* owned */
	char *file;		/* owned */
	int pass_mark;		/* percent of the applicable weight, 0..100 */
	struct qa_item *items;	/* owned */
	size_t nitems;
};

/* Loads and checks a scorecard. Every problem is "file:line: message". 0 or -1. */
int qa_card_load(const char *path, struct qa_card **out, struct err *e);

/* Finds a shipped scorecard by name ("default") or path and loads it. 0 or -1. */
int qa_card_open(const char *name, struct qa_card **out, struct err *e);

/* Frees a card and sets *c to NULL; accepts NULL. */
void qa_card_free(struct qa_card **c);

/* A reviewer's verdict on one item. */
enum qa_result { QA_UNSET, QA_PASS, QA_FAIL, QA_NA };

/* The code of a result ("pass", "fail", "na", "unset"), and back (-1 when unknown). */
const char *qa_result_name(enum qa_result r);
int qa_result_parse(const char *name);

/* What a filled-in card adds up to. */
struct qa_total {
	int points;		/* weight of the passed items */
	int possible;		/* weight of the items that apply (passed or failed) */
	int percent;		/* points * 100 / possible, rounded down; 0 when possible is 0 */
	bool critical_failed;
	bool passed;		/* percent >= pass_mark and no critical item failed */
};

/* Adds up results (one per card item). -1 when an item is unset or none applies. */
int qa_card_total(const struct qa_card *c, const enum qa_result *results, struct qa_total *t,
		  struct err *e);

#endif
