/* check_casework.c - casework on a demo book: events and derived state move together, and
 * the queue follows at once. */
#include "config.h"

#include <sqlite3.h>

#include "casework.h"
#include "clock.h"
#include "demo.h"
#include "evidence.h"
#include "queue.h"
#include "store.h"
#include "testutil.h"

static char dir[1024];
static struct store *store;
static struct casework cw;
static int64_t now;
static int32_t today;

static void
setup(void)
{
	char path[1100];
	struct err e = { "" };
	struct demo_params p = { .accounts = 60, .seed = 3, .assignee = "agent" };
	struct demo_summary sum;

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	ck_assert_msg(store_open(path, STORE_CREATE, &store, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(date_parse("2026-11-23", &p.as_of, &e), 0);
	ck_assert_msg(demo_generate(store, &p, &sum, &e) == 0, "%s", e.msg);
	today = p.as_of;
	now = (int64_t)today * 86400 + 15 * 3600;
	cw = (struct casework){
		.store = store, .device = "test-device", .user = "sam", .role = "agent",
		.rules = { .max_days = 30, .grace_days = 3, .plan_max_payments = 12,
			   .plan_max_days = 365, .settlement_approval_percent = 70 },
	};
}

static void
teardown(void)
{
	store_close(&store);
	tmpdir_remove(dir);
}

static int64_t
count(const char *sql)
{
	sqlite3_stmt *st;
	int64_t n;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(store), sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* The id of an account without flags or promises, the n-th such in row order. */
static void
plain_account(int n, char *id)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(store),
					    "SELECT ext_id FROM accounts a JOIN balances b ON b.account_id = a.id "
					    "WHERE flags = 0 AND ptp_state = 0 AND callback_at = 0 "
					    "AND b.amount_due > 10000 ORDER BY a.id LIMIT 1 OFFSET ?",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int(st, 1, n);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(id, ACCOUNT_ID_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

static struct account
account(const char *id)
{
	struct account a;
	struct err e = { "" };

	ck_assert_int_eq(store_account_get(store, id, &a, &e), 0);
	return a;
}

/* Position of id in the queue ranked at t. */
static size_t
rank(const char *id, int64_t t)
{
	struct queue q;
	struct err e = { "" };
	size_t pos = (size_t)-1;

	queue_init(&q);
	ck_assert_msg(queue_load(&q, store, t, &e) == 0, "%s", e.msg);
	for (size_t i = 0; i < q.nvisible; i++)
		if (strcmp(q.items[q.order[i]].id, id) == 0)
			pos = i;
	queue_free(&q);
	ck_assert(pos != (size_t)-1);
	return pos;
}

static void
chain_intact(void)
{
	struct verify_report r;
	struct err e = { "" };

	ck_assert_int_eq(evidence_verify(store, &r, &e), 0);
}

static struct ptp_plan
plan_of(const char *amount, const char *date, const char *n, const char *freq, bool settlement,
	const struct account *a)
{
	struct ptp_form f = { .amount = amount, .first_due = date, .payments = n, .frequency = freq,
			      .method = "card", .settlement = settlement };
	struct ptp_check c;

	ck_assert_msg(ptp_validate(&f, &cw.rules, a->amount_due, a->total, today, &c) == 0,
		      "%s|%s|%s|%s", c.msg[0], c.msg[1], c.msg[2], c.msg[3]);
	return c.plan;
}

START_TEST(test_full_call)
{
	char id[ACCOUNT_ID_LEN], why[256], sql[256], date[16];
	struct account a;
	struct script *s = NULL;
	struct script_vars v;
	struct script_var_store vs;
	struct casework_call *call;
	struct err e = { "" };
	struct ptp_plan p;
	int64_t before = count("SELECT count(*) FROM events");
	const struct script_runner *r;

	plain_account(0, id);
	a = account(id);
	ck_assert_msg(script_open("us-early", &s, &e) == 0, "%s", e.msg);
	script_vars_from_account(&v, &vs, &a, "Sam", "Acme Bank", today);
	call = casework_call_start(&cw, id, s, &v, "mobile", now, &e);
	ck_assert_msg(call != NULL, "%s", e.msg);
	r = casework_call_runner(call);
	ck_assert_int_eq(casework_call_tick(call, (size_t)script_checkpoint_find(s, "recording"), now, &e), 0);
	ck_assert_int_eq(casework_call_answer(call, 0, now + 10, &e), 0);	/* debtor on the line */
	ck_assert_str_eq(script_runner_step(r)->id, "verify");
	/* the gate: no way on (and no disclosure) before verification; nothing written */
	ck_assert_int_eq(casework_call_answer(call, 0, now + 20, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "Right party verified"));
	ck_assert_int_eq(count("SELECT count(*) FROM events") - before, 3);
	p = plan_of("50", "2026-11-30", "", NULL, false, &a);
	ck_assert_int_eq(casework_call_ptp(call, &p, now, &e), -1);
	ck_assert_int_eq(casework_call_tick(call, (size_t)s->verify, now + 30, &e), 0);
	ck_assert_int_eq(casework_call_answer(call, 0, now + 40, &e), 0);
	ck_assert_str_eq(script_runner_step(r)->id, "disclosure");
	ck_assert_int_eq(casework_call_tick(call, (size_t)script_checkpoint_find(s, "mini_miranda"), now + 50, &e), 0);
	/* a ptp close needs a promise, and the mandatory checkpoints */
	ck_assert(!casework_call_can_close(call, OUTCOME_PTP, 0, now, why, sizeof why));
	ck_assert_ptr_nonnull(strstr(why, "is not done"));
	ck_assert_int_eq(casework_call_waive(call, (size_t)script_checkpoint_find(s, "reason"),
					     "debtor did not want to say", now + 60, &e), 0);
	ck_assert_int_eq(casework_call_tick(call, (size_t)script_checkpoint_find(s, "recap"), now + 70, &e), 0);
	ck_assert(!casework_call_can_close(call, OUTCOME_PTP, 0, now, why, sizeof why));
	ck_assert_str_eq(why, "record the promise before closing the call as ptp");
	ck_assert_int_eq(casework_call_ptp(call, &p, now + 80, &e), 0);
	ck_assert_int_eq(casework_call_close(call, OUTCOME_PTP, 0, now + 90, &e), 0);
	ck_assert(casework_call_closed(call));
	ck_assert_int_eq(casework_call_answer(call, 0, now + 100, &e), -1);

	/* call_start, 2 answers, 4 ticks, 1 waiver, ptp, attempt = 10 events with the call id */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE unseal(body, 'events', id) LIKE '%%%s%%'",
		 casework_call_id(call));
	ck_assert_int_eq(count(sql), 10);
	/* this device's: the demo book has waived checkpoints of its own, for QA to review */
	ck_assert_int_eq(count("SELECT count(*) FROM events WHERE kind = 'checkpoint' AND "
			       "device = 'test-device' AND "
			       "unseal(body, 'events', id) LIKE '%waived%'"), 1);
	a = account(id);
	ck_assert(a.last_attempt_at == now + 90);
	ck_assert(a.last_contact_at == now + 90);
	ck_assert_int_eq(a.ptp_state, PTP_PENDING);
	ck_assert_int_eq((int)a.ptp_amount, 5000);
	ck_assert_str_eq(date_format(a.ptp_due, date, sizeof date), "2026-11-30");
	chain_intact();
	casework_call_free(&call);
	ck_assert_ptr_null(call);
	script_free(&s);
}
END_TEST

START_TEST(test_atomic)
{
	char id[ACCOUNT_ID_LEN];
	struct err e = { "" };
	struct account a0, a1;
	int64_t events;
	char text[2100 * 3];

	plain_account(1, id);
	ck_assert_int_eq(casework_payment_record(&cw, id, 1000, today, "REF-1", "gateway", now, &e), 0);
	a0 = account(id);
	events = count("SELECT count(*) FROM events");
	/* the payment event is appended, then the payment row fails: neither stays */
	ck_assert_int_eq(casework_payment_record(&cw, id, 2000, today, "REF-1", "gateway", now, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "payment REF-1"));
	ck_assert_int_eq(count("SELECT count(*) FROM events"), events);
	ck_assert_int_eq(count("SELECT count(*) FROM payments WHERE reference = 'REF-1'"), 1);
	a1 = account(id);
	ck_assert(a0.ptp_state == a1.ptp_state && a0.ptp_amount == a1.ptp_amount &&
		  a0.last_attempt_at == a1.last_attempt_at && a0.flags == a1.flags);

	/* notes: UTF-8, limited, with a clear message; nothing written when refused */
	memset(text, 'x', 2001);
	text[2001] = '\0';
	ck_assert_int_eq(casework_note_add(&cw, id, text, now, &e), -1);
	ck_assert_str_eq(e.msg, "the note has 2001 characters; the limit is 2000 (1 too many)");
	ck_assert_int_eq(casework_note_check("caf\xc3", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not valid UTF-8"));
	ck_assert_int_eq(casework_note_check("\xc0\xaf", &e), -1);
	ck_assert_int_eq(casework_note_check(" \n", &e), -1);
	ck_assert_int_eq(count("SELECT count(*) FROM events"), events);
	/* 2000 three-byte characters are within the limit */
	for (int i = 0; i < 2000; i++)
		memcpy(text + i * 3, "\xe2\x82\xac", 3);
	text[6000] = '\0';
	ck_assert_msg(casework_note_add(&cw, id, text, now, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(casework_note_add(&cw, "NOPE", "hello", now, &e), -1);
	ck_assert_str_eq(e.msg, "no account NOPE");
	ck_assert_int_eq(count("SELECT count(*) FROM events"), events + 1);
	chain_intact();
}
END_TEST

START_TEST(test_queue_worked_down)
{
	char id[ACCOUNT_ID_LEN];
	struct queue q;
	struct err e = { "" };
	struct script *s = NULL;
	struct script_vars v = { .agent = "Sam" };
	struct casework_call *call;
	size_t before;

	queue_init(&q);
	ck_assert_int_eq(queue_load(&q, store, now, &e), 0);
	snprintf(id, sizeof id, "%s", q.items[q.order[0]].id);
	queue_free(&q);
	before = rank(id, now + 60);
	ck_assert_int_eq(script_open("us-early", &s, &e), 0);
	call = casework_call_start(&cw, id, s, &v, "mobile", now, &e);
	ck_assert_ptr_nonnull(call);
	ck_assert_int_eq(casework_call_answer(call, 4, now, &e), 0);	/* no answer */
	ck_assert_int_eq(script_runner_proposed(casework_call_runner(call)), OUTCOME_NO_ANSWER);
	ck_assert_int_eq(casework_call_close(call, OUTCOME_NO_ANSWER, 0, now, &e), 0);
	ck_assert_msg(rank(id, now + 60) > before, "worked case stayed at %zu", before);
	ck_assert(account(id).last_contact_at != now);
	casework_call_free(&call);
	script_free(&s);
}
END_TEST

START_TEST(test_queue_callback_up)
{
	char id[ACCOUNT_ID_LEN];
	struct err e = { "" };
	size_t before;

	plain_account(5, id);
	before = rank(id, now + 7200);
	ck_assert_int_eq(casework_callback_schedule(&cw, id, now - 10, now, &e), -1);
	ck_assert_int_eq(casework_callback_schedule(&cw, id, now + 3600, now, &e), 0);
	ck_assert(account(id).callback_at == now + 3600);
	ck_assert_msg(rank(id, now + 7200) < before, "due callback did not move up from %zu", before);
	ck_assert_int_eq(count("SELECT count(*) FROM events WHERE kind = 'callback' AND "
			       "unseal(body, 'events', id) LIKE '%2026-11-23T16:00:00Z%'"), 1);
}
END_TEST

START_TEST(test_broken_promise_up)
{
	char id[ACCOUNT_ID_LEN], date[16];
	struct err e = { "" };
	struct account a;
	struct ptp_plan p;
	int64_t later = now + 5 * 86400;	/* due + 4: past the 3 grace days */
	size_t before, ndue;
	char (*due)[ACCOUNT_ID_LEN];
	bool found = false;

	plain_account(3, id);
	a = account(id);
	p = plan_of("20", date_format(today + 1, date, sizeof date), "", NULL, false, &a);
	ck_assert_int_eq(casework_ptp_record(&cw, id, &p, NULL, now, NULL, &e), 0);
	ck_assert_int_eq(account(id).ptp_state, PTP_PENDING);
	/* the grace day itself: still pending, and not a candidate for evaluation yet */
	ck_assert_int_eq(casework_promises_due(store, now + 4 * 86400, 3, &due, &ndue, &e), 0);
	for (size_t i = 0; i < ndue; i++)
		ck_assert_str_ne(due[i], id);
	free(due);
	ck_assert_int_eq(casework_promises_evaluate(&cw, id, now + 4 * 86400, &e), 0);
	ck_assert_int_eq(account(id).ptp_state, PTP_PENDING);
	ck_assert_int_eq(casework_promises_due(store, later, 3, &due, &ndue, &e), 0);
	for (size_t i = 0; i < ndue && !found; i++)
		found = strcmp(due[i], id) == 0;
	free(due);
	ck_assert_msg(found, "the promise past its grace is not a candidate");
	before = rank(id, later);
	ck_assert_int_eq(casework_promises_evaluate(&cw, id, later, &e), 0);
	ck_assert_int_eq(account(id).ptp_state, PTP_BROKEN);
	ck_assert_msg(rank(id, later) < before, "broken promise did not move up from %zu", before);
	ck_assert_int_eq(count("SELECT count(*) FROM events WHERE kind = 'ptp_status' AND "
			       "unseal(body, 'events', id) LIKE '%broken%' AND user = 'sam'"), 1);
	/* evaluating again changes nothing and writes nothing */
	int64_t events = count("SELECT count(*) FROM events");
	ck_assert_int_eq(casework_promises_evaluate(&cw, id, later, &e), 0);
	ck_assert_int_eq(count("SELECT count(*) FROM events"), events);
}
END_TEST

START_TEST(test_payment_keeps_plan)
{
	char id[ACCOUNT_ID_LEN], date[16];
	struct err e = { "" };
	struct account a;
	struct ptp_plan p;
	struct event *evs = NULL;
	size_t n = 0;
	struct ptp_rate rate;
	struct promise *ps = NULL;

	plain_account(2, id);
	a = account(id);
	/* two fortnightly payments covering the amount due (rounded up to the cent) */
	char each[32];
	snprintf(each, sizeof each, "%lld.%02lld", (long long)((a.amount_due + 1) / 2 / 100),
		 (long long)((a.amount_due + 1) / 2 % 100));
	p = plan_of(each, date_format(today + 2, date, sizeof date), "2", "fortnightly", false, &a);
	ck_assert_int_eq(casework_ptp_record(&cw, id, &p, NULL, now, NULL, &e), 0);
	ck_assert_int_eq(casework_promises_get(store, id, &ps, &n, &e), 0);
	ck_assert_int_eq((int)n, 2);
	ck_assert_int_eq(ps[1].due_on - ps[0].due_on, 14);
	free(ps);
	/* the first installment is paid a day later, by the gateway: kept */
	ck_assert_int_eq(casework_payment_record(&cw, id, p.amount, today + 3, "GW-9", "gateway",
						 now + 86400, &e), 0);
	a = account(id);
	ck_assert_int_eq(a.ptp_state, PTP_PENDING);
	ck_assert_int_eq(a.ptp_due, today + 16);
	/* the second is paid one cent short and the grace runs out: partially kept */
	ck_assert_int_eq(casework_payment_record(&cw, id, p.amount - 1, today + 16, "GW-10", "sync",
						 now + 16 * 86400, &e), 0);
	ck_assert_int_eq(casework_promises_evaluate(&cw, id, now + 20 * 86400, &e), 0);
	ck_assert_int_eq(account(id).ptp_state, PTP_PARTIAL);
	ck_assert_int_eq(store_events_get(store, id, &evs, &n, &e), 0);
	ptp_kept_rate(evs, n, &rate);
	ck_assert_int_eq(rate.kept, 1);
	ck_assert_int_eq(rate.partial, 1);
	events_free(&evs, n);
	chain_intact();
}
END_TEST

START_TEST(test_settlement_needs_lead)
{
	char id[ACCOUNT_ID_LEN], date[16], pid[37];
	struct err e = { "" };
	struct account a;
	struct ptp_plan p;
	struct promise *ps = NULL;
	size_t n = 0;
	struct casework lead = cw;

	plain_account(4, id);
	a = account(id);
	p = plan_of("1", date_format(today + 5, date, sizeof date), "", NULL, true, &a);
	ck_assert_int_eq(p.approval, PTP_APPROVAL_PENDING);
	ck_assert_int_eq(casework_ptp_record(&cw, id, &p, NULL, now, pid, &e), 0);
	ck_assert_int_eq(casework_ptp_decide(&cw, id, pid, true, now, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "only a lead"));
	lead.role = "lead";
	lead.user = "lee";
	ck_assert_int_eq(casework_ptp_decide(&lead, id, "nope", true, now, &e), -1);
	ck_assert_int_eq(casework_ptp_decide(&lead, id, pid, false, now, &e), 0);
	ck_assert_int_eq(casework_promises_get(store, id, &ps, &n, &e), 0);
	ck_assert_int_eq(ps[0].approval, PTP_APPROVAL_DECLINED);
	free(ps);
	ck_assert_int_eq(account(id).ptp_state, PTP_NONE);
	ck_assert_int_eq(casework_ptp_decide(&lead, id, pid, true, now, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not waiting"));
}
END_TEST

START_TEST(test_flags)
{
	char id[ACCOUNT_ID_LEN];
	struct err e = { "" };

	plain_account(6, id);
	ck_assert_int_eq(casework_dispute_set(&cw, id, true, "not my card", now, &e), 0);
	ck_assert(account(id).flags & AFLAG_DISPUTE);
	ck_assert_int_eq(casework_dispute_set(&cw, id, true, NULL, now, &e), -1);
	ck_assert_int_eq(casework_dispute_set(&cw, id, false, "statement sent", now, &e), 0);
	ck_assert(!(account(id).flags & AFLAG_DISPUTE));
	ck_assert_int_eq(casework_vulnerable_set(&cw, id, true, "", now, &e), -1);
	ck_assert_int_eq(casework_vulnerable_set(&cw, id, true, "recent bereavement", now, &e), 0);
	ck_assert_int_eq(casework_cease_request(&cw, id, "by letter", now, &e), 0);
	ck_assert_uint_eq(account(id).flags, AFLAG_VULNERABLE | AFLAG_CEASE);
	ck_assert_int_eq(count("SELECT count(*) FROM events WHERE device = 'test-device'"), 4);
	chain_intact();
}
END_TEST

START_TEST(test_call_outcomes_set_flags)
{
	char id[ACCOUNT_ID_LEN];
	struct err e = { "" };
	struct script *s = NULL;
	struct script_vars v = { .agent = "Sam" };
	struct casework_call *call;
	char why[256];

	plain_account(7, id);
	ck_assert_int_eq(script_open("us-early", &s, &e), 0);
	call = casework_call_start(&cw, id, s, &v, "landline", now, &e);
	ck_assert(!casework_call_can_close(call, OUTCOME_CALLBACK, now, now, why, sizeof why));
	ck_assert_str_eq(why, "a callback needs a time in the future");
	ck_assert_int_eq(casework_call_close(call, OUTCOME_CEASE_REQUEST, 0, now, &e), 0);
	ck_assert(account(id).flags & AFLAG_CEASE);
	casework_call_free(&call);

	call = casework_call_start(&cw, id, s, &v, "landline", now, &e);
	ck_assert_int_eq(casework_call_close(call, OUTCOME_CALLBACK, now + 3600, now, &e), 0);
	ck_assert(account(id).callback_at == now + 3600);
	casework_call_free(&call);
	script_free(&s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("casework");
	TCase *tc = tcase_create("casework");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_full_call);
	tcase_add_test(tc, test_atomic);
	tcase_add_test(tc, test_queue_worked_down);
	tcase_add_test(tc, test_queue_callback_up);
	tcase_add_test(tc, test_broken_promise_up);
	tcase_add_test(tc, test_payment_keeps_plan);
	tcase_add_test(tc, test_settlement_needs_lead);
	tcase_add_test(tc, test_flags);
	tcase_add_test(tc, test_call_outcomes_set_flags);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
