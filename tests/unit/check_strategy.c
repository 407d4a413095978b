/* check_strategy.c - segments, champion/challenger and steps decided for hand-made accounts
 * (expected answers worked out by hand from the book below), the shipped book, and every kind
 * of refused book naming file:line. */
#include "config.h"

#include <sodium.h>

#include "clock.h"
#include "strategy.h"
#include "testutil.h"

static char tmp[1024];
static struct template_set *templates;

static const char en_templates[] =
	"opt_out = { sms = \"Reply STOP.\"; email = \"Reply UNSUBSCRIBE.\"; };\n"
	"sms_max_segments = 2;\n"
	"templates = (\n"
	" { id = \"friendly\"; channel = \"sms\"; tier = \"friendly\"; body = \"Hi {name}. {opt_out}\"; },\n"
	" { id = \"second\"; channel = \"sms\"; tier = \"second\"; body = \"{dpd} days. {opt_out}\"; },\n"
	" { id = \"friendly\"; channel = \"email\"; tier = \"friendly\"; subject = \"{account}\";\n"
	"   body = \"Pay {balance}. {opt_out}\"; },\n"
	" { id = \"final\"; channel = \"letter\"; tier = \"final\"; body = \"Final: {balance}\"; }\n"
	");\n";

/* fr lacks the email, so a book sending it is refused. */
static const char fr_templates[] =
	"opt_out = { sms = \"STOP\"; email = \"STOP\"; };\n"
	"sms_max_segments = 2;\n"
	"templates = (\n"
	" { id = \"friendly\"; channel = \"sms\"; tier = \"friendly\"; body = \"Bonjour. {opt_out}\"; },\n"
	" { id = \"second\"; channel = \"sms\"; tier = \"second\"; body = \"{dpd} jours. {opt_out}\"; },\n"
	" { id = \"final\"; channel = \"letter\"; tier = \"final\"; body = \"Fin\"; }\n"
	");\n";

/* The book the decisions are worked out from; line numbers matter to the tests. */
static const char book_text[] =
	"version = 7;\n"								/* 1 */
	"segments = (\n"								/* 2 */
	"  { id = \"hold\"; if_any = [\"bankruptcy\", \"cease\"]; },\n"		/* 3 */
	"  { id = \"small\"; dpd_min = 1; dpd_max = 30; balance_max = \"500.00\";\n"	/* 4 */
	"    products = [\"card\", \"bnpl\"]; },\n"					/* 5 */
	"  { id = \"risky\"; dpd_min = 1; risk_min = 800; },\n"			/* 6 */
	"  { id = \"pilot\"; dpd_min = 1; dpd_max = 60; },\n"			/* 7 */
	"  { id = \"rest\"; }\n"							/* 8 */
	");\n"										/* 9 */
	"strategies = (\n"								/* 10 */
	"  { segment = \"hold\"; steps = (); },\n"					/* 11 */
	"  { segment = \"small\"; steps = (\n"					/* 12 */
	"      { at_dpd = 1; action = \"sms\"; template = \"friendly\"; wait_days = 10; },\n"
	"      { at_dpd = 5; action = \"letter\"; template = \"final\"; unless = [\"promise_open\"]; },\n"
	"      { at_dpd = 20; action = \"sms\"; template = \"second\";\n"		/* 15 */
	"        unless = [\"promise_open\", \"dispute\"]; }\n"
	"  ); },\n"
	"  { segment = \"risky\"; steps = (\n"
	"      { at_dpd = 1; action = \"call\"; },\n"
	"      { at_dpd = 30; action = \"visit\"; if_any = [\"promise_broken\"]; }\n"	/* 20 */
	"  ); },\n"
	"  { segment = \"pilot\"; steps = (\n"
	"      { at_dpd = 3; action = \"call\"; },\n"
	"      { at_dpd = 30; action = \"letter\"; template = \"final\"; }\n"
	"    );\n"									/* 25 */
	"    challenger = { share = 30; steps = (\n"
	"      { at_dpd = 1; action = \"sms\"; template = \"second\"; },\n"
	"      { at_dpd = 10; action = \"agency\"; }\n"
	"    ); }; },\n"
	"  { segment = \"rest\"; steps = (\n"						/* 30 */
	"      { at_dpd = 61; action = \"agency\"; unless = [\"dispute\"]; } ); }\n"
	");\n";

static void
setup(void)
{
	char path[1200];
	struct problems p = { 0 };

	ck_assert_int_ge(sodium_init(), 0);
	tmpdir_make(tmp, sizeof tmp);
	snprintf(path, sizeof path, "%s/en.conf", tmp);
	write_file(path, en_templates);
	ck_assert_msg(template_set_load(tmp, &templates, &p) == 0, "%s", p.n ? p.msg[0] : "");
	problems_free(&p);
}

static void
teardown(void)
{
	template_set_free(&templates);
	tmpdir_remove(tmp);
}

/* Loads text as tmp/book.conf against the templates; the problems stay in p. */
static int
load(const char *text, struct strategy_book **b, struct problems *p)
{
	char path[1200];

	snprintf(path, sizeof path, "%s/book.conf", tmp);
	write_file(path, text);
	return strategy_book_load(path, templates, b, p);
}

/* ---- decisions ---- */

static const int32_t today = 20522;	/* 2026-03-10 */

static const struct {
	const char *id;
	int dpd;
	int64_t balance;
	enum product product;
	int risk;
	unsigned flags;
	enum ptp_state ptp;
	const char *segment;
	bool challenger;
	size_t step;	/* 1-based, 0 = none yet */
	size_t next;	/* 1-based, 0 = none */
} cases[] = {
	/* not due: only the catch-all takes it, and its step is far off */
	{ "A0000002", 0, 10000, PRODUCT_CARD, 0, 0, PTP_NONE, "rest", false, 0, 1 },
	{ "A0000002", 1, 10000, PRODUCT_CARD, 0, 0, PTP_NONE, "small", false, 1, 2 },
	/* step 2 is at dpd 5, but step 1 waits 10 days from dpd 1 */
	{ "A0000002", 10, 10000, PRODUCT_CARD, 0, 0, PTP_NONE, "small", false, 1, 2 },
	{ "A0000002", 11, 10000, PRODUCT_CARD, 0, 0, PTP_NONE, "small", false, 2, 3 },
	{ "A0000002", 11, 10000, PRODUCT_CARD, 0, 0, PTP_PENDING, "small", false, 1, 3 },
	{ "A0000002", 25, 10000, PRODUCT_CARD, 0, AFLAG_DISPUTE, PTP_NONE, "small", false, 2, 0 },
	{ "A0000002", 25, 10000, PRODUCT_CARD, 0, 0, PTP_PENDING, "small", false, 1, 0 },
	/* the edges of the rule are inclusive: dpd 30 and exactly 500.00 */
	{ "A0000002", 30, 50000, PRODUCT_BNPL, 0, 0, PTP_NONE, "small", false, 3, 0 },
	{ "A0000002", 30, 50001, PRODUCT_BNPL, 0, 0, PTP_NONE, "pilot", false, 2, 0 },
	{ "A0000002", 31, 10000, PRODUCT_CARD, 0, 0, PTP_NONE, "pilot", false, 2, 0 },
	{ "A0000002", 5, 10000, PRODUCT_AUTO, 0, 0, PTP_NONE, "pilot", false, 1, 2 },
	{ "A0000002", 2, 10000, PRODUCT_AUTO, 0, 0, PTP_NONE, "pilot", false, 0, 1 },
	{ "A0000002", 45, 900000, PRODUCT_AUTO, 800, 0, PTP_NONE, "risky", false, 1, 0 },
	{ "A0000002", 45, 900000, PRODUCT_AUTO, 800, 0, PTP_BROKEN, "risky", false, 2, 0 },
	{ "A0000002", 29, 900000, PRODUCT_AUTO, 800, 0, PTP_BROKEN, "risky", false, 1, 2 },
	{ "A0000002", 45, 900000, PRODUCT_AUTO, 799, 0, PTP_NONE, "pilot", false, 2, 0 },
	/* hold comes first, whatever else is true */
	{ "A0000002", 45, 900000, PRODUCT_AUTO, 900, AFLAG_BANKRUPTCY, PTP_BROKEN, "hold", false, 0, 0 },
	{ "A0000002", 0, 100, PRODUCT_CARD, 0, AFLAG_CEASE | AFLAG_DISPUTE, PTP_NONE, "hold", false, 0, 0 },
	/* pilot's challenger takes buckets 0..29: A0000001 is 23, A0000003 16, A0000004 36 */
	{ "A0000001", 2, 10000, PRODUCT_AUTO, 0, 0, PTP_NONE, "pilot", true, 1, 2 },
	{ "A0000001", 10, 10000, PRODUCT_AUTO, 0, 0, PTP_NONE, "pilot", true, 2, 0 },
	{ "A0000003", 1, 10000, PRODUCT_AUTO, 0, 0, PTP_NONE, "pilot", true, 1, 2 },
	{ "A0000004", 1, 10000, PRODUCT_AUTO, 0, 0, PTP_NONE, "pilot", false, 0, 1 },
	{ "A0000002", 60, 10000, PRODUCT_AUTO, 0, 0, PTP_NONE, "pilot", false, 2, 0 },
	{ "A0000002", 61, 10000, PRODUCT_AUTO, 0, 0, PTP_NONE, "rest", false, 1, 0 },
	{ "A0000002", 61, 10000, PRODUCT_AUTO, 0, AFLAG_DISPUTE, PTP_NONE, "rest", false, 0, 0 },
};

START_TEST(test_decide)
{
	struct strategy_book *b = NULL;
	struct problems p = { 0 };
	struct account a = { .product = cases[_i].product, .risk = cases[_i].risk,
			     .flags = cases[_i].flags, .ptp_state = cases[_i].ptp,
			     .total = cases[_i].balance, .past_due = cases[_i].balance / 10 };
	struct strategy_decision d;
	struct strategy_facts f;

	ck_assert_msg(load(book_text, &b, &p) == 0, "%s", p.n ? p.msg[0] : "");
	snprintf(a.id, sizeof a.id, "%s", cases[_i].id);
	a.due_date = today - cases[_i].dpd;
	strategy_facts_of(&a, today, &f);
	ck_assert_int_eq(f.dpd, cases[_i].dpd);
	strategy_decide(b, a.id, &f, &d);
	ck_assert_str_eq(b->segments[d.segment].id, cases[_i].segment);
	ck_assert_int_eq(d.challenger, cases[_i].challenger);
	ck_assert_uint_eq(d.step_no, cases[_i].step);
	ck_assert(d.step == (d.step_no ? &d.plan->steps[d.step_no - 1] : NULL));
	ck_assert(d.next == (cases[_i].next ? &d.plan->steps[cases[_i].next - 1] : NULL));
	strategy_book_free(&b);
	ck_assert_ptr_null(b);
}
END_TEST

/* The loaded book as written: its version, when waits make steps start, and line numbers. */
START_TEST(test_loaded)
{
	struct strategy_book *b = NULL;
	struct problems p = { 0 };

	ck_assert_msg(load(book_text, &b, &p) == 0, "%s", p.n ? p.msg[0] : "");
	ck_assert_str_eq(b->name, "book");
	ck_assert_int_eq(b->version, 7);
	ck_assert_str_eq(b->language, "en");
	ck_assert_uint_eq(b->n, 5);
	ck_assert(b->segments[4].catch_all);
	ck_assert(!b->segments[3].catch_all);
	ck_assert_int_eq(b->segments[1].line, 4);
	ck_assert_int_eq(b->strategies[1].champion.steps[1].at_dpd, 5);
	ck_assert_int_eq(b->strategies[1].champion.steps[1].start, 11);
	ck_assert_int_eq(b->strategies[1].champion.steps[2].start, 20);
	ck_assert_int_eq(b->strategies[1].champion.steps[2].line, 15);
	ck_assert(b->strategies[3].has_challenger);
	ck_assert_int_eq(b->strategies[3].share, 30);
	ck_assert(!b->strategies[4].has_challenger);
	strategy_book_free(&b);
}
END_TEST

/* The share is a stable hash: fixed buckets for known ids (also worked out with another
 * BLAKE2b implementation), the ends of the range, and a fair split. */
START_TEST(test_challenger_share)
{
	char id[ACCOUNT_ID_LEN];
	int in = 0;

	ck_assert(strategy_in_challenger("early", "A0000001", 55));	/* bucket 54 */
	ck_assert(!strategy_in_challenger("early", "A0000001", 54));
	ck_assert(strategy_in_challenger("early", "A0000004", 100));	/* bucket 99 */
	ck_assert(!strategy_in_challenger("early", "A0000004", 99));
	ck_assert(!strategy_in_challenger("pilot", "A0000005", 14));	/* bucket 14 */
	ck_assert(strategy_in_challenger("pilot", "A0000005", 15));
	for (int i = 0; i < 10000; i++) {
		snprintf(id, sizeof id, "B%07d", i);
		ck_assert(!strategy_in_challenger("early", id, 0));
		ck_assert(strategy_in_challenger("early", id, 100));
		in += strategy_in_challenger("early", id, 20);
	}
	ck_assert_msg(in > 1800 && in < 2200, "%d of 10000 in a 20%% share", in);
}
END_TEST

START_TEST(test_shipped_book)
{
	struct template_set *ts = NULL;
	struct strategy_book *b = NULL;
	struct problems p = { 0 };
	size_t n;

	ck_assert_int_eq(template_set_load(SRCDIR "/data/templates", &ts, &p), 0);
	ck_assert_msg(strategy_dir_check(SRCDIR "/data/strategies", ts, &n, &p) == 0, "%s",
		      p.n ? p.msg[0] : "");
	ck_assert_uint_ge(n, 1);
	ck_assert_int_eq(strategy_book_load(SRCDIR "/data/strategies/default.conf", ts, &b, &p), 0);
	ck_assert(b->segments[b->n - 1].catch_all);
	strategy_book_free(&b);
	template_set_free(&ts);
}
END_TEST

/* ---- refused books ---- */

#define SEGS "segments = ( { id = \"a\"; dpd_min = 1; }, { id = \"z\"; } );\n"	/* line 2 */
#define STRATS_Z "  { segment = \"z\"; steps = (); }\n);\n"

static const struct {
	const char *text, *error;
} bad[] = {
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"call\"; },\n"
	  "    { at_dpd = 3; action = \"call\"; } ); },\n" STRATS_Z,
	  "book.conf:6: at_dpd: 3 does not come after 5 (line 5); steps go in rising dpd order" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"call\"; },\n"
	  "    { at_dpd = 5; action = \"visit\"; } ); },\n" STRATS_Z,
	  "book.conf:6: at_dpd: 5 does not come after 5 (line 5); steps go in rising dpd order" },
	{ "version = 1;\n" SEGS "strategies = (\n" STRATS_Z,
	  "book.conf:2: segment \"a\" has no strategy" },
	{ "version = 1;\nsegments = ( { id = \"a\"; dpd_min = 1; },\n  { id = \"z\"; dpd_max = 5; } );\n"
	  "strategies = (\n  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:3: segments: the last segment must have no conditions, to catch every account "
	  "the others leave" },
	{ "version = 1;\nsegments = ( { id = \"a\"; dpd_min = 1; },\n  { id = \"z\"; },\n"
	  "  { id = \"y\"; } );\nstrategies = ( { segment = \"a\"; steps = (); },\n"
	  "  { segment = \"y\"; steps = (); },\n" STRATS_Z,
	  "book.conf:4: segment \"y\" can never match: \"z\" on line 3 has no conditions and catches "
	  "every account first" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"sms\"; template = \"frendly\"; } ); },\n" STRATS_Z,
	  "book.conf:5: template: no sms template \"frendly\" in " },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"email\"; template = \"second\"; } ); },\n" STRATS_Z,
	  "book.conf:5: template: no email template \"second\" in " },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"sms\"; } ); },\n" STRATS_Z,
	  "book.conf:5: template: missing (a sms step sends one)" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"call\";\n      template = \"friendly\"; } ); },\n" STRATS_Z,
	  "book.conf:6: template: a call step sends no message" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"fax\"; } ); },\n" STRATS_Z,
	  "book.conf:5: action: \"fax\" is not sms, email, call, letter, visit or agency" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"call\"; unless = [\"promise_pending\"]; } ); },\n" STRATS_Z,
	  "book.conf:5: unless: \"promise_pending\" is not a condition (an account flag such as "
	  "dispute or cease, or promise_open, promise_kept, promise_partial, promise_broken)" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (\n"
	  "    { at_dpd = 5; action = \"call\"; wait = 3; } ); },\n" STRATS_Z,
	  "book.conf:5: wait: unknown step setting" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"b\"; steps = (); },\n"
	  "  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:4: segment: \"b\" is not a segment of this file" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (); },\n"
	  "  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:5: segment: \"a\" already has a strategy on line 4" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = ();\n"
	  "    challenger = { share = 101; steps = (); }; },\n" STRATS_Z,
	  "book.conf:5: share: 101 is out of range 0..100" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; },\n" STRATS_Z,
	  "book.conf:4: steps: missing (write steps = (); for none)" },
	{ "version = 1;\nsegments = ( { id = \"a\"; dpd_min = 30;\n  dpd_max = 10; }, { id = \"z\"; } );\n"
	  "strategies = (\n  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:2: dpd_min is above dpd_max: no account can match" },
	{ "version = 1;\nsegments = ( { id = \"a\";\n  balance_min = 12.5; }, { id = \"z\"; } );\n"
	  "strategies = (\n  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:3: balance_min: must be an amount like \"12.50\" or 12" },
	{ "version = 1;\nsegments = ( { id = \"a\";\n  products = [\"mortgage\"]; }, { id = \"z\"; } );\n"
	  "strategies = (\n  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:3: products: \"mortgage\" is not card, personal loan, auto or bnpl" },
	{ "version = 1;\nsegments = ( { id = \"Early\"; }, { id = \"z\"; } );\n"
	  "strategies = (\n" STRATS_Z,
	  "book.conf:2: id: \"Early\" must be 1-23 lower-case letters, digits, '_' or '-'" },
	{ "version = 1;\nsegments = ( { id = \"a\"; dpd_min = 1; },\n  { id = \"a\"; } );\n"
	  "strategies = (\n  { segment = \"a\"; steps = (); }\n);\n",
	  "book.conf:3: id: \"a\" is already used on line 2" },
	{ "version = 0;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:1: version: 0 is out of range 1..2147483647" },
	{ SEGS "strategies = (\n  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:1: version: missing" },
	{ "version = 1;\nlanguage = \"de\";\n" SEGS "strategies = (\n"
	  "  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:2: language: no templates in \"de\"" },
	{ "version = 1;\nsegmants = ();\n" SEGS "strategies = (\n"
	  "  { segment = \"a\"; steps = (); },\n" STRATS_Z,
	  "book.conf:2: segmants: unknown top-level setting" },
	{ "version = 1;\n" SEGS "strategies = (\n  { segment = \"a\"; steps = ( ; ); },\n" STRATS_Z,
	  "book.conf:4: syntax error" },
};

START_TEST(test_bad_books)
{
	struct strategy_book *b = NULL;
	struct problems p = { 0 };
	const char *msg;

	ck_assert_int_eq(load(bad[_i].text, &b, &p), -1);
	ck_assert_ptr_null(b);
	ck_assert_msg(p.n == 1, "%zu problems, the last \"%s\"", p.n, p.msg[p.n - 1]);
	msg = strstr(p.msg[0], "book.conf");
	ck_assert_msg(msg != NULL && strncmp(msg, bad[_i].error, strlen(bad[_i].error)) == 0,
		      "got \"%s\"", p.msg[0]);
	problems_free(&p);
}
END_TEST

/* A step's template must exist in every language, and one pass names every problem. */
START_TEST(test_every_problem)
{
	struct strategy_book *b = NULL;
	struct problems p = { 0 };
	char path[1200];

	snprintf(path, sizeof path, "%s/fr.conf", tmp);
	write_file(path, fr_templates);
	template_set_free(&templates);
	ck_assert_int_eq(template_set_load(tmp, &templates, &p), 0);
	ck_assert_int_eq(load("version = 1;\n"
			      "segments = ( { id = \"a\"; dpd_min = 1; risk_max = 2000; },\n"
			      "  { id = \"b\"; dpd_min = 2; } );\n"
			      "strategies = (\n  { segment = \"a\"; steps = (\n"
			      "    { at_dpd = 5; action = \"email\"; template = \"friendly\"; },\n"
			      "    { at_dpd = 4; action = \"sms\"; template = \"friendly\"; } ); }\n"
			      ");\n",
			      &b, &p),
			 -1);
	ck_assert_uint_eq(p.n, 5);
	ck_assert_msg(strstr(p.msg[0], "book.conf:2: risk_max: 2000 is out of range 0..1000"),
		      "%s", p.msg[0]);
	ck_assert_msg(strstr(p.msg[1], "book.conf:3: segments: the last segment must have no"),
		      "%s", p.msg[1]);
	ck_assert_msg(strstr(p.msg[2], "book.conf:6: template: no email template \"friendly\" in ") &&
			      strstr(p.msg[2], "fr.conf"),
		      "%s", p.msg[2]);
	ck_assert_msg(strstr(p.msg[3], "book.conf:7: at_dpd: 4 does not come after 5 (line 6)"),
		      "%s", p.msg[3]);
	ck_assert_msg(strstr(p.msg[4], "book.conf:3: segment \"b\" has no strategy"), "%s",
		      p.msg[4]);
	problems_free(&p);
}
END_TEST

static Suite *
strategy_suite(void)
{
	Suite *s = suite_create("strategy");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_decide, 0, sizeof cases / sizeof cases[0]);
	tcase_add_test(tc, test_loaded);
	tcase_add_test(tc, test_challenger_share);
	tcase_add_test(tc, test_shipped_book);
	tcase_add_loop_test(tc, test_bad_books, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, test_every_problem);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(strategy_suite());
}
