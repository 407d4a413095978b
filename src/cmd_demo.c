/* cmd_demo.c - `arrears demo`: writes a demo book into a new cache. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "commands.h"
#include "demo.h"
#include "settings.h"
#include "store.h"

static int
parse_count(const char *s, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > max)
		return -1;
	*out = v;
	return 0;
}

int
cmd_demo(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "accounts", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "cache", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	struct global_opts go = *g;
	struct settings cfg;
	struct demo_params p = { .accounts = 2000, .seed = 1 };
	struct demo_summary sum;
	struct store *store = NULL;
	enum store_failure why;
	struct err e = { "" };
	struct timespec t0, t1;
	long v;
	int opt, have_date = 0;

	while ((opt = getopt_long(argc, argv, "n:s:a:C:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_count(optarg, 5000000, &v) != 0) {
				fprintf(stderr, "arrears demo: --accounts: '%s' is not a number from 1 to 5000000\n", optarg);
				return 2;
			}
			p.accounts = (int)v;
			break;
		case 's':
			if (parse_count(optarg, 2147483647L, &v) != 0) {
				fprintf(stderr, "arrears demo: --seed: '%s' is not a positive number\n", optarg);
				return 2;
			}
			p.seed = (uint64_t)v;
			break;
		case 'a':
			if (date_parse(optarg, &p.as_of, &e) != 0) {
				fprintf(stderr, "arrears demo: --as-of: %s\n", e.msg);
				return 2;
			}
			have_date = 1;
			break;
		case 'C':
			go.cache_path = optarg;
			break;
		default:
			fprintf(stderr, "usage: arrears demo [--accounts N] [--seed S] [--as-of YYYY-MM-DD] "
					"[--cache FILE]\n");
			return 2;
		}
	}
	if (!have_date)
		p.as_of = date_of_time(clock_now());
	if (settings_for(&go, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	p.assignee = cfg.user;
	/* a lead's or an admin's book is a team's, so the board has someone to show */
	p.crew = strcmp(cfg.role, "lead") == 0 || strcmp(cfg.role, "admin") == 0;
	if (store_open(cfg.cache, STORE_CREATE, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return (int)why;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (demo_generate(store, &p, &sum, &e) != 0) {
		fprintf(stderr, "arrears demo: %s\n", e.msg);
		store_close(&store);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	store_close(&store);
	printf("demo book: %lld accounts, %lld contact points, %lld events, %lld promises, "
	       "%lld payments in %s (%.2f s)\n", (long long)sum.accounts, (long long)sum.contacts,
	       (long long)sum.events, (long long)sum.promises, (long long)sum.payments, cfg.cache,
	       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
