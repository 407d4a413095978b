/* check_template.c - SMS segment counting (GSM-7 and UCS-2 at their edges), the shipped
 * templates, filling from an account, and every kind of refused template naming file:line. */
#include "config.h"

#include "clock.h"
#include "sms.h"
#include "template.h"
#include "testutil.h"

/* ---- SMS segments ---- */

/* n copies of the UTF-8 character c, then tail. Owned. */
static char *
repeat(const char *c, int n, const char *tail)
{
	size_t len = strlen(c) * (size_t)n + strlen(tail) + 1;
	char *s = malloc(len);

	ck_assert_ptr_nonnull(s);
	s[0] = '\0';
	for (int i = 0; i < n; i++)
		strcat(s, c);
	strcat(s, tail);
	return s;
}

static const struct {
	const char *c;
	int n;
	const char *tail;
	enum sms_encoding enc;
	size_t units, segments;
} sizes[] = {
	{ "a", 0, "", SMS_GSM7, 0, 1 },
	{ "a", 160, "", SMS_GSM7, 160, 1 },
	{ "a", 161, "", SMS_GSM7, 161, 2 },	/* 153 + 8 */
	{ "a", 306, "", SMS_GSM7, 306, 2 },
	{ "a", 307, "", SMS_GSM7, 307, 3 },
	{ "\xc3\xa9", 160, "", SMS_GSM7, 160, 1 },	/* é is in the default alphabet */
	{ "\xe2\x82\xac", 80, "", SMS_GSM7, 160, 1 },	/* € is escaped: two septets */
	{ "\xe2\x82\xac", 81, "", SMS_GSM7, 162, 2 },
	{ "{", 1, "", SMS_GSM7, 2, 1 },
	{ "a", 159, "`", SMS_UCS2, 160, 3 },	/* the backtick is not GSM-7 */
	{ "\xc3\xa1", 70, "", SMS_UCS2, 70, 1 },	/* á is not GSM-7 */
	{ "\xc3\xa1", 71, "", SMS_UCS2, 71, 2 },	/* 67 + 4 */
	{ "\xc3\xa1", 134, "", SMS_UCS2, 134, 2 },
	{ "\xc3\xa1", 135, "", SMS_UCS2, 135, 3 },
	{ "\xf0\x9f\x98\x80", 35, "", SMS_UCS2, 70, 1 },	/* a surrogate pair each */
};

START_TEST(test_sms_sizes)
{
	char *s = repeat(sizes[_i].c, sizes[_i].n, sizes[_i].tail);
	struct sms_measure m;

	ck_assert_int_eq(sms_measure(s, &m), 0);
	ck_assert_int_eq(m.encoding, sizes[_i].enc);
	ck_assert_uint_eq(m.units, sizes[_i].units);
	ck_assert_uint_eq(m.segments, sizes[_i].segments);
	free(s);
}
END_TEST

/* A part never splits an escaped character or a surrogate pair, so a naive units/153 (or /67)
 * would say one part fewer. */
START_TEST(test_sms_split)
{
	char *a = repeat("a", 152, ""), *b = repeat("a", 152, ""), *s;
	struct sms_measure m;

	ck_assert_int_gt(asprintf(&s, "%s\xe2\x82\xac%s", a, b), 0);	/* 152 | 2+151 | 1 */
	ck_assert_int_eq(sms_measure(s, &m), 0);
	ck_assert_uint_eq(m.units, 306);
	ck_assert_uint_eq(m.segments, 3);
	free(s);
	free(a);
	free(b);
	a = repeat("\xc3\xa1", 66, "");
	b = repeat("\xc3\xa1", 66, "");
	ck_assert_int_gt(asprintf(&s, "%s\xf0\x9f\x98\x80%s", a, b), 0);	/* 66 | 2+65 | 1 */
	ck_assert_int_eq(sms_measure(s, &m), 0);
	ck_assert_uint_eq(m.units, 134);
	ck_assert_uint_eq(m.segments, 3);
	free(s);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_sms_bad_utf8)
{
	struct sms_measure m;

	ck_assert_int_eq(sms_measure("ab\xff", &m), -1);
	ck_assert_int_eq(sms_measure("\xc0\xaf", &m), -1);	/* overlong '/' */
	ck_assert_int_eq(sms_measure("\xed\xa0\x80", &m), -1);	/* a lone surrogate */
	ck_assert_int_eq(sms_measure("\xc3", &m), -1);
}
END_TEST

/* ---- shipped templates and filling ---- */

static struct template_set *
shipped(void)
{
	struct template_set *ts = NULL;
	struct problems p = { 0 };

	ck_assert_msg(template_set_load(SRCDIR "/data/templates", &ts, &p) == 0, "%s",
		      p.n > 0 ? p.msg[0] : "");
	problems_free(&p);
	return ts;
}

START_TEST(test_shipped)
{
	struct template_set *ts = shipped();
	const struct template_lang *en, *es;

	ck_assert_uint_eq(ts->n, 2);
	ck_assert_ptr_nonnull(en = template_lang_find(ts, "en"));
	ck_assert_ptr_nonnull(es = template_lang_find(ts, "es"));
	for (int ch = 0; ch < CHANNEL_COUNT; ch++)
		for (int t = 0; t < TIER_COUNT; t++) {
			const char *id = tier_name((enum tier)t);

			ck_assert_ptr_nonnull(template_find(en, id, (enum channel)ch));
			ck_assert_ptr_nonnull(template_find(es, id, (enum channel)ch));
		}
	ck_assert_int_eq(template_find(en, "final", CHANNEL_EMAIL)->tier, TIER_FINAL);
	ck_assert_ptr_nonnull(template_find(en, "final", CHANNEL_EMAIL)->subject);
	ck_assert_ptr_null(template_find(en, "final", CHANNEL_SMS)->subject);
	ck_assert_ptr_null(template_find(en, "nope", CHANNEL_SMS));
	template_set_free(&ts);
	ck_assert_ptr_null(ts);
}
END_TEST

START_TEST(test_fill)
{
	struct template_set *ts = shipped();
	const struct template_lang *en = template_lang_find(ts, "en");
	struct account a = { .total = 123456, .past_due = 4500 };
	int32_t today = date_from_civil(2026, 3, 10);
	struct template_values v;
	struct sms_measure m;
	char *s;

	snprintf(a.id, sizeof a.id, "ACC-778899");
	snprintf(a.name, sizeof a.name, "Ana Núñez");
	snprintf(a.currency, sizeof a.currency, "USD");
	snprintf(a.assignee, sizeof a.assignee, "avery");
	a.due_date = today - 12;
	template_values_of(&a, today, "https://pay.example/x", &v);
	ck_assert_str_eq(v.account, "8899");
	ck_assert_str_eq(v.balance, "1,234.56 USD");
	ck_assert_str_eq(v.past_due, "45.00 USD");
	ck_assert_str_eq(v.due_date, "2026-02-26");
	ck_assert_str_eq(v.dpd, "12");
	s = template_fill(en, CHANNEL_SMS, template_find(en, "second", CHANNEL_SMS)->body, &v);
	ck_assert_str_eq(s, "Ana Núñez, your account ending 8899 is 12 days past due (45.00 USD). "
			    "Please pay at https://pay.example/x or call us. Reply STOP to opt out.");
	/* ú is not GSM-7 (ù is), so this one goes as UCS-2: 139 characters, 3 parts of 67 */
	ck_assert_int_eq(sms_measure(s, &m), 0);
	ck_assert_int_eq(m.encoding, SMS_UCS2);
	ck_assert_uint_eq(m.chars, 139);
	ck_assert_uint_eq(m.segments, 3);
	free(s);
	s = template_fill(en, CHANNEL_EMAIL, template_find(en, "friendly", CHANNEL_EMAIL)->subject,
			  &v);
	ck_assert_str_eq(s, "A reminder about your account ending 8899");
	free(s);
	template_set_free(&ts);
}
END_TEST

/* ---- refused templates ---- */

static const char head[] =
	"opt_out = { sms = \"Reply STOP.\"; email = \"Reply UNSUBSCRIBE.\"; };\n"	/* 1 */
	"sms_max_segments = 1;\n"						/* 2 */
	"templates = (\n";							/* 3 */

/* Each bad template (from line 4 of en.conf) and the message it must give. */
static const struct {
	const char *text, *error;
} bad[] = {
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"friendly\"; body = \"Hi {nmae} {opt_out}\"; }",
	  "en.conf:4: body: unknown placeholder {nmae}" },
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"friendly\"; body = \"Hi {name\"; }",
	  "en.conf:4: body: '{' at \"{name\" starts no placeholder (write {{ for a brace)" },
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"friendly\"; body = \"Hi {name}\"; }",
	  "en.conf:4: body: an sms message must carry the opt-out text (write {opt_out})" },
	{ "{ id = \"a\"; channel = \"email\"; tier = \"friendly\";\n  subject = \"Hi {opt_out}\";\n"
	  "  body = \"Pay {balance}\"; }",
	  "en.conf:6: body: an email message must carry the opt-out text (write {opt_out})" },
	{ "{ id = \"a\"; channel = \"email\"; tier = \"final\"; body = \"x {opt_out}\"; }",
	  "en.conf:4: subject: missing" },
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"final\";\n  subject = \"s\"; body = \"x {opt_out}\"; }",
	  "en.conf:5: subject: only an email has one" },
	{ "{ id = \"a\"; channel = \"letter\"; tier = \"final\"; body = \"x {opt_out}\"; }",
	  "en.conf:4: body: {opt_out} has no text for letter" },
	{ "{ id = \"a\"; channel = \"fax\"; tier = \"final\"; body = \"x\"; }",
	  "en.conf:4: channel: \"fax\" is not sms, email or letter" },
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"gentle\"; body = \"x {opt_out}\"; }",
	  "en.conf:4: tier: \"gentle\" is not friendly, second or final" },
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"final\"; body = \"x {opt_out}\";\n  lang = \"en\"; }",
	  "en.conf:5: lang: unknown template setting" },
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"final\"; body = \"\"; }",
	  "en.conf:4: body: must not be empty" },
	{ "{ id = \"a\"; channel = \"letter\"; tier = \"final\"; body = \"x\"; },\n"
	  "{ id = \"a\"; channel = \"letter\"; tier = \"second\"; body = \"y\"; }",
	  "en.conf:5: id: letter template \"a\" is already on line 4" },
	/* 82 characters of text, but the name, account, link and agent at their longest
	 * (40, 4, 40, 24) make 194: two segments */
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"final\";\n"
	  "  body = \"Dear {name}, account {account} is overdue, please pay at {pay_link} "
	  "today or call {agent} on our helpline. {opt_out}\"; }",
	  "en.conf:5: body: 2 SMS segments (GSM-7, 194 characters with the longest values) is "
	  "over the cap of 1" },
	/* á makes it UCS-2 (70 a segment), and with a 40-character name it is 80 */
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"final\";\n"
	  "  body = \"Hola {name}, su pago está vencido. {opt_out}\"; }",
	  "en.conf:5: body: 2 SMS segments (UCS-2, 80 characters with the longest values) is "
	  "over the cap of 1" },
	{ "{ id = \"a\"; channel = \"sms\"; tier = \"final\"; body = ; }", "en.conf:4: syntax error" },
};

static char tmp[1024];

/* Writes dir/name with text; returns the path in a static buffer. */
static const char *
put(const char *name, const char *text)
{
	static char path[1200];

	snprintf(path, sizeof path, "%s/%s", tmp, name);
	write_file(path, text);
	return path;
}

START_TEST(test_bad_templates)
{
	struct template_set *ts = NULL;
	struct problems p = { 0 };
	char *text;

	tmpdir_make(tmp, sizeof tmp);
	ck_assert_int_gt(asprintf(&text, "%s%s\n);\n", head, bad[_i].text), 0);
	put("en.conf", text);
	ck_assert_int_eq(template_set_load(tmp, &ts, &p), -1);
	ck_assert_uint_eq(p.n, 1);
	ck_assert_msg(strstr(p.msg[0], "en.conf") != NULL &&
			      strcmp(strstr(p.msg[0], "en.conf"), bad[_i].error) == 0,
		      "got \"%s\"", p.msg[0]);
	ck_assert_ptr_nonnull(ts);
	template_set_free(&ts);
	problems_free(&p);
	free(text);
	tmpdir_remove(tmp);
}
END_TEST

/* One pass names every problem, in every file; a good template beside bad ones still loads. */
START_TEST(test_all_problems)
{
	struct template_set *ts = NULL;
	struct problems p = { 0 };

	tmpdir_make(tmp, sizeof tmp);
	put("en.conf", "opt_out = { sms = \"STOP\"; email = \"UNSUB\"; };\n"
		       "sms_max_segments = 0;\n"
		       "templates = (\n"
		       "{ id = \"a\"; channel = \"sms\"; tier = \"final\"; body = \"{x} {opt_out}\"; },\n"
		       "{ id = \"b\"; channel = \"sms\"; tier = \"final\"; body = \"{opt_out}\"; },\n"
		       "{ id = \"c\"; channel = \"email\"; tier = \"final\"; subject = \"s\"; body = \"y\"; }\n"
		       ");\n");
	put("fr.conf", "opt_out = { sms = \"STOP\"; };\nsms_max_segments = 1;\ntemplates = ();\n");
	put("EN-GB.conf", "opt_out = { sms = \"S\"; email = \"E\"; };\nsms_max_segments = 1;\n"
			  "templates = ();\n");
	ck_assert_int_eq(template_set_load(tmp, &ts, &p), -1);
	ck_assert_uint_eq(p.n, 5);
	ck_assert_msg(strstr(p.msg[0], "EN-GB.conf: the file name must be a language code") != NULL,
		      "%s", p.msg[0]);
	ck_assert_msg(strstr(p.msg[1], "en.conf:2: sms_max_segments: 0 is out of range 1..10") != NULL,
		      "%s", p.msg[1]);
	ck_assert_msg(strstr(p.msg[2], "en.conf:4: body: unknown placeholder {x}") != NULL, "%s",
		      p.msg[2]);
	ck_assert_msg(strstr(p.msg[3], "en.conf:6: body: an email message must carry") != NULL,
		      "%s", p.msg[3]);
	ck_assert_msg(strstr(p.msg[4], "fr.conf:1: email: missing") != NULL, "%s", p.msg[4]);
	ck_assert(!template_find(template_lang_find(ts, "en"), "b", CHANNEL_SMS)->refused);
	ck_assert(template_find(template_lang_find(ts, "en"), "a", CHANNEL_SMS)->refused);
	template_set_free(&ts);
	problems_free(&p);
	tmpdir_remove(tmp);
}
END_TEST

static Suite *
template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_sms_sizes, 0, sizeof sizes / sizeof sizes[0]);
	tcase_add_test(tc, test_sms_split);
	tcase_add_test(tc, test_sms_bad_utf8);
	tcase_add_test(tc, test_shipped);
	tcase_add_test(tc, test_fill);
	tcase_add_loop_test(tc, test_bad_templates, 0, sizeof bad / sizeof bad[0]);
	tcase_add_test(tc, test_all_problems);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return run_suite(template_suite());
}
