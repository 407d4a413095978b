/* check_run - one account's part of a strategy run (server/run_decide.c) on the shipped book:
 * promises pause and resume the sequence, a cured account gets nothing, a message step without
 * a contact point is deferred, the policy's permanent reasons stand alone. */
#include "config.h"

#include "testutil.h"

#include "clock.h"
#include "policy_profile.h"
#include "run.h"

static struct template_set *ts;
static struct strategy_book *book;
static struct policy_profiles profiles;
static const struct policy_profile *regf;
static struct contact_point mobile = { .kind = CONTACT_MOBILE, .value = "+1 404-555-0101",
				       .consent = CONSENT_SMS };
static struct wire_account book_acct;
static int64_t at;	/* 2026-03-10 15:00 UTC: 11:00 in New York, on summer time */

static void
setup(void)
{
	struct problems p = { 0 };
	struct err e;

	ck_assert_msg(run_book_open("default", NULL, &ts, &book, &p, &e) == 0, "%s", e.msg);
	ck_assert_msg(policy_profiles_load(&profiles, &e) == 0, "%s", e.msg);
	regf = policy_profiles_find(&profiles, "us-regf");
	problems_free(&p);
	ck_assert_int_eq(time_parse_rfc3339("2026-03-10T15:00:00Z", &at, &e), 0);
	memset(&book_acct, 0, sizeof book_acct);
	snprintf(book_acct.account.id, sizeof book_acct.account.id, "A-1");
	snprintf(book_acct.account.name, sizeof book_acct.account.name, "Ann Able");
	snprintf(book_acct.account.currency, sizeof book_acct.account.currency, "USD");
	snprintf(book_acct.account.zones, sizeof book_acct.account.zones, "America/New_York");
	book_acct.account.total = 200000;
	book_acct.account.past_due = 30000;
	book_acct.contacts = &mobile;
	book_acct.ncontacts = 1;
}

static void
teardown(void)
{
	strategy_book_free(&book);
	template_set_free(&ts);
}

/* The decision for an account dpd days past due, with promise p (may be NULL). */
static void
decide(int dpd, const struct run_promise *p, struct run_decision *d)
{
	struct run_account_facts f = { .promise = p };

	book_acct.account.due_date = date_of_time(at) - dpd;
	run_decide(book, regf, &book_acct, &f, at, NULL, d);
}

START_TEST(test_sequence_sends_and_records_work)
{
	struct run_decision d;

	decide(1, NULL, &d);
	ck_assert_int_eq(d.verdict, RUN_SEND);
	ck_assert_str_eq(d.segment, "early");
	ck_assert_uint_eq(d.sd.step_no, 1);
	ck_assert_int_eq(d.point, 0);
	decide(5, NULL, &d);
	ck_assert_int_eq(d.verdict, RUN_DUE);
	ck_assert_int_eq(d.sd.step->action, STEP_CALL);
	ck_assert_str_eq(d.key, "default\x1f" "1\x1f" "early\x1f" "champion\x1f" "2");
}
END_TEST

START_TEST(test_promise_pauses_and_resumes)
{
	struct run_promise p = { .account = "A-1", .id = "p1", .state = PTP_KEPT };
	struct run_decision d;

	/* kept, its last day still ahead: the sequence waits, whatever the step */
	p.due = date_of_time(at) + 2;
	decide(12, &p, &d);
	ck_assert_int_eq(d.verdict, RUN_PAUSED);
	/* its day has passed: the sequence goes on */
	p.due = date_of_time(at) - 1;
	decide(12, &p, &d);
	ck_assert_int_eq(d.verdict, RUN_DEFER);	/* no email address: see test_deferrals */
	ck_assert_int_eq(d.sd.step->action, STEP_EMAIL);
	/* open: the book's steps hold on promise_open, so nothing is due */
	p.state = PTP_PENDING;
	p.due = date_of_time(at) + 5;
	decide(6, &p, &d);
	ck_assert_int_eq(d.verdict, RUN_NOTHING);
	/* open past its grace days, judged by nobody: broken, and the call is due again */
	p.due = date_of_time(at) - RUN_PROMISE_GRACE_DAYS - 1;
	decide(6, &p, &d);
	ck_assert_int_eq(d.verdict, RUN_DUE);
	/* broken by a status: the same */
	p.state = PTP_BROKEN;
	p.due = date_of_time(at) + 5;
	decide(6, &p, &d);
	ck_assert_int_eq(d.verdict, RUN_DUE);
}
END_TEST

START_TEST(test_cured_gets_nothing)
{
	struct run_decision d;

	book_acct.account.past_due = 0;
	decide(40, NULL, &d);
	ck_assert_int_eq(d.verdict, RUN_CURED);
	ck_assert_str_eq(d.segment, "current");
	ck_assert_int_eq(d.dpd, 0);
}
END_TEST

START_TEST(test_deferrals)
{
	struct run_decision d;
	char text[256];

	/* an email step on an account with no email address */
	decide(12, NULL, &d);
	ck_assert_int_eq(d.verdict, RUN_DEFER);
	ck_assert_int_eq(d.extra, RUN_REASON_NO_CONTACT_POINT);
	ck_assert(d.next_at == POLICY_NONE);
	ck_assert_str_eq(run_reasons_text(&d, text, sizeof text), "NO_CONTACT_POINT");
	/* no SMS consent at night: only the permanent reason is kept */
	mobile.consent = 0;
	at -= 13 * 3600;	/* 02:00 UTC, 22:00 in New York (summer time since 8 March) */
	decide(1, NULL, &d);
	mobile.consent = CONSENT_SMS;
	ck_assert_int_eq(d.verdict, RUN_DEFER);
	ck_assert_str_eq(run_reasons_text(&d, text, sizeof text), "NO_SMS_CONSENT");
	/* with consent, the hour: deferred to 08:00 in New York, 12:00 UTC */
	decide(1, NULL, &d);
	ck_assert_int_eq(d.verdict, RUN_DEFER);
	ck_assert_str_eq(run_reasons_text(&d, text, sizeof text), "OUTSIDE_HOURS");
	ck_assert_int_eq(d.next_at, at + 10 * 3600);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("decide");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sequence_sends_and_records_work);
	tcase_add_test(tc, test_promise_pauses_and_resumes);
	tcase_add_test(tc, test_cured_gets_nothing);
	tcase_add_test(tc, test_deferrals);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
