/* cmd_report.c - `arrears report aging`: the aging of the cache as a table, CSV or JSON. */
#include "config.h"

#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "csv_write.h"
#include "money.h"
#include "report_aging.h"
#include "settings.h"
#include "store.h"

enum report_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON };

static const char usage_text[] =
	"usage: arrears report aging [--by product|segment|agent|state] [--as-of YYYY-MM-DD] "
	"[--format table|csv|json]\n";

static void
print_table_row(const char *group, const char *band, const struct aging_cell *c,
		const struct aging_set *set)
{
	char bal[32], due[32], share[32];
	int64_t pm = aging_share_permille(c, set);

	if (pm < 0)
		snprintf(share, sizeof share, "-");
	else
		snprintf(share, sizeof share, "%lld.%lld%%", (long long)(pm / 10), (long long)(pm % 10));
	printf("%-20s %-10s %10lld %18s %18s %7s\n", group, band, (long long)c->accounts,
	       money_format(c->balance, bal, sizeof bal, 1),
	       money_format(c->past_due, due, sizeof due, 1), share);
}

static void
print_table(const struct aging *a, const char *by)
{
	char date[16], label[80];

	printf("aging at %s%s%s\n\n", date_format(a->as_of, date, sizeof date), by ? ", by " : "",
	       by ? by : "");
	if (a->n == 0) {
		printf("no accounts\n");
		return;
	}
	printf("%-20s %-10s %10s %18s %18s %7s\n", "group", "band", "accounts", "balance",
	       "past due", "share");
	for (size_t k = 0; k < a->n; k++) {
		const struct aging_set *set = &a->sets[k];

		aging_set_label(set, label, sizeof label);
		for (int i = 0; i < a->bands.n; i++)
			print_table_row(label, a->bands.label[i], &set->band[i], set);
		print_table_row(label, "total", &set->total, set);
		if (k + 1 < a->n)
			printf("\n");
	}
}

static int
csv_row(const char *group, const char *band, const struct aging_cell *c)
{
	char n[24], bal[32], due[32];
	const char *fields[] = { group, band, n, money_format(c->balance, bal, sizeof bal, 0),
				 money_format(c->past_due, due, sizeof due, 0) };

	snprintf(n, sizeof n, "%lld", (long long)c->accounts);
	return csv_write_record(stdout, fields, sizeof fields / sizeof fields[0]);
}

static int
print_csv(const struct aging *a)
{
	static const char *const header[] = { "group", "band", "accounts", "balance", "past_due" };
	char label[80];
	int rc = csv_write_record(stdout, header, 5);

	for (size_t k = 0; rc == 0 && k < a->n; k++) {
		aging_set_label(&a->sets[k], label, sizeof label);
		for (int i = 0; rc == 0 && i < a->bands.n; i++)
			rc = csv_row(label, a->bands.label[i], &a->sets[k].band[i]);
		if (rc == 0)
			rc = csv_row(label, "total", &a->sets[k].total);
	}
	return rc;
}

static json_t *
json_cell(const char *band, const struct aging_cell *c, const struct aging_set *set)
{
	char bal[32], due[32];
	int64_t pm = aging_share_permille(c, set);

	return json_pack("{s:s, s:I, s:s, s:s, s:o}", "band", band, "accounts",
			 (json_int_t)c->accounts, "balance", money_format(c->balance, bal, sizeof bal, 0),
			 "past_due", money_format(c->past_due, due, sizeof due, 0), "share",
			 pm < 0 ? json_null() : json_real((double)c->balance / (double)set->total.balance));
}

static int
print_json(const struct aging *a, const char *by)
{
	char date[16];
	json_t *sets = json_array(), *root;
	int rc;

	for (size_t k = 0; k < a->n; k++) {
		const struct aging_set *set = &a->sets[k];
		json_t *rows = json_array();

		for (int i = 0; i < a->bands.n; i++)
			json_array_append_new(rows, json_cell(a->bands.label[i], &set->band[i], set));
		json_array_append_new(sets, json_pack("{s:s?, s:s, s:o, s:o}", "group",
						      set->group[0] ? set->group : NULL, "currency",
						      set->currency, "bands", rows, "total",
						      json_cell("total", &set->total, set)));
	}
	root = json_pack("{s:s, s:s?, s:o}", "as_of", date_format(a->as_of, date, sizeof date),
			 "by", by, "sets", sets);
	if (root == NULL)
		return -1;
	rc = json_dumpf(root, stdout,
			JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
	json_decref(root);
	return rc == 0 && putchar('\n') != EOF ? 0 : -1;
}

static int
report_aging(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const formats[] = { [FORMAT_TABLE] = "table", [FORMAT_CSV] = "csv",
					       [FORMAT_JSON] = "json" };
	struct settings cfg;
	struct store *store = NULL;
	enum store_failure why;
	struct aging aging;
	struct err e = { "" };
	enum report_format format = FORMAT_TABLE;
	const char *by_name = NULL;
	int32_t as_of = date_of_time(clock_now());
	int opt, by = AGING_BY_NONE, rc, found;

	while ((opt = getopt_long(argc, argv, "b:a:f:", longopts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			by = aging_by_parse(optarg);
			by_name = optarg;
			if (by < 0) {
				fprintf(stderr, "arrears report aging: --by: '%s' is not product, "
						"segment, agent or state\n", optarg);
				return 2;
			}
			break;
		case 'a':
			if (date_parse(optarg, &as_of, &e) != 0) {
				fprintf(stderr, "arrears report aging: --as-of: %s\n", e.msg);
				return 2;
			}
			break;
		case 'f':
			found = 0;
			for (size_t k = 0; k < sizeof formats / sizeof formats[0]; k++)
				if (strcmp(formats[k], optarg) == 0) {
					format = (enum report_format)k;
					found = 1;
				}
			if (!found) {
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
	if (settings_for(g, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	if (store_open(cfg.cache, STORE_READ_ONLY, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return (int)why;
	}
	rc = aging_compute(store, &cfg.bands, (enum aging_by)by, as_of, &aging, &e);
	store_close(&store);
	if (rc != 0) {
		fprintf(stderr, "arrears report aging: %s\n", e.msg);
		return 1;
	}
	if (format == FORMAT_CSV)
		rc = print_csv(&aging);
	else if (format == FORMAT_JSON)
		rc = print_json(&aging, by_name);
	else
		print_table(&aging, by_name);
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
