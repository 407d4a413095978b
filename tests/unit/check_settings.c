/* Units: arrears.conf loading, errors that name file and line, warnings, dump round trip. */
#include "config.h"

#include "settings.h"
#include "testutil.h"

static char dir[256], path[512];

static void
setup(void)
{
	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/arrears.conf", dir);
}

static void
teardown(void)
{
	tmpdir_remove(dir);
}

START_TEST(defaults)
{
	struct settings s;

	settings_default(&s);
	ck_assert_str_eq(s.theme, "default");
	ck_assert_str_eq(s.role, "agent");
	ck_assert_int_eq(s.call_start_minute, 480);
	ck_assert_int_eq(s.call_end_minute, 1260);
	ck_assert_int_eq(s.bands.n, 6);
}
END_TEST

START_TEST(loads_options_and_keys)
{
	struct settings s;
	struct err e;

	write_file(path, "theme = \"mono\";\nrole = \"lead\";\n"
			 "calling_hours = { start = \"09:00\"; end = \"20:30\"; };\n"
			 "queue = { weights = { balance = 5; risk = 2.5; }; };\n"
			 "aging = { bands = [0, 15, 45]; };\n"
			 "keys = { next_case = \"N\"; quit = [\"x\", \"^Q\"]; };\n");
	settings_default(&s);
	ck_assert_msg(settings_load(&s, path, 1, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(s.theme, "mono");
	ck_assert_str_eq(s.role, "lead");
	ck_assert_int_eq(s.call_start_minute, 540);
	ck_assert_int_eq(s.call_end_minute, 1230);
	ck_assert_double_eq(s.weights.balance, 5);
	ck_assert_double_eq(s.weights.risk, 2.5);
	ck_assert_int_eq(s.bands.n, 4);
	ck_assert_str_eq(s.bands.label[2], "16-45");
	ck_assert_int_eq(s.nkeys, 3);
	ck_assert_str_eq(s.keys[1].action, "quit");
	ck_assert_str_eq(s.keys[2].key, "^Q");
	ck_assert_int_eq(s.keys[2].line, 6);
	ck_assert_int_eq(s.nwarnings, 0);
}
END_TEST

/* Each bad file must fail with an error that names the file, the line and the option. */
static const struct {
	const char *text;
	const char *expect;
} bad_files[] = {
	{ "theme = \"mono\"\nrole = ;\n", ":2: syntax error" },
	{ "\nrole = \"boss\";\n", ":2: role: 'boss' is not a role" },
	{ "ptp = {\n  grace_days = 99;\n};\n", ":2: ptp.grace_days: 99 is out of range 0..30" },
	{ "ptp = { max_days = \"ten\"; };\n", ":1: ptp.max_days: expected a whole number" },
	{ "calling_hours = { start = \"8am\"; };\n", ":1: calling_hours.start: expected a time" },
	{ "aging = { bands = [30, 60]; };\n", ":1: aging.bands: bounds must start at 0" },
	{ "queue = { weights = { idle = -1; }; };\n", ":1: queue.weights.idle: -1 is out of range" },
	{ "theme = 7;\n", ":1: theme: expected a string" },
	{ "keys = { quit = 5; };\n", ":1: keys.quit: expected a key" },
	{ "calling_hours = { start = \"21:00\"; end = \"08:00\"; };\n", "start must be before" },
};

START_TEST(errors_name_file_line_option)
{
	struct settings s;
	struct err e;
	char want[600];

	write_file(path, bad_files[_i].text);
	settings_default(&s);
	ck_assert_int_eq(settings_load(&s, path, 1, &e), -1);
	snprintf(want, sizeof want, "%s", bad_files[_i].expect);
	ck_assert_msg(strstr(e.msg, want) != NULL, "got '%s', want '%s'", e.msg, want);
	ck_assert_msg(strncmp(e.msg, path, strlen(path)) == 0, "error does not start with the file: %s",
		      e.msg);
}
END_TEST

START_TEST(unknown_option_warns)
{
	struct settings s;
	struct err e;

	write_file(path, "theme = \"mono\";\ncolour = \"red\";\nqueue = { wieghts = 1; };\n");
	settings_default(&s);
	ck_assert_int_eq(settings_load(&s, path, 1, &e), 0);
	ck_assert_int_eq(s.nwarnings, 2);
	ck_assert_ptr_nonnull(strstr(s.warnings[0], ":2: unknown option 'colour'"));
	ck_assert_ptr_nonnull(strstr(s.warnings[1], ":3: unknown option 'queue.wieghts'"));
	ck_assert_str_eq(s.theme, "mono");
}
END_TEST

START_TEST(missing_file)
{
	struct settings s;
	struct err e;

	settings_default(&s);
	ck_assert_int_eq(settings_load(&s, path, 0, &e), 0);
	ck_assert_int_eq(settings_load(&s, path, 1, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no such config file"));
}
END_TEST

START_TEST(dump_loads_back)
{
	struct settings a, b;
	struct err e;
	char *text;

	write_file(path, "role = \"qa\";\nqueue = { weights = { idle = 3.25; }; };\n"
			 "aging = { bands = [0, 10, 20]; };\n");
	settings_default(&a);
	ck_assert_int_eq(settings_load(&a, path, 1, &e), 0);
	settings_dump(&a, &text);
	write_file(path, text);
	free(text);
	settings_default(&b);
	ck_assert_msg(settings_load(&b, path, 1, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(b.nwarnings, 0);
	ck_assert_str_eq(b.role, "qa");
	ck_assert_double_eq(b.weights.idle, 3.25);
	ck_assert_int_eq(b.bands.n, 4);
	ck_assert_int_eq(b.call_end_minute, a.call_end_minute);
}
END_TEST

/* The man page documents every option of the table (the table is the one source). */
START_TEST(man_page_lists_every_option)
{
	const char *const *names = settings_option_names();
	char man[1024], *text;
	FILE *f;
	long len;

	snprintf(man, sizeof man, "%s/man/arrears.conf.5", getenv("top_srcdir") ? getenv("top_srcdir") : "../..");
	f = fopen(man, "r");
	ck_assert_msg(f != NULL, "cannot open %s", man);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	ck_assert_int_eq(fread(text, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	for (; *names; names++) {
		char want[128];
		snprintf(want, sizeof want, ".B %s", *names);
		ck_assert_msg(strstr(text, want) != NULL, "arrears.conf.5 does not document %s", *names);
	}
	free(text);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("settings");
	TCase *tc = tcase_create("settings");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, loads_options_and_keys);
	tcase_add_loop_test(tc, errors_name_file_line_option, 0,
			    (int)(sizeof bad_files / sizeof bad_files[0]));
	tcase_add_test(tc, unknown_option_warns);
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, dump_loads_back);
	tcase_add_test(tc, man_page_lists_every_option);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
