/* report_aging_out.c - the aging report as a table, CSV (RFC 4180) or JSON. */
#include "config.h"

#include <string.h>

#include "clock.h"
#include "csv_write.h"
#include "money.h"
#include "report_aging_out.h"

static const char *const format_names[] = {
	[AGING_FORMAT_TABLE] = "table",
	[AGING_FORMAT_CSV] = "csv",
	[AGING_FORMAT_JSON] = "json",
};

int
aging_format_parse(const char *name)
{
	for (size_t k = 0; k < sizeof format_names / sizeof format_names[0]; k++)
		if (strcmp(format_names[k], name) == 0)
			return (int)k;
	return -1;
}

static int
has_movement(const struct aging *a)
{
	return a->since != AGING_NO_SINCE;
}

static void
table_row(FILE *f, const struct aging *a, const char *group, const char *band,
	  const struct aging_cell *c, const struct aging_set *set)
{
	char bal[32], due[32], share[32], in[32], out[32];
	int64_t pm = aging_share_permille(c, set);

	if (pm < 0)
		snprintf(share, sizeof share, "-");
	else
		snprintf(share, sizeof share, "%lld.%lld%%", (long long)(pm / 10), (long long)(pm % 10));
	fprintf(f, "%-20s %-10s %10lld %18s %18s %7s", group, band, (long long)c->accounts,
		money_format(c->balance, bal, sizeof bal, 1),
		money_format(c->past_due, due, sizeof due, 1), share);
	if (has_movement(a))
		fprintf(f, " %9lld %18s %9lld %18s", (long long)c->in_accounts,
			money_format(c->in_balance, in, sizeof in, 1), (long long)c->out_accounts,
			money_format(c->out_balance, out, sizeof out, 1));
	fputc('\n', f);
}

static void
write_table(FILE *f, const struct aging *a)
{
	const char *by = aging_by_name(a->by);
	char date[16], since[16], label[80];

	fprintf(f, "aging at %s%s%s", date_format(a->as_of, date, sizeof date), by ? ", by " : "",
		by ? by : "");
	if (has_movement(a))
		fprintf(f, ", moved since %s", date_format(a->since, since, sizeof since));
	fputs("\n\n", f);
	if (a->n == 0) {
		fputs("no accounts\n", f);
		return;
	}
	fprintf(f, "%-20s %-10s %10s %18s %18s %7s", "group", "band", "accounts", "balance",
		"past due", "share");
	if (has_movement(a))
		fprintf(f, " %9s %18s %9s %18s", "moved in", "in balance", "moved out",
			"out balance");
	fputc('\n', f);
	for (size_t k = 0; k < a->n; k++) {
		const struct aging_set *set = &a->sets[k];

		aging_set_label(set, label, sizeof label);
		for (int i = 0; i < a->bands.n; i++)
			table_row(f, a, label, a->bands.label[i], &set->band[i], set);
		table_row(f, a, label, "total", &set->total, set);
		if (k + 1 < a->n)
			fputc('\n', f);
	}
}

static int
csv_row(FILE *f, const struct aging *a, const char *group, const char *band,
	const struct aging_cell *c)
{
	char n[24], bal[32], due[32], in[24], out[24], inb[32], outb[32];
	const char *fields[] = { group, band, n, money_format(c->balance, bal, sizeof bal, 0),
				 money_format(c->past_due, due, sizeof due, 0), in, out,
				 money_format(c->in_balance, inb, sizeof inb, 0),
				 money_format(c->out_balance, outb, sizeof outb, 0) };

	snprintf(n, sizeof n, "%lld", (long long)c->accounts);
	snprintf(in, sizeof in, "%lld", (long long)c->in_accounts);
	snprintf(out, sizeof out, "%lld", (long long)c->out_accounts);
	return csv_write_record(f, fields, has_movement(a) ? 9 : 5);
}

static int
write_csv(FILE *f, const struct aging *a)
{
	static const char *const header[] = { "group", "band", "accounts", "balance", "past_due",
					      "moved_in", "moved_out", "moved_in_balance",
					      "moved_out_balance" };
	char label[80];
	int rc = csv_write_record(f, header, has_movement(a) ? 9 : 5);

	for (size_t k = 0; rc == 0 && k < a->n; k++) {
		aging_set_label(&a->sets[k], label, sizeof label);
		for (int i = 0; rc == 0 && i < a->bands.n; i++)
			rc = csv_row(f, a, label, a->bands.label[i], &a->sets[k].band[i]);
		if (rc == 0)
			rc = csv_row(f, a, label, "total", &a->sets[k].total);
	}
	return rc;
}

static json_t *
json_cell(const struct aging *a, const char *band, const struct aging_cell *c,
	  const struct aging_set *set)
{
	char bal[32], due[32];
	int64_t pm = aging_share_permille(c, set);
	json_t *j = json_pack("{s:s, s:I, s:s, s:s, s:o}", "band", band, "accounts",
			      (json_int_t)c->accounts, "balance",
			      money_format(c->balance, bal, sizeof bal, 0), "past_due",
			      money_format(c->past_due, due, sizeof due, 0), "share",
			      pm < 0 ? json_null()
				     : json_real((double)c->balance / (double)set->total.balance));

	if (j != NULL && has_movement(a)) {
		json_object_set_new(j, "moved_in", json_integer(c->in_accounts));
		json_object_set_new(j, "moved_out", json_integer(c->out_accounts));
		json_object_set_new(j, "moved_in_balance",
				    json_string(money_format(c->in_balance, bal, sizeof bal, 0)));
		json_object_set_new(j, "moved_out_balance",
				    json_string(money_format(c->out_balance, bal, sizeof bal, 0)));
	}
	return j;
}

json_t *
aging_json(const struct aging *a)
{
	char date[16], since[16];
	json_t *sets = json_array(), *root;

	for (size_t k = 0; k < a->n; k++) {
		const struct aging_set *set = &a->sets[k];
		json_t *rows = json_array(), *o;

		for (int i = 0; i < a->bands.n; i++)
			json_array_append_new(rows, json_cell(a, a->bands.label[i], &set->band[i], set));
		o = json_pack("{s:s?, s:s, s:o, s:o}", "group", set->group[0] ? set->group : NULL,
			      "currency", set->currency, "bands", rows, "total",
			      json_cell(a, "total", &set->total, set));
		if (o == NULL) {
			json_decref(sets);
			return NULL;
		}
		json_array_append_new(sets, o);
	}
	root = json_pack("{s:s, s:s?, s:o}", "as_of", date_format(a->as_of, date, sizeof date),
			 "by", aging_by_name(a->by), "sets", sets);
	if (root != NULL && has_movement(a))
		json_object_set_new(root, "since",
				    json_string(date_format(a->since, since, sizeof since)));
	return root;
}

int
aging_write(FILE *f, const struct aging *a, enum aging_format fmt)
{
	json_t *j;
	int rc = 0;

	switch (fmt) {
	case AGING_FORMAT_CSV:
		rc = write_csv(f, a);
		break;
	case AGING_FORMAT_JSON:
		if ((j = aging_json(a)) == NULL)
			return -1;
		rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
		json_decref(j);
		if (rc == 0 && fputc('\n', f) == EOF)
			rc = -1;
		break;
	case AGING_FORMAT_TABLE:
		write_table(f, a);
		break;
	}
	return rc == 0 && !ferror(f) ? 0 : -1;
}
