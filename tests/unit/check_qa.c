/* check_qa.c - scorecards (good and bad files, the scoring arithmetic), call records with
 * their breaches, qa_score events and the agent compliance score on a demo book. */
#include "config.h"

#include <sqlite3.h>

#include "casework.h"
#include "clock.h"
#include "demo.h"
#include "qa.h"
#include "store.h"
#include "testutil.h"

static char dir[1024];
static struct store *store;
static int64_t now;

/* ---- scorecards ---- */

START_TEST(test_default_card)
{
	struct qa_card *c = NULL;
	struct err e = { "" };

	ck_assert_msg(qa_card_open("default", &c, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(c->id, "default");
	ck_assert_int_eq(c->pass_mark, 80);
	ck_assert_uint_eq(c->nitems, 10);
	ck_assert_str_eq(c->items[1].id, "identity");
	ck_assert(c->items[1].critical);
	ck_assert_str_eq(c->items[1].checkpoint, "rpc");
	ck_assert_str_eq(c->items[9].checkpoint, "");
	qa_card_free(&c);
	ck_assert_ptr_null(c);
}
END_TEST

/* Each bad card and the "file:line: message" it must give. */
static const struct {
	const char *text, *error;
} bad_cards[] = {
	{ "name = \"x\";\npass_mark = 80;\n", "bad.conf:1: items: missing" },
	{ "name = \"x\";\npass_mark = 180;\nitems = ( { id = \"a\"; text = \"t\"; weight = 1; } );\n",
	  "bad.conf:2: pass_mark: 180 is out of range 0..100" },
	{ "name = \"x\";\npass_mark = 80;\nitems = (\n { id = \"a\"; text = \"t\"; weight = 0; }\n);\n",
	  "bad.conf:4: weight: 0 is out of range 1..100" },
	{ "name = \"x\";\npass_mark = 80;\nitems = (\n { id = \"a\"; text = \"t\"; weight = 5; },\n"
	  " { id = \"a\"; text = \"u\"; weight = 5; }\n);\n",
	  "bad.conf:5: id: \"a\" is already used on line 4" },
	{ "name = \"x\";\npass_mark = 80;\nitems = (\n { id = \"a\"; weight = 5; }\n);\n",
	  "bad.conf:4: text: missing" },
	{ "name = \"x\";\npass_mark = 80;\nitems = (\n { id = \"a\"; text = \"t\"; weight = 5;\n"
	  "   critical = \"yes\"; }\n);\n",
	  "bad.conf:5: critical: must be true or false" },
	{ "name = \"x\";\npass_mark = 80;\nitems = (\n { id = \"a b\"; text = \"t\"; weight = 5; }\n);\n",
	  "bad.conf:4: id: \"a b\" must be 1-31 letters, digits, '_' or '-'" },
	{ "name = \"x\";\npass_mark = 80;\nitems = (\n { id = \"a\"; text = \"t\"; weight = 5;\n"
	  "   wieght = 3; }\n);\n",
	  "bad.conf:5: wieght: unknown item setting" },
	{ "name = \"x\";\npass_mark = 80;\nitems = ( { id = \"a\"; text = ; } );\n",
	  "bad.conf:3: syntax error" },
};

START_TEST(test_bad_cards)
{
	char tmp[1024], path[1100];
	struct qa_card *c = NULL;
	struct err e = { "" };
	const char *msg;

	tmpdir_make(tmp, sizeof tmp);
	snprintf(path, sizeof path, "%s/bad.conf", tmp);
	write_file(path, bad_cards[_i].text);
	ck_assert_int_eq(qa_card_load(path, &c, &e), -1);
	ck_assert_ptr_null(c);
	msg = strstr(e.msg, "bad.conf");
	ck_assert_msg(msg != NULL && strcmp(msg, bad_cards[_i].error) == 0, "got \"%s\"", e.msg);
	tmpdir_remove(tmp);
}
END_TEST

START_TEST(test_totals)
{
	struct qa_item items[] = {
		{ .id = "a", .weight = 20, .critical = true },
		{ .id = "b", .weight = 30 },
		{ .id = "c", .weight = 50 },
		{ .id = "d", .weight = 10 },
	};
	struct qa_card c = { .pass_mark = 60, .items = items, .nitems = 4 };
	struct qa_total t;
	struct err e = { "" };

	/* 20 + 30 of 20 + 30 + 50 applicable (d is N/A): 50 / 100 = 50 %, under 60: fail */
	ck_assert_int_eq(qa_card_total(&c, (enum qa_result[]){ QA_PASS, QA_PASS, QA_FAIL, QA_NA },
				       &t, &e), 0);
	ck_assert_int_eq(t.points, 50);
	ck_assert_int_eq(t.possible, 100);
	ck_assert_int_eq(t.percent, 50);
	ck_assert(!t.passed && !t.critical_failed);
	/* 30 + 50 + 10 of 110 = 81.8 %, rounded down to 81, above the mark, but the critical
	 * item a failed: the call fails whatever the total */
	ck_assert_int_eq(qa_card_total(&c, (enum qa_result[]){ QA_FAIL, QA_PASS, QA_PASS, QA_PASS },
				       &t, &e), 0);
	ck_assert_int_eq(t.percent, 81);
	ck_assert(t.critical_failed && !t.passed);
	/* 20 + 50 of 70 = 100 % with b and d N/A: pass */
	ck_assert_int_eq(qa_card_total(&c, (enum qa_result[]){ QA_PASS, QA_NA, QA_PASS, QA_NA },
				       &t, &e), 0);
	ck_assert_int_eq(t.percent, 100);
	ck_assert(t.passed);
	/* exactly on the mark passes: 30 + 50 + 10 = 90 of 150? no: a N/A, so 60 of 100 */
	ck_assert_int_eq(qa_card_total(&c, (enum qa_result[]){ QA_NA, QA_FAIL, QA_PASS, QA_PASS },
				       &t, &e), 0);
	ck_assert_int_eq(t.points, 60);
	ck_assert_int_eq(t.possible, 90);
	ck_assert_int_eq(t.percent, 66);
	ck_assert(t.passed);
	ck_assert_int_eq(qa_card_total(&c, (enum qa_result[]){ QA_PASS, QA_UNSET, QA_PASS, QA_NA },
				       &t, &e), -1);
	ck_assert_str_eq(e.msg, "item 2 (b) is not scored yet");
	ck_assert_int_eq(qa_card_total(&c, (enum qa_result[]){ QA_NA, QA_NA, QA_NA, QA_NA }, &t,
				       &e), -1);
}
END_TEST

/* ---- call records on a demo book ---- */

static struct script *scripts[2];

static const struct script *
script_of(void *ctx, const char *id)
{
	(void)ctx;
	for (size_t i = 0; i < 2; i++)
		if (scripts[i] != NULL && strcmp(scripts[i]->id, id) == 0)
			return scripts[i];
	return NULL;
}

static void
setup(void)
{
	char path[1100];
	struct err e = { "" };
	struct demo_params p = { .accounts = 150, .seed = 5, .assignee = "agent" };
	struct demo_summary sum;

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	ck_assert_msg(store_open(path, STORE_CREATE, &store, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(date_parse("2026-11-23", &p.as_of, &e), 0);
	ck_assert_msg(demo_generate(store, &p, &sum, &e) == 0, "%s", e.msg);
	now = (int64_t)p.as_of * 86400 + 15 * 3600;
	ck_assert_msg(script_open("us-early", &scripts[0], &e) == 0, "%s", e.msg);
	ck_assert_msg(script_open("wrong-party", &scripts[1], &e) == 0, "%s", e.msg);
}

static void
teardown(void)
{
	script_free(&scripts[0]);
	script_free(&scripts[1]);
	store_close(&store);
	tmpdir_remove(dir);
}

static void
first_account(char *id)
{
	sqlite3_stmt *st;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(store), "SELECT ext_id FROM accounts "
					    "WHERE flags = 0 ORDER BY id LIMIT 1", -1, &st, NULL),
			 SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	snprintf(id, ACCOUNT_ID_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/* A call by sam that passes the greeting without the recording notice (skipped), verifies,
 * waives the disclosure (overridden), asks the reason and ends with a callback. */
static void
breach_call(const char *account, char *call_id)
{
	struct casework cw = { .store = store, .device = "dev-sam", .user = "sam", .role = "agent" };
	struct script_vars v = { .agent = "Sam" };
	struct casework_call *c;
	struct err e = { "" };
	int64_t t = now;

	c = casework_call_start(&cw, account, scripts[0], &v, "mobile", t, &e);
	ck_assert_msg(c != NULL, "%s", e.msg);
	snprintf(call_id, 37, "%s", casework_call_id(c));
	ck_assert_msg(casework_call_answer(c, 0, t += 10, &e) == 0, "%s", e.msg);	/* speaking */
	ck_assert_msg(casework_call_tick(c, 1, t += 10, &e) == 0, "%s", e.msg);	/* rpc */
	ck_assert_msg(casework_call_answer(c, 0, t += 10, &e) == 0, "%s", e.msg);	/* verified */
	ck_assert_msg(casework_call_waive(c, 2, "debtor talked over it", t += 10, &e) == 0, "%s",
		      e.msg);
	ck_assert_msg(casework_call_answer(c, 0, t += 10, &e) == 0, "%s", e.msg);	/* continue */
	ck_assert_msg(casework_call_tick(c, 3, t += 10, &e) == 0, "%s", e.msg);	/* reason */
	ck_assert_msg(casework_call_answer(c, 1, t += 10, &e) == 0, "%s", e.msg);	/* forgot */
	ck_assert_msg(casework_call_answer(c, 2, t += 10, &e) == 0, "%s", e.msg);	/* callback */
	t += 10;
	ck_assert_msg(casework_call_close(c, OUTCOME_CALLBACK, t + 86400, t, &e) == 0, "%s", e.msg);
	casework_call_free(&c);
}

/* A clean call by kim: nobody answers. */
static void
clean_call(const char *account, char *call_id)
{
	struct casework cw = { .store = store, .device = "dev-kim", .user = "kim", .role = "agent" };
	struct script_vars v = { .agent = "Kim" };
	struct casework_call *c;
	struct err e = { "" };

	c = casework_call_start(&cw, account, scripts[0], &v, "mobile", now + 500, &e);
	ck_assert_msg(c != NULL, "%s", e.msg);
	snprintf(call_id, 37, "%s", casework_call_id(c));
	ck_assert_int_eq(casework_call_answer(c, 4, now + 510, &e), 0);
	ck_assert_int_eq(casework_call_close(c, OUTCOME_NO_ANSWER, 0, now + 520, &e), 0);
	casework_call_free(&c);
}

START_TEST(test_record_breaches)
{
	char account[ACCOUNT_ID_LEN], call[37], other[37];
	struct qa_record r;
	struct err e = { "" };
	size_t skipped = 0, waived = 0, k;

	first_account(account);
	breach_call(account, call);
	clean_call(account, other);
	ck_assert_msg(qa_record_get(store, call, script_of, NULL, &r, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(r.call.agent, "sam");
	ck_assert_str_eq(r.call.script, "us-early");
	ck_assert_str_eq(r.call.outcome, "callback");
	ck_assert_int_eq(r.call.skipped, 1);
	ck_assert_int_eq(r.call.waived, 1);
	ck_assert(qa_call_breach(&r.call));
	/* in time order, the skipped recording notice just before the answer that passed it */
	ck_assert_int_eq(r.entries[0].kind, QA_E_START);
	ck_assert_int_eq(r.entries[1].kind, QA_E_SKIPPED);
	ck_assert_str_eq(r.entries[1].checkpoint, "recording");
	ck_assert_int_eq(r.entries[2].kind, QA_E_ANSWER);
	for (k = 1; k < r.n; k++)
		ck_assert(r.entries[k].at >= r.entries[k - 1].at);
	for (k = 0; k < r.n; k++) {
		skipped += r.entries[k].kind == QA_E_SKIPPED;
		if (r.entries[k].kind == QA_E_WAIVED) {
			waived++;
			ck_assert_str_eq(r.entries[k].checkpoint, "mini_miranda");
			ck_assert_ptr_nonnull(strstr(r.entries[k].text, "debtor talked over it"));
		}
	}
	ck_assert_uint_eq(skipped, 1);
	ck_assert_uint_eq(waived, 1);
	ck_assert_int_eq(r.entries[r.n - 1].kind, QA_E_OUTCOME);
	qa_record_clear(&r);

	/* without the script only the waiver is known */
	ck_assert_int_eq(qa_record_get(store, call, NULL, NULL, &r, &e), 0);
	ck_assert_int_eq(r.call.skipped, 0);
	ck_assert_int_eq(r.call.waived, 1);
	qa_record_clear(&r);
	ck_assert_int_eq(qa_record_get(store, "no-such-call", script_of, NULL, &r, &e), 1);

	ck_assert_int_eq(qa_record_get(store, other, script_of, NULL, &r, &e), 0);
	ck_assert(!qa_call_breach(&r.call));
	ck_assert_str_eq(r.call.outcome, "no_answer");
	qa_record_clear(&r);
}
END_TEST

START_TEST(test_list_filters)
{
	char account[ACCOUNT_ID_LEN], call[37], other[37];
	struct qa_filter f;
	struct qa_call *calls;
	size_t n, demo_calls, demo_breaches;
	struct err e = { "" };

	first_account(account);
	qa_filter_any(&f);
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	free(calls);
	demo_calls = n;
	f.breach_only = true;
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	free(calls);
	demo_breaches = n;
	/* the demo book has call records of its own, from several agents, some breaches */
	ck_assert_uint_gt(demo_calls, demo_breaches);
	ck_assert_uint_gt(demo_breaches, 0);

	breach_call(account, call);
	clean_call(account, other);
	f.breach_only = false;
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	ck_assert_uint_eq(n, demo_calls + 2);
	ck_assert_str_eq(calls[0].id, other);	/* newest first */
	free(calls);
	f.breach_only = true;
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	ck_assert_uint_eq(n, demo_breaches + 1);
	ck_assert_str_eq(calls[0].id, call);
	free(calls);
	qa_filter_any(&f);
	f.agent = "kim";
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(calls[0].id, other);
	free(calls);
	qa_filter_any(&f);
	f.outcome = "callback";
	f.script = "us-early";
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	free(calls);
	qa_filter_any(&f);
	f.from = date_of_time(now) + 1;
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	free(calls);
	/* the demo's calls are from the days before */
	f.from = date_of_time(now);
	f.to = date_of_time(now);
	f.reviewed = 0;
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	ck_assert_uint_eq(n, 2);
	free(calls);
}
END_TEST

START_TEST(test_score_and_compliance)
{
	char account[ACCOUNT_ID_LEN], call[37], other[37];
	struct casework qa = { .store = store, .device = "dev-quinn", .user = "quinn",
			       .role = "qa" };
	struct casework self = { .store = store, .device = "dev-sam2", .user = "sam",
				 .role = "agent" };
	struct qa_card *card = NULL;
	struct qa_record r;
	struct qa_total t;
	struct qa_filter f;
	struct qa_call *calls;
	struct kpi_rate k;
	enum qa_result res[QA_CARD_MAX_ITEMS];
	size_t n;
	struct err e = { "" };

	first_account(account);
	breach_call(account, call);
	clean_call(account, other);
	ck_assert_int_eq(qa_card_open("default", &card, &e), 0);
	ck_assert_int_eq(qa_record_get(store, call, script_of, NULL, &r, &e), 0);
	qa_suggest(card, &r, res);
	/* recording skipped, identity done, disclosure waived, screening and signpost and terms
	 * not in us-early, reason done, recap not reached, conduct and notes for the reviewer */
	ck_assert_int_eq(res[0], QA_FAIL);
	ck_assert_int_eq(res[1], QA_PASS);
	ck_assert_int_eq(res[2], QA_FAIL);
	ck_assert_int_eq(res[3], QA_NA);
	ck_assert_int_eq(res[4], QA_NA);
	ck_assert_int_eq(res[5], QA_PASS);
	ck_assert_int_eq(res[6], QA_NA);
	ck_assert_int_eq(res[7], QA_UNSET);
	ck_assert_int_eq(res[8], QA_UNSET);
	ck_assert_int_eq(qa_score_record(&qa, card, &r, res, "", now + 900, &t, &e), -1);
	ck_assert_str_eq(e.msg, "item 8 (recap) is not scored yet");
	res[7] = QA_NA;
	res[8] = QA_PASS;
	res[9] = QA_PASS;
	ck_assert_int_eq(qa_score_record(&self, card, &r, res, "", now + 900, &t, &e), -1);
	ck_assert_str_eq(e.msg, "a reviewer may not score their own call");
	/* passed: identity 20, reason 10, conduct 15, notes 5 = 50 of 50 + 10 + 15 = 75: 66 %,
	 * and the critical disclosure failed */
	ck_assert_msg(qa_score_record(&qa, card, &r, res, "disclosure waived without cause",
				      now + 900, &t, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(t.points, 50);
	ck_assert_int_eq(t.possible, 75);
	ck_assert_int_eq(t.percent, 66);
	ck_assert(!t.passed && t.critical_failed);
	qa_record_clear(&r);

	ck_assert_int_eq(qa_record_get(store, call, script_of, NULL, &r, &e), 0);
	ck_assert(r.call.reviewed && !r.call.passed);
	ck_assert_int_eq(r.call.percent, 66);
	ck_assert_str_eq(r.call.reviewer, "quinn");
	ck_assert_int_eq(r.entries[r.n - 1].kind, QA_E_SCORE);
	qa_record_clear(&r);
	qa_filter_any(&f);
	f.reviewed = 1;
	ck_assert_int_eq(qa_calls_list(store, &f, script_of, NULL, &calls, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(calls[0].id, call);
	free(calls);

	/* sam: one reviewed call, failed: 0 / 1 */
	ck_assert_int_eq(qa_compliance(store, "sam", &k, &e), 0);
	ck_assert_int_eq(k.num, 0);
	ck_assert_int_eq(k.den, 1);
	/* kim's clean call: every linked item N/A but conduct and notes pass: 100 %, 1 / 1 */
	ck_assert_int_eq(qa_record_get(store, other, script_of, NULL, &r, &e), 0);
	qa_suggest(card, &r, res);
	for (size_t i = 0; i < card->nitems; i++)
		if (res[i] == QA_UNSET)
			res[i] = card->items[i].checkpoint[0] != '\0' ? QA_NA : QA_PASS;
	ck_assert_int_eq(qa_score_record(&qa, card, &r, res, "", now + 950, &t, &e), 0);
	ck_assert(t.passed);
	qa_record_clear(&r);
	ck_assert_int_eq(qa_compliance(store, "kim", &k, &e), 0);
	ck_assert_int_eq(k.num, 1);
	ck_assert_int_eq(k.den, 1);
	qa_card_free(&card);
}
END_TEST

/* The formula on a hand-made dataset (docs/KPIS.md). */
START_TEST(test_compliance_formula)
{
	struct kpi_qa_review r[] = {
		{ .agent = "ana", .call = "c1", .at = 100, .passed = false },
		{ .agent = "ana", .call = "c2", .at = 110, .passed = true },
		{ .agent = "bo", .call = "c3", .at = 120, .passed = true },
		{ .agent = "ana", .call = "c1", .at = 200, .passed = true },	/* re-review */
		{ .agent = "ana", .call = "c4", .at = 130, .passed = false },
	};
	struct kpi_rate k;

	/* ana: c1 (latest passes), c2 passes, c4 fails: 2 passed of 3 reviewed calls, plus one
	 * policy override counted as a failed review: 2 / 4 */
	k = kpi_compliance_score(r, 5, "ana", 1);
	ck_assert_int_eq(k.num, 2);
	ck_assert_int_eq(k.den, 4);
	/* bo: 1 / 1; nobody: no data */
	k = kpi_compliance_score(r, 5, "bo", 0);
	ck_assert_int_eq(k.num, 1);
	ck_assert_int_eq(k.den, 1);
	k = kpi_compliance_score(r, 5, "cy", 0);
	ck_assert_int_eq(k.den, 0);
}
END_TEST

static Suite *
qa_suite(void)
{
	Suite *s = suite_create("qa");
	TCase *tc = tcase_create("cards");
	TCase *tb = tcase_create("book");

	tcase_add_test(tc, test_default_card);
	tcase_add_loop_test(tc, test_bad_cards, 0, (int)(sizeof bad_cards / sizeof bad_cards[0]));
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_compliance_formula);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tb, setup, teardown);
	tcase_set_timeout(tb, 120);
	tcase_add_test(tb, test_record_breaches);
	tcase_add_test(tb, test_list_filters);
	tcase_add_test(tb, test_score_and_compliance);
	suite_add_tcase(s, tb);
	return s;
}

int
main(void)
{
	return run_suite(qa_suite());
}
