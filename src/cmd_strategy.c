/* cmd_strategy.c - `arrears strategy check [DIR]` validates the strategy books and message
 * templates and prints every problem; `arrears strategy show ACCOUNT` says where an account of
 * the cache stands: segment, strategy version, champion or challenger, step. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "paths.h"
#include "settings.h"
#include "sms.h"
#include "store.h"
#include "strategy.h"
#include "template.h"

static const char usage_text[] =
	"usage: arrears strategy check [DIR]\n"
	"       arrears strategy show [--book NAME] [--as-of YYYY-MM-DD] [--message] ACCOUNT\n";

/* The directory of a kind of data: DIR/kind when a root is given, else the shipped one. */
static int
data_dir(const char *root, const char *kind, char *buf, size_t len, struct err *e)
{
	if (root == NULL)
		return paths_find_data_dir(kind, buf, len, e);
	if (snprintf(buf, len, "%s/%s", root, kind) >= (int)len)
		return err_set(e, "%s: path too long", root);
	return 0;
}

static void
print_problems(const struct problems *p, FILE *f)
{
	for (size_t i = 0; i < p->n; i++)
		fprintf(f, "%s\n", p->msg[i]);
}

static int
check(int argc, char **argv)
{
	char sdir[4096], tdir[4096];
	struct template_set *ts = NULL;
	struct problems p = { 0 };
	struct err e = { "" };
	size_t nbooks = 0, ntemplates = 0;
	int rc;

	if (argc > 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (data_dir(argc == 2 ? argv[1] : NULL, "templates", tdir, sizeof tdir, &e) != 0 ||
	    data_dir(argc == 2 ? argv[1] : NULL, "strategies", sdir, sizeof sdir, &e) != 0) {
		fprintf(stderr, "arrears strategy: %s\n", e.msg);
		return 1;
	}
	template_set_load(tdir, &ts, &p);
	strategy_dir_check(sdir, ts, &nbooks, &p);
	for (size_t i = 0; i < ts->n; i++)
		ntemplates += ts->langs[i].n;
	print_problems(&p, stdout);
	if (p.n > 0)
		fprintf(stderr, "arrears strategy: %zu problem%s\n", p.n, p.n == 1 ? "" : "s");
	else
		printf("%zu strategy book%s, %zu templates in %zu languages: no problems\n", nbooks,
		       nbooks == 1 ? "" : "s", ntemplates, ts->n);
	rc = p.n > 0 ? 1 : 0;
	template_set_free(&ts);
	problems_free(&p);
	return rc;
}

/* Loads the templates and the book by name; prints every problem. 0 or -1. */
static int
load(const char *book_name, struct template_set **ts, struct strategy_book **book)
{
	struct problems p = { 0 };
	struct err e = { "" };
	int rc = strategy_open(book_name, ts, book, &p, &e);

	if (rc != 0 && p.n == 0)
		fprintf(stderr, "arrears strategy: %s\n", e.msg);
	else if (rc != 0)
		print_problems(&p, stderr);
	problems_free(&p);
	return rc;
}

static void
print_step(const char *label, const struct plan *plan, const struct step *st)
{
	char buf[160];

	printf("%-10s %s\n", label, strategy_step_text(plan, st, buf, sizeof buf));
}

/* The step's message filled from the account, in the book's language. */
static void
print_message(const struct strategy_book *b, const struct template_set *ts,
	      const struct account *a, int32_t today, const struct step *st)
{
	enum channel ch = (enum channel)step_action_channel(st->action);
	const struct template_lang *l = template_lang_find(ts, b->language);
	const struct template *t = l != NULL ? template_find(l, st->template_id, ch) : NULL;
	struct template_values v;
	struct sms_measure m;
	char *text;

	if (t == NULL)
		return;	/* the loader refused a book whose templates are missing */
	template_values_of(a, today, "[payment link]", &v);
	printf("%-10s %s\n", "language", l->code);
	if (t->subject != NULL) {
		text = template_fill(l, ch, t->subject, &v);
		printf("%-10s %s\n", "subject", text);
		free(text);
	}
	text = template_fill(l, ch, t->body, &v);
	if (ch == CHANNEL_SMS && sms_measure(text, &m) == 0)
		printf("%-10s %zu segment%s (%s, %zu characters)\n", "sms", m.segments,
		       m.segments == 1 ? "" : "s", sms_encoding_name(m.encoding), m.chars);
	printf("\n%s%s", text, text[0] != '\0' && text[strlen(text) - 1] == '\n' ? "" : "\n");
	free(text);
}

static int
show(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "book", required_argument, NULL, 'b' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "message", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *book_name = "default", *as_of = NULL;
	struct template_set *ts = NULL;
	struct strategy_book *book = NULL;
	struct strategy_decision d;
	struct strategy_facts f;
	struct settings cfg;
	struct store *store = NULL;
	enum store_failure why;
	struct account a;
	struct err e = { "" };
	const struct segment *seg;
	char day[11];
	int32_t today;
	int opt, message = 0, rc = 1;

	optind = 0;	/* 0 re-reads the option string: main's '+' must not carry over */
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'b')
			book_name = optarg;
		else if (opt == 'a')
			as_of = optarg;
		else if (opt == 'm')
			message = 1;
		else {
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (argc - optind != 1) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (as_of != NULL && date_parse(as_of, &today, &e) != 0) {
		fprintf(stderr, "arrears strategy: --as-of: %s\n", e.msg);
		return 2;
	}
	if (as_of == NULL)
		today = date_of_time(clock_now());
	if (settings_for(g, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	if (load(book_name, &ts, &book) != 0)
		return 1;
	if (store_open(cfg.cache, STORE_READ_ONLY, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		rc = (int)why;
		goto out;
	}
	switch (store_account_get(store, argv[optind], &a, &e)) {
	case 0:
		break;
	case 1:
		fprintf(stderr, "arrears strategy: no account '%.40s' in the cache\n", argv[optind]);
		goto out;
	default:
		fprintf(stderr, "arrears strategy: %s\n", e.msg);
		goto out;
	}
	strategy_facts_of(&a, today, &f);
	strategy_decide(book, a.id, &f, &d);
	seg = &book->segments[d.segment];
	printf("%-10s %s\n", "account", a.id);
	printf("%-10s %s, %d days past due\n", "as of", date_format(today, day, sizeof day), f.dpd);
	printf("%-10s %s (%s.conf:%d)\n", "segment", seg->id, book->name, seg->line);
	printf("%-10s %s version %d, %s\n", "strategy", book->name, book->version,
	       d.challenger ? "challenger" : "champion");
	if (d.step != NULL)
		print_step("step", d.plan, d.step);
	else
		printf("%-10s %s\n", "step", d.plan->n == 0 ? "none (the strategy has no steps)" : "none yet");
	if (d.next != NULL)
		print_step("next", d.plan, d.next);
	if (message && d.step != NULL && step_action_channel(d.step->action) >= 0)
		print_message(book, ts, &a, today, d.step);
	rc = 0;
out:
	store_close(&store);
	strategy_book_free(&book);
	template_set_free(&ts);
	return rc;
}

int
cmd_strategy(int argc, char **argv, const struct global_opts *g)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return check(argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return show(argc - 1, argv + 1, g);
	fputs(usage_text, stderr);
	return 2;
}
