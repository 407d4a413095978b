/* report_aging.h - the aging report: accounts and money by band, per group and currency, from
 * one SQL aggregate over the cache. */
#ifndef ARREARS_REPORT_AGING_H
#define ARREARS_REPORT_AGING_H

#include <stddef.h>
#include <stdint.h>

#include "bands.h"
#include "err.h"

struct store;

/* What the rows are grouped by besides the currency. */
enum aging_by {
	AGING_BY_NONE,
	AGING_BY_PRODUCT,
	AGING_BY_SEGMENT,
	AGING_BY_AGENT,
	AGING_BY_STATE
};

/* Parses "product", "segment", "agent" or "state"; -1 when unknown. */
int aging_by_parse(const char *name);

/* One cell: accounts and their sums in cents (credits count as they are, so sums can be
 * negative). */
struct aging_cell {
	int64_t accounts;
	int64_t balance;
	int64_t past_due;
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
	struct aging_set *sets;	/* owned; ordered by group, then currency */
	size_t n;
};

/* Fills out with the aging of every account in the cache at day as_of, banded by b and
 * grouped by by; an empty book gives no sets. Free with aging_free. 0 or -1. */
int aging_compute(struct store *s, const struct bands *b, enum aging_by by, int32_t as_of,
		  struct aging *out, struct err *e);

/* Frees what aging_compute allocated (a zeroed struct is fine) and zeroes it. */
void aging_free(struct aging *a);

/* A cell's share of its set's balance in tenths of a percent (rounded down); -1 when the
 * set's balance is not positive, where credits make a share meaningless. */
int64_t aging_share_permille(const struct aging_cell *c, const struct aging_set *set);

/* A set's label for output: "USD" without a group, "card/USD" with one. Returns buf. */
char *aging_set_label(const struct aging_set *set, char *buf, size_t len);

#endif
