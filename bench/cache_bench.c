/* cache_bench - how fast the cache feeds the workstation: queue load, re-rank, open account,
 * the lead's board and the QA list.
 * A measurement, not a test: `bench/cache_bench CACHE` prints one line per figure. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "board.h"
#include "clock.h"
#include "qa.h"
#include "queue.h"
#include "store.h"

static double
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	enum { RANKS = 20, OPENS = 1000 };
	double rank_ms[RANKS], open_ms[OPENS], load_ms, open_sum = 0;
	struct timespec t0;
	struct store *s = NULL;
	struct rusage ru;
	struct queue q;
	struct err e;
	size_t total_events = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: cache_bench CACHE\n");
		return 2;
	}
	if (store_open(argv[1], STORE_OPEN_EXISTING, &s, NULL, &e) != 0) {
		fprintf(stderr, "cache_bench: %s\n", e.msg);
		return 1;
	}
	queue_init(&q);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (queue_load(&q, s, clock_now(), &e) != 0) {
		fprintf(stderr, "cache_bench: %s\n", e.msg);
		return 1;
	}
	load_ms = ms_since(&t0);
	for (int i = 0; i < RANKS; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		q.now += 60;	/* a minute later: every score is recomputed */
		queue_rank(&q);
		rank_ms[i] = ms_since(&t0);
	}
	/* open accounts spread over the queue, as an agent working down it would */
	for (int i = 0; i < OPENS; i++) {
		const struct queue_item *it = &q.items[q.order[(size_t)i * q.nvisible / OPENS]];
		struct contact_point *cps;
		struct event *evs;
		struct account a;
		size_t ncp, nev;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (store_account_get(s, it->id, &a, &e) != 0 ||
		    store_contacts_get(s, it->id, &cps, &ncp, &e) != 0 ||
		    store_events_get(s, it->id, &evs, &nev, &e) != 0) {
			fprintf(stderr, "cache_bench: %s\n", e.msg);
			return 1;
		}
		open_ms[i] = ms_since(&t0);
		open_sum += open_ms[i];
		total_events += nev;
		free(cps);
		events_free(&evs, nev);
	}
	/* the screens a lead and a reviewer open: computed from the whole cache */
	{
		struct board b;
		struct qa_filter f;
		struct qa_call *calls;
		size_t ncalls;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (board_from_cache(s, &q.bands, date_of_time(q.now), &b, &e) != 0) {
			fprintf(stderr, "cache_bench: %s\n", e.msg);
			return 1;
		}
		printf("board from the cache: %.1f ms (%zu agents)\n", ms_since(&t0), b.n);
		board_free(&b);
		qa_filter_any(&f);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (qa_calls_list(s, &f, NULL, NULL, &calls, &ncalls, &e) != 0) {
			fprintf(stderr, "cache_bench: %s\n", e.msg);
			return 1;
		}
		printf("QA list: %.1f ms (%zu calls)\n", ms_since(&t0), ncalls);
		free(calls);
	}
	qsort(rank_ms, RANKS, sizeof rank_ms[0], cmp_double);
	qsort(open_ms, OPENS, sizeof open_ms[0], cmp_double);
	getrusage(RUSAGE_SELF, &ru);
	printf("accounts: %zu\n", q.n);
	printf("queue load + first rank: %.1f ms\n", load_ms);
	printf("re-rank (all scores, filter, sort): median %.1f ms, max %.1f ms over %d runs\n",
	       rank_ms[RANKS / 2], rank_ms[RANKS - 1], RANKS);
	printf("open account (account + contacts + events, %.1f events avg): mean %.3f ms, "
	       "p99 %.3f ms, max %.3f ms over %d accounts\n", (double)total_events / OPENS,
	       open_sum / OPENS, open_ms[OPENS * 99 / 100], open_ms[OPENS - 1], OPENS);
	printf("peak RSS: %.1f MB\n", ru.ru_maxrss / 1024.0);
	queue_free(&q);
	store_close(&s);
	return 0;
}
