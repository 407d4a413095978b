/* policy_bench.c - evaluations per second of the policy engine over a synthetic queue of
 * 100,000 accounts, the size the queue ranks. A measurement, not a test:
 * `make bench/policy_bench && bench/policy_bench [accounts]`. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "policy.h"
#include "policy_profile.h"

#define HISTORY 8

static const char *const zones[] = {
	"America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
	"America/Phoenix", "Pacific/Honolulu", "Europe/London",
};
#define NZONES (sizeof zones / sizeof zones[0])

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A deterministic mix: most accounts have a few recent calls, some are in two zones. */
static void
facts_fill(struct policy_facts *f, struct policy_attempt *hist, size_t i, int64_t now)
{
	unsigned r = (unsigned)(i * 2654435761u);

	*f = (struct policy_facts){
		.at = now,
		.channel = (r >> 3) % 5 == 0 ? POLICY_SMS : POLICY_CALL,
		.dispute_verified_at = POLICY_NONE,
		.callback_given_at = POLICY_NONE,
		.contact_kind = (r >> 5) % 3 == 0 ? CONTACT_LANDLINE : CONTACT_MOBILE,
		.consent = CONSENT_SMS,
		.opt_out_notice = true,
		.history = hist,
		.nhistory = (r >> 7) % (HISTORY + 1),
		.nzones = 1,
	};
	snprintf(f->zones[0], POLICY_ZONE_LEN, "%s", zones[r % NZONES]);
	if ((r >> 11) % 4 == 0) {
		snprintf(f->contact_zones[0], POLICY_ZONE_LEN, "%s", zones[(r >> 13) % NZONES]);
		f->ncontact_zones = 1;
	}
	for (size_t k = 0; k < f->nhistory; k++)
		hist[k] = (struct policy_attempt){
			.at = now - (int64_t)((r >> (k % 16)) % (9 * 86400)),
			.channel = k % 4 == 3 ? POLICY_SMS : POLICY_CALL,
			.result = (enum policy_result)((r >> k) % 5),
		};
}

int
main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	struct policy_profiles set;
	struct policy_attempt *hist = calloc(n * HISTORY, sizeof *hist);
	struct policy_facts *facts = calloc(n, sizeof *facts);
	struct policy_tzcache *cache = policy_tzcache_new();
	struct policy_decision d;
	struct err e;
	int64_t now;
	size_t blocked = 0;
	double t0;

	if (hist == NULL || facts == NULL || n == 0)
		return 1;
	if (policy_profiles_load(&set, &e) < 0) {
		fprintf(stderr, "policy_bench: %s\n", e.msg);
		return 1;
	}
	if (time_parse_rfc3339("2026-03-10T19:05:00Z", &now, &e) < 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		facts_fill(&facts[i], &hist[i * HISTORY], i, now);

	t0 = seconds();
	for (size_t i = 0; i < n; i++)
		blocked += policy_check(&set.items[0], &facts[i], cache) != 0;
	printf("policy_check, zone cache:   %10.0f evaluations/s (%zu of %zu blocked)\n",
	    n / (seconds() - t0), blocked, n);

	t0 = seconds();
	for (size_t i = 0; i < n; i++)
		policy_decide(&set.items[0], &facts[i], cache, &d);
	printf("policy_decide, zone cache:  %10.0f evaluations/s\n", n / (seconds() - t0));

	t0 = seconds();
	for (size_t i = 0; i < n / 10; i++)
		policy_check(&set.items[0], &facts[i], NULL);
	printf("policy_check, no cache:     %10.0f evaluations/s\n", (n / 10) / (seconds() - t0));

	policy_tzcache_free(&cache);
	free(facts);
	free(hist);
	return 0;
}
