/* report_aging.c - the aging report. A store sums its accounts per group, currency and due
 * date in one GROUP BY, so a million accounts never cross into C one by one; C bands the few
 * thousand rows that come back and lays the groups out. The cache's own query is here too. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "report_aging.h"
#include "store.h"

static const char *const by_names[AGING_BY_COUNT_] = {
	[AGING_BY_PRODUCT] = "product",
	[AGING_BY_SEGMENT] = "segment",
	[AGING_BY_AGENT] = "agent",
	[AGING_BY_TEAM] = "team",
	[AGING_BY_STATE] = "state",
};

int
aging_by_parse(const char *name)
{
	for (int k = AGING_BY_PRODUCT; k < AGING_BY_COUNT_; k++)
		if (strcmp(by_names[k], name) == 0)
			return k;
	return -1;
}

const char *
aging_by_name(enum aging_by by)
{
	return (unsigned)by < AGING_BY_COUNT_ ? by_names[by] : NULL;
}

void
aging_init(struct aging *a, const struct bands *b, enum aging_by by, int32_t as_of, int32_t since)
{
	*a = (struct aging){ .bands = *b, .as_of = as_of, .since = since, .by = by };
}

static void
cell_add(struct aging_cell *c, const struct aging_cell *d)
{
	c->accounts += d->accounts;
	c->balance += d->balance;
	c->past_due += d->past_due;
	c->in_accounts += d->in_accounts;
	c->in_balance += d->in_balance;
	c->out_accounts += d->out_accounts;
	c->out_balance += d->out_balance;
}

/* The set of (group, currency), made when new. Rows come grouped, so the scan from the last
 * set nearly always stops at once; a store that does not sort still gets the right answer. */
static struct aging_set *
set_of(struct aging *a, const char *group, const char *currency)
{
	struct aging_set *set;

	for (size_t k = a->n; k-- > 0;) {
		set = &a->sets[k];
		if (strcmp(set->group, group) == 0 && strcmp(set->currency, currency) == 0)
			return set;
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 16;
		if ((a->sets = realloc(a->sets, a->cap * sizeof *a->sets)) == NULL)
			abort();
	}
	set = &a->sets[a->n++];
	*set = (struct aging_set){ 0 };
	snprintf(set->group, sizeof set->group, "%s", group);
	snprintf(set->currency, sizeof set->currency, "%s", currency);
	return set;
}

int
aging_add_row(void *aging, const struct aging_row *r, struct err *e)
{
	struct aging *a = aging;
	const char *group = r->group != NULL ? r->group : "";
	struct aging_set *set;
	struct aging_cell c = { .accounts = r->accounts, .balance = r->balance,
				.past_due = r->past_due };
	int now, then;

	if (r->currency == NULL || strlen(r->currency) != 3)
		return err_set(e, "aging: a currency code must have 3 letters, not '%s'",
			       r->currency ? r->currency : "(null)");
	/* Without grouping every set is a currency; with it, an unset value is named. */
	if (a->by != AGING_BY_NONE && *group == '\0')
		group = "(none)";
	set = set_of(a, group, r->currency);
	now = bands_index(&a->bands, account_dpd(r->due_date, a->as_of));
	cell_add(&set->band[now], &c);
	cell_add(&set->total, &c);
	if (a->since == AGING_NO_SINCE)
		return 0;
	then = bands_index(&a->bands, account_dpd(r->due_then, a->since));
	if (then == now)
		return 0;
	/* A move counts in both bands; the total row counts the accounts that moved at all, in
	 * (balance now) and out (balance then), so its two account counts are equal. */
	c = (struct aging_cell){ .in_accounts = r->accounts, .in_balance = r->balance };
	cell_add(&set->band[now], &c);
	cell_add(&set->total, &c);
	c = (struct aging_cell){ .out_accounts = r->accounts, .out_balance = r->balance_then };
	cell_add(&set->band[then], &c);
	cell_add(&set->total, &c);
	return 0;
}

static int
set_cmp(const void *x, const void *y)
{
	const struct aging_set *a = x, *b = y;
	int c = strcmp(a->group, b->group);

	return c != 0 ? c : strcmp(a->currency, b->currency);
}

void
aging_finish(struct aging *a)
{
	if (a->n > 1)
		qsort(a->sets, a->n, sizeof *a->sets, set_cmp);
}

/* The cache's groupings; products are numbers there, named in C. A team is the assignee's
 * in the roster (the board's list of agents); an agent it does not name is in no team. */
static const char *const by_columns[AGING_BY_COUNT_] = {
	[AGING_BY_NONE] = "''",
	[AGING_BY_PRODUCT] = "a.product",
	[AGING_BY_SEGMENT] = "a.segment",
	[AGING_BY_AGENT] = "coalesce(s.assignee, '')",
	[AGING_BY_TEAM] = "coalesce((SELECT r.team FROM roster r WHERE r.name = s.assignee), '')",
	[AGING_BY_STATE] = "a.region",
};

/* The cache's aggregate per group, currency and due date. With movement (?1 the since day,
 * ?2 the as-of day) it also sums the payments between the two days: each whole installment
 * (amount_due) paid since then had moved the oldest unpaid due date on by a 30-day cycle, so
 * the due date then was that many cycles earlier, and the balance then was the balance now
 * plus what was paid. An account without a balance row counts with zero amounts. */
static int
build_sql(enum aging_by by, int movement, char *sql, size_t len)
{
	const char *agent = by == AGING_BY_AGENT || by == AGING_BY_TEAM
				    ? " LEFT JOIN assignments s ON s.account_id = a.id"
				    : "";
	int n;

	if (!movement)
		n = snprintf(sql, len,
			     "SELECT %s, a.currency, a.due_date, count(*), sum(coalesce(b.total, 0)), "
			     "sum(coalesce(b.past_due, 0)) FROM accounts a LEFT JOIN balances b ON "
			     "b.account_id = a.id%s GROUP BY 1, 2, 3",
			     by_columns[by], agent);
	else
		n = snprintf(sql, len,
			     "SELECT %s, a.currency, a.due_date, count(*), sum(coalesce(b.total, 0)), "
			     "sum(coalesce(b.past_due, 0)), CASE WHEN b.amount_due > 0 THEN a.due_date - "
			     "30 * (coalesce(p.paid, 0) / b.amount_due) ELSE a.due_date END, "
			     "sum(coalesce(b.total, 0) + coalesce(p.paid, 0)) FROM accounts a LEFT JOIN "
			     "balances b ON b.account_id = a.id LEFT JOIN (SELECT account_id, "
			     "sum(amount) AS paid FROM payments WHERE paid_on > ?1 AND paid_on <= ?2 "
			     "GROUP BY account_id) p ON p.account_id = a.id%s GROUP BY 1, 2, 3, 7",
			     by_columns[by], agent);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The group of a row's column col as the report names it (a product's name, not its code). */
static void
group_of(sqlite3_stmt *st, int col, enum aging_by by, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	if (by == AGING_BY_PRODUCT)
		snprintf(buf, len, "%s", product_name((enum product)sqlite3_column_int(st, col)));
	else
		snprintf(buf, len, "%s", t != NULL ? (const char *)t : "");
}

int
aging_compute(struct store *s, const struct bands *b, enum aging_by by, int32_t as_of,
	      int32_t since, struct aging *out, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	int movement = since != AGING_NO_SINCE;
	char sql[1024], group[64];
	int rc;

	aging_init(out, b, by, as_of, since);
	if (movement && since >= as_of)
		return err_set(e, "aging: the movement must start before the as-of day");
	if (build_sql(by, movement, sql, sizeof sql) != 0)
		return err_set(e, "aging: query too long");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "aging: %s", sqlite3_errmsg(db));
	sqlite3_bind_int(st, 1, since);
	sqlite3_bind_int(st, 2, as_of);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const unsigned char *cur = sqlite3_column_text(st, 1);
		struct aging_row r = {
			.group = group,
			.currency = cur != NULL ? (const char *)cur : "",
			.due_date = sqlite3_column_int(st, 2),
			.accounts = sqlite3_column_int64(st, 3),
			.balance = sqlite3_column_int64(st, 4),
			.past_due = sqlite3_column_int64(st, 5),
			.due_then = movement ? sqlite3_column_int(st, 6) : 0,
			.balance_then = movement ? sqlite3_column_int64(st, 7) : 0,
		};

		group_of(st, 0, by, group, sizeof group);
		if (aging_add_row(out, &r, e) != 0) {
			rc = SQLITE_ABORT;
			break;
		}
	}
	if (rc != SQLITE_DONE && rc != SQLITE_ABORT)
		err_set(e, "aging: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		aging_free(out);
		return -1;
	}
	aging_finish(out);
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

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
aging_set_accounts(struct store *s, enum aging_by by, const struct aging_set *set,
		   char (**ids)[ACCOUNT_ID_LEN], size_t *n, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	char sql[512], group[64];
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if ((unsigned)by >= AGING_BY_COUNT_)
		return err_set(e, "aging: no such grouping");
	snprintf(sql, sizeof sql, "SELECT a.ext_id, %s FROM accounts a%s WHERE a.currency = ?",
		 by_columns[by], by == AGING_BY_AGENT || by == AGING_BY_TEAM
					 ? " LEFT JOIN assignments s ON s.account_id = a.id" : "");
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "aging: %s", sqlite3_errmsg(db));
	sqlite3_bind_text(st, 1, set->currency, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		group_of(st, 1, by, group, sizeof group);
		/* named as aging_add_row names it */
		if (by != AGING_BY_NONE && group[0] == '\0')
			snprintf(group, sizeof group, "(none)");
		if (strcmp(group, set->group) != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 256;
			if ((*ids = realloc(*ids, cap * sizeof **ids)) == NULL)
				abort();
		}
		snprintf((*ids)[(*n)++], ACCOUNT_ID_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE) {
		err_set(e, "aging: %s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
		free(*ids);
		*ids = NULL;
		*n = 0;
		return -1;
	}
	sqlite3_finalize(st);
	if (*n > 1)
		qsort(*ids, *n, sizeof **ids, id_cmp);
	return 0;
}
