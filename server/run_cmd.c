/* run_cmd.c - `arrearsd run [--dry-run] [--as-of YYYY-MM-DD] [--book NAME]
 * [--strategy-version V]`: one run now (or, dry, at the next scheduled time), a line per
 * account and the totals on standard output. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "run_cmd.h"
#include "run_job.h"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct printer {
	bool dry_run;
};

static const char *
outcome_word(const struct run_line *l)
{
	switch (l->outcome) {
	case RUN_OUT_SENT:
		return l->d->channel == CHANNEL_LETTER ? "queued to print" : "sent";
	case RUN_OUT_DEFERRED:
	case RUN_OUT_DEFERRED_AGAIN:
		return "deferred";
	case RUN_OUT_FAILED:
		return "failed";
	case RUN_OUT_DUE:
		return "due";
	case RUN_OUT_WOULD:
	case RUN_OUT_NONE:
		break;
	}
	return run_verdict_name(l->d->verdict);
}

static void
print_line(void *ctx, const struct run_line *l)
{
	const struct printer *pr = ctx;
	const struct run_decision *d = l->d;
	char step[24] = "-", what[512], reasons[400], next[32];
	int n;

	/* a real run names what it did; a dry run every account */
	if (!pr->dry_run && (l->outcome == RUN_OUT_NONE || l->outcome == RUN_OUT_DEFERRED_AGAIN))
		return;
	if (d->sd.step != NULL)
		snprintf(step, sizeof step, "%zu/%zu", d->sd.step_no, d->sd.plan->n);
	n = snprintf(what, sizeof what, "%s", outcome_word(l));
	if (l->contact[0] != '\0' && (d->verdict == RUN_SEND || d->verdict == RUN_DEFER))
		n += snprintf(what + n, sizeof what - (size_t)n, " %s", l->contact);
	if (d->verdict == RUN_DEFER || l->outcome == RUN_OUT_DEFERRED) {
		n += snprintf(what + n, sizeof what - (size_t)n, " %s",
			      run_reasons_text(d, reasons, sizeof reasons));
		if (d->next_at != POLICY_NONE)
			n += snprintf(what + n, sizeof what - (size_t)n, " until %s",
				      time_format_rfc3339(d->next_at, next, sizeof next));
	}
	if (l->why[0] != '\0' && n >= 0 && (size_t)n < sizeof what)
		snprintf(what + n, sizeof what - (size_t)n, " (%s)", l->why);
	printf("%-16s %-15s %-10s %-5s %-6s %-9s %s\n", l->account, d->segment, d->arm, step,
	       d->sd.step != NULL ? step_action_name(d->sd.step->action) : "-",
	       l->template_id[0] != '\0' ? l->template_id : "-", what);
}

static void
print_problem(void *ctx, const char *text)
{
	(void)ctx;
	fprintf(stderr, "%s\n", text);
}

int
run_cmd(const struct server_config *c, int argc, char **argv)
{
	struct run_job j = { .at = clock_now() };
	struct printer pr = { 0 };
	const char *as_of = NULL;
	struct run_totals t;
	int32_t day;
	int minute = conf_run_minute(c->run_at), version;
	char when[32];
	struct err e;

	for (int i = 1; i < argc; i++) {
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--dry-run") == 0) {
			j.dry_run = true;
			continue;
		}
		if (arg == NULL) {
			fprintf(stderr, "arrearsd: run: unexpected '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
		if (strcmp(argv[i], "--as-of") == 0)
			as_of = arg;
		else if (strcmp(argv[i], "--book") == 0)
			j.book = arg;
		else if (strcmp(argv[i], "--strategy-version") == 0)
			j.version = arg;
		else {
			fprintf(stderr, "arrearsd: run: unexpected '%s'\n", argv[i]);
			return EXIT_USAGE;
		}
		i++;
	}
	if (j.version != NULL && !j.dry_run) {
		fprintf(stderr, "arrearsd: run: --strategy-version is for dry runs: a real run uses "
				"the book in force\n");
		return EXIT_USAGE;
	}
	/* the day asked for at the scheduled time, or at this time of day; a dry run without a
	 * day shows the next scheduled run ("tonight") */
	if (as_of != NULL) {
		if (date_parse(as_of, &day, &e) != 0) {
			fprintf(stderr, "arrearsd: run: --as-of: %s\n", e.msg);
			return EXIT_USAGE;
		}
		j.at = (int64_t)day * 86400 +
		       (minute >= 0 ? (int64_t)minute * 60 : ((j.at % 86400) + 86400) % 86400);
	} else if (j.dry_run && minute >= 0) {
		j.at = run_next_time(minute, j.at);
	}
	pr.dry_run = j.dry_run;
	if (run_job(c, &j, print_line, print_problem, &pr, &t, &version, &e) != 0) {
		fflush(stdout);
		fprintf(stderr, "arrearsd: run: %s\n", e.msg);
		return EXIT_FAIL;
	}
	time_format_rfc3339(j.at, when, sizeof when);
	printf("%s %s book %s v%d: %zu accounts: %zu send, %zu defer, %zu due, %zu done, "
	       "%zu paused, %zu cured, %zu nothing",
	       j.dry_run ? "dry run" : "run", when, j.book != NULL ? j.book : c->run_book, version,
	       t.accounts, t.verdicts[RUN_SEND], t.verdicts[RUN_DEFER], t.verdicts[RUN_DUE],
	       t.verdicts[RUN_DONE], t.verdicts[RUN_PAUSED], t.verdicts[RUN_CURED],
	       t.verdicts[RUN_NOTHING]);
	if (!j.dry_run)
		printf("; %zu sent, %zu deferred, %zu failed, %zu due recorded, %zu events", t.sent,
		       t.deferred, t.failed, t.due, t.written);
	printf("\n");
	return EXIT_OK;
}
