/* check_script.c - the script loader (every rejection names file:line) and the runner. */
#include "config.h"

#include "script.h"
#include "testutil.h"

static char dir[1024];

static void
setup(void)
{
	tmpdir_make(dir, sizeof dir);
}

static void
teardown(void)
{
	tmpdir_remove(dir);
}

/* A small script: greet (gate rpc) -> due (disclosure, mandatory notice) -> end. */
static const char good[] =
	"name = \"t\";\n"
	"start = \"greet\";\n"
	"checkpoints = (\n"
	"  { id = \"rpc\"; label = \"Verified\"; type = \"gate\"; verifies = true; },\n"
	"  { id = \"notice\"; label = \"Notice\"; type = \"mandatory\"; }\n"
	");\n"
	"steps = (\n"
	"  { id = \"greet\"; checkpoint = \"rpc\"; prompt = \"Hi {debtor}, {agent} here\";\n"
	"    answers = ( { text = \"yes\"; next = \"due\"; },\n"
	"                { text = \"other\"; outcome = \"third_party\"; } ); },\n"
	"  { id = \"due\"; disclosure = true; checkpoint = \"notice\";\n"
	"    prompt = \"{amount_due} due {due_date}\";\n"
	"    answers = ( { text = \"again\"; next = \"due\"; },\n"
	"                { text = \"pays\"; outcome = \"ptp\"; } ); }\n"
	");\n";

static struct script *
load_text(const char *text, struct err *e)
{
	char path[1100];
	struct script *s = NULL;

	snprintf(path, sizeof path, "%s/s.conf", dir);
	write_file(path, text);
	if (script_load(path, &s, e) != 0)
		return NULL;
	return s;
}

/* Loads text expecting failure; the message must start with "<dir>/s.conf:<line>:" and
 * contain want. */
static void
expect_reject(const char *text, int line, const char *want)
{
	struct err e = { "" };
	char prefix[1200];
	struct script *s = load_text(text, &e);

	ck_assert_ptr_null(s);
	snprintf(prefix, sizeof prefix, "%s/s.conf:%d: ", dir, line);
	ck_assert_msg(strncmp(e.msg, prefix, strlen(prefix)) == 0, "got '%s', wanted prefix '%s'",
		      e.msg, prefix);
	ck_assert_msg(strstr(e.msg, want) != NULL, "got '%s', wanted '%s'", e.msg, want);
}

START_TEST(test_load_good)
{
	struct err e = { "" };
	struct script *s = load_text(good, &e);

	ck_assert_msg(s != NULL, "%s", e.msg);
	ck_assert_str_eq(s->id, "s");
	ck_assert_int_eq((int)s->nsteps, 2);
	ck_assert_int_eq(s->verify, 0);
	ck_assert_int_eq(s->steps[0].answers[0].next, 1);
	ck_assert_int_eq(s->steps[1].answers[1].outcome, OUTCOME_PTP);
	script_free(&s);
	ck_assert_ptr_null(s);
}
END_TEST

START_TEST(test_reject_missing_step)
{
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\"; prompt = \"p\";\n"
		      "    answers = ( { text = \"x\"; outcome = \"busy\"; },\n"
		      "                { text = \"y\"; next = \"nowhere\"; } ); }\n);\n",
		      5, "no step 'nowhere'");
}
END_TEST

START_TEST(test_reject_unreachable)
{
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\"; prompt = \"p\"; answers = ( { text = \"x\"; outcome = \"busy\"; } ); },\n"
		      "  { id = \"lost\"; prompt = \"p\"; answers = ( { text = \"x\"; outcome = \"busy\"; } ); }\n"
		      ");\n",
		      4, "step 'lost' cannot be reached");
}
END_TEST

START_TEST(test_reject_cycle)
{
	/* a -> b -> c -> b: b and c never reach an outcome; a does not either. */
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\"; prompt = \"p\"; answers = ( { text = \"x\"; next = \"b\"; } ); },\n"
		      "  { id = \"b\"; prompt = \"p\"; answers = ( { text = \"x\"; next = \"c\"; } ); },\n"
		      "  { id = \"c\"; prompt = \"p\"; answers = ( { text = \"x\"; next = \"b\"; } ); }\n"
		      ");\n",
		      3, "cycle with no way out");
}
END_TEST

START_TEST(test_cycle_with_exit_is_fine)
{
	struct err e = { "" };
	struct script *s = load_text(
		"name = \"t\"; start = \"a\";\nsteps = (\n"
		"  { id = \"a\"; prompt = \"p\"; answers = ( { text = \"x\"; next = \"b\"; } ); },\n"
		"  { id = \"b\"; prompt = \"p\"; answers = ( { text = \"x\"; next = \"a\"; },\n"
		"       { text = \"out\"; outcome = \"refused\"; } ); }\n);\n", &e);

	ck_assert_msg(s != NULL, "%s", e.msg);
	script_free(&s);
}
END_TEST

START_TEST(test_reject_placeholder)
{
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\";\n    prompt = \"Hello {debtor}, you owe {amount_owed}\";\n"
		      "    answers = ( { text = \"x\"; outcome = \"busy\"; } ); }\n);\n",
		      4, "unknown placeholder {amount_owed}");
}
END_TEST

START_TEST(test_reject_others)
{
	/* unknown outcome */
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\"; prompt = \"p\";\n"
		      "    answers = ( { text = \"x\";\n outcome = \"promise\"; } ); }\n);\n",
		      5, "'promise' is not an outcome code");
	/* misspelt key */
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\"; promt = \"p\";\n"
		      "    answers = ( { text = \"x\"; outcome = \"busy\"; } ); }\n);\n",
		      3, "unknown setting 'promt'");
	/* disclosure without verification */
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\"; prompt = \"p\"; answers = ( { text = \"x\"; next = \"b\"; } ); },\n"
		      "  { id = \"b\"; disclosure = true; prompt = \"p\";\n"
		      "    answers = ( { text = \"x\"; outcome = \"rpc\"; } ); }\n);\n",
		      4, "no checkpoint verifies");
	/* answer with neither next nor outcome */
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\"; prompt = \"p\";\n    answers = ( { text = \"x\"; } ); }\n);\n", 4,
		      "either 'next'");
	/* unknown start and syntax error */
	expect_reject("name = \"t\";\nstart = \"zz\";\nsteps = (\n"
		      "  { id = \"a\"; prompt = \"p\"; answers = ( { text = \"x\"; outcome = \"busy\"; } ); }\n);\n",
		      2, "start: no step 'zz'");
	expect_reject("name = \"t\";\nstart = ;\nsteps = ();\n", 2, "syntax error");
	/* duplicate step */
	expect_reject("name = \"t\"; start = \"a\";\nsteps = (\n"
		      "  { id = \"a\"; prompt = \"p\"; answers = ( { text = \"x\"; outcome = \"busy\"; } ); },\n"
		      "  { id = \"a\"; prompt = \"p\"; answers = ( { text = \"x\"; outcome = \"busy\"; } ); }\n);\n",
		      4, "defined twice");
}
END_TEST

START_TEST(test_shipped_scripts_load)
{
	static const char *const names[] = { "us-early", "us-late-settlement", "uk-arrears",
					     "wrong-party.conf" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct err e = { "" };
		struct script *s = NULL;

		ck_assert_msg(script_open(names[i], &s, &e) == 0, "%s: %s", names[i], e.msg);
		ck_assert_ptr_nonnull(s->name);
		script_free(&s);
	}
}
END_TEST

START_TEST(test_wrong_party_discloses_nothing)
{
	struct err e = { "" };
	struct script *s = NULL;

	ck_assert_msg(script_open("wrong-party", &s, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(s->verify, -1);
	for (size_t k = 0; k < s->nsteps; k++) {
		ck_assert(!s->steps[k].disclosure);
		ck_assert_ptr_null(strstr(s->steps[k].prompt, "{creditor}"));
		ck_assert_ptr_null(strstr(s->steps[k].prompt, "{amount_due}"));
		ck_assert_ptr_null(strstr(s->steps[k].prompt, "collect"));
		ck_assert_ptr_null(strstr(s->steps[k].prompt, "owe"));
	}
	script_free(&s);
}
END_TEST

START_TEST(test_us_early_mini_miranda)
{
	struct err e = { "" };
	struct script *s = NULL;
	int k;

	ck_assert_msg(script_open("us-early", &s, &e) == 0, "%s", e.msg);
	k = script_step_find(s, "disclosure");
	ck_assert_int_ge(k, 0);
	ck_assert(s->steps[k].disclosure);
	ck_assert_ptr_nonnull(strstr(s->steps[k].prompt, "This is an attempt to collect a debt and "
						     "any information obtained will be used for that "
						     "purpose"));
	script_free(&s);
}
END_TEST

static const struct script_vars vars = {
	.agent = "Sam", .debtor = "Ana Ruiz", .amount_due = "120.00", .due_date = "2026-10-01",
};

START_TEST(test_runner_fill_and_branch)
{
	struct err e = { "" };
	struct script *s = load_text(good, &e);
	struct script_runner *r;
	char buf[256];

	ck_assert_msg(s != NULL, "%s", e.msg);
	r = script_runner_new(s, &vars);
	ck_assert_str_eq(script_runner_prompt(r, buf, sizeof buf), "Hi Ana Ruiz, Sam here");
	ck_assert_int_eq((int)script_runner_answer_count(r), 2);
	/* the ending answer is always open; it proposes its outcome */
	ck_assert(!script_runner_answer_locked(r, 1, NULL, 0));
	ck_assert_int_eq(script_runner_answer(r, 1, &e), 0);
	ck_assert(script_runner_ended(r));
	ck_assert_int_eq(script_runner_proposed(r), OUTCOME_THIRD_PARTY);
	ck_assert_str_eq(script_runner_prompt(r, buf, sizeof buf), "");
	ck_assert(script_runner_can_close(r, OUTCOME_THIRD_PARTY, buf, sizeof buf));
	script_runner_free(&r);
	ck_assert_ptr_null(r);
	script_free(&s);
}
END_TEST

START_TEST(test_runner_gate_and_disclosure)
{
	struct err e = { "" };
	struct script *s = load_text(good, &e);
	struct script_runner *r = script_runner_new(s, &vars);
	char why[256];

	/* the gate holds the way on, and the way on is a disclosure step */
	ck_assert(script_runner_answer_locked(r, 0, why, sizeof why));
	ck_assert_ptr_nonnull(strstr(why, "locked until \"Verified\""));
	ck_assert_int_eq(script_runner_answer(r, 0, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "Verified"));
	ck_assert(!script_runner_can_close(r, OUTCOME_RPC, why, sizeof why));
	ck_assert_ptr_nonnull(strstr(why, "rpc needs \"Verified\""));
	ck_assert_int_eq(script_runner_waive(r, 0, "no time", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot be waived"));

	ck_assert_int_eq(script_runner_tick(r, 0, 1000, &e), 0);
	ck_assert(script_runner_verified(r));
	ck_assert_int_eq(script_runner_tick(r, 0, 1001, &e), -1);
	ck_assert(script_runner_ticked_at(r, 0) == 1000);
	ck_assert(!script_runner_answer_locked(r, 0, why, sizeof why));
	ck_assert_int_eq(script_runner_answer(r, 0, &e), 0);
	ck_assert_str_eq(script_runner_step(r)->id, "due");
	ck_assert_str_eq(script_runner_prompt(r, why, sizeof why), "120.00 due 2026-10-01");
	/* a loop back to the same step is allowed */
	ck_assert_int_eq(script_runner_answer(r, 0, &e), 0);
	ck_assert_str_eq(script_runner_step(r)->id, "due");
	script_runner_free(&r);
	script_free(&s);
}
END_TEST

START_TEST(test_runner_disclosure_without_gate)
{
	/* the verification is not a gate on this step, yet the disclosure step stays refused */
	struct err e = { "" };
	struct script *s = load_text(
		"name = \"t\"; start = \"a\";\n"
		"checkpoints = ( { id = \"v\"; label = \"Verified\"; type = \"mandatory\"; verifies = true; } );\n"
		"steps = (\n"
		"  { id = \"a\"; prompt = \"p\"; answers = ( { text = \"x\"; next = \"b\"; } ); },\n"
		"  { id = \"b\"; disclosure = true; prompt = \"debt\";\n"
		"    answers = ( { text = \"x\"; outcome = \"rpc\"; } ); }\n);\n", &e);
	struct script_runner *r;
	char why[256];

	ck_assert_msg(s != NULL, "%s", e.msg);
	r = script_runner_new(s, &vars);
	ck_assert(script_runner_answer_locked(r, 0, why, sizeof why));
	ck_assert_ptr_nonnull(strstr(why, "discloses the debt"));
	ck_assert_int_eq(script_runner_tick(r, 0, 5, &e), 0);
	ck_assert_int_eq(script_runner_answer(r, 0, &e), 0);
	script_runner_free(&r);
	script_free(&s);
}
END_TEST

START_TEST(test_runner_mandatory)
{
	struct err e = { "" };
	struct script *s = load_text(good, &e);
	struct script_runner *r = script_runner_new(s, &vars);
	char why[256];

	ck_assert_int_eq(script_runner_tick(r, 0, 10, &e), 0);
	ck_assert(!script_runner_can_close(r, OUTCOME_PTP, why, sizeof why));
	ck_assert_ptr_nonnull(strstr(why, "\"Notice\" is not done"));
	/* not right-party outcomes never wait on checkpoints; a cease request neither */
	ck_assert(script_runner_can_close(r, OUTCOME_VOICEMAIL, why, sizeof why));
	ck_assert(script_runner_can_close(r, OUTCOME_CEASE_REQUEST, why, sizeof why));
	ck_assert(!script_runner_can_close(r, OUTCOME_NONE, why, sizeof why));
	ck_assert_int_eq(script_runner_waive(r, 1, "  ", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "say why"));
	ck_assert_int_eq(script_runner_waive(r, 1, "debtor hung up", &e), 0);
	ck_assert_str_eq(script_runner_waiver(r, 1), "debtor hung up");
	ck_assert(script_runner_can_close(r, OUTCOME_PTP, why, sizeof why));
	script_runner_free(&r);
	script_free(&s);
}
END_TEST

START_TEST(test_wrong_party_cannot_close_rpc)
{
	struct err e = { "" };
	struct script *s = NULL;
	struct script_runner *r;
	char why[256];

	ck_assert_msg(script_open("wrong-party", &s, &e) == 0, "%s", e.msg);
	r = script_runner_new(s, &vars);
	ck_assert(!script_runner_can_close(r, OUTCOME_RPC, why, sizeof why));
	ck_assert_ptr_nonnull(strstr(why, "never verifies"));
	ck_assert(script_runner_can_close(r, OUTCOME_THIRD_PARTY, why, sizeof why));
	script_runner_free(&r);
	script_free(&s);
}
END_TEST

START_TEST(test_outcome_codes)
{
	for (int o = 0; o < OUTCOME_COUNT; o++)
		ck_assert_int_eq(call_outcome_parse(call_outcome_name((enum call_outcome)o)), o);
	ck_assert_int_eq(call_outcome_parse("nope"), OUTCOME_NONE);
	ck_assert(call_outcome_is_right_party(OUTCOME_PTP));
	ck_assert(!call_outcome_is_right_party(OUTCOME_THIRD_PARTY));
	ck_assert(call_outcome_is_contact(OUTCOME_THIRD_PARTY));
	ck_assert(!call_outcome_is_contact(OUTCOME_VOICEMAIL));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("script");
	TCase *load = tcase_create("load"), *run = tcase_create("run");

	tcase_add_checked_fixture(load, setup, teardown);
	tcase_add_test(load, test_load_good);
	tcase_add_test(load, test_reject_missing_step);
	tcase_add_test(load, test_reject_unreachable);
	tcase_add_test(load, test_reject_cycle);
	tcase_add_test(load, test_cycle_with_exit_is_fine);
	tcase_add_test(load, test_reject_placeholder);
	tcase_add_test(load, test_reject_others);
	tcase_add_test(load, test_shipped_scripts_load);
	tcase_add_test(load, test_wrong_party_discloses_nothing);
	tcase_add_test(load, test_us_early_mini_miranda);
	suite_add_tcase(s, load);
	tcase_add_checked_fixture(run, setup, teardown);
	tcase_add_test(run, test_runner_fill_and_branch);
	tcase_add_test(run, test_runner_gate_and_disclosure);
	tcase_add_test(run, test_runner_disclosure_without_gate);
	tcase_add_test(run, test_runner_mandatory);
	tcase_add_test(run, test_wrong_party_cannot_close_rpc);
	tcase_add_test(run, test_outcome_codes);
	suite_add_tcase(s, run);
	return run_suite(s);
}
