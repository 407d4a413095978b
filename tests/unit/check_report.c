/* check_report.c - the aging report against hand-made books. */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "bands.h"
#include "clock.h"
#include "report_aging.h"
#include "store.h"
#include "testutil.h"

/* Every book is aged at 2026-11-23. */
#define AS_OF date_from_civil(2026, 11, 23)

static char dir[256];
static struct store *store;
static struct bands bands;

static void
setup(void)
{
	char path[300];
	struct err e = { "" };

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	ck_assert_msg(store_open(path, STORE_CREATE, &store, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(sqlite3_exec(store_db(store), "INSERT INTO parties(id, name) VALUES (1, seal('P'))",
				      NULL, NULL, NULL), SQLITE_OK);
	bands_default(&bands);
}

static void
teardown(void)
{
	store_close(&store);
	tmpdir_remove(dir);
}

/* Adds an account dpd days past due at AS_OF (0: due today, not yet late). */
static void
add(const char *id, int product, const char *currency, const char *segment, const char *agent,
    int dpd, int64_t total, int64_t past_due)
{
	char sql[1024];
	static int rowid;

	rowid++;
	snprintf(sql, sizeof sql,
		 "INSERT INTO accounts(id, ext_id, party_id, product, currency, segment, opened_on, "
		 "due_date) VALUES (%d, '%s', 1, %d, '%s', '%s', 19000, %d);"
		 "INSERT INTO balances VALUES (%d, %lld, 0, %lld, %lld, %lld, 0);",
		 rowid, id, product, currency, segment, (int)AS_OF - dpd, rowid, (long long)total,
		 (long long)past_due, (long long)total, (long long)past_due);
	ck_assert_int_eq(sqlite3_exec(store_db(store), sql, NULL, NULL, NULL), SQLITE_OK);
	if (agent != NULL) {
		snprintf(sql, sizeof sql, "INSERT INTO assignments VALUES (%d, '%s', 0)", rowid, agent);
		ck_assert_int_eq(sqlite3_exec(store_db(store), sql, NULL, NULL, NULL), SQLITE_OK);
	}
}

static void
compute(enum aging_by by, struct aging *a)
{
	struct err e = { "" };

	ck_assert_msg(aging_compute(store, &bands, by, AS_OF, AGING_NO_SINCE, a, &e) == 0, "%s", e.msg);
}

static void
cell_eq(const struct aging_cell *c, int64_t accounts, int64_t balance, int64_t past_due)
{
	ck_assert_int_eq(c->accounts, accounts);
	ck_assert_int_eq(c->balance, balance);
	ck_assert_int_eq(c->past_due, past_due);
}

START_TEST(test_empty_book)
{
	struct aging a;

	compute(AGING_BY_NONE, &a);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_int_eq(a.bands.n, 6);
	aging_free(&a);
	ck_assert_ptr_null(a.sets);
}
END_TEST

START_TEST(test_one_account)
{
	struct aging a;
	char label[80];

	add("A1", 0, "USD", "", NULL, 45, 100000, 25000);
	compute(AGING_BY_NONE, &a);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_str_eq(aging_set_label(&a.sets[0], label, sizeof label), "USD");
	/* 45 days past due is band 2, 31-60; every other band is empty. */
	for (int i = 0; i < 6; i++)
		cell_eq(&a.sets[0].band[i], i == 2, i == 2 ? 100000 : 0, i == 2 ? 25000 : 0);
	cell_eq(&a.sets[0].total, 1, 100000, 25000);
	aging_free(&a);
}
END_TEST

START_TEST(test_band_edges)
{
	struct aging a;

	/* dpd 0 and 1 straddle current | 1-30; 30 | 31; 120 | 121 straddle 91-120 | 120+. The
	 * balance of each is 100 times its dpd plus 1 cent, so a misplaced account shows. */
	static const int dpds[] = { 0, 1, 30, 31, 120, 121 };
	for (int k = 0; k < 6; k++) {
		char id[8];
		snprintf(id, sizeof id, "E%d", k);
		add(id, 0, "USD", "", NULL, dpds[k], 100 * dpds[k] + 1, 0);
	}
	compute(AGING_BY_NONE, &a);
	ck_assert_uint_eq(a.n, 1);
	cell_eq(&a.sets[0].band[0], 1, 1, 0);		/* dpd 0 */
	cell_eq(&a.sets[0].band[1], 2, 101 + 3001, 0);	/* dpd 1 and 30 */
	cell_eq(&a.sets[0].band[2], 1, 3101, 0);	/* dpd 31 */
	cell_eq(&a.sets[0].band[3], 0, 0, 0);		/* 61-90: none */
	cell_eq(&a.sets[0].band[4], 1, 12001, 0);	/* dpd 120 */
	cell_eq(&a.sets[0].band[5], 1, 12101, 0);	/* dpd 121 */
	cell_eq(&a.sets[0].total, 6, 1 + 101 + 3001 + 3101 + 12001 + 12101, 0);
	aging_free(&a);
}
END_TEST

START_TEST(test_credits)
{
	struct aging a;

	/* A zero balance and a credit of 25.00 count as accounts and as they are in the sums:
	 * 1-30 holds 0 + (-25.00) + 100.00 = 75.00. */
	add("Z", 0, "USD", "", NULL, 10, 0, 0);
	add("N", 0, "USD", "", NULL, 10, -2500, 0);
	add("P", 0, "USD", "", NULL, 10, 10000, 4000);
	compute(AGING_BY_NONE, &a);
	cell_eq(&a.sets[0].band[1], 3, 7500, 4000);
	cell_eq(&a.sets[0].total, 3, 7500, 4000);
	aging_free(&a);
}
END_TEST

START_TEST(test_currencies)
{
	struct aging a;
	char label[80];

	/* 100.00 USD and 50.00 EUR in the same band are two sets, never 150.00. Sets are in
	 * currency order: EUR, then USD. */
	add("U1", 0, "USD", "", NULL, 5, 10000, 1000);
	add("U2", 0, "USD", "", NULL, 200, 30000, 30000);
	add("E1", 0, "EUR", "", NULL, 5, 5000, 500);
	compute(AGING_BY_NONE, &a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(aging_set_label(&a.sets[0], label, sizeof label), "EUR");
	cell_eq(&a.sets[0].band[1], 1, 5000, 500);
	cell_eq(&a.sets[0].total, 1, 5000, 500);
	ck_assert_str_eq(aging_set_label(&a.sets[1], label, sizeof label), "USD");
	cell_eq(&a.sets[1].band[1], 1, 10000, 1000);
	cell_eq(&a.sets[1].band[5], 1, 30000, 30000);
	cell_eq(&a.sets[1].total, 2, 40000, 31000);
	aging_free(&a);
}
END_TEST

START_TEST(test_by_product)
{
	struct aging a;
	char label[80];

	/* card (0): 2 accounts in 1-30; auto (2): one current, one 120+; card in EUR apart.
	 * Sets follow the product's name, then the currency, whatever order a store used. */
	add("C1", 0, "USD", "", NULL, 3, 1000, 100);
	add("C2", 0, "USD", "", NULL, 29, 2000, 200);
	add("C3", 0, "EUR", "", NULL, 29, 700, 70);
	add("A1", 2, "USD", "", NULL, 0, 5000, 0);
	add("A2", 2, "USD", "", NULL, 400, 9000, 9000);
	compute(AGING_BY_PRODUCT, &a);
	ck_assert_uint_eq(a.n, 3);
	ck_assert_str_eq(aging_set_label(&a.sets[0], label, sizeof label), "auto/USD");
	cell_eq(&a.sets[0].band[0], 1, 5000, 0);
	cell_eq(&a.sets[0].band[5], 1, 9000, 9000);
	ck_assert_str_eq(aging_set_label(&a.sets[1], label, sizeof label), "card/EUR");
	cell_eq(&a.sets[1].total, 1, 700, 70);
	ck_assert_str_eq(aging_set_label(&a.sets[2], label, sizeof label), "card/USD");
	cell_eq(&a.sets[2].band[1], 2, 3000, 300);
	cell_eq(&a.sets[2].total, 2, 3000, 300);
	aging_free(&a);
}
END_TEST

/* A set's accounts are those of its group and currency, sorted, whatever the band. */
static void
set_ids_eq(enum aging_by by, const struct aging_set *set, const char *want)
{
	char (*ids)[ACCOUNT_ID_LEN], got[256] = "";
	struct err e = { "" };
	size_t n;

	ck_assert_msg(aging_set_accounts(store, by, set, &ids, &n, &e) == 0, "%s", e.msg);
	for (size_t i = 0; i < n; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), "%s%s", i ? " " : "", ids[i]);
	ck_assert_str_eq(got, want);
	free(ids);
}

START_TEST(test_set_accounts)
{
	struct aging a;

	add("C2", 0, "USD", "", "bo", 29, 2000, 200);
	add("C1", 0, "USD", "", "ana", 3, 1000, 100);
	add("C3", 0, "EUR", "", NULL, 29, 700, 70);
	add("A1", 2, "USD", "", NULL, 0, 5000, 0);
	add("A2", 2, "USD", "", "ana", 400, 9000, 9000);
	compute(AGING_BY_PRODUCT, &a);
	set_ids_eq(AGING_BY_PRODUCT, &a.sets[0], "A1 A2");	/* auto/USD */
	set_ids_eq(AGING_BY_PRODUCT, &a.sets[1], "C3");		/* card/EUR */
	set_ids_eq(AGING_BY_PRODUCT, &a.sets[2], "C1 C2");	/* card/USD */
	aging_free(&a);
	compute(AGING_BY_AGENT, &a);
	set_ids_eq(AGING_BY_AGENT, &a.sets[0], "C3");		/* (none)/EUR */
	set_ids_eq(AGING_BY_AGENT, &a.sets[1], "A1");		/* (none)/USD */
	set_ids_eq(AGING_BY_AGENT, &a.sets[2], "A2 C1");	/* ana/USD */
	aging_free(&a);
	compute(AGING_BY_NONE, &a);
	set_ids_eq(AGING_BY_NONE, &a.sets[1], "A1 A2 C1 C2");	/* USD */
	aging_free(&a);
	/* a set nobody is in any more (the book changed since the report): no ids, no sort of
	 * nothing (UBSan checks qsort is not handed NULL) */
	set_ids_eq(AGING_BY_AGENT, &(struct aging_set){ .group = "gone", .currency = "USD" }, "");
}
END_TEST

START_TEST(test_by_agent_and_segment)
{
	struct aging a;
	char label[80];

	/* An unassigned account is its own group, "(none)", sorted first. */
	add("G1", 0, "USD", "prime", "ana", 3, 1000, 100);
	add("G2", 0, "USD", "prime", NULL, 3, 2000, 200);
	compute(AGING_BY_AGENT, &a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(aging_set_label(&a.sets[0], label, sizeof label), "(none)/USD");
	cell_eq(&a.sets[0].total, 1, 2000, 200);
	ck_assert_str_eq(aging_set_label(&a.sets[1], label, sizeof label), "ana/USD");
	aging_free(&a);
	compute(AGING_BY_SEGMENT, &a);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_str_eq(aging_set_label(&a.sets[0], label, sizeof label), "prime/USD");
	cell_eq(&a.sets[0].total, 2, 3000, 300);
	aging_free(&a);
	ck_assert_int_eq(aging_by_parse("state"), AGING_BY_STATE);
	/* By team: the roster puts ana in t1; G2 has no assignee, so no team. */
	ck_assert_int_eq(sqlite3_exec(store_db(store), "INSERT INTO roster(name, team) VALUES "
						       "('ana', 't1')", NULL, NULL, NULL), SQLITE_OK);
	compute(AGING_BY_TEAM, &a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(aging_set_label(&a.sets[0], label, sizeof label), "(none)/USD");
	ck_assert_str_eq(aging_set_label(&a.sets[1], label, sizeof label), "t1/USD");
	cell_eq(&a.sets[1].total, 1, 1000, 100);
	aging_free(&a);
	ck_assert_int_eq(aging_by_parse("team"), AGING_BY_TEAM);
	ck_assert_int_eq(aging_by_parse("region"), -1);
	ck_assert_str_eq(aging_by_name(AGING_BY_TEAM), "team");
	ck_assert_ptr_null(aging_by_name(AGING_BY_NONE));
}
END_TEST

static void
pay(int rowid, int64_t amount, int32_t paid_on, const char *ref)
{
	char sql[256];

	snprintf(sql, sizeof sql, "INSERT INTO payments(account_id, amount, paid_on, reference) "
				  "VALUES (%d, %lld, %d, '%s')", rowid, (long long)amount, (int)paid_on, ref);
	ck_assert_int_eq(sqlite3_exec(store_db(store), sql, NULL, NULL, NULL), SQLITE_OK);
}

static void
moves_eq(const struct aging_cell *c, int64_t in, int64_t in_balance, int64_t out,
	 int64_t out_balance)
{
	ck_assert_int_eq(c->in_accounts, in);
	ck_assert_int_eq(c->in_balance, in_balance);
	ck_assert_int_eq(c->out_accounts, out);
	ck_assert_int_eq(c->out_balance, out_balance);
}

START_TEST(test_movement)
{
	struct aging a;
	struct err e = { "" };
	int32_t since = AS_OF - 30;

	/* Thirty days of movement, worked by hand (amount_due is the past due given here):
	 * M1 dpd 45 was 15: 1-30 -> 31-60. M2 dpd 10 was not yet due: current -> 1-30.
	 * M3 dpd 100 was 70: 61-90 -> 91-120. M4 dpd 5 paid two installments (2 x 5.00) since,
	 * so its due date then was 60 days earlier, dpd 35: 31-60 -> 1-30, balance then 30.00.
	 * M5 dpd 40 paid 3.00 of a 5.00 installment (no cycle cured; the 9.99 on the since day
	 * itself is before the window): was dpd 10, 1-30 -> 31-60, balance then 43.00.
	 * M6 dpd 200 was 170: 120+ both days, no move. */
	add("M1", 0, "USD", "", NULL, 45, 1000, 100);
	add("M2", 0, "USD", "", NULL, 10, 2000, 200);
	add("M3", 0, "USD", "", NULL, 100, 3000, 300);
	add("M4", 0, "USD", "", NULL, 5, 2000, 500);
	pay(4, 1000, AS_OF - 3, "p1");
	add("M5", 0, "USD", "", NULL, 40, 4000, 500);
	pay(5, 300, AS_OF - 1, "p2");
	pay(5, 999, since, "p3");
	add("M6", 0, "USD", "", NULL, 200, 5000, 5000);
	ck_assert_msg(aging_compute(store, &bands, AGING_BY_NONE, AS_OF, since, &a, &e) == 0,
		      "%s", e.msg);
	ck_assert_uint_eq(a.n, 1);
	moves_eq(&a.sets[0].band[0], 0, 0, 1, 2000);
	moves_eq(&a.sets[0].band[1], 2, 4000, 2, 5300);
	moves_eq(&a.sets[0].band[2], 2, 5000, 1, 3000);
	moves_eq(&a.sets[0].band[3], 0, 0, 1, 3000);
	moves_eq(&a.sets[0].band[4], 1, 3000, 0, 0);
	moves_eq(&a.sets[0].band[5], 0, 0, 0, 0);
	moves_eq(&a.sets[0].total, 5, 12000, 5, 13300);
	/* The standing figures are the same as without movement. */
	cell_eq(&a.sets[0].band[1], 2, 4000, 700);
	cell_eq(&a.sets[0].total, 6, 17000, 6600);
	aging_free(&a);
	/* A since day on or after the as-of day is refused. */
	ck_assert_int_eq(aging_compute(store, &bands, AGING_BY_NONE, AS_OF, AS_OF, &a, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "before"));
}
END_TEST

START_TEST(test_rows_unsorted)
{
	struct aging a;
	struct err e = { "" };
	/* A store that hands rows in any order, repeating a key, gets sorted, summed sets. */
	const struct aging_row rows[] = {
		{ .group = "zed", .currency = "USD", .due_date = AS_OF - 3, .accounts = 1,
		  .balance = 100, .past_due = 10 },
		{ .group = "", .currency = "EUR", .due_date = 0, .accounts = 2, .balance = 50 },
		{ .group = "zed", .currency = "USD", .due_date = AS_OF - 3, .accounts = 2,
		  .balance = 200, .past_due = 20 },
	};

	aging_init(&a, &bands, AGING_BY_AGENT, AS_OF, AGING_NO_SINCE);
	for (size_t k = 0; k < 3; k++)
		ck_assert_int_eq(aging_add_row(&a, &rows[k], &e), 0);
	aging_finish(&a);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(a.sets[0].group, "(none)");
	cell_eq(&a.sets[0].band[0], 2, 50, 0);
	ck_assert_str_eq(a.sets[1].group, "zed");
	cell_eq(&a.sets[1].band[1], 3, 300, 30);
	ck_assert_int_eq(aging_add_row(&a, &(struct aging_row){ .group = "x", .currency = "US" },
				       &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "currency"));
	aging_free(&a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("aging");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_empty_book);
	tcase_add_test(tc, test_one_account);
	tcase_add_test(tc, test_band_edges);
	tcase_add_test(tc, test_credits);
	tcase_add_test(tc, test_currencies);
	tcase_add_test(tc, test_by_product);
	tcase_add_test(tc, test_by_agent_and_segment);
	tcase_add_test(tc, test_set_accounts);
	tcase_add_test(tc, test_movement);
	tcase_add_test(tc, test_rows_unsorted);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
