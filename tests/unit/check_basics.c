/* Units: clock and dates, money, bands. */
#include "config.h"

#include "bands.h"
#include "clock.h"
#include "money.h"
#include "tz.h"
#include "testutil.h"

START_TEST(rfc3339_round_trip)
{
	int64_t t;
	char buf[32];

	ck_assert_int_eq(time_parse_rfc3339("2026-03-10T14:05:00Z", &t, NULL), 0);
	ck_assert_int_eq(t, 1773151500);
	ck_assert_str_eq(time_format_rfc3339(t, buf, sizeof buf), "2026-03-10T14:05:00Z");
	ck_assert_int_eq(time_parse_rfc3339("2026-03-10T15:05:00+01:00", &t, NULL), 0);
	ck_assert_int_eq(t, 1773151500);
	ck_assert_int_eq(time_parse_rfc3339("2026-03-10T14:05:00.123Z", &t, NULL), 0);
	ck_assert_int_eq(t, 1773151500);
}
END_TEST

START_TEST(rfc3339_rejects)
{
	static const char *const bad[] = { "", "2026-03-10", "2026-02-30T00:00:00Z",
		"2026-03-10T24:00:00Z", "2026-03-10T14:05:00", "2026-03-10T14:05:00Zjunk",
		"2026-3-10T14:05:00Z", "2026-03-10T14:05:00+1:00" };
	struct err e;
	int64_t t;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		ck_assert_msg(time_parse_rfc3339(bad[i], &t, &e) == -1, "accepted '%s'", bad[i]);
		ck_assert_ptr_nonnull(strstr(e.msg, "RFC 3339"));
	}
}
END_TEST

START_TEST(civil_dates)
{
	int32_t d;
	int y, m, dd;
	char buf[16];

	ck_assert_int_eq(date_from_civil(1970, 1, 1), 0);
	ck_assert_int_eq(date_parse("2024-02-29", &d, NULL), 0);
	date_to_civil(d, &y, &m, &dd);
	ck_assert_int_eq(y * 10000 + m * 100 + dd, 20240229);
	ck_assert_int_eq(date_parse("2023-02-29", &d, NULL), -1);
	ck_assert_int_eq(date_parse("2026-13-01", &d, NULL), -1);
	ck_assert_str_eq(date_format(date_from_civil(2000, 12, 31), buf, sizeof buf), "2000-12-31");
	ck_assert_int_eq(date_of_time(-1), -1);
}
END_TEST

START_TEST(money_parses_and_formats)
{
	int64_t c;
	struct err e;
	char buf[32];

	ck_assert_int_eq(money_parse("1234.56", &c, NULL), 0);
	ck_assert_int_eq(c, 123456);
	ck_assert_int_eq(money_parse("1,234.5", &c, NULL), 0);
	ck_assert_int_eq(c, 123450);
	ck_assert_int_eq(money_parse("-0.01", &c, NULL), 0);
	ck_assert_int_eq(c, -1);
	ck_assert_int_eq(money_parse("12.345", &c, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "more than 2 decimals"));
	ck_assert_int_eq(money_parse("12,34", &c, NULL), -1);
	ck_assert_int_eq(money_parse("1.", &c, NULL), -1);
	ck_assert_int_eq(money_parse("abc", &c, NULL), -1);
	ck_assert_int_eq(money_parse("", &c, NULL), -1);
	ck_assert_int_eq(money_parse("99999999999999999", &c, NULL), -1);
	ck_assert_str_eq(money_format(123456789, buf, sizeof buf, 1), "1,234,567.89");
	ck_assert_str_eq(money_format(-5, buf, sizeof buf, 0), "-0.05");
	ck_assert_str_eq(money_format(100000, buf, sizeof buf, 1), "1,000.00");
}
END_TEST

/* Times the agent types: a local wall-clock time in a zone, a delay, and what is refused. */
START_TEST(typed_times)
{
	struct err e = { "" };
	int64_t now, t;

	ck_assert_int_eq(time_parse_rfc3339("2026-03-10T15:00:00Z", &now, &e), 0);
	ck_assert_int_eq(tz_parse_when("America/New_York", "2026-03-10 13:30", now, &t, &e), 0);
	ck_assert_int_eq(t, now + 150 * 60);	/* 17:30Z: EDT is UTC-4 */
	ck_assert_int_eq(tz_parse_when("America/New_York", "2026-01-10 13:30", now, &t, &e), 0);
	ck_assert_int_eq(t % 86400, 18 * 3600 + 30 * 60);	/* EST: UTC-5 */
	ck_assert_int_eq(tz_parse_when("", "2026-03-11 09:00", now, &t, &e), 0);
	ck_assert_int_eq(t, now + 18 * 3600);
	ck_assert_int_eq(tz_parse_when("UTC", "+2h", now, &t, &e), 0);
	ck_assert_int_eq(t, now + 7200);
	ck_assert_int_eq(tz_parse_when("UTC", "+30m", now, &t, &e), 0);
	ck_assert_int_eq(t, now + 1800);
	ck_assert_int_eq(tz_parse_when("UTC", "+1d", now, &t, &e), 0);
	ck_assert_int_eq(t, now + 86400);
	/* 02:30 does not exist in New York on the morning the clocks go forward */
	ck_assert_int_eq(tz_parse_when("America/New_York", "2026-03-08 02:30", now, &t, &e), -1);
	ck_assert_int_eq(tz_parse_when("UTC", "+2x", now, &t, &e), -1);
	ck_assert_int_eq(tz_parse_when("UTC", "+0h", now, &t, &e), -1);
	ck_assert_int_eq(tz_parse_when("UTC", "2026-03-10 25:00", now, &t, &e), -1);
	ck_assert_int_eq(tz_parse_when("UTC", "2026-02-30 10:00", now, &t, &e), -1);
	ck_assert_int_eq(tz_parse_when("UTC", "tomorrow", now, &t, &e), -1);
}
END_TEST

START_TEST(bands_edges)
{
	struct bands b;
	static const int bad[] = { 5, 30 }, unsorted[] = { 0, 60, 30 };

	bands_default(&b);
	ck_assert_int_eq(b.n, 6);
	ck_assert_str_eq(b.label[0], "current");
	ck_assert_str_eq(b.label[1], "1-30");
	ck_assert_str_eq(b.label[5], "120+");
	ck_assert_int_eq(bands_index(&b, 0), 0);
	ck_assert_int_eq(bands_index(&b, 1), 1);
	ck_assert_int_eq(bands_index(&b, 30), 1);
	ck_assert_int_eq(bands_index(&b, 31), 2);
	ck_assert_int_eq(bands_index(&b, 120), 4);
	ck_assert_int_eq(bands_index(&b, 121), 5);
	ck_assert_int_eq(bands_from_bounds(&b, bad, 2), -1);
	ck_assert_int_eq(bands_from_bounds(&b, unsorted, 3), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("basics");
	TCase *tc = tcase_create("basics");

	tcase_add_test(tc, rfc3339_round_trip);
	tcase_add_test(tc, rfc3339_rejects);
	tcase_add_test(tc, civil_dates);
	tcase_add_test(tc, money_parses_and_formats);
	tcase_add_test(tc, typed_times);
	tcase_add_test(tc, bands_edges);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
