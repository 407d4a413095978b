/* cmd_report.c - `arrears report aging`: the aging of the cache, and its movement since a
 * day, as a table, CSV or JSON. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "report_aging_out.h"
#include "settings.h"
#include "store.h"

static const char usage_text[] =
	"usage: arrears report aging [--by product|segment|agent|team|state] [--as-of YYYY-MM-DD] "
	"[--since YYYY-MM-DD] [--format table|csv|json]\n";

static int
report_aging(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "since", required_argument, NULL, 's' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct settings cfg;
	struct store *store = NULL;
	enum store_failure why;
	struct aging aging;
	struct err e = { "" };
	int32_t as_of = date_of_time(clock_now()), since = AGING_NO_SINCE;
	int opt, by = AGING_BY_NONE, format = AGING_FORMAT_TABLE, rc;
	char date[16];

	while ((opt = getopt_long(argc, argv, "b:a:s:f:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			by = aging_by_parse(optarg);
			if (by < 0) {
				fprintf(stderr, "arrears report aging: --by: '%s' is not product, "
						"segment, agent, team or state\n", optarg);
				return 2;
			}
			break;
		case 'a':
			if (date_parse(optarg, &as_of, &e) != 0) {
				fprintf(stderr, "arrears report aging: --as-of: %s\n", e.msg);
				return 2;
			}
			break;
		case 's':
			if (date_parse(optarg, &since, &e) != 0) {
				fprintf(stderr, "arrears report aging: --since: %s\n", e.msg);
				return 2;
			}
			break;
		case 'f':
			if ((format = aging_format_parse(optarg)) < 0) {
				fprintf(stderr, "arrears report aging: --format: '%s' is not table, csv "
						"or json\n", optarg);
				return 2;
			}
			break;
		default:
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (since != AGING_NO_SINCE && since >= as_of) {
		fprintf(stderr, "arrears report aging: --since: the day must be before the as-of day "
				"(%s)\n", date_format(as_of, date, sizeof date));
		return 2;
	}
	if (settings_for(g, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	if (store_open(cfg.cache, STORE_READ_ONLY, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return (int)why;
	}
	rc = aging_compute(store, &cfg.bands, (enum aging_by)by, as_of, since, &aging, &e);
	store_close(&store);
	if (rc != 0) {
		fprintf(stderr, "arrears report aging: %s\n", e.msg);
		return 1;
	}
	rc = aging_write(stdout, &aging, (enum aging_format)format);
	aging_free(&aging);
	if (rc != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "arrears report aging: cannot write to standard output\n");
		return 1;
	}
	return 0;
}

int
cmd_report(int argc, char **argv, const struct global_opts *g)
{
	if (argc < 2 || strcmp(argv[1], "aging") != 0) {
		fputs(usage_text, stderr);
		return 2;
	}
	/* getopt_long starts at argv[1], which is then the first option of the report. */
	return report_aging(argc - 1, argv + 1, g);
}
