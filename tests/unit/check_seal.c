/* Units: sealed values (round trip, tampering, wrong key), the key file, and the cache's
 * sealed columns: missing or wrong key, a damaged or plain value, and sealing in place. */
#include "config.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "evidence.h"
#include "seal.h"
#include "store.h"
#include "testutil.h"

static char dir[256], path[512], key[600];

static void
setup(void)
{
	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	ck_assert_int_eq(seal_key_path(path, key, sizeof key), 0);
}

static void
teardown(void)
{
	tmpdir_remove(dir);
}

static const char plain[] = "Zoë O'Brien, +1 212 555 0147";

START_TEST(round_trip)
{
	struct seal *s = seal_ephemeral();
	unsigned char a[sizeof plain + SEAL_OVERHEAD], b[sizeof plain + SEAL_OVERHEAD];
	unsigned char out[sizeof plain];
	size_t len = 0;

	seal_value(s, plain, sizeof plain, a);
	seal_value(s, plain, sizeof plain, b);
	/* a fresh nonce each time: the same value never seals the same way twice */
	ck_assert_int_ne(memcmp(a, b, sizeof a), 0);
	ck_assert_ptr_null(memmem(a, sizeof a, "Zo", 2));
	ck_assert_int_eq(seal_open_value(s, a, sizeof a, out, &len), 0);
	ck_assert_uint_eq(len, sizeof plain);
	ck_assert_str_eq((const char *)out, plain);
	/* the empty value seals too */
	seal_value(s, "", 0, a);
	ck_assert_int_eq(seal_open_value(s, a, SEAL_OVERHEAD, out, &len), 0);
	ck_assert_uint_eq(len, 0);
	seal_free(&s);
	ck_assert_ptr_null(s);
	seal_free(&s);
}
END_TEST

/* A forked child must never reuse the nonces its parent has drawn but not yet used. */
START_TEST(fork_never_repeats_a_nonce)
{
	struct seal *s = seal_ephemeral();
	unsigned char mine[SEAL_OVERHEAD], theirs[SEAL_OVERHEAD];
	int fd[2], status;
	pid_t pid;

	seal_value(s, "", 0, mine);	/* the pool is filled and partly used */
	ck_assert_int_eq(pipe(fd), 0);
	if ((pid = fork()) == 0) {
		seal_value(s, "", 0, theirs);
		_exit(write(fd[1], theirs, sizeof theirs) == (ssize_t)sizeof theirs ? 0 : 1);
	}
	ck_assert_int_gt(pid, 0);
	seal_value(s, "", 0, mine);
	ck_assert_int_eq(read(fd[0], theirs, sizeof theirs), (ssize_t)sizeof theirs);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_ne(memcmp(mine + 1, theirs + 1, 24), 0);
	close(fd[0]);
	close(fd[1]);
	seal_free(&s);
}
END_TEST

START_TEST(tampering_is_detected)
{
	struct seal *s = seal_ephemeral();
	unsigned char c[sizeof plain + SEAL_OVERHEAD], out[sizeof c];
	size_t len;

	seal_value(s, plain, sizeof plain, c);
	/* every byte counts: the format, the nonce, the MAC and the cipher text */
	for (size_t i = 0; i < sizeof c; i++) {
		c[i] ^= 0x01;
		ck_assert_msg(seal_open_value(s, c, sizeof c, out, &len) == -1, "byte %zu", i);
		c[i] ^= 0x01;
	}
	ck_assert_int_eq(seal_open_value(s, c, sizeof c - 1, out, &len), -1);
	ck_assert_int_eq(seal_open_value(s, c, SEAL_OVERHEAD - 1, out, &len), -1);
	ck_assert_int_eq(seal_open_value(s, c, sizeof c, out, &len), 0);
	seal_free(&s);
}
END_TEST

START_TEST(wrong_key_is_refused)
{
	struct seal *s = seal_ephemeral(), *other = seal_ephemeral();
	unsigned char c[sizeof plain + SEAL_OVERHEAD], out[sizeof c];
	char a[SEAL_CHECK_HEX], b[SEAL_CHECK_HEX];
	size_t len;

	seal_value(s, plain, sizeof plain, c);
	ck_assert_int_eq(seal_open_value(other, c, sizeof c, out, &len), -1);
	seal_check(s, a);
	seal_check(other, b);
	ck_assert_uint_eq(strlen(a), 64);
	ck_assert_str_ne(a, b);
	seal_free(&s);
	seal_free(&other);
}
END_TEST

START_TEST(key_file)
{
	struct seal *s = NULL, *again = NULL;
	char a[SEAL_CHECK_HEX], b[SEAL_CHECK_HEX];
	struct stat st;
	struct err e;

	ck_assert_int_eq(seal_load(key, 0, &s, &e), 1);
	ck_assert_ptr_null(s);
	ck_assert_msg(seal_load(key, 1, &s, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(stat(key, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	ck_assert_str_eq(seal_key_file(s), key);
	ck_assert_msg(seal_load(key, 0, &again, &e) == 0, "%s", e.msg);
	seal_check(s, a);
	seal_check(again, b);
	ck_assert_str_eq(a, b);
	seal_free(&again);

	ck_assert_int_eq(chmod(key, 0644), 0);
	ck_assert_int_eq(seal_load(key, 0, &again, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, key));
	ck_assert_ptr_nonnull(strstr(e.msg, "0600"));

	write_file(key, "not a key\n");
	ck_assert_int_eq(chmod(key, 0600), 0);
	ck_assert_int_eq(seal_load(key, 1, &again, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, key));
	ck_assert_ptr_nonnull(strstr(e.msg, "not a seal key"));
	ck_assert_ptr_null(again);
	seal_free(&s);
}
END_TEST

static struct store *
open_cache(enum store_mode mode, enum store_failure *why, struct err *e)
{
	struct store *s = NULL;

	if (store_open(path, mode, &s, why, e) != 0)
		ck_assert_ptr_null(s);
	return s;
}

static void
exec(struct store *s, const char *sql)
{
	char *msg = NULL;

	ck_assert_msg(sqlite3_exec(store_db(s), sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql,
		      msg);
}

/* One account whose party, phone and note are the personal data under test. */
static void
fill(struct store *s)
{
	struct event_draft d = { .device = "laptop", .user = "ana", .account_id = "A1",
				 .kind = "note", .at = 1773151500,
				 .body = "{\"text\":\"Debtor mentioned a hospital stay\"}" };
	struct err e;

	exec(s, "INSERT INTO parties(id, name, zones) VALUES(7, seal('Zoë Quillfeather'), '');"
		"INSERT INTO accounts(ext_id, party_id, product, opened_on, due_date) "
		"VALUES('A1', 7, 0, 20000, 20500);"
		"INSERT INTO balances(account_id, principal, fees, past_due, total, amount_due, as_of) "
		"SELECT id, 100, 0, 100, 100, 100, 20500 FROM accounts;"
		"INSERT INTO contact_points(party_id, kind, value) VALUES(7, 0, seal('+12125550147'))");
	ck_assert_msg(evidence_record(s, &d, NULL, &e) == 0, "%s", e.msg);
}

/* Whether the cache file (and its WAL) holds text in the clear. */
static int
file_has(const char *text)
{
	char cmd[1400];

	snprintf(cmd, sizeof cmd, "cat '%s' '%s-wal' 2>/dev/null | grep -aq '%s'", path, path, text);
	return system(cmd) == 0;
}

static void
assert_reads_back(struct store *s)
{
	struct contact_point *cp;
	struct event *ev;
	struct account a;
	struct err e;
	size_t n;

	ck_assert_msg(store_account_get(s, "A1", &a, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(a.name, "Zoë Quillfeather");
	ck_assert_int_eq(store_contacts_get(s, "A1", &cp, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(cp[0].value, "+12125550147");
	free(cp);
	ck_assert_int_eq(store_events_get(s, "A1", &ev, &n, &e), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(ev[0].body, "{\"text\":\"Debtor mentioned a hospital stay\"}");
	events_free(&ev, n);
}

START_TEST(cache_is_sealed)
{
	struct store *s;
	struct verify_report r;
	enum store_failure why;
	struct err e;

	ck_assert_msg((s = open_cache(STORE_CREATE, &why, &e)) != NULL, "%s", e.msg);
	fill(s);
	assert_reads_back(s);
	ck_assert_int_eq(evidence_verify(s, &r, &e), 0);
	store_close(&s);
	ck_assert(!file_has("Quillfeather"));
	ck_assert(!file_has("5550147"));
	ck_assert(!file_has("hospital"));

	/* read-only commands read it too */
	ck_assert_msg((s = open_cache(STORE_READ_ONLY, &why, &e)) != NULL, "%s", e.msg);
	assert_reads_back(s);
	store_close(&s);
}
END_TEST

START_TEST(missing_or_wrong_key)
{
	struct store *s;
	struct seal *other = NULL;
	enum store_failure why;
	char moved[700];
	struct err e;

	ck_assert_msg((s = open_cache(STORE_CREATE, &why, &e)) != NULL, "%s", e.msg);
	fill(s);
	store_close(&s);
	snprintf(moved, sizeof moved, "%s.away", key);
	ck_assert_int_eq(rename(key, moved), 0);
	ck_assert_ptr_null(open_cache(STORE_OPEN_EXISTING, &why, &e));
	ck_assert_int_eq(why, STORE_FAIL_KEY);
	ck_assert_ptr_nonnull(strstr(e.msg, key));
	ck_assert_ptr_nonnull(strstr(e.msg, "missing"));
	/* a missing key is never quietly replaced by a new one */
	ck_assert_int_eq(access(key, F_OK), -1);
	ck_assert_ptr_null(open_cache(STORE_READ_ONLY, &why, &e));
	ck_assert_int_eq(why, STORE_FAIL_KEY);

	ck_assert_int_eq(seal_load(key, 1, &other, &e), 0);
	seal_free(&other);
	ck_assert_ptr_null(open_cache(STORE_OPEN_EXISTING, &why, &e));
	ck_assert_int_eq(why, STORE_FAIL_KEY);
	ck_assert_ptr_nonnull(strstr(e.msg, key));
	ck_assert_ptr_nonnull(strstr(e.msg, "wrong seal key"));

	ck_assert_int_eq(rename(moved, key), 0);
	ck_assert_msg((s = open_cache(STORE_OPEN_EXISTING, &why, &e)) != NULL, "%s", e.msg);
	assert_reads_back(s);
	store_close(&s);
}
END_TEST

static int
count_one(void *ctx, const struct account_summary *a)
{
	ck_assert_str_eq(a->name, "Zoë Quillfeather");
	++*(int *)ctx;
	return 0;
}

START_TEST(queue_scan_opens_names)
{
	struct store *s;
	enum store_failure why;
	struct err e;
	int n = 0;

	ck_assert_msg((s = open_cache(STORE_CREATE, &why, &e)) != NULL, "%s", e.msg);
	fill(s);
	/* more accounts than one batch of the scan, so its second thread is used */
	exec(s, "WITH RECURSIVE k(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM k WHERE i < 5000) "
		"INSERT INTO accounts(ext_id, party_id, product, opened_on, due_date) "
		"SELECT 'A' || i, 7, 0, 20000, 20500 FROM k;"
		"INSERT OR IGNORE INTO balances(account_id, principal, fees, past_due, total, "
		"amount_due, as_of) SELECT id, 100, 0, 100, 100, 100, 20500 FROM accounts");
	ck_assert_msg(store_summaries_scan(s, count_one, &n, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(n, 5000);
	exec(s, "INSERT INTO parties(id, name) VALUES(8, seal('Other Person'));"
		"UPDATE accounts SET party_id = 8 WHERE ext_id = 'A4500';"
		"UPDATE parties SET name = CAST(X'01' || randomblob(50) AS BLOB) WHERE id = 8");
	ck_assert_int_eq(store_summaries_scan(s, count_one, &n, &e), -1);
	ck_assert_msg(strstr(e.msg, "parties row 8: sealed value fails authentication") != NULL,
		      "%s", e.msg);
	exec(s, "UPDATE parties SET name = 'Other Person' WHERE id = 8");
	ck_assert_int_eq(store_summaries_scan(s, count_one, &n, &e), -1);
	ck_assert_msg(strstr(e.msg, "parties row 8: value is not sealed") != NULL, "%s", e.msg);
	store_close(&s);
}
END_TEST

START_TEST(damaged_values_are_named)
{
	struct store *s;
	struct contact_point *cp;
	struct account a;
	enum store_failure why;
	struct err e;
	size_t n;

	ck_assert_msg((s = open_cache(STORE_CREATE, &why, &e)) != NULL, "%s", e.msg);
	fill(s);
	/* the party's sealed name overwritten (seal_open_value's own test flips single bits) */
	exec(s, "UPDATE parties SET name = CAST(X'01' || randomblob(59) AS BLOB) WHERE id = 7");
	ck_assert_int_eq(store_account_get(s, "A1", &a, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "parties row 7"));
	ck_assert_msg(strstr(e.msg, "fails authentication") != NULL, "%s", e.msg);
	/* a value written in the clear behind the program's back is refused, not shown */
	exec(s, "UPDATE contact_points SET value = '+19995550000'");
	ck_assert_int_eq(store_contacts_get(s, "A1", &cp, &n, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "contact_points row"));
	ck_assert_ptr_nonnull(strstr(e.msg, "not sealed"));
	store_close(&s);
}
END_TEST

START_TEST(old_cache_is_sealed_in_place)
{
	struct store *s;
	struct verify_report r;
	enum store_failure why;
	struct err e;

	ck_assert_msg((s = open_cache(STORE_CREATE, &why, &e)) != NULL, "%s", e.msg);
	fill(s);
	/* Turn it into a cache from before sealing: everything in the clear, no check. */
	exec(s, "UPDATE parties SET name = unseal(name, 'parties', id);"
		"UPDATE contact_points SET value = unseal(value, 'contact_points', id);"
		"DROP TRIGGER events_no_update;"
		"UPDATE events SET body = unseal(body, 'events', id);"
		"DELETE FROM sync_state WHERE key = 'seal_check'");
	exec(s, "CREATE TRIGGER events_no_update BEFORE UPDATE ON events\n"
		"BEGIN SELECT RAISE(ABORT, 'events are immutable'); END");
	store_close(&s);
	ck_assert_int_eq(unlink(key), 0);
	ck_assert(file_has("Quillfeather"));

	/* read-only cannot seal, and says so */
	ck_assert_ptr_null(open_cache(STORE_READ_ONLY, &why, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "not sealed yet"));

	ck_assert_msg((s = open_cache(STORE_OPEN_EXISTING, &why, &e)) != NULL, "%s", e.msg);
	ck_assert_int_eq(access(key, R_OK), 0);
	assert_reads_back(s);
	ck_assert_int_eq(evidence_verify(s, &r, &e), 0);
	ck_assert_int_eq(r.events, 1);
	/* the trigger is back as it was */
	ck_assert_int_ne(sqlite3_exec(store_db(s), "UPDATE events SET kind = 'x'", NULL, NULL, NULL),
			 SQLITE_OK);
	store_close(&s);
	ck_assert(!file_has("Quillfeather"));
	ck_assert(!file_has("5550147"));
	ck_assert(!file_has("hospital"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("seal");
	TCase *tc = tcase_create("seal");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, fork_never_repeats_a_nonce);
	tcase_add_test(tc, tampering_is_detected);
	tcase_add_test(tc, wrong_key_is_refused);
	tcase_add_test(tc, key_file);
	tcase_add_test(tc, cache_is_sealed);
	tcase_add_test(tc, missing_or_wrong_key);
	tcase_add_test(tc, queue_scan_opens_names);
	tcase_add_test(tc, damaged_values_are_named);
	tcase_add_test(tc, old_cache_is_sealed_in_place);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
