/* Units: the priority score (worked out by hand), ranking, filters, search, explanation. */
#include "config.h"

#include <sqlite3.h>

#include "clock.h"
#include "demo.h"
#include "queue.h"
#include "store.h"
#include "testutil.h"

/* 2026-03-10T12:00:00Z */
#define NOW 1773144000LL
#define DAY 86400LL

static struct queue_item
item(const char *id, const char *name, int dpd, int64_t total, int risk)
{
	struct queue_item it = { .total = total, .risk = risk };

	snprintf(it.id, sizeof it.id, "%s", id);
	snprintf(it.name, sizeof it.name, "%s", name);
	it.due_date = date_of_time(NOW) - dpd;
	it.last_attempt_at = NOW - 2 * DAY;
	return it;
}

static void
make_queue(struct queue *q, struct queue_item *items, size_t n)
{
	queue_init(q);
	q->items = malloc(n * sizeof *items);
	memcpy(q->items, items, n * sizeof *items);
	q->n = n;
	q->now = NOW;
	queue_rank(q);
}

START_TEST(score_by_hand)
{
	struct queue_item it = item("A1", "Zoë", 45, 1000000, 500);
	struct queue_weights w;
	struct score_parts p;

	queue_weights_default(&w);
	it.band = 2;			/* 31-60 of six bands */
	it.callback_at = NOW - 60;	/* due a minute ago */
	it.last_attempt_at = NOW - 7 * DAY;
	queue_score_parts(&it, &w, 6, NOW, &p);
	ck_assert_double_eq_tol(p.callback_due, 50, 1e-9);
	ck_assert_double_eq_tol(p.dpd_band, 30.0 * 2 / 5, 1e-9);	/* 12 */
	ck_assert_double_eq_tol(p.balance, 20 * 0.75, 1e-9);	/* 10,000.00: log10 = 4 -> 3/4 */
	ck_assert_double_eq_tol(p.risk, 7.5, 1e-9);
	ck_assert_double_eq_tol(p.idle, 5, 1e-9);			/* 7 of 14 days */
	ck_assert_double_eq_tol(p.ptp_broken + p.ptp_due, 0, 1e-9);
	ck_assert_double_eq_tol(p.total, 89.5, 1e-9);
}
END_TEST

START_TEST(callback_not_yet_due_counts_nothing)
{
	struct queue_item it = item("A1", "x", 0, 0, 0);
	struct queue_weights w;
	struct score_parts p;

	queue_weights_default(&w);
	it.callback_at = NOW + 60;
	it.ptp_state = PTP_PENDING;
	it.ptp_due = date_of_time(NOW) + 1;	/* tomorrow: not yet due */
	queue_score_parts(&it, &w, 6, NOW, &p);
	ck_assert_double_eq(p.callback_due, 0);
	ck_assert_double_eq(p.ptp_due, 0);
	it.ptp_due = date_of_time(NOW);
	queue_score_parts(&it, &w, 6, NOW, &p);
	ck_assert_double_eq(p.ptp_due, 25);
}
END_TEST

START_TEST(ranks_and_explains)
{
	struct queue_item items[] = {
		item("A1", "Small Current", 0, 5000, 100),
		item("A2", "Broken Promise", 20, 50000, 300),
		item("A3", "Old Large", 150, 5000000, 900),
	};
	struct queue q;
	char why[256];

	items[1].ptp_state = PTP_BROKEN;
	make_queue(&q, items, 3);
	ck_assert_int_eq(q.nvisible, 3);
	/* A3: band 5 -> 30, balance 50,000 -> 20*(log10(50000)-1)/4 = 18.49, risk 13.5, idle 1.43
	 * A2: broken 40, band 1 -> 6, balance 500 -> 8.49, risk 4.5, idle 1.43 */
	ck_assert_str_eq(q.items[q.order[0]].id, "A3");
	ck_assert_str_eq(q.items[q.order[1]].id, "A2");
	ck_assert_str_eq(q.items[q.order[2]].id, "A1");
	queue_explain(&q, &q.items[q.order[1]], why, sizeof why);
	ck_assert_msg(strncmp(why, "promise broken +40.0", 20) == 0, "%s", why);
	ck_assert_ptr_nonnull(strstr(why, "1-30 band +6.0"));
	ck_assert_ptr_nonnull(strstr(why, "= 60.4"));

	q.sort = QUEUE_SORT_NAME;
	queue_refilter(&q);
	ck_assert_str_eq(q.items[q.order[0]].id, "A2");
	q.sort = QUEUE_SORT_SCORE;

	q.filter.band = 0;
	queue_refilter(&q);
	ck_assert_int_eq(q.nvisible, 1);
	ck_assert_str_eq(q.items[q.order[0]].id, "A1");
	q.filter.band = -1;

	snprintf(q.filter.search, sizeof q.filter.search, "pROMise");
	queue_refilter(&q);
	ck_assert_int_eq(q.nvisible, 1);
	ck_assert_str_eq(q.items[q.order[0]].id, "A2");
	snprintf(q.filter.search, sizeof q.filter.search, "a3");
	queue_refilter(&q);
	ck_assert_int_eq(q.nvisible, 1);
	q.filter.search[0] = '\0';

	q.items[0].flags = AFLAG_DISPUTE;
	q.filter.flags = AFLAG_DISPUTE;
	queue_refilter(&q);
	ck_assert_int_eq(q.nvisible, 1);
	ck_assert_str_eq(q.items[q.order[0]].id, "A1");
	queue_free(&q);
}
END_TEST

START_TEST(worked_case_moves_down)
{
	struct queue_item items[] = {
		item("A1", "One", 40, 100000, 500),
		item("A2", "Two", 40, 100000, 500),
	};
	struct queue q;

	items[0].last_attempt_at = NOW - 10 * DAY;
	items[1].last_attempt_at = NOW - 10 * DAY;
	make_queue(&q, items, 2);
	ck_assert_str_eq(q.items[q.order[0]].id, "A1");	/* tie broken by id */
	q.items[0].last_attempt_at = NOW;	/* just worked */
	queue_rank(&q);
	ck_assert_str_eq(q.items[q.order[0]].id, "A2");
	queue_free(&q);
}
END_TEST

/* One account changed in the cache: its item is read again and rescored, the others are left
 * alone, and it moves once the queue is re-sorted. */
START_TEST(refresh_one_item)
{
	struct demo_params p = { .accounts = 40, .seed = 5, .assignee = "agent" };
	struct demo_summary sum;
	struct err e = { "" };
	struct store *s;
	struct queue q;
	char dir[1024], path[1100], sql[256], id[ACCOUNT_ID_LEN];
	size_t i, at = 0;
	double score;
	int64_t now;

	tmpdir_make(dir, sizeof dir);
	snprintf(path, sizeof path, "%s/cache.db", dir);
	ck_assert_msg(store_open(path, STORE_CREATE, &s, NULL, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(date_parse("2026-03-10", &p.as_of, &e), 0);
	ck_assert_msg(demo_generate(s, &p, &sum, &e) == 0, "%s", e.msg);
	now = (int64_t)p.as_of * 86400 + 15 * 3600;
	queue_init(&q);
	ck_assert_msg(queue_load(&q, s, now, &e) == 0, "%s", e.msg);
	/* The top case is brought up to date and worked now: only its balance still counts. */
	snprintf(id, sizeof id, "%s", q.items[q.order[0]].id);
	score = q.items[q.order[0]].score;
	snprintf(sql, sizeof sql, "UPDATE accounts SET last_attempt_at = %lld, callback_at = 0, "
		 "ptp_state = 0, risk = 0, due_date = %d WHERE ext_id = '%s'", (long long)now,
		 (int)p.as_of, id);
	ck_assert_int_eq(sqlite3_exec(store_db(s), sql, NULL, NULL, NULL), SQLITE_OK);

	ck_assert_int_eq(queue_refresh_item(&q, s, "NO-SUCH", &e), 1);
	ck_assert_msg(queue_refresh_item(&q, s, id, &e) == 0, "%s", e.msg);
	ck_assert_str_eq(q.items[q.order[0]].id, id);	/* not moved until re-sorted */
	ck_assert_int_eq(q.items[q.order[0]].last_attempt_at, now);
	ck_assert(q.items[q.order[0]].score < score);
	queue_refilter(&q);
	for (i = 0; i < q.nvisible; i++)
		if (strcmp(q.items[q.order[i]].id, id) == 0)
			at = i;
	ck_assert_uint_gt(at, 0);
	queue_free(&q);
	store_close(&s);
	tmpdir_remove(dir);
}
END_TEST

START_TEST(no_contact_cases_rank_last)
{
	struct queue_item items[] = {
		item("A1", "Ceased Big", 200, 90000000, 1000),
		item("A2", "Plain Small", 1, 2000, 0),
		item("A3", "Deceased", 100, 500000, 500),
	};
	enum queue_attention attention;
	struct queue q;
	char why[256];

	items[0].flags = AFLAG_CEASE | AFLAG_DISPUTE;
	items[0].ptp_state = PTP_BROKEN;
	items[2].flags = AFLAG_DECEASED;
	make_queue(&q, items, 3);
	/* the workable case first, whatever the scores */
	ck_assert_str_eq(q.items[q.order[0]].id, "A2");
	ck_assert_str_eq(q.items[q.order[1]].id, "A1");
	ck_assert_str_eq(queue_next_action(&q.items[0], NOW, &attention), "no contact");
	ck_assert_int_eq(attention, QUEUE_ATTN_BLOCKED);
	queue_explain(&q, &q.items[0], why, sizeof why);
	ck_assert_msg(strncmp(why, "no contact (cease): ranked after", 32) == 0, "%s", why);
	queue_explain(&q, &q.items[2], why, sizeof why);
	ck_assert_msg(strncmp(why, "no contact (deceased)", 21) == 0, "%s", why);
	ck_assert_str_eq(queue_next_action(&q.items[1], NOW, &attention), "call");
	ck_assert_int_eq(attention, QUEUE_ATTN_NORMAL);
	q.sort = QUEUE_SORT_NAME;	/* every sort keeps them last */
	queue_refilter(&q);
	ck_assert_str_eq(q.items[q.order[0]].id, "A2");
	queue_free(&q);
}
END_TEST

START_TEST(next_action_order)
{
	struct queue_item it = item("A1", "x", 10, 1000, 0);
	enum queue_attention a;

	it.callback_at = NOW - 1;
	it.ptp_state = PTP_BROKEN;
	ck_assert_str_eq(queue_next_action(&it, NOW, &a), "callback due");
	it.callback_at = NOW + 60;
	ck_assert_str_eq(queue_next_action(&it, NOW, &a), "PTP broken");
	it.ptp_state = PTP_PENDING;
	it.ptp_due = date_of_time(NOW);
	ck_assert_str_eq(queue_next_action(&it, NOW, &a), "PTP due");
	ck_assert_int_eq(a, QUEUE_ATTN_PTP_DUE);
	it.flags = AFLAG_ATTORNEY;
	ck_assert_str_eq(queue_next_action(&it, NOW, &a), "via attorney");
	ck_assert_int_eq(a, QUEUE_ATTN_WARN);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");

	tcase_add_test(tc, score_by_hand);
	tcase_add_test(tc, callback_not_yet_due_counts_nothing);
	tcase_add_test(tc, ranks_and_explains);
	tcase_add_test(tc, worked_case_moves_down);
	tcase_add_test(tc, refresh_one_item);
	tcase_add_test(tc, no_contact_cases_rank_last);
	tcase_add_test(tc, next_action_order);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
