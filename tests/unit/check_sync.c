/* check_sync - the sync client's local logic: backoff, the token path, the outbox filled from
 * this device's events (once each), and the statuses without a server. */
#include "config.h"

#include <sqlite3.h>

#include "testutil.h"

#include "contactability.h"
#include "evidence.h"
#include "store.h"
#include "sync.h"

START_TEST(test_backoff_doubles_and_caps)
{
	ck_assert_int_eq(sync_backoff_ms(1, 0, 0), 500);
	ck_assert_int_eq(sync_backoff_ms(2, 0, 0), 1000);
	ck_assert_int_eq(sync_backoff_ms(3, 0, 0), 2000);
	ck_assert_int_eq(sync_backoff_ms(20, 0, 0), 30000);
	ck_assert_int_eq(sync_backoff_ms(1000, 0, 0), 30000);
}
END_TEST

START_TEST(test_backoff_jitter_adds_at_most_a_quarter)
{
	for (uint32_t j = 0; j < 5000; j += 7) {
		int64_t ms = sync_backoff_ms(2, 0, j * 2654435761u);

		ck_assert_int_ge(ms, 1000);
		ck_assert_int_le(ms, 1250);
	}
}
END_TEST

START_TEST(test_backoff_honours_retry_after)
{
	int64_t ms = sync_backoff_ms(1, 7, 123456789u);

	ck_assert_int_ge(ms, 7000);	/* never sooner than the server asked */
	ck_assert_int_le(ms, 8750);
	ck_assert_int_eq(sync_backoff_ms(1, 30, 0), 30000);
	ck_assert_int_eq(sync_backoff_ms(1, 31, 0), -1);	/* too long to wait: give up */
	ck_assert_int_eq(sync_backoff_ms(1, 900, 0), -1);
}
END_TEST

START_TEST(test_token_path)
{
	char buf[32];

	ck_assert_int_eq(sync_token_path("/x/cache.db", buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "/x/cache.db.token");
	ck_assert_int_eq(sync_token_path("/a/very/long/path/to/cache.db", buf, sizeof buf), -1);
}
END_TEST

static int64_t
count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	int64_t n;

	ck_assert_int_eq(sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
note(struct store *s, const char *device, int i)
{
	struct event_draft d = { .device = device, .user = "a", .account_id = "A1", .kind = "note",
				 .at = 1795000000 + i, .body = "{\"text\":\"n\"}" };
	struct err e;

	ck_assert_msg(evidence_record(s, &d, NULL, &e) == 0, "%s", e.msg);
}

START_TEST(test_outbox_holds_this_devices_events_once)
{
	char dir[256], path[300], device[37];
	struct store *s;
	enum store_failure why;
	struct sync_conf c;
	struct sync_report r;
	struct err e;

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, &why, &e), 0);
	ck_assert_int_eq(contactability_device_id(s, device, &e), 0);
	note(s, device, 1);
	note(s, device, 2);
	note(s, "demo", 3);	/* another device's chain is never pushed from here */
	sync_conf_default(&c);
	/* no token: login needed, and the outbox already holds what is owed */
	ck_assert_int_eq(sync_run(s, &c, &r, &e), SYNC_LOGIN_NEEDED);
	ck_assert_int_eq(r.pending, 2);
	ck_assert_int_eq(count(s, "SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id "
				  "WHERE e.device <> (SELECT value FROM sync_state WHERE key = 'device_id')"),
			 0);
	note(s, device, 4);
	ck_assert_int_eq(sync_run(s, &c, &r, &e), SYNC_LOGIN_NEEDED);
	ck_assert_int_eq(r.pending, 3);
	ck_assert_int_eq(sync_run(s, &c, &r, &e), SYNC_LOGIN_NEEDED);
	ck_assert_int_eq(r.pending, 3);
	store_close(&s);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_login_needs_https_and_unreachable_loses_nothing)
{
	char dir[256], path[300];
	struct store *s;
	enum store_failure why;
	struct sync_conf c;
	struct err e;

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, &why, &e), 0);
	sync_conf_default(&c);
	c.max_attempts = 1;
	c.server = "http://127.0.0.1:1";
	ck_assert_int_eq(sync_login(s, &c, "a", "pw", &e), SYNC_FAILED);
	ck_assert_ptr_nonnull(strstr(e.msg, "https://"));
	/* port 1 on loopback: nothing listens, the connection is refused at once */
	c.server = "https://127.0.0.1:1";
	ck_assert_int_eq(sync_login(s, &c, "a", "pw", &e), SYNC_UNREACHABLE);
	snprintf(path, sizeof path, "%s/cache.db.token", dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	store_close(&s);
	tmpdir_remove(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sync");
	TCase *tc = tcase_create("client");

	tcase_add_test(tc, test_backoff_doubles_and_caps);
	tcase_add_test(tc, test_backoff_jitter_adds_at_most_a_quarter);
	tcase_add_test(tc, test_backoff_honours_retry_after);
	tcase_add_test(tc, test_token_path);
	tcase_add_test(tc, test_outbox_holds_this_devices_events_once);
	tcase_add_test(tc, test_login_needs_https_and_unreachable_loses_nothing);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
