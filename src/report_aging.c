/* report_aging.c - the aging report. SQLite does the banding and the sums in one GROUP BY, so
 * a million accounts never cross into C one by one; C only lays the groups out. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report_aging.h"
#include "store.h"

static const char *const by_names[] = {
	[AGING_BY_PRODUCT] = "product",
	[AGING_BY_SEGMENT] = "segment",
	[AGING_BY_AGENT] = "agent",
	[AGING_BY_STATE] = "state",
};

/* The SQL value each grouping stands for; products are numbers, named in C. */
static const char *const by_columns[] = {
	[AGING_BY_NONE] = "''",
	[AGING_BY_PRODUCT] = "a.product",
	[AGING_BY_SEGMENT] = "a.segment",
	[AGING_BY_AGENT] = "coalesce(s.assignee, '')",
	[AGING_BY_STATE] = "a.region",
};

int
aging_by_parse(const char *name)
{
	for (int k = AGING_BY_PRODUCT; k <= AGING_BY_STATE; k++)
		if (strcmp(by_names[k], name) == 0)
			return k;
	return -1;
}

/* The aggregate: days past due as account_dpd counts them (?1 is as_of), the band as
 * bands_index picks it (upper bounds bound from ?2, the last band open), summed per group,
 * currency and band. An account without a balance row counts with zero amounts. */
static int
build_sql(const struct bands *b, enum aging_by by, char *sql, size_t len)
{
	size_t off;
	int n;

	n = snprintf(sql, len, "SELECT g, currency, CASE");
	for (int i = 0; n >= 0 && (size_t)n < len && i < b->n - 1; i++) {
		off = (size_t)n;
		int m = snprintf(sql + off, len - off, " WHEN dpd <= ?%d THEN %d", i + 2, i);
		n = m < 0 ? m : n + m;
	}
	if (n < 0 || (size_t)n >= len)
		return -1;
	off = (size_t)n;
	n = snprintf(sql + off, len - off,
		     " ELSE %d END AS band, count(*), sum(total), sum(past_due) FROM ("
		     "SELECT %s AS g, a.currency AS currency, coalesce(b.total, 0) AS total, "
		     "coalesce(b.past_due, 0) AS past_due, CASE WHEN a.due_date > 0 AND ?1 > "
		     "a.due_date THEN ?1 - a.due_date ELSE 0 END AS dpd "
		     "FROM accounts a LEFT JOIN balances b ON b.account_id = a.id%s) "
		     "GROUP BY g, currency, band ORDER BY g, currency, band",
		     b->n - 1, by_columns[by],
		     by == AGING_BY_AGENT ? " LEFT JOIN assignments s ON s.account_id = a.id" : "");
	return n < 0 || (size_t)n >= len - off ? -1 : 0;
}

static void
cell_add(struct aging_cell *c, int64_t accounts, int64_t balance, int64_t past_due)
{
	c->accounts += accounts;
	c->balance += balance;
	c->past_due += past_due;
}

int
aging_compute(struct store *s, const struct bands *b, enum aging_by by, int32_t as_of,
	      struct aging *out, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	char sql[2048], group[64];
	size_t cap = 0;
	int rc;

	*out = (struct aging){ .bands = *b, .as_of = as_of };
	if (build_sql(b, by, sql, sizeof sql) != 0)
		return err_set(e, "aging: too many bands");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "aging: %s", sqlite3_errmsg(db));
	sqlite3_bind_int(st, 1, as_of);
	for (int i = 0; i < b->n - 1; i++)
		sqlite3_bind_int(st, i + 2, b->upper[i]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *cur = sqlite3_column_text(st, 1);
		int band = sqlite3_column_int(st, 2);
		struct aging_set *set = out->n ? &out->sets[out->n - 1] : NULL;

		if (by == AGING_BY_PRODUCT)
			snprintf(group, sizeof group, "%s",
				 product_name((enum product)sqlite3_column_int(st, 0)));
		else
			snprintf(group, sizeof group, "%s", (const char *)sqlite3_column_text(st, 0));
		/* Without grouping every set is a currency; with it, an unset value is named. */
		if (by != AGING_BY_NONE && group[0] == '\0')
			snprintf(group, sizeof group, "(none)");
		if (set == NULL || strcmp(set->group, group) != 0 ||
		    strcmp(set->currency, (const char *)cur) != 0) {
			if (out->n == cap) {
				cap = cap ? cap * 2 : 16;
				out->sets = realloc(out->sets, cap * sizeof *out->sets);
				if (out->sets == NULL)
					abort();
			}
			set = &out->sets[out->n++];
			*set = (struct aging_set){ 0 };
			snprintf(set->group, sizeof set->group, "%s", group);
			snprintf(set->currency, sizeof set->currency, "%s", (const char *)cur);
		}
		cell_add(&set->band[band], sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
			 sqlite3_column_int64(st, 5));
		cell_add(&set->total, sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
			 sqlite3_column_int64(st, 5));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		aging_free(out);
		return err_set(e, "aging: %s", sqlite3_errmsg(db));
	}
	return 0;
}

void
aging_free(struct aging *a)
{
	free(a->sets);
	*a = (struct aging){ 0 };
}

int64_t
aging_share_permille(const struct aging_cell *c, const struct aging_set *set)
{
	return set->total.balance > 0 ? c->balance * 1000 / set->total.balance : -1;
}

char *
aging_set_label(const struct aging_set *set, char *buf, size_t len)
{
	if (set->group[0] == '\0')
		snprintf(buf, len, "%s", set->currency);
	else
		snprintf(buf, len, "%s/%s", set->group, set->currency);
	return buf;
}
