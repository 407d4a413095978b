/* check_kpi.c - every KPI on a small hand-made dataset, the answer worked out by hand. */
#include "config.h"

#include "clock.h"
#include "kpi.h"
#include "testutil.h"

#define DAY(m, d) date_from_civil(2026, (m), (d))

static void
rate_eq(struct kpi_rate r, int64_t num, int64_t den)
{
	ck_assert_int_eq(r.num, num);
	ck_assert_int_eq(r.den, den);
}

START_TEST(test_reach_mapping)
{
	/* The dialler's codes. */
	ck_assert_int_eq(kpi_reach_of("no_answer"), KPI_REACH_NONE);
	ck_assert_int_eq(kpi_reach_of("voicemail"), KPI_REACH_NONE);
	ck_assert_int_eq(kpi_reach_of("busy"), KPI_REACH_NONE);
	ck_assert_int_eq(kpi_reach_of("not_connected"), KPI_REACH_NONE);
	ck_assert_int_eq(kpi_reach_of("conversation"), KPI_REACH_RPC);
	ck_assert_int_eq(kpi_reach_of("wrong_party"), KPI_REACH_CONTACT);
	/* The casework outcomes. */
	ck_assert_int_eq(kpi_reach_of("rpc"), KPI_REACH_RPC);
	ck_assert_int_eq(kpi_reach_of("ptp"), KPI_REACH_RPC);
	ck_assert_int_eq(kpi_reach_of("refused"), KPI_REACH_RPC);
	ck_assert_int_eq(kpi_reach_of("dispute"), KPI_REACH_RPC);
	ck_assert_int_eq(kpi_reach_of("third_party"), KPI_REACH_CONTACT);
	ck_assert_int_eq(kpi_reach_of("wrong_number"), KPI_REACH_CONTACT);
	ck_assert_int_eq(kpi_reach_of("cease_request"), KPI_REACH_CONTACT);
	ck_assert_int_eq(kpi_reach_of("callback"), KPI_REACH_CONTACT);
	ck_assert_int_eq(kpi_reach_of("something_new"), KPI_REACH_NONE);
}
END_TEST

START_TEST(test_contact_rates)
{
	/* 10 attempts: 4 reach nobody (no_answer x2, voicemail, busy); contacts are wrong_party,
	 * third_party (2) and RPCs conversation, rpc, ptp, refused (4): 6 contacts, 4 RPCs.
	 * RPC rate 4/10, contact rate 6/10; 3 promises recorded: PTP rate 3/4. */
	static const char *const results[] = { "no_answer", "no_answer", "voicemail", "busy",
		"wrong_party", "third_party", "conversation", "rpc", "ptp", "refused" };
	struct kpi_attempts a;

	kpi_attempts_count(results, 10, &a);
	ck_assert_int_eq(a.attempts, 10);
	rate_eq(kpi_rpc_rate(&a), 4, 10);
	rate_eq(kpi_contact_rate(&a), 6, 10);
	rate_eq(kpi_ptp_rate(3, &a), 3, 4);
	ck_assert(kpi_rate_value(kpi_rpc_rate(&a)) == 0.4);

	/* No attempts: every rate is 0 / 0, and its value 0. */
	kpi_attempts_count(results, 0, &a);
	rate_eq(kpi_rpc_rate(&a), 0, 0);
	rate_eq(kpi_ptp_rate(0, &a), 0, 0);
	ck_assert(kpi_rate_value(kpi_ptp_rate(0, &a)) == 0.0);
}
END_TEST

START_TEST(test_ptp_kept)
{
	/* Period 2026-11-01..2026-11-30. In it and judged: A kept 100.00 (paid 100.00), B partial
	 * 200.00 (paid 50.00), C broken 50.00 (paid 0), D kept 40.00 overpaid 60.00 (counts 40.00).
	 * Left out: E pending, F kept but due 2026-10-31, G broken due 2026-12-01.
	 * By count: kept A, D = 2 of 4. By amount: (100 + 50 + 0 + 40) / (100 + 200 + 50 + 40)
	 * = 190.00 / 390.00. */
	const struct kpi_promise p[] = {
		{ .amount = 10000, .paid = 10000, .due_on = DAY(11, 1), .state = PTP_KEPT },
		{ .amount = 20000, .paid = 5000, .due_on = DAY(11, 10), .state = PTP_PARTIAL },
		{ .amount = 5000, .paid = 0, .due_on = DAY(11, 20), .state = PTP_BROKEN },
		{ .amount = 4000, .paid = 6000, .due_on = DAY(11, 30), .state = PTP_KEPT },
		{ .amount = 9000, .paid = 0, .due_on = DAY(11, 25), .state = PTP_PENDING },
		{ .amount = 7000, .paid = 7000, .due_on = DAY(10, 31), .state = PTP_KEPT },
		{ .amount = 3000, .paid = 0, .due_on = DAY(12, 1), .state = PTP_BROKEN },
	};
	struct kpi_rate count, amount;

	kpi_ptp_kept(p, 7, DAY(11, 1), DAY(11, 30), &count, &amount);
	rate_eq(count, 2, 4);
	rate_eq(amount, 19000, 39000);
	kpi_ptp_kept(p, 0, DAY(11, 1), DAY(11, 30), &count, &amount);
	rate_eq(count, 0, 0);
	rate_eq(amount, 0, 0);
}
END_TEST

/* Eight accounts, bands 0 current, 1 1-30, 2 31-60, 3 61-90, start -> end of the period. */
static const struct kpi_band_move moves[] = {
	{ .from = 0, .to = 0 },	/* current, stays */
	{ .from = 0, .to = 1 },	/* current rolls forward */
	{ .from = 1, .to = 0 },	/* cured */
	{ .from = 1, .to = 2 },	/* rolls forward */
	{ .from = 1, .to = 1 },	/* stays */
	{ .from = 2, .to = 0 },	/* cured, and a roll back */
	{ .from = 2, .to = 1 },	/* rolls back */
	{ .from = 3, .to = 3 },	/* stays */
};

START_TEST(test_cure_rate)
{
	/* Delinquent at the start: the 6 accounts with from > 0; back to current: 2. */
	rate_eq(kpi_cure_rate(moves, 8), 2, 6);
	rate_eq(kpi_cure_rate(moves, 1), 0, 0);
}
END_TEST

START_TEST(test_roll_rates)
{
	struct kpi_rate fwd, back;

	/* Band 1 (3 accounts): one to band 2 forward, one to current back. */
	kpi_roll_rates(moves, 8, 1, &fwd, &back);
	rate_eq(fwd, 1, 3);
	rate_eq(back, 1, 3);
	/* Current (2 accounts): one forward, none can go back. */
	kpi_roll_rates(moves, 8, 0, &fwd, &back);
	rate_eq(fwd, 1, 2);
	rate_eq(back, 0, 2);
	/* Band 2 (2 accounts): both back. Band 4: nobody started there. */
	kpi_roll_rates(moves, 8, 2, &fwd, &back);
	rate_eq(fwd, 0, 2);
	rate_eq(back, 2, 2);
	kpi_roll_rates(moves, 8, 4, &fwd, &back);
	rate_eq(fwd, 0, 0);
	rate_eq(back, 0, 0);
}
END_TEST

START_TEST(test_days_to_pay)
{
	/* Due 11-01 paid 11-11: 10 days; due 11-01 paid 11-21: 20; due 11-10 paid 11-05 (early): 0;
	 * due 11-10 paid 11-10: 0. Sum 30 over 4 payments: 7.5 days. */
	const struct kpi_payment p[] = {
		{ .due_date = DAY(11, 1), .paid_on = DAY(11, 11) },
		{ .due_date = DAY(11, 1), .paid_on = DAY(11, 21) },
		{ .due_date = DAY(11, 10), .paid_on = DAY(11, 5) },
		{ .due_date = DAY(11, 10), .paid_on = DAY(11, 10) },
	};

	rate_eq(kpi_days_to_pay(p, 4), 30, 4);
	ck_assert(kpi_rate_value(kpi_days_to_pay(p, 4)) == 7.5);
	rate_eq(kpi_days_to_pay(p, 0), 0, 0);
}
END_TEST

START_TEST(test_dispute_closure)
{
	/* November: opened 11-01 closed 11-08 (7 days); opened 10-25 closed 11-04 (10, counted by
	 * its closing day); opened 11-10 closed 11-10 (0); opened 11-20 still open (not counted);
	 * opened 11-02 closed 12-01 (after the period); closed 11-05 "before" its opening 11-06
	 * (a clock error: 0 days). Sum 17 over 4 resolved in the period: 4.25 days. */
	const struct kpi_dispute d[] = {
		{ .opened_on = DAY(11, 1), .closed_on = DAY(11, 8) },
		{ .opened_on = DAY(10, 25), .closed_on = DAY(11, 4) },
		{ .opened_on = DAY(11, 10), .closed_on = DAY(11, 10) },
		{ .opened_on = DAY(11, 20), .closed_on = 0 },
		{ .opened_on = DAY(11, 2), .closed_on = DAY(12, 1) },
		{ .opened_on = DAY(11, 6), .closed_on = DAY(11, 5) },
	};

	rate_eq(kpi_dispute_closure(d, 6, DAY(11, 1), DAY(11, 30)), 17, 4);
	ck_assert(kpi_rate_value(kpi_dispute_closure(d, 6, DAY(11, 1), DAY(11, 30))) == 4.25);
	/* The period's edges are inclusive: only 11-08 and 11-10 fall in 11-08..11-10. */
	rate_eq(kpi_dispute_closure(d, 6, DAY(11, 8), DAY(11, 10)), 7, 2);
	rate_eq(kpi_dispute_closure(d, 0, DAY(11, 1), DAY(11, 30)), 0, 0);
}
END_TEST

START_TEST(test_cases_worked)
{
	/* ana on 11-02 works A1, A2 and A1 again (2 cases); ana on 11-03 works A1 (1); bob on
	 * 11-02 works A3, A4, A5 (3). Agent-days 3, cases 2 + 1 + 3 = 6: 2 cases per agent per
	 * day. The rows are given out of order on purpose. */
	struct kpi_work w[] = {
		{ .agent = "bob", .account = "A5", .day = DAY(11, 2) },
		{ .agent = "ana", .account = "A1", .day = DAY(11, 2) },
		{ .agent = "ana", .account = "A1", .day = DAY(11, 3) },
		{ .agent = "bob", .account = "A3", .day = DAY(11, 2) },
		{ .agent = "ana", .account = "A2", .day = DAY(11, 2) },
		{ .agent = "bob", .account = "A4", .day = DAY(11, 2) },
		{ .agent = "ana", .account = "A1", .day = DAY(11, 2) },
	};

	rate_eq(kpi_cases_worked(w, 7), 6, 3);
	rate_eq(kpi_cases_worked(w, 0), 0, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("kpi");
	TCase *tc = tcase_create("kpi");

	tcase_add_test(tc, test_reach_mapping);
	tcase_add_test(tc, test_contact_rates);
	tcase_add_test(tc, test_ptp_kept);
	tcase_add_test(tc, test_cure_rate);
	tcase_add_test(tc, test_roll_rates);
	tcase_add_test(tc, test_days_to_pay);
	tcase_add_test(tc, test_dispute_closure);
	tcase_add_test(tc, test_cases_worked);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
