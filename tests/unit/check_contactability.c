/* Units: policy facts from a hand-built cache, decisions per contact point and account, the
 * queue sweep, and the evidence of contacts started and overridden. Every `now` is explicit. */
#include "config.h"

#include <sqlite3.h>
#include <stdarg.h>

#include "contactability.h"
#include "evidence.h"
#include "settings.h"
#include "store.h"
#include "testutil.h"

#define HOUR 3600LL
#define DAY 86400LL
/* 2026-03-10 (a Tuesday, two days after the US went onto summer time) */
#define T1500 1773154800LL	/* 15:00Z: 11:00 in New York, 08:00 in Los Angeles */
#define T1300 (T1500 - 2 * HOUR)	/* 09:00 in New York, 06:00 in Los Angeles */

static char dir[256], path[512];
static struct store *store;
static struct settings cfg;

static void
exec(const char *fmt, ...)
{
	char sql[1024], *msg = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	ck_assert_msg(sqlite3_exec(store_db(store), sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s",
		      sql, msg);
}

static int64_t
count(const char *fmt, ...)
{
	char sql[512];
	sqlite3_stmt *st;
	int64_t n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	ck_assert_int_eq(sqlite3_prepare_v2(store_db(store), sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
account(const char *id, const char *profile, unsigned flags, const char *zones)
{
	exec("INSERT INTO parties(name, zones) VALUES(seal('%s'), '%s')", id, zones);
	exec("INSERT INTO accounts(ext_id, party_id, product, profile, opened_on, due_date, flags) "
	     "VALUES('%s', last_insert_rowid(), 0, '%s', 20000, 20500, %u)",
	     id, profile, flags);
	exec("INSERT INTO balances(account_id, principal, fees, past_due, total, amount_due, as_of) "
	     "SELECT id, 100000, 0, 10000, 100000, 10000, 20500 FROM accounts WHERE ext_id = '%s'",
	     id);
}

static void
point(const char *id, enum contact_kind kind, const char *zones, unsigned consent)
{
	exec("INSERT INTO contact_points(party_id, kind, value, zones, consent) "
	     "SELECT party_id, %d, seal('%s-%d'), '%s', %u FROM accounts WHERE ext_id = '%s'",
	     (int)kind, id, (int)kind, zones, consent, id);
}

static void
event(const char *id, const char *kind, int64_t at, const char *body)
{
	struct event_draft d = {.device = "test", .user = "t", .account_id = id, .kind = kind,
				.at = at, .body = body};
	struct err e;

	ck_assert_msg(evidence_record(store, &d, NULL, &e) == 0, "%s", e.msg);
}

static void
call(const char *id, int64_t at, const char *result)
{
	char body[160];

	snprintf(body, sizeof body,
		 "{\"channel\":\"call\",\"direction\":\"outbound\",\"contact\":\"mobile\","
		 "\"result\":\"%s\"}", result);
	event(id, "attempt", at, body);
}

static bool
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static struct contactability *
evaluator(const char *role)
{
	struct contactability *c;
	struct err e;

	snprintf(cfg.role, sizeof cfg.role, "%s", role);
	c = contactability_new(store, &cfg, &e);
	ck_assert_msg(c != NULL, "%s", e.msg);
	return c;
}

static void
decide(struct contactability *c, const char *id, int64_t now, bool detail,
       struct account_contact *out)
{
	struct err e;

	ck_assert_msg(contactability_account(c, id, now, detail, out, &e) == 0, "%s", e.msg);
}

static void
setup(void)
{
	struct err e;

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	ck_assert_msg(store_open(path, STORE_CREATE, &store, NULL, &e) == 0, "%s", e.msg);
	settings_default(&cfg);
	snprintf(cfg.user, sizeof cfg.user, "ann");
}

static void
teardown(void)
{
	store_close(&store);
	tmpdir_remove(dir);
}

START_TEST(inside_hours_allowed_everywhere)
{
	struct contactability *c;
	struct account_contact ac;

	account("NY1", "us-regf", 0, "America/New_York");
	point("NY1", CONTACT_MOBILE, "America/New_York", CONSENT_SMS);
	point("NY1", CONTACT_EMAIL, "", CONSENT_EMAIL);
	point("NY1", CONTACT_ADDRESS, "America/New_York", 0);
	c = evaluator("agent");
	decide(c, "NY1", T1500, true, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_NOW);
	ck_assert_int_eq(ac.best, 0);
	ck_assert_int_eq(ac.best_channel, POLICY_CALL);
	ck_assert_int_eq(ac.npoints, 3);
	ck_assert_int_eq(ac.points[0].nverdicts, 2);
	ck_assert(ac.points[0].verdicts[0].d.allowed && ac.points[0].verdicts[1].d.allowed);
	ck_assert(ac.points[1].verdicts[0].d.allowed);
	ck_assert_int_eq(ac.points[2].nverdicts, 0);	/* letters are not started here */
	ck_assert_int_eq(ac.calls_max, 7);
	ck_assert_int_eq(ac.calls_left, 7);
	contactability_free(&c);
	ck_assert_ptr_null(c);
}
END_TEST

START_TEST(outside_hours_opens_at_eight)
{
	struct contactability *c;
	struct account_contact ac;

	account("LA1", "us-regf", 0, "America/Los_Angeles");
	point("LA1", CONTACT_LANDLINE, "America/Los_Angeles", 0);
	c = evaluator("agent");
	decide(c, "LA1", T1300, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_LATER);
	ck_assert_uint_eq(ac.reasons, POLICY_BIT(POLICY_OUTSIDE_HOURS));
	ck_assert_int_eq(ac.next_allowed_at, T1500);	/* 08:00 in Los Angeles */
	/* 07:59 local is still outside; 08:00 is inside */
	decide(c, "LA1", T1500 - 60, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_LATER);
	decide(c, "LA1", T1500, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_NOW);
	contactability_free(&c);
}
END_TEST

START_TEST(a_number_in_another_zone)
{
	struct contactability *c;
	struct account_contact ac;

	/* the mobile's area code is in Los Angeles, the home in New York: at 09:30 in New York
	 * the mobile may not be called (06:30 there) but the landline may */
	account("TZ2", "us-regf", 0, "America/New_York");
	point("TZ2", CONTACT_MOBILE, "America/Los_Angeles", CONSENT_SMS);
	point("TZ2", CONTACT_LANDLINE, "America/New_York", 0);
	c = evaluator("agent");
	decide(c, "TZ2", T1300 + 30 * 60, true, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_NOW);
	ck_assert_int_eq(ac.best, 1);
	ck_assert(!ac.points[0].verdicts[0].d.allowed);
	ck_assert_uint_eq(ac.points[0].verdicts[0].d.reasons, POLICY_BIT(POLICY_OUTSIDE_HOURS));
	ck_assert_int_eq(ac.points[0].verdicts[0].d.next_allowed_at, T1500);
	ck_assert(ac.points[1].verdicts[0].d.allowed);
	contactability_free(&c);
}
END_TEST

START_TEST(permanent_blocks_have_no_next_time)
{
	struct contactability *c;
	struct account_contact ac;

	account("CE1", "us-regf", AFLAG_CEASE, "America/New_York");
	point("CE1", CONTACT_MOBILE, "America/New_York", CONSENT_SMS);
	account("NOP", "us-regf", 0, "America/New_York");
	account("BAD", "xx-none", 0, "America/New_York");
	c = evaluator("agent");
	decide(c, "CE1", T1500, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_BLOCKED);
	ck_assert(ac.reasons & POLICY_BIT(POLICY_CEASE));
	ck_assert_int_eq(ac.next_allowed_at, POLICY_NONE);
	/* nothing to call, text or email */
	decide(c, "NOP", T1500, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_BLOCKED);
	ck_assert_int_eq(ac.best, -1);
	{
		struct err e;
		ck_assert_int_eq(contactability_account(c, "BAD", T1500, false, &ac, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "xx-none"));
		ck_assert_int_eq(contactability_account(c, "NONE", T1500, false, &ac, &e), 1);
	}
	contactability_free(&c);
}
END_TEST

START_TEST(seven_calls_in_seven_days)
{
	struct contactability *c;
	struct account_contact ac;
	int i;

	account("F7", "us-regf", 0, "America/New_York");
	point("F7", CONTACT_LANDLINE, "America/New_York", 0);
	/* six counted calls on the six days before, and a busy one (never counted) */
	for (i = 1; i <= 6; i++)
		call("F7", T1500 - i * DAY, i == 3 ? "voicemail" : "no_answer");
	call("F7", T1500 - HOUR, "busy");
	/* an inbound call and one 8 days ago do not count either */
	event("F7", "attempt", T1500 - 2 * HOUR,
	      "{\"channel\":\"call\",\"direction\":\"inbound\",\"result\":\"no_answer\"}");
	call("F7", T1500 - 8 * DAY, "no_answer");
	c = evaluator("agent");
	decide(c, "F7", T1500, true, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_NOW);
	ck_assert_int_eq(ac.calls_left, 1);
	/* the 7th counted call: the 8th is blocked until the first leaves the window */
	call("F7", T1500 - 30 * 60, "no_answer");
	decide(c, "F7", T1500, true, &ac);
	ck_assert_int_eq(ac.calls_left, 0);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_LATER);
	ck_assert_uint_eq(ac.reasons, POLICY_BIT(POLICY_CALL_FREQUENCY_7IN7));
	/* the call 6 days ago was on 2026-03-04; from 2026-03-11 it is out of the window, at
	 * 08:00 New York time (12:00Z, summer time) */
	ck_assert_int_eq(ac.next_allowed_at, T1500 + DAY - 3 * HOUR);
	contactability_free(&c);
}
END_TEST

START_TEST(callback_consent_lifts_the_cooloff)
{
	struct contactability *c;
	struct account_contact ac;

	account("CB", "us-regf", 0, "America/New_York");
	point("CB", CONTACT_LANDLINE, "America/New_York", 0);
	call("CB", T1500 - DAY, "conversation");
	c = evaluator("agent");
	decide(c, "CB", T1500, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_LATER);
	ck_assert_uint_eq(ac.reasons, POLICY_BIT(POLICY_CONVERSATION_COOLOFF));
	/* the consumer asked to be called back, after the conversation */
	event("CB", "callback", T1500 - DAY + 300, "{\"due_at\":\"2026-03-10T14:00:00Z\"}");
	decide(c, "CB", T1500, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_NOW);
	/* but a due callback outside calling hours waits */
	decide(c, "CB", T1500 + 10 * HOUR, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_LATER);
	ck_assert_uint_eq(ac.reasons, POLICY_BIT(POLICY_OUTSIDE_HOURS));
	contactability_free(&c);
}
END_TEST

START_TEST(texts_need_consent_and_fall_back)
{
	struct contactability *c;
	struct account_contact ac;
	int i;

	account("SM", "us-regf", 0, "America/New_York");
	point("SM", CONTACT_MOBILE, "America/New_York", 0);
	for (i = 0; i < 7; i++)
		call("SM", T1500 - i * DAY - HOUR, "no_answer");
	c = evaluator("agent");
	decide(c, "SM", T1500, true, &ac);
	/* calls wait for the window; texts need consent, which is no matter of time */
	ck_assert_uint_eq(ac.points[0].verdicts[1].d.reasons, POLICY_BIT(POLICY_NO_SMS_CONSENT));
	ck_assert_int_eq(ac.points[0].verdicts[1].d.next_allowed_at, POLICY_NONE);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_LATER);
	ck_assert_int_eq(ac.best_channel, POLICY_CALL);
	/* with consent the text goes now */
	exec("UPDATE contact_points SET consent = %d", CONSENT_SMS);
	decide(c, "SM", T1500, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_NOW);
	ck_assert_int_eq(ac.best_channel, POLICY_SMS);
	contactability_free(&c);
}
END_TEST

START_TEST(vulnerable_is_for_specialists)
{
	struct contactability *c;
	struct account_contact ac;

	account("VU", "us-regf", AFLAG_VULNERABLE, "America/New_York");
	point("VU", CONTACT_LANDLINE, "America/New_York", 0);
	c = evaluator("lead");
	decide(c, "VU", T1500, false, &ac);
	ck_assert_uint_eq(ac.reasons, POLICY_BIT(POLICY_VULNERABLE_SPECIALIST_ONLY));
	contactability_free(&c);
	c = evaluator("specialist");
	decide(c, "VU", T1500, false, &ac);
	ck_assert_int_eq(ac.state, QUEUE_CONTACT_NOW);
	contactability_free(&c);
}
END_TEST

START_TEST(start_allowed_records_one_event)
{
	struct contactability *c;
	struct policy_decision d;
	struct err e;
	char device[37], again[37];
	int64_t mobile;

	account("NY1", "us-regf", 0, "America/New_York");
	point("NY1", CONTACT_MOBILE, "America/New_York", 0);
	mobile = count("SELECT id FROM contact_points");
	c = evaluator("agent");
	ck_assert_int_eq(contactability_start(c, &(struct contact_request){
				 .account_id = "NY1", .point_id = mobile, .channel = POLICY_CALL,
				 .now = T1500}, &d, &e), CONTACT_STARTED);
	ck_assert(d.allowed);
	ck_assert_int_eq(count("SELECT count(*) FROM events WHERE kind = 'contact_started' AND "
			       "unseal(body, 'events', id) = '{\"channel\":\"call\",\"contact\":\"mobile\",\"policy\":\"allow\"}' "
			       "AND user = 'ann' AND at = %lld", T1500), 1);
	/* the device id is this cache's, and stays */
	ck_assert_int_eq(contactability_device_id(store, device, &e), 0);
	ck_assert_int_eq(contactability_device_id(store, again, &e), 0);
	ck_assert_str_eq(device, again);
	ck_assert_int_eq(count("SELECT count(*) FROM events WHERE device = '%s'", device), 1);
	/* a text without consent is refused and leaves nothing */
	ck_assert_int_eq(contactability_start(c, &(struct contact_request){
				 .account_id = "NY1", .point_id = mobile, .channel = POLICY_SMS,
				 .now = T1500}, &d, &e), CONTACT_REFUSED);
	ck_assert_uint_eq(d.reasons, POLICY_BIT(POLICY_NO_SMS_CONSENT));
	/* a mobile takes no email */
	ck_assert_int_eq(contactability_start(c, &(struct contact_request){
				 .account_id = "NY1", .point_id = mobile, .channel = POLICY_EMAIL,
				 .now = T1500}, &d, &e), -1);
	ck_assert_int_eq(count("SELECT count(*) FROM events"), 1);
	contactability_free(&c);
}
END_TEST

START_TEST(blocked_start_and_lead_override)
{
	struct contactability *c;
	struct policy_decision d;
	struct override_count *oc;
	struct verify_report vr;
	struct err e;
	struct contact_request r = {.account_id = "LA1", .channel = POLICY_CALL, .now = T1300};
	size_t n;

	account("LA1", "us-regf", 0, "America/Los_Angeles");
	point("LA1", CONTACT_LANDLINE, "America/Los_Angeles", 0);
	r.point_id = count("SELECT id FROM contact_points");
	c = evaluator("agent");
	ck_assert_int_eq(contactability_start(c, &r, &d, &e), CONTACT_REFUSED);
	ck_assert_uint_eq(d.reasons, POLICY_BIT(POLICY_OUTSIDE_HOURS));
	ck_assert_int_eq(d.next_allowed_at, T1500);
	r.override_reason = "customer asked for an early call";
	ck_assert_int_eq(contactability_start(c, &r, &d, &e), -1);	/* not a lead */
	ck_assert_ptr_nonnull(strstr(e.msg, "lead"));
	contactability_free(&c);
	ck_assert_int_eq(count("SELECT count(*) FROM events"), 0);

	snprintf(cfg.user, sizeof cfg.user, "lee");
	c = evaluator("lead");
	r.override_reason = "  \t ";
	ck_assert_int_eq(contactability_start(c, &r, &d, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "reason"));
	ck_assert_int_eq(count("SELECT count(*) FROM events"), 0);
	r.override_reason = " customer asked for an early call ";
	ck_assert_int_eq(contactability_start(c, &r, &d, &e), CONTACT_OVERRIDDEN);
	ck_assert_int_eq(count("SELECT count(*) FROM events WHERE kind = 'policy_override' AND unseal(body, 'events', id) = "
			       "'{\"by\":\"lee\",\"channel\":\"call\",\"contact\":\"landline\","
			       "\"reason_text\":\"customer asked for an early call\","
			       "\"reasons\":[\"OUTSIDE_HOURS\"]}'"), 1);
	ck_assert_int_eq(count("SELECT count(*) FROM events WHERE kind = 'contact_started' AND "
			       "unseal(body, 'events', id) LIKE '%%\"policy\":\"override\"%%'"), 1);
	ck_assert_int_eq(evidence_verify(store, &vr, &e), 0);
	ck_assert_int_eq(contactability_overrides(store, &oc, &n, &e), 0);
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(oc[0].user, "lee");
	ck_assert_int_eq(oc[0].count, 1);
	free(oc);
	contactability_free(&c);
}
END_TEST

START_TEST(sweep_ranks_the_queue)
{
	struct contactability *c;
	struct queue q;
	struct err e;
	bool changed;
	char why[400];
	int rc, steps = 0;

	account("A-NY", "us-regf", 0, "America/New_York");
	point("A-NY", CONTACT_LANDLINE, "America/New_York", 0);
	account("B-LA", "us-regf", 0, "America/Los_Angeles");
	point("B-LA", CONTACT_LANDLINE, "America/Los_Angeles", 0);
	account("C-AT", "us-regf", AFLAG_ATTORNEY, "America/New_York");
	point("C-AT", CONTACT_LANDLINE, "America/New_York", 0);
	account("D-CE", "us-regf", AFLAG_CEASE, "America/New_York");
	point("D-CE", CONTACT_LANDLINE, "America/New_York", 0);
	/* the cases that may not be contacted now would otherwise rank first */
	exec("UPDATE accounts SET risk = CASE ext_id WHEN 'A-NY' THEN 0 ELSE 1000 END");
	queue_init(&q);
	snprintf(q.zone, sizeof q.zone, "America/New_York");
	ck_assert_msg(queue_load(&q, store, T1300, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(q.items[q.order[0]].id, "B-LA");
	c = evaluator("agent");
	contactability_sweep_start(c, &q);
	/* a zero budget still makes progress: one account per step */
	while ((rc = contactability_sweep_step(c, &q, T1300, 0, &changed, &e)) == 1)
		steps++;
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(steps, 3);
	queue_refilter(&q);
	ck_assert_str_eq(q.items[q.order[0]].id, "A-NY");
	ck_assert_str_eq(q.items[q.order[1]].id, "B-LA");
	ck_assert_str_eq(q.items[q.order[2]].id, "C-AT");
	ck_assert_str_eq(q.items[q.order[3]].id, "D-CE");
	ck_assert_int_eq(q.items[q.order[1]].contact, QUEUE_CONTACT_LATER);
	ck_assert_int_eq(q.items[q.order[1]].contact_next, T1500);
	queue_explain(&q, &q.items[q.order[1]], why, sizeof why);
	ck_assert_msg(starts_with(why, "not contactable now (outside calling hours, opens Tue 11:00): "
				       "ranked after contactable cases; "), "%s", why);
	queue_explain(&q, &q.items[q.order[2]], why, sizeof why);
	ck_assert_msg(starts_with(why, "not contactable (represented by an attorney): "), "%s", why);
	queue_explain(&q, &q.items[q.order[3]], why, sizeof why);
	ck_assert_msg(starts_with(why, "no contact (cease)"), "%s", why);
	/* nothing moves on a second sweep at the same time */
	contactability_sweep_start(c, &q);
	while ((rc = contactability_sweep_step(c, &q, T1300, 1000000, &changed, &e)) == 1)
		continue;
	ck_assert(!changed);
	contactability_free(&c);
	queue_free(&q);
}
END_TEST

START_TEST(reasons_have_words)
{
	for (int r = 0; r < POLICY_REASON_COUNT; r++)
		ck_assert_msg(contactability_reason_text(r) != NULL &&
			      contactability_reason_text(r)[0] != '\0', "reason %d", r);
	ck_assert_int_eq(contactability_role("lead"), POLICY_LEAD);
	ck_assert_int_eq(contactability_role("specialist"), POLICY_SPECIALIST);
	ck_assert_int_eq(contactability_role("qa"), POLICY_AGENT);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("contactability");
	TCase *tc = tcase_create("contactability");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, inside_hours_allowed_everywhere);
	tcase_add_test(tc, outside_hours_opens_at_eight);
	tcase_add_test(tc, a_number_in_another_zone);
	tcase_add_test(tc, permanent_blocks_have_no_next_time);
	tcase_add_test(tc, seven_calls_in_seven_days);
	tcase_add_test(tc, callback_consent_lifts_the_cooloff);
	tcase_add_test(tc, texts_need_consent_and_fall_back);
	tcase_add_test(tc, vulnerable_is_for_specialists);
	tcase_add_test(tc, start_allowed_records_one_event);
	tcase_add_test(tc, blocked_start_and_lead_override);
	tcase_add_test(tc, sweep_ranks_the_queue);
	tcase_add_test(tc, reasons_have_words);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
