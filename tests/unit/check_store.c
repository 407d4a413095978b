/* Units: the cache (open, migrations, failures that never overwrite) and the evidence chain. */
#include "config.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "evidence.h"
#include "store.h"
#include "testutil.h"

static char dir[256], path[512];

static void
setup(void)
{
	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/sub/cache.db", dir);
}

static void
teardown(void)
{
	tmpdir_remove(dir);
}

static struct store *
open_new(void)
{
	struct store *s = NULL;
	struct err e;

	ck_assert_msg(store_open(path, STORE_CREATE, &s, NULL, &e) == 0, "%s", e.msg);
	return s;
}

START_TEST(creates_and_migrates)
{
	struct store *s = open_new();
	struct stat st;
	char buf[32];

	ck_assert_int_eq(store_account_count(s, NULL), 0);
	ck_assert_int_eq(store_state_get(s, "cursor", buf, sizeof buf, NULL), 1);
	ck_assert_int_eq(store_state_set(s, "cursor", "42", NULL), 0);
	ck_assert_int_eq(store_state_get(s, "cursor", buf, sizeof buf, NULL), 0);
	ck_assert_str_eq(buf, "42");
	store_close(&s);
	ck_assert_ptr_null(s);
	/* personal data: the file is the user's alone */
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 077, 0);
	s = open_new();	/* reopening an up-to-date cache migrates nothing */
	store_close(&s);
}
END_TEST

START_TEST(missing_file_is_not_created)
{
	struct store *s = NULL;
	enum store_failure why;
	struct err e;

	ck_assert_int_eq(store_open(path, STORE_OPEN_EXISTING, &s, &why, &e), -1);
	ck_assert_int_eq(why, STORE_FAIL_MISSING);
	ck_assert_ptr_nonnull(strstr(e.msg, "no cache here"));
	ck_assert_int_eq(access(path, F_OK), -1);
}
END_TEST

START_TEST(newer_schema_is_refused_untouched)
{
	struct store *s = open_new();
	struct stat before, after;
	enum store_failure why;
	struct err e;

	sqlite3_exec(store_db(s), "PRAGMA user_version = 999", NULL, NULL, NULL);
	store_close(&s);
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(store_open(path, STORE_OPEN_EXISTING, &s, &why, &e), -1);
	ck_assert_int_eq(why, STORE_FAIL_NEWER);
	ck_assert_ptr_nonnull(strstr(e.msg, "newer arrears"));
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_int_eq(before.st_size, after.st_size);
	ck_assert_int_eq(before.st_mtime, after.st_mtime);
}
END_TEST

START_TEST(read_only_open_never_migrates)
{
	struct store *s = open_new();
	enum store_failure why;
	struct stat before, after;
	struct err e;

	store_close(&s);
	/* a current cache opens read-only */
	ck_assert_msg(store_open(path, STORE_READ_ONLY, &s, &why, &e) == 0, "%s", e.msg);
	store_close(&s);
	/* an older one is refused with words, not a failed migration, and is left as it was */
	s = open_new();
	sqlite3_exec(store_db(s), "PRAGMA user_version = 1", NULL, NULL, NULL);
	store_close(&s);
	ck_assert_int_eq(stat(path, &before), 0);
	ck_assert_int_eq(store_open(path, STORE_READ_ONLY, &s, &why, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "older than this arrears"));
	ck_assert_int_eq(stat(path, &after), 0);
	ck_assert_int_eq(before.st_mtime, after.st_mtime);
	ck_assert_int_eq(before.st_size, after.st_size);
}
END_TEST

START_TEST(corrupt_file_is_refused_untouched)
{
	static const char junk[] = "this is not a database, it is somebody's notes\n";
	struct store *s = NULL;
	enum store_failure why;
	struct err e;
	char buf[128] = "";
	FILE *f;

	snprintf(path, sizeof path, "%s/notes.db", dir);
	write_file(path, junk);
	ck_assert_int_eq(store_open(path, STORE_CREATE, &s, &why, &e), -1);
	ck_assert_int_eq(why, STORE_FAIL_CORRUPT);
	ck_assert_ptr_nonnull(strstr(e.msg, "not an arrears cache"));
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(fgets(buf, sizeof buf, f));
	fclose(f);
	ck_assert_str_eq(buf, junk);
}
END_TEST

START_TEST(unwritable_location)
{
	struct store *s = NULL;
	enum store_failure why;
	char sub[300];
	struct err e;

	/* procfs refuses new directories even to root */
	ck_assert_int_eq(store_open("/proc/self/arrears/cache.db", STORE_CREATE, &s, &why, &e), -1);
	ck_assert_int_eq(why, STORE_FAIL_READONLY);
	ck_assert_ptr_nonnull(strstr(e.msg, "cannot create"));
	if (geteuid() == 0)
		return;	/* root ignores file modes: the rest cannot be shown as root */
	s = open_new();
	store_close(&s);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	chmod(path, 0400);
	chmod(sub, 0500);
	ck_assert_int_eq(store_open(path, STORE_OPEN_EXISTING, &s, &why, &e), -1);
	ck_assert_int_eq(why, STORE_FAIL_READONLY);
	chmod(sub, 0700);
}
END_TEST

START_TEST(locked_by_another)
{
	struct store *s = open_new();
	enum store_failure why;
	struct err e;
	sqlite3 *other;

	store_close(&s);
	ck_assert_int_eq(sqlite3_open(path, &other), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(other, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; "
				      "INSERT INTO sync_state VALUES('k','v')", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(store_open(path, STORE_OPEN_EXISTING, &s, &why, &e), -1);
	ck_assert_int_eq(why, STORE_FAIL_LOCKED);
	ck_assert_ptr_nonnull(strstr(e.msg, "locked"));
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
}
END_TEST

static void
append(struct store *s, const char *device, const char *kind, const char *body)
{
	struct event_draft d = { .device = device, .user = "ana", .account_id = "A1",
				 .kind = kind, .at = 1773151500, .body = body };
	struct err e;

	ck_assert_msg(evidence_record(s, &d, NULL, &e) == 0, "%s", e.msg);
}

START_TEST(events_are_immutable_and_chained)
{
	struct store *s = open_new();
	struct verify_report r;
	struct event *evs;
	size_t n;

	append(s, "laptop", "note", "{\"text\":\"Zoë called back\"}");
	append(s, "laptop", "attempt", "{\"result\":\"voicemail\",\"channel\":\"call\"}");
	append(s, "phone", "note", "{\"text\":\"second device\"}");
	ck_assert_int_eq(evidence_verify(s, &r, NULL), 0);
	ck_assert_int_eq(r.events, 3);
	ck_assert_int_eq(r.devices, 2);
	ck_assert_int_eq(store_events_get(s, "A1", &evs, &n, NULL), 0);
	ck_assert_int_eq(n, 3);
	/* bodies are stored canonical: sorted keys, compact */
	for (size_t i = 0; i < n; i++)
		if (strcmp(evs[i].kind, "attempt") == 0)
			ck_assert_str_eq(evs[i].body, "{\"channel\":\"call\",\"result\":\"voicemail\"}");
	events_free(&evs, n);
	ck_assert_int_ne(sqlite3_exec(store_db(s), "UPDATE events SET kind='x'", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(store_db(s), "DELETE FROM events", NULL, NULL, NULL), SQLITE_OK);
	store_close(&s);
}
END_TEST

START_TEST(tampering_is_found)
{
	struct store *s = open_new();
	struct verify_report r;
	sqlite3 *db;

	append(s, "laptop", "note", "{\"text\":\"one\"}");
	append(s, "laptop", "note", "{\"text\":\"two\"}");
	append(s, "laptop", "note", "{\"text\":\"three\"}");
	db = store_db(s);
	/* an auditor-proof log must catch someone who drops the triggers first */
	sqlite3_exec(db, "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete", NULL, NULL, NULL);
	sqlite3_exec(db, "UPDATE events SET body=seal('{\"text\":\"TWO\"}') WHERE seq=2", NULL, NULL, NULL);
	ck_assert_int_eq(evidence_verify(s, &r, NULL), 1);
	ck_assert_ptr_nonnull(strstr(r.problem, "seq 2"));
	ck_assert_ptr_nonnull(strstr(r.problem, "edited"));
	sqlite3_exec(db, "UPDATE events SET body=seal('{\"text\":\"two\"}') WHERE seq=2", NULL, NULL, NULL);
	ck_assert_int_eq(evidence_verify(s, &r, NULL), 0);
	sqlite3_exec(db, "DELETE FROM events WHERE seq=2", NULL, NULL, NULL);
	ck_assert_int_eq(evidence_verify(s, &r, NULL), 1);
	ck_assert_ptr_nonnull(strstr(r.problem, "expected seq 2"));
	store_close(&s);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, creates_and_migrates);
	tcase_add_test(tc, missing_file_is_not_created);
	tcase_add_test(tc, newer_schema_is_refused_untouched);
	tcase_add_test(tc, read_only_open_never_migrates);
	tcase_add_test(tc, corrupt_file_is_refused_untouched);
	tcase_add_test(tc, unwritable_location);
	tcase_add_test(tc, locked_by_another);
	tcase_add_test(tc, events_are_immutable_and_chained);
	tcase_add_test(tc, tampering_is_found);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
