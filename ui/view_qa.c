/* view_qa.c - quality review: the list of scripted calls with filters (breach, reviewed,
 * agent), one call record with its skipped and overridden checkpoints highlighted, and the
 * scorecard filled in with the keyboard. The records, the scoring and the event come from
 * src/qa.c; the view says "saved" only once the qa_score event is committed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "input.h"
#include "qa.h"
#include "text.h"

enum qa_mode { MODE_LIST, MODE_RECORD, MODE_CARD };

struct qa_view {
	enum qa_mode mode;
	struct qa_card *card;		/* owned */
	struct qa_call *all;		/* owned: every call record, read once per change */
	size_t nall;
	struct qa_call *calls;		/* owned: those the filter lets through */
	size_t n, sel, top;
	struct qa_filter filter;
	char agent[64];			/* the agent filter, "" for all */
	struct qa_record rec;		/* owned: the open record */
	int scroll;
	enum qa_result results[QA_CARD_MAX_ITEMS];
	size_t item;			/* the selected scorecard item */
	char comment[512];
	char notice[600];
	bool notice_error;
};

static const struct script *
script_of(void *ctx, const char *id)
{
	struct err e;

	return app_script(ctx, id, &e);
}

/* Filters the loaded calls in memory: at 100,000 accounts reading the records takes about a
 * second, too slow for every filter key. */
static void
refilter(struct view *v)
{
	struct qa_view *qv = v->priv;

	qv->filter.agent = qv->agent;
	qv->calls = realloc(qv->calls, (qv->nall + 1) * sizeof *qv->calls);
	if (qv->calls == NULL)
		abort();
	qv->n = 0;
	for (size_t i = 0; i < qv->nall; i++)
		if (qa_call_matches(&qv->filter, &qv->all[i]))
			qv->calls[qv->n++] = qv->all[i];
	view_list_follow(qv->n, v->rows - 1, &qv->sel, &qv->top);
}

static int
reload(struct view *v, struct err *e)
{
	struct qa_view *qv = v->priv;
	struct qa_filter any;
	struct qa_call *calls;
	size_t n;

	qa_filter_any(&any);
	if (qa_calls_list(v->app->store, &any, script_of, v->app, &calls, &n, e) != 0)
		return -1;
	free(qv->all);
	qv->all = calls;
	qv->nall = n;
	refilter(v);
	return 0;
}

static void
notice(struct qa_view *qv, bool error, const char *msg)
{
	snprintf(qv->notice, sizeof qv->notice, "%s", msg);
	qv->notice_error = error;
}

static int
qa_view_open(struct view *v, const char *arg, struct err *e)
{
	struct qa_view *qv = v->priv;

	(void)arg;
	qa_filter_any(&qv->filter);
	if (qa_card_open("default", &qv->card, e) != 0)
		return -1;
	return reload(v, e);
}

static void
qa_view_close(struct view *v)
{
	struct qa_view *qv = v->priv;

	qa_card_free(&qv->card);
	free(qv->all);
	free(qv->calls);
	qa_record_clear(&qv->rec);
}

/* "12 / 15 (80%)", or "-" without data. */
static char *
compliance_text(struct view *v, const char *agent, char *buf, size_t len)
{
	struct kpi_rate k;
	struct err e;

	if (qa_compliance(v->app->store, agent, &k, &e) != 0 || k.den == 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%lld/%lld (%lld%%)", (long long)k.num, (long long)k.den,
			 (long long)(k.num * 100 / k.den));
	return buf;
}

static void
draw_list(struct view *v, WINDOW *w)
{
	struct qa_view *qv = v->priv;
	const struct theme *th = &v->app->theme;
	char when[32], review[40], breach[16];

	wattrset(w, theme_attr(th, ROLE_HEADER));
	mvwprintw(w, 0, 1, "%-16s %-8s %-9s %-11s %-14s %-7s %s", "Started (UTC)", "Agent",
		  "Account", "Script", "Outcome", "Breach", "Review");
	if (qv->n == 0) {
		wattrset(w, theme_attr(th, ROLE_ROW_DIM));
		text_put(w, 2, 1, v->cols - 2, "No scripted calls match the filters.", TEXT_LEFT);
		return;
	}
	for (size_t i = qv->top; i < qv->n && (int)(i - qv->top) + 1 < v->rows; i++) {
		const struct qa_call *c = &qv->calls[i];
		int y = (int)(i - qv->top) + 1;
		bool b = qa_call_breach(c);
		char line[256];

		time_format_rfc3339(c->started_at, when, sizeof when);
		when[16] = '\0';
		when[10] = ' ';
		if (b)
			snprintf(breach, sizeof breach, "%s%s", c->skipped ? "S" : "",
				 c->waived ? "O" : "");
		else
			snprintf(breach, sizeof breach, "-");
		if (c->reviewed)
			snprintf(review, sizeof review, "%d%% %s", c->percent,
				 c->passed ? "pass" : "FAIL");
		else
			snprintf(review, sizeof review, "not reviewed");
		snprintf(line, sizeof line, "%-16s %-8.8s %-9.9s %-11.11s %-14.14s %-7s %s", when,
			 c->agent, c->account, c->script, c->outcome[0] ? c->outcome : "open",
			 breach, review);
		wattrset(w, theme_attr(th, i == qv->sel ? ROLE_SELECTED
					: b && !c->reviewed ? ROLE_POLICY_BLOCKED : ROLE_ROW));
		if (i == qv->sel)
			mvwhline(w, y, 0, ' ', v->cols);
		text_put(w, y, 1, v->cols - 2, line, TEXT_LEFT);
	}
}

static bool
entry_breach(const struct qa_entry *en)
{
	return en->kind == QA_E_WAIVED || en->kind == QA_E_SKIPPED;
}

static void
draw_record(struct view *v, WINDOW *w)
{
	struct qa_view *qv = v->priv;
	const struct theme *th = &v->app->theme;
	const struct qa_call *c = &qv->rec.call;
	char when[32], comp[48];

	wattrset(w, theme_attr(th, ROLE_LABEL));
	mvwprintw(w, 0, 1, "Call %.8s  account %s  agent %s (compliance %s)  script %s", c->id,
		  c->account, c->agent, compliance_text(v, c->agent, comp, sizeof comp), c->script);
	if (!qv->rec.script_known) {
		wattrset(w, theme_attr(th, ROLE_POLICY_WARN));
		text_put(w, 1, 1, v->cols - 2, "script not found here: skipped checkpoints cannot be "
			 "told, only overridden ones", TEXT_LEFT);
	}
	for (size_t i = (size_t)qv->scroll; i < qv->rec.n && (int)(i - (size_t)qv->scroll) + 2 < v->rows;
	     i++) {
		const struct qa_entry *en = &qv->rec.entries[i];
		int y = (int)(i - (size_t)qv->scroll) + 2;

		/* "2026-03-09 12:52:59", UTC like the list */
		time_format_rfc3339(en->at, when, sizeof when);
		when[10] = ' ';
		when[19] = '\0';
		wattrset(w, theme_attr(th, entry_breach(en) ? ROLE_POLICY_BLOCKED
					: en->kind == QA_E_SCORE ? ROLE_LABEL : ROLE_ROW));
		text_put(w, y, 1, 19, when, TEXT_LEFT);
		text_put(w, y, 21, 2, entry_breach(en) ? "!" : "", TEXT_LEFT);
		text_put(w, y, 23, v->cols - 24, en->text, TEXT_LEFT);
	}
}

static void
draw_card(struct view *v, WINDOW *w)
{
	struct qa_view *qv = v->priv;
	const struct theme *th = &v->app->theme;
	struct qa_total t;
	struct err e;
	char line[1200];

	wattrset(w, theme_attr(th, ROLE_LABEL));
	mvwprintw(w, 0, 1, "%s: call %.8s by %s  (pass mark %d%%)", qv->card->name,
		  qv->rec.call.id, qv->rec.call.agent, qv->card->pass_mark);
	for (size_t i = 0; i < qv->card->nitems && (int)i + 2 < v->rows - 2; i++) {
		const struct qa_item *it = &qv->card->items[i];
		enum qa_result r = qv->results[i];

		snprintf(line, sizeof line, "[%-5s] %3d %s%s", r == QA_UNSET ? "?" : qa_result_name(r),
			 it->weight, it->text, it->critical ? "  (critical)" : "");
		wattrset(w, theme_attr(th, i == qv->item ? ROLE_SELECTED
					: r == QA_FAIL ? ROLE_POLICY_BLOCKED : ROLE_ROW));
		if (i == qv->item)
			mvwhline(w, (int)i + 2, 0, ' ', v->cols);
		text_put(w, (int)i + 2, 1, v->cols - 2, line, TEXT_LEFT);
	}
	wattrset(w, theme_attr(th, ROLE_LABEL));
	if (qa_card_total(qv->card, qv->results, &t, &e) == 0)
		snprintf(line, sizeof line, "Total %d/%d = %d%%  %s%s  Comment: %s", t.points,
			 t.possible, t.percent, t.passed ? "PASS" : "FAIL",
			 t.critical_failed ? " (critical item failed)" : "", qv->comment);
	else
		snprintf(line, sizeof line, "%s  Comment: %s", e.msg, qv->comment);
	text_put(w, v->rows - 2, 1, v->cols - 2, line, TEXT_LEFT);
}

static void
qa_view_draw(struct view *v, WINDOW *w)
{
	struct qa_view *qv = v->priv;
	const struct theme *th = &v->app->theme;

	if (qv->mode == MODE_LIST)
		draw_list(v, w);
	else if (qv->mode == MODE_RECORD)
		draw_record(v, w);
	else
		draw_card(v, w);
	if (v->text_input) {
		input_draw(w, th, v->rows - 1, v->cols, "Reviewer's comment: ", qv->comment);
	} else if (qv->notice[0] != '\0') {
		wattrset(w, theme_attr(th, qv->notice_error ? ROLE_ERROR : ROLE_LABEL));
		text_put(w, v->rows - 1, 0, v->cols, qv->notice, TEXT_LEFT);
	} else if (qv->mode == MODE_LIST && qv->n > 0) {
		/* the selected call's agent, and the score the reviews add up to */
		char comp[48], line[160];

		snprintf(line, sizeof line, "%s: compliance %s", qv->calls[qv->sel].agent,
			 compliance_text(v, qv->calls[qv->sel].agent, comp, sizeof comp));
		wattrset(w, theme_attr(th, ROLE_LABEL));
		text_put(w, v->rows - 1, 1, v->cols - 2, line, TEXT_LEFT);
	}
}

/* The next agent among the listed calls after the current filter, "" after the last. */
static void
agent_cycle(struct view *v)
{
	struct qa_view *qv = v->priv;
	const char *next = NULL;

	/* the smallest agent name greater than the current one */
	for (size_t i = 0; i < qv->nall; i++)
		if (strcmp(qv->all[i].agent, qv->agent) > 0 &&
		    (next == NULL || strcmp(qv->all[i].agent, next) < 0))
			next = qv->all[i].agent;
	snprintf(qv->agent, sizeof qv->agent, "%s", next != NULL ? next : "");
}

static unsigned
open_record(struct view *v)
{
	struct qa_view *qv = v->priv;
	struct err e;
	int rc;

	if (qv->n == 0)
		return REACT_NONE;
	qa_record_clear(&qv->rec);
	rc = qa_record_get(v->app->store, qv->calls[qv->sel].id, script_of, v->app, &qv->rec, &e);
	if (rc != 0) {
		notice(qv, true, rc < 0 ? e.msg : "the call record is gone");
		return REACT_REDRAW;
	}
	qv->mode = MODE_RECORD;
	qv->scroll = 0;
	return REACT_REDRAW;
}

static unsigned
submit(struct view *v)
{
	struct qa_view *qv = v->priv;
	const struct casework *cw;
	struct qa_total t;
	struct err e;
	char msg[200];

	if ((cw = app_casework(v->app, &e)) == NULL ||
	    qa_score_record(cw, qv->card, &qv->rec, qv->results, qv->comment, clock_now(), &t,
			    &e) != 0) {
		notice(qv, true, e.msg);
		return REACT_REDRAW;
	}
	/* committed: now it may be said, and the list shows the call as reviewed */
	snprintf(msg, sizeof msg, "Review saved: %d%% %s", t.percent, t.passed ? "pass" : "FAIL");
	notice(qv, false, msg);
	qv->mode = MODE_LIST;
	qa_record_clear(&qv->rec);
	if (reload(v, &e) != 0)
		notice(qv, true, e.msg);
	return REACT_REDRAW;
}

static unsigned
handle_card(struct view *v, enum action act)
{
	struct qa_view *qv = v->priv;
	size_t n = qv->card->nitems;

	switch (act) {
	case ACTION_UP:
		qv->item -= qv->item > 0;
		return REACT_REDRAW;
	case ACTION_DOWN:
		qv->item += qv->item + 1 < n;
		return REACT_REDRAW;
	case ACTION_QA_PASS:
	case ACTION_QA_FAIL:
	case ACTION_QA_NA:
		qv->results[qv->item] = act == ACTION_QA_PASS ? QA_PASS
					: act == ACTION_QA_FAIL ? QA_FAIL : QA_NA;
		qv->item += qv->item + 1 < n;
		return REACT_REDRAW;
	case ACTION_QA_COMMENT:
		v->text_input = true;
		return REACT_REDRAW;
	case ACTION_QA_OPEN:
		return submit(v);
	case ACTION_BACK:
		qv->mode = MODE_RECORD;
		return REACT_REDRAW;
	default:
		return REACT_UNHANDLED;
	}
}

static unsigned
qa_view_handle(struct view *v, enum action act, int key)
{
	struct qa_view *qv = v->priv;

	if (v->text_input) {
		enum input_result ir = input_key(qv->comment, sizeof qv->comment, key);

		if (ir == INPUT_DONE || ir == INPUT_CANCEL)
			v->text_input = false;
		return REACT_REDRAW;
	}
	qv->notice[0] = '\0';
	if (qv->mode == MODE_CARD)
		return handle_card(v, act);
	if (qv->mode == MODE_RECORD) {
		switch (act) {
		case ACTION_QA_SCORE:
			qa_suggest(qv->card, &qv->rec, qv->results);
			qv->comment[0] = '\0';
			qv->item = 0;
			qv->mode = MODE_CARD;
			return REACT_REDRAW;
		case ACTION_BACK:
			qv->mode = MODE_LIST;
			return REACT_REDRAW;
		default:
			return view_page_scroll(act, (int)qv->rec.n, v->rows - 2, &qv->scroll);
		}
	}
	switch (act) {
	case ACTION_QA_OPEN:
		return open_record(v);
	case ACTION_QA_BREACH:
		qv->filter.breach_only = !qv->filter.breach_only;
		break;
	case ACTION_QA_REVIEWED:
		qv->filter.reviewed = qv->filter.reviewed == 1 ? -1 : qv->filter.reviewed + 1;
		break;
	case ACTION_QA_AGENT:
		agent_cycle(v);
		break;
	case ACTION_QA_CLEAR:
		qa_filter_any(&qv->filter);
		qv->agent[0] = '\0';
		break;
	default:
		return view_list_move(act, qv->n, v->rows - 1, &qv->sel, &qv->top);
	}
	qv->sel = qv->top = 0;
	refilter(v);
	return REACT_REDRAW;
}

static void
qa_view_title(struct view *v, char *buf, size_t len)
{
	struct qa_view *qv = v->priv;
	static const char *const reviewed[] = { "not reviewed", "reviewed" };

	if (qv->mode != MODE_LIST) {
		snprintf(buf, len, " QA %s %.8s", qv->mode == MODE_CARD ? "scorecard" : "call record",
			 qv->rec.call.id);
		return;
	}
	snprintf(buf, len, " QA calls: %zu%s%s%s%s%s", qv->n,
		 qv->filter.breach_only ? "  breaches" : "", qv->agent[0] ? "  agent " : "",
		 qv->agent, qv->filter.reviewed >= 0 ? "  " : "",
		 qv->filter.reviewed >= 0 ? reviewed[qv->filter.reviewed] : "");
}

const struct view_ops view_qa_ops = {
	.name = "qa",
	.ctx = KEYCTX_QA,
	.private_size = sizeof(struct qa_view),
	.open = qa_view_open,
	.close = qa_view_close,
	.draw = qa_view_draw,
	.handle = qa_view_handle,
	.title = qa_view_title,
};
