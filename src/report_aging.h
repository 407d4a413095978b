/* report_aging.h - the aging report: accounts and money by band, per group and currency, with
 * the movement between bands since a chosen day. The report is store-neutral: a store hands it
 * aggregate rows through aging_add_row (the cache here, the server's book in arrearsd), so the
 * banding, the sets and their order are written once and both sides give the same numbers. */
#ifndef ARREARS_REPORT_AGING_H
#define ARREARS_REPORT_AGING_H

#include <stddef.h>
#include <stdint.h>

#include "bands.h"
#include "err.h"
#include "model.h"

struct store;

/* What the rows are grouped by besides the currency. */
enum aging_by {
	AGING_BY_NONE,
	AGING_BY_PRODUCT,
	AGING_BY_SEGMENT,
	AGING_BY_AGENT,
	AGING_BY_TEAM,
	AGING_BY_STATE,
	AGING_BY_COUNT_
};

/* Parses "product", "segment", "agent", "team" or "state"; -1 when unknown. */
int aging_by_parse(const char *name);

/* The name aging_by_parse reads back; NULL for AGING_BY_NONE. */
const char *aging_by_name(enum aging_by by);

/* No movement asked for: the value of struct aging's since. */
#define AGING_NO_SINCE INT32_MIN

/* One cell: accounts and their sums in cents (credits count as they are, so sums can be
 * negative). With movement, the accounts that came into the band since the chosen day (with
 * their balance now) and those that left it (with their balance then). */
struct aging_cell {
	int64_t accounts;
	int64_t balance;
	int64_t past_due;
	int64_t in_accounts, in_balance;
	int64_t out_accounts, out_balance;
};

/* The rows of one group in one currency: every band in order, then the total. Amounts of
 * different currencies are never added together, so each currency has its own sets. */
struct aging_set {
	char group[64];		/* the group's value, "(none)" when unset, "" without grouping */
	char currency[4];
	struct aging_cell band[BANDS_MAX];
	struct aging_cell total;
};

struct aging {
	struct bands bands;
	int32_t as_of;		/* day number the days past due are counted at */
	int32_t since;		/* day number movement is counted from, or AGING_NO_SINCE */
	enum aging_by by;
	struct aging_set *sets;	/* owned; ordered by group, then currency (byte order) */
	size_t n, cap;		/* sets used and allocated */
};

/* One aggregate row a store hands the report: `accounts` accounts of one group and currency
 * whose oldest unpaid due date is due_date (0: none), with their summed amounts. Rows may
 * repeat a key; they add up. due_then and balance_then are read only with movement: the
 * oldest unpaid due date and the summed balance at the since day. */
struct aging_row {
	const char *group;	/* "" when unset or without grouping; borrowed */
	const char *currency;	/* borrowed */
	int32_t due_date;
	int64_t accounts, balance, past_due;
	int32_t due_then;
	int64_t balance_then;
};

/* The row callback a store calls: ctx is the struct aging being filled. 0, or -1 with e. */
typedef int (*aging_row_fn)(void *ctx, const struct aging_row *r, struct err *e);

/* Starts an empty report over bands b at day as_of, grouped by by, with movement from since
 * (AGING_NO_SINCE for none; it must be before as_of). */
void aging_init(struct aging *a, const struct bands *b, enum aging_by by, int32_t as_of,
		int32_t since);

/* The row callback: adds r to the report (an aging_row_fn over a struct aging). 0 or -1. */
int aging_add_row(void *aging, const struct aging_row *r, struct err *e);

/* Puts the sets in their order once every row is in. */
void aging_finish(struct aging *a);

/* Fills out with the aging of every account in the cache at day as_of, banded by b and
 * grouped by by, with movement since `since` (AGING_NO_SINCE for none); an empty book gives
 * no sets. Free with aging_free. 0 or -1. */
int aging_compute(struct store *s, const struct bands *b, enum aging_by by, int32_t as_of,
		  int32_t since, struct aging *out, struct err *e);

/* The ids of the cache's accounts in set (its group under by, and its currency), sorted in
 * byte order, into a new array of *n (free with free(); NULL when none): what a drill-down from
 * one of the set's cells filters the queue to, with the cell's band. 0 or -1. */
int aging_set_accounts(struct store *s, enum aging_by by, const struct aging_set *set,
		       char (**ids)[ACCOUNT_ID_LEN], size_t *n, struct err *e);

/* Frees what aging_init and aging_add_row allocated (a zeroed struct is fine) and zeroes it. */
void aging_free(struct aging *a);

/* A cell's share of its set's balance in tenths of a percent (rounded down); -1 when the
 * set's balance is not positive, where credits make a share meaningless. */
int64_t aging_share_permille(const struct aging_cell *c, const struct aging_set *set);

/* A set's label for output: "USD" without a group, "card/USD" with one. Returns buf. */
char *aging_set_label(const struct aging_set *set, char *buf, size_t len);

#endif
