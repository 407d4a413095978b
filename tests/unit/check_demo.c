/* Units: the demo book is deterministic, realistic and spread over every band and zone. */
#include "config.h"

#include <sqlite3.h>

#include "bands.h"
#include "clock.h"
#include "demo.h"
#include "evidence.h"
#include "export.h"
#include "queue.h"
#include "store.h"
#include "testutil.h"
#include "tz.h"

static char dir[256];

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

/* Builds a book and returns its accounts CSV and events JSON lines, concatenated. */
static char *
book_text(const char *name, int accounts, uint64_t seed)
{
	struct demo_params p = { .accounts = accounts, .seed = seed, .assignee = "ana" };
	struct demo_summary sum;
	struct store *s = NULL;
	struct err e;
	char path[512], *text = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(date_parse("2026-11-23", &p.as_of, NULL), 0);
	snprintf(path, sizeof path, "%s/%s.db", dir, name);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, NULL, &e), 0);
	ck_assert_msg(demo_generate(s, &p, &sum, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(sum.accounts, accounts);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(export_accounts_csv(s, f, &e), 0);
	ck_assert_int_eq(export_events_jsonl(s, f, &e), 0);
	fclose(f);
	store_close(&s);
	return text;
}

START_TEST(same_seed_same_book)
{
	char *a = book_text("a", 300, 42), *b = book_text("b", 300, 42), *c = book_text("c", 300, 43);

	ck_assert_msg(strcmp(a, b) == 0, "two books of seed 42 differ");
	ck_assert_msg(strcmp(a, c) != 0, "seeds 42 and 43 gave the same book");
	free(a);
	free(b);
	free(c);
}
END_TEST

static int64_t
count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* Every attempt was made between 09:00 and 20:00 in the debtor's own zone. */
static void
check_local_hours(struct store *s)
{
	sqlite3_stmt *st;
	int checked = 0;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(s),
		"SELECT e.at, p.zones FROM events e JOIN accounts a ON a.ext_id = e.account_id "
		"JOIN parties p ON p.id = a.party_id WHERE e.kind = 'attempt'", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct local_time lt;
		const char *zone = (const char *)sqlite3_column_text(st, 1);

		ck_assert_int_eq(tz_local(zone, sqlite3_column_int64(st, 0), &lt), 0);
		ck_assert_msg(lt.minute >= 9 * 60 && lt.minute < 20 * 60, "attempt at %02d:%02d in %s",
			      lt.minute / 60, lt.minute % 60, zone);
		checked++;
	}
	sqlite3_finalize(st);
	ck_assert_int_gt(checked, 1000);
}

START_TEST(realistic_spread)
{
	static const char *const zones[] = { "America/New_York", "America/Chicago", "America/Denver",
		"America/Phoenix", "America/Los_Angeles", "Europe/London" };
	struct demo_params p = { .accounts = 3000, .seed = 9, .assignee = "ana" };
	struct demo_summary sum;
	struct store *s = NULL;
	struct verify_report r;
	struct queue q;
	int seen[BANDS_MAX] = { 0 };
	struct err e;
	char path[512], sql[256];

	ck_assert_int_eq(date_parse("2026-11-23", &p.as_of, NULL), 0);
	snprintf(path, sizeof path, "%s/spread.db", dir);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, NULL, &e), 0);
	ck_assert_int_eq(demo_generate(s, &p, &sum, &e), 0);

	queue_init(&q);
	ck_assert_int_eq(queue_load(&q, s, (int64_t)p.as_of * 86400 + 43200, &e), 0);
	ck_assert_int_eq(q.n, 3000);
	for (size_t i = 0; i < q.n; i++)
		seen[q.items[i].band]++;
	for (int b = 0; b < q.bands.n; b++)
		ck_assert_msg(seen[b] > 0, "no account in band %s", q.bands.label[b]);
	queue_free(&q);

	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM contact_points WHERE zones = '%s'", zones[i]);
		ck_assert_msg(count(s, sql) > 0, "no contact point in %s", zones[i]);
	}
	for (unsigned bit = 1; bit < (1u << AFLAG_COUNT_); bit <<= 1) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM accounts WHERE flags & %u", bit);
		ck_assert_msg(count(s, sql) > 0, "no account flagged %s", account_flag_name(bit));
	}
	for (int product = 0; product < PRODUCT_COUNT; product++) {
		snprintf(sql, sizeof sql, "SELECT count(*) FROM accounts WHERE product = %d", product);
		ck_assert_int_gt(count(s, sql), 0);
	}
	/* UTF-8: accented Latin and CJK names */
	ck_assert_int_gt(count(s, "SELECT count(*) FROM parties WHERE unseal(name, 'parties', id) GLOB '*[éöüøł]*'"), 0);
	ck_assert_int_gt(count(s, "SELECT count(*) FROM parties WHERE unseal(name, 'parties', id) GLOB '*[王李张山佐김이]*'"), 0);
	/* 90 days of history with every kind of evidence, all inside the window */
	ck_assert_int_gt(count(s, "SELECT count(*) FROM events WHERE kind = 'ptp'"), 0);
	ck_assert_int_gt(count(s, "SELECT count(*) FROM events WHERE kind = 'payment'"), 0);
	ck_assert_int_gt(count(s, "SELECT count(*) FROM promises WHERE state = 4"), 0);	/* broken */
	ck_assert_int_gt(count(s, "SELECT count(*) FROM promises WHERE state = 2"), 0);	/* kept */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE kind = 'attempt' AND "
		 "(at < %lld OR at > %lld)", (long long)(p.as_of - 91) * 86400LL,
		 (long long)p.as_of * 86400LL + 43200);
	ck_assert_int_eq(count(s, sql), 0);
	check_local_hours(s);
	ck_assert_int_eq(evidence_verify(s, &r, &e), 0);
	ck_assert_int_eq(r.events, sum.events);
	/* a second demo into the same cache is refused, the book untouched */
	ck_assert_int_eq(demo_generate(s, &p, &sum, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "already holds 3000 accounts"));
	store_close(&s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("demo");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, same_seed_same_book);
	tcase_add_test(tc, realistic_spread);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
