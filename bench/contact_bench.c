/* contact_bench.c - evaluations per second of contactability over a whole cache: facts read
 * from SQLite (account, contact points, 35 days of attempts parsed as JSON) and decided by the
 * engine, as the queue's background sweep does. A measurement, not a test:
 * `make bench/contact_bench && bench/contact_bench CACHE [NOW]` (NOW in RFC 3339, default
 * 2026-03-10T15:00:00Z, the clock of the tests and the other benches). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "contactability.h"
#include "queue.h"
#include "settings.h"
#include "store.h"

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	const char *at = argc > 2 ? argv[2] : "2026-03-10T15:00:00Z";
	struct store *s = NULL;
	struct contactability *c;
	struct account_contact ac;
	struct settings cfg;
	struct queue q;
	struct err e;
	size_t counts[4] = {0}, detail_n;
	int64_t now;
	bool changed;
	double t0, t;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: contact_bench CACHE [NOW]\n");
		return 2;
	}
	settings_default(&cfg);
	queue_init(&q);
	if (time_parse_rfc3339(at, &now, &e) == -1 ||
	    store_open(argv[1], STORE_READ_ONLY, &s, NULL, &e) == -1 ||
	    queue_load(&q, s, now, &e) == -1 || (c = contactability_new(s, &cfg, &e)) == NULL) {
		fprintf(stderr, "contact_bench: %s\n", e.msg);
		return 1;
	}

	/* The sweep as the workstation runs it, in 4 ms slices. */
	t0 = seconds();
	contactability_sweep_start(c, &q);
	while ((rc = contactability_sweep_step(c, &q, now, 4000, &changed, &e)) != 0)
		if (rc == -1)
			fprintf(stderr, "contact_bench: %s\n", e.msg);
	t = seconds() - t0;
	for (size_t i = 0; i < q.n; i++)
		counts[q.items[i].contact]++;
	printf("sweep (fast path), %zu accounts: %.2f s, %.0f accounts/s "
	       "(now %zu, later %zu, blocked %zu)\n",
	       q.n, t, q.n / t, counts[QUEUE_CONTACT_NOW], counts[QUEUE_CONTACT_LATER],
	       counts[QUEUE_CONTACT_BLOCKED]);
	t0 = seconds();
	queue_refilter(&q);
	printf("re-rank after the sweep: %.1f ms\n", (seconds() - t0) * 1e3);

	/* The account view's question: every channel of every point, and the calls left. */
	detail_n = q.n < 10000 ? q.n : 10000;
	t0 = seconds();
	for (size_t i = 0; i < detail_n; i++)
		if (contactability_account(c, q.items[i].id, now, true, &ac, &e) == -1)
			fprintf(stderr, "contact_bench: %s\n", e.msg);
	t = seconds() - t0;
	printf("detail (every point and channel), %zu accounts: %.0f accounts/s, %.3f ms each\n",
	       detail_n, detail_n / t, t * 1e3 / detail_n);

	contactability_free(&c);
	queue_free(&q);
	store_close(&s);
	return 0;
}
