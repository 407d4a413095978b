/* check_sync_status - what the workstation shows about sync: pending counts before and after
 * the outbox is filled, the offline mark and the problem kept across attempts, dead letters
 * and their retry, the relative times, and a sync run in a child process reporting over its
 * pipe. No server: port 1 on loopback refuses at once. */
#include "config.h"

#include <poll.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "testutil.h"

#include "contactability.h"
#include "evidence.h"
#include "store.h"
#include "sync.h"
#include "sync_job.h"
#include "sync_status.h"

static void
note(struct store *s, const char *device, int i)
{
	struct event_draft d = { .device = device, .user = "a", .account_id = "A1", .kind = "note",
				 .at = 1795000000 + i, .body = "{\"text\":\"n\"}" };
	struct err e;

	ck_assert_msg(evidence_record(s, &d, NULL, &e) == 0, "%s", e.msg);
}

static void
exec_ok(struct store *s, const char *sql)
{
	ck_assert_int_eq(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);
}

/* A cache in dir with two events of its own device and one of another. */
static struct store *
cache(char *dir, size_t len, char *path, size_t plen)
{
	char device[37];
	struct store *s;
	enum store_failure why;
	struct err e;

	tmpdir_make(dir, len);
	snprintf(path, plen, "%s/cache.db", dir);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, &why, &e), 0);
	ck_assert_int_eq(contactability_device_id(s, device, &e), 0);
	note(s, device, 1);
	note(s, device, 2);
	note(s, "demo", 3);
	return s;
}

START_TEST(test_pending_counts_events_before_and_after_queueing)
{
	char dir[256], path[300];
	struct store *s = cache(dir, sizeof dir, path, sizeof path);
	struct sync_summary st;
	struct sync_item *items;
	struct sync_conf c;
	struct sync_report r;
	size_t n;
	struct err e;

	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_int_eq(st.pending, 2);	/* never queued yet, still owed */
	ck_assert_int_eq(st.dead, 0);
	ck_assert_int_eq(st.last_sync, 0);
	ck_assert_int_eq(st.offline_since, 0);
	ck_assert_str_eq(st.problem, "");
	/* sync queues them in the outbox (then finds no token): the count stays */
	sync_conf_default(&c);
	ck_assert_int_eq(sync_run(s, &c, &r, &e), SYNC_LOGIN_NEEDED);
	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_int_eq(st.pending, 2);
	ck_assert_int_eq(sync_status_pending(s, 10, &items, &n, &e), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(items[0].kind, "note");
	ck_assert_str_eq(items[0].account, "A1");
	ck_assert_int_lt(items[0].at, items[1].at);
	free(items);
	ck_assert_int_eq(sync_status_pending(s, 1, &items, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	free(items);
	store_close(&s);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_offline_since_keeps_the_first_miss)
{
	char dir[256], path[300];
	struct store *s = cache(dir, sizeof dir, path, sizeof path);
	struct sync_summary st;
	struct err e;

	ck_assert_int_eq(sync_status_note(s, SYNC_UNREACHABLE, "connect refused", 1000, &e), 0);
	ck_assert_int_eq(sync_status_note(s, SYNC_UNREACHABLE, "timeout", 2000, &e), 0);
	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_int_eq(st.offline_since, 1000);
	ck_assert_str_eq(st.problem, "timeout");
	/* the server answered, with a refusal: no longer offline, but a problem */
	ck_assert_int_eq(sync_status_note(s, SYNC_LOGIN_NEEDED, "token refused", 3000, &e), 0);
	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_int_eq(st.offline_since, 0);
	ck_assert_str_eq(st.problem, "token refused");
	ck_assert_int_eq(sync_status_note(s, SYNC_OK, "", 4000, &e), 0);
	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_str_eq(st.problem, "");
	/* a damaged time is an error that names the key */
	exec_ok(s, "INSERT OR REPLACE INTO sync_state VALUES('last_sync', 'yesterday')");
	ck_assert_int_eq(sync_status_load(s, &st, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "last_sync"));
	store_close(&s);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_dead_letter_retry_moves_it_back_to_the_outbox)
{
	char dir[256], path[300], id[40];
	struct store *s = cache(dir, sizeof dir, path, sizeof path);
	struct sync_summary st;
	struct sync_item *items;
	size_t n;
	struct err e;

	exec_ok(s, "INSERT INTO dead_letters(event_id, reason, at) SELECT id, "
		   "'unknown_account: no such account', 5000 FROM events WHERE device <> 'demo' "
		   "ORDER BY seq LIMIT 1");
	exec_ok(s, "INSERT OR REPLACE INTO sync_state VALUES('outbox_seq', '2')");
	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_int_eq(st.dead, 1);
	ck_assert_int_eq(st.pending, 0);
	ck_assert_int_eq(sync_status_dead(s, 10, &items, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(items[0].reason, "unknown_account: no such account");
	ck_assert_int_eq(items[0].rejected_at, 5000);
	snprintf(id, sizeof id, "%s", items[0].event_id);
	free(items);
	ck_assert_int_eq(sync_status_retry(s, id, &e), 0);
	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_int_eq(st.dead, 0);
	ck_assert_int_eq(st.pending, 1);
	ck_assert_int_eq(sync_status_dead(s, 10, &items, &n, &e), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(items);
	/* twice: it is no dead letter any more, and the outbox is untouched */
	ck_assert_int_eq(sync_status_retry(s, id, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "not a dead letter"));
	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_int_eq(st.pending, 1);
	store_close(&s);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_ago)
{
	char buf[32];

	ck_assert_str_eq(sync_status_ago(1000, 1000, buf, sizeof buf), "just now");
	ck_assert_str_eq(sync_status_ago(1059, 1000, buf, sizeof buf), "just now");
	ck_assert_str_eq(sync_status_ago(1240, 1000, buf, sizeof buf), "4m ago");
	ck_assert_str_eq(sync_status_ago(1000 + 3 * 3600 + 5, 1000, buf, sizeof buf), "3h ago");
	ck_assert_str_eq(sync_status_ago(1000 + 2 * 86400, 1000, buf, sizeof buf), "2d ago");
}
END_TEST

/* Waits for the job to end, reading as the workstation's loop does. */
static void
job_wait(struct sync_job *j, struct sync_job_result *res)
{
	struct pollfd p = { .fd = sync_job_fd(j), .events = POLLIN };
	int i;

	for (i = 0; i < 600; i++) {
		poll(&p, 1, 100);
		if (sync_job_read(j, res) == 0)
			return;
	}
	ck_abort_msg("the sync job did not end");
}

START_TEST(test_job_reports_offline_and_keeps_the_outbox)
{
	char dir[256], path[300];
	struct store *s = cache(dir, sizeof dir, path, sizeof path);
	struct sync_summary st;
	struct sync_job *j;
	struct sync_job_result res;
	struct sync_conf c;
	struct err e;
	char tok[320];

	/* logged in to a server that is not there */
	exec_ok(s, "INSERT OR REPLACE INTO sync_state VALUES('server', 'https://127.0.0.1:1')");
	snprintf(tok, sizeof tok, "%s.token", path);
	write_file(tok, "t0ken\n");
	ck_assert_int_eq(chmod(tok, 0600), 0);
	sync_conf_default(&c);
	c.max_attempts = 1;
	ck_assert_int_eq(sync_job_start(path, &c, &j, &e), 0);
	ck_assert_str_eq(sync_job_progress(j), "");
	job_wait(j, &res);
	sync_job_free(&j);
	ck_assert_ptr_null(j);
	ck_assert_int_eq(res.status, SYNC_UNREACHABLE);
	ck_assert_int_eq(res.pending, 2);
	ck_assert_str_ne(res.message, "");
	/* the child recorded the miss in the cache, through its own connection */
	ck_assert_int_eq(sync_status_load(s, &st, &e), 0);
	ck_assert_int_ne(st.offline_since, 0);
	ck_assert_int_eq(st.pending, 2);
	store_close(&s);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(test_job_on_a_missing_cache_fails_with_the_reason)
{
	struct sync_job *j;
	struct sync_job_result res;
	struct sync_conf c;
	struct err e;

	sync_conf_default(&c);
	ck_assert_int_eq(sync_job_start("/nonexistent/dir/cache.db", &c, &j, &e), 0);
	job_wait(j, &res);
	sync_job_free(&j);
	ck_assert_int_eq(res.status, SYNC_FAILED);
	ck_assert_ptr_nonnull(strstr(res.message, "/nonexistent/dir/cache.db"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("sync_status");
	TCase *tc = tcase_create("status");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_pending_counts_events_before_and_after_queueing);
	tcase_add_test(tc, test_offline_since_keeps_the_first_miss);
	tcase_add_test(tc, test_dead_letter_retry_moves_it_back_to_the_outbox);
	tcase_add_test(tc, test_ago);
	tcase_add_test(tc, test_job_reports_offline_and_keeps_the_outbox);
	tcase_add_test(tc, test_job_on_a_missing_cache_fails_with_the_reason);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
