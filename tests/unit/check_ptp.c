/* check_ptp.c - promise validation at its boundaries, schedules, evaluation and kept rate. */
#include "config.h"

#include "clock.h"
#include "ptp.h"
#include "testutil.h"

static const struct ptp_rules rules = {
	.max_days = 30, .grace_days = 3, .plan_max_payments = 12, .plan_max_days = 365,
	.settlement_approval_percent = 70,
};

/* today is 2026-11-23 */
#define TODAY date_from_civil(2026, 11, 23)

static int
check(const char *amount, const char *date, const char *n, const char *freq, bool settlement,
      struct ptp_check *c)
{
	struct ptp_form f = { .amount = amount, .first_due = date, .payments = n, .frequency = freq,
			      .method = "card", .settlement = settlement };

	/* amount due 100.00, balance 1,000.00 */
	return ptp_validate(&f, &rules, 10000, 100000, TODAY, c);
}

START_TEST(test_amount_field)
{
	struct ptp_check c;

	ck_assert_int_eq(check("100", "2026-11-30", "", NULL, false, &c), 0);
	ck_assert_int_eq((int)c.plan.amount, 10000);
	ck_assert_int_eq(c.plan.n, 1);
	ck_assert_int_eq(check("", "2026-11-30", "", NULL, false, &c), 1);
	ck_assert_str_eq(c.msg[PTP_FIELD_AMOUNT], "enter the amount of the payment");
	ck_assert_int_eq(check("0", "2026-11-30", "", NULL, false, &c), 1);
	ck_assert_str_eq(c.msg[PTP_FIELD_AMOUNT], "the amount must be more than 0");
	ck_assert_int_eq(check("-5", "2026-11-30", "", NULL, false, &c), 1);
	ck_assert_int_eq(check("10.005", "2026-11-30", "", NULL, false, &c), 1);
	ck_assert_msg(strstr(c.msg[PTP_FIELD_AMOUNT], "decimal") != NULL, "%s", c.msg[PTP_FIELD_AMOUNT]);
	ck_assert_int_eq(check("0.01", "2026-11-30", "", NULL, false, &c), 0);
	/* a single promise may be for part of the amount due, never more than the balance */
	ck_assert_int_eq(check("50", "2026-11-30", "", NULL, false, &c), 0);
	ck_assert_int_eq(check("1000.01", "2026-11-30", "", NULL, false, &c), 1);
	ck_assert_msg(strstr(c.msg[PTP_FIELD_AMOUNT], "more than the balance") != NULL, "%s",
		      c.msg[PTP_FIELD_AMOUNT]);
	ck_assert_str_eq(c.msg[PTP_FIELD_DATE], "");
}
END_TEST

START_TEST(test_date_field)
{
	struct ptp_check c;

	ck_assert_int_eq(check("10", "2026-11-23", "", NULL, false, &c), 0);	/* today */
	ck_assert_int_eq(check("10", "2026-11-22", "", NULL, false, &c), 1);	/* yesterday */
	ck_assert_str_eq(c.msg[PTP_FIELD_DATE], "2026-11-22 is in the past (today is 2026-11-23)");
	ck_assert_int_eq(check("10", "2026-12-23", "", NULL, false, &c), 0);	/* +30 */
	ck_assert_int_eq(check("10", "2026-12-24", "", NULL, false, &c), 1);	/* +31 */
	ck_assert_str_eq(c.msg[PTP_FIELD_DATE],
			 "2026-12-24 is more than 30 days away; the latest is 2026-12-23");
	ck_assert_int_eq(check("10", "2026-02-30", "", NULL, false, &c), 1);
	ck_assert_int_eq(check("10", "", "", NULL, false, &c), 1);
	ck_assert_str_eq(c.msg[PTP_FIELD_DATE], "enter the date of the payment (YYYY-MM-DD)");
}
END_TEST

START_TEST(test_plan_coverage)
{
	struct ptp_check c;

	/* 4 x 25.00 covers 100.00 exactly */
	ck_assert_int_eq(check("25", "2026-11-30", "4", "weekly", false, &c), 0);
	ck_assert_int_eq((int)c.plan.total, 10000);
	/* 3 x 33.33 = 99.99: one cent short */
	ck_assert_int_eq(check("33.33", "2026-11-30", "3", "monthly", false, &c), 1);
	ck_assert_str_eq(c.msg[PTP_FIELD_AMOUNT],
			 "the plan pays 99.99 in total, 0.01 short of the amount due 100.00; raise it "
			 "or mark a settlement");
	ck_assert_int_eq(check("33.34", "2026-11-30", "3", "monthly", false, &c), 0);
	/* marked as a settlement, a short plan is allowed (and below 70% waits for a lead) */
	ck_assert_int_eq(check("33.33", "2026-11-30", "3", "monthly", true, &c), 0);
	ck_assert_int_eq(c.plan.approval, PTP_APPROVAL_PENDING);
	ck_assert_ptr_nonnull(strstr(c.note, "pending until a lead approves"));
}
END_TEST

START_TEST(test_plan_limits)
{
	struct ptp_check c;

	ck_assert_int_eq(check("10", "2026-11-30", "12", "monthly", false, &c), 0);
	ck_assert_int_eq(check("10", "2026-11-30", "13", "monthly", false, &c), 1);
	ck_assert_str_eq(c.msg[PTP_FIELD_PAYMENTS], "a plan may have at most 12 payments");
	ck_assert_int_eq(check("10", "2026-11-30", "x", "monthly", false, &c), 1);
	ck_assert_int_eq(check("50", "2026-11-30", "2", "", false, &c), 1);
	ck_assert_str_eq(c.msg[PTP_FIELD_FREQUENCY], "choose how often: weekly, fortnightly or monthly");
	ck_assert_int_eq(check("50", "2026-11-30", "2", "daily", false, &c), 1);
	/* the last payment beyond plan_max_days */
	struct ptp_rules short_plans = rules;
	struct ptp_form f = { .amount = "10", .first_due = "2026-12-01", .payments = "12",
			      .frequency = "monthly", .method = "card" };
	short_plans.plan_max_days = 300;
	ck_assert_int_eq(ptp_validate(&f, &short_plans, 10000, 100000, TODAY, &c), 1);
	ck_assert_str_eq(c.msg[PTP_FIELD_PAYMENTS], "the last payment would fall on 2027-11-01, "
						    "beyond the plan limit of 300 days (2027-09-19)");
	f.method = "";
	f.payments = "1";
	ck_assert_int_eq(ptp_validate(&f, &short_plans, 10000, 100000, TODAY, &c), 1);
	ck_assert_msg(c.msg[PTP_FIELD_METHOD][0] != '\0', "method");
}
END_TEST

START_TEST(test_settlement_approval)
{
	struct ptp_check c;

	/* balance 1,000.00: 700.00 is exactly the floor, 699.99 is below it */
	ck_assert_int_eq(check("700", "2026-11-30", "", NULL, true, &c), 0);
	ck_assert_int_eq(c.plan.approval, PTP_APPROVAL_NONE);
	ck_assert_int_eq(check("699.99", "2026-11-30", "", NULL, true, &c), 0);
	ck_assert_int_eq(c.plan.approval, PTP_APPROVAL_PENDING);
	ck_assert_int_eq(check("699.99", "2026-11-30", "", NULL, false, &c), 0);
	ck_assert_int_eq(c.plan.approval, PTP_APPROVAL_NONE);
}
END_TEST

START_TEST(test_schedule)
{
	int32_t due[4];
	int y, m, d;

	ptp_schedule(date_from_civil(2027, 1, 31), 4, PTP_FREQ_MONTHLY, due);
	date_to_civil(due[1], &y, &m, &d);
	ck_assert(y == 2027 && m == 2 && d == 28);
	date_to_civil(due[2], &y, &m, &d);
	ck_assert(m == 3 && d == 31);
	date_to_civil(due[3], &y, &m, &d);
	ck_assert(m == 4 && d == 30);
	ptp_schedule(100, 3, PTP_FREQ_FORTNIGHTLY, due);
	ck_assert(due[0] == 100 && due[1] == 114 && due[2] == 128);
	ptp_schedule(100, 2, PTP_FREQ_WEEKLY, due);
	ck_assert(due[1] == 107);
}
END_TEST

static struct promise
promise(int64_t rowid, const char *event, int k, int64_t amount, int32_t made, int32_t due)
{
	struct promise p = { .rowid = rowid, .installment = k, .amount = amount, .made_on = made,
			     .due_on = due, .state = PTP_PENDING };

	snprintf(p.event_id, sizeof p.event_id, "%s", event);
	return p;
}

START_TEST(test_evaluate_boundaries)
{
	/* a promise of 100.00 made on day 100, due day 110, grace 3: last day 113 */
	struct promise p;
	struct payment exact = { 10000, 113 }, short1 = { 9999, 110 }, late = { 10000, 114 },
		       early = { 10000, 99 };

	p = promise(1, "e", 1, 10000, 100, 110);
	ptp_evaluate(&p, 1, &exact, 1, 3, 113);
	ck_assert_int_eq(p.state, PTP_KEPT);	/* paid on the last grace day */

	p = promise(1, "e", 1, 10000, 100, 110);
	ptp_evaluate(&p, 1, &short1, 1, 3, 113);
	ck_assert_int_eq(p.state, PTP_PENDING);	/* one cent short, grace not over */
	ck_assert_int_eq((int)p.paid, 9999);
	ptp_evaluate(&p, 1, &short1, 1, 3, 114);
	ck_assert_int_eq(p.state, PTP_PARTIAL);

	p = promise(1, "e", 1, 10000, 100, 110);
	ptp_evaluate(&p, 1, &late, 1, 3, 114);
	ck_assert_int_eq(p.state, PTP_BROKEN);	/* paid a day after the grace */

	p = promise(1, "e", 1, 10000, 100, 110);
	ptp_evaluate(&p, 1, &early, 1, 3, 120);
	ck_assert_int_eq(p.state, PTP_BROKEN);	/* paid before the promise was made */

	p = promise(1, "e", 1, 10000, 100, 110);
	ptp_evaluate(&p, 1, NULL, 0, 3, 113);
	ck_assert_int_eq(p.state, PTP_PENDING);
	ptp_evaluate(&p, 1, NULL, 0, 0, 111);
	ck_assert_int_eq(p.state, PTP_BROKEN);	/* no grace */
}
END_TEST

START_TEST(test_evaluate_plan)
{
	/* three monthly installments of 50.00; one payment of 75.00 then one of 75.00 */
	struct promise ps[3] = {
		promise(3, "plan", 3, 5000, 100, 160), promise(1, "plan", 1, 5000, 100, 100),
		promise(2, "plan", 2, 5000, 100, 130),
	};
	struct payment pays[2] = { { 7500, 100 }, { 7500, 131 } };
	struct ptp_summary sum;

	ptp_evaluate(ps, 3, pays, 2, 3, 140);
	/* the first payment covers installment 1 and half of 2; the second tops up 2 */
	ck_assert_int_eq(ps[1].state, PTP_KEPT);
	ck_assert_int_eq(ps[2].state, PTP_KEPT);
	ck_assert_int_eq((int)ps[2].paid, 5000);
	ck_assert_int_eq(ps[0].state, PTP_KEPT);	/* paid ahead of its date */
	ck_assert_int_eq((int)ps[0].paid, 5000);
	ptp_summarize(ps, 3, &sum);
	ck_assert_int_eq(sum.state, PTP_KEPT);	/* all paid: the last one due shows */

	pays[1].amount = 2500;
	ptp_evaluate(ps, 3, pays, 2, 3, 140);
	ck_assert_int_eq(ps[2].state, PTP_KEPT);
	ck_assert_int_eq(ps[0].state, PTP_PENDING);
	ck_assert_int_eq((int)ps[0].paid, 0);
	ptp_summarize(ps, 3, &sum);
	ck_assert_int_eq(sum.state, PTP_PENDING);
	ck_assert_int_eq(sum.due, 160);

	ptp_evaluate(ps, 3, pays, 2, 3, 164);
	ck_assert_int_eq(ps[0].state, PTP_BROKEN);
	ptp_summarize(ps, 3, &sum);
	ck_assert_int_eq(sum.state, PTP_BROKEN);

	/* a newer promise supersedes; a declined one never counts */
	struct promise two[2] = { promise(1, "old", 1, 100, 100, 101), promise(2, "new", 1, 100, 120, 125) };
	two[0].state = PTP_BROKEN;
	ptp_summarize(two, 2, &sum);
	ck_assert_int_eq(sum.state, PTP_PENDING);
	two[1].approval = PTP_APPROVAL_DECLINED;
	ptp_summarize(two, 2, &sum);
	ck_assert_int_eq(sum.state, PTP_BROKEN);
	ptp_summarize(two, 0, &sum);
	ck_assert_int_eq(sum.state, PTP_NONE);
}
END_TEST

static struct event
status(const char *body, int64_t at)
{
	struct event ev = { .at = at };

	snprintf(ev.kind, sizeof ev.kind, "ptp_status");
	ev.body = (char *)body;
	return ev;
}

START_TEST(test_kept_rate)
{
	struct event evs[6] = {
		status("{\"promise\":\"a\",\"state\":\"pending\"}", 1),
		status("{\"promise\":\"a\",\"state\":\"kept\"}", 2),
		status("{\"promise\":\"b\",\"installment\":1,\"state\":\"broken\"}", 3),
		status("{\"promise\":\"b\",\"installment\":2,\"state\":\"partially kept\"}", 3),
		status("{\"promise\":\"c\",\"state\":\"broken\"}", 4),
		status("{\"promise\":\"c\",\"state\":\"kept\"}", 5),
	};
	struct ptp_rate r;

	snprintf(evs[0].kind, sizeof evs[0].kind, "note");	/* not a status: ignored */
	ptp_kept_rate(evs, 6, &r);
	ck_assert_int_eq(r.kept, 2);
	ck_assert_int_eq(r.partial, 1);
	ck_assert_int_eq(r.broken, 1);
	ck_assert(r.rate > 0.49 && r.rate < 0.51);
	ptp_kept_rate(evs, 0, &r);
	ck_assert(r.rate == 0.0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ptp");
	TCase *tc = tcase_create("ptp");

	tcase_add_test(tc, test_amount_field);
	tcase_add_test(tc, test_date_field);
	tcase_add_test(tc, test_plan_coverage);
	tcase_add_test(tc, test_plan_limits);
	tcase_add_test(tc, test_settlement_approval);
	tcase_add_test(tc, test_schedule);
	tcase_add_test(tc, test_evaluate_boundaries);
	tcase_add_test(tc, test_evaluate_plan);
	tcase_add_test(tc, test_kept_rate);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
