#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "input.h"
#include "money.h"
#include "store.h"
#include "strategy.h"
#include "text.h"
#include "when.h"

enum col {
	COL_RANK,
	COL_NAME,
	COL_DPD,
	COL_BAND,
	COL_BALANCE,
	COL_DUE,
	COL_LAST,
	COL_NEXT,
	COL_FLAGS,
	COL_COUNT
};

/* drop: the order columns leave in when the terminal is narrow (1 first, 0 never); the name
 * column takes whatever width is left. */
static const struct column {
	const char *title;
	int width;
	int drop;
	enum text_align align;
} columns[COL_COUNT] = {
	[COL_RANK] = {.title = "#", .width = 6, .drop = 7, .align = TEXT_RIGHT},
	[COL_NAME] = {.title = "Name", .width = 14, .drop = 0, .align = TEXT_LEFT},
	[COL_DPD] = {.title = "DPD", .width = 4, .drop = 6, .align = TEXT_RIGHT},
	[COL_BAND] = {.title = "Band", .width = 7, .drop = 3, .align = TEXT_LEFT},
	[COL_BALANCE] = {.title = "Balance", .width = 11, .drop = 5, .align = TEXT_RIGHT},
	[COL_DUE] = {.title = "Due", .width = 10, .drop = 2, .align = TEXT_RIGHT},
	[COL_LAST] = {.title = "Contact", .width = 8, .drop = 1, .align = TEXT_RIGHT},
	[COL_NEXT] = {.title = "Next action", .width = 16, .drop = 4, .align = TEXT_LEFT},
	[COL_FLAGS] = {.title = "Flags", .width = 5, .drop = 8, .align = TEXT_LEFT},
};

/* One letter per account flag bit, in bit order (model.h); the help screen lists them. */
static const char flag_letters[AFLAG_COUNT_ + 1] = "DCABXVS";

char
view_flag_letter(unsigned bit)
{
	int b;

	for (b = 0; b < AFLAG_COUNT_; b++)
		if (bit == 1u << b)
			return flag_letters[b];
	return '?';
}

#define SEGMENTS_MAX 32

struct queue_view {
	size_t sel, top;		/* positions in the queue's visible order */
	char sel_id[ACCOUNT_ID_LEN];	/* the selection, kept by id across refilters */
	int x[COL_COUNT], w[COL_COUNT];	/* column layout; w == 0 when dropped */
	int list_rows;
	char saved_search[sizeof((struct queue_filter *)0)->search];
	char segments[SEGMENTS_MAX][sizeof((struct queue_filter *)0)->segment];
	int nsegments, segment_at, flag_at;
	/* the selected case's strategy step, for the bottom line; read again when the
	 * selection moves (one account read) */
	char step_id[ACCOUNT_ID_LEN];
	char step[128];
};

static void
fit_columns(struct view *v)
{
	struct queue_view *qv = v->priv;
	int used, c, drop, x = 0;

	for (c = 0; c < COL_COUNT; c++)
		qv->w[c] = columns[c].width;
	/* Drop the least useful columns until the rest fit with one space between each. */
	for (drop = 1;; drop++) {
		used = -1;
		for (c = 0; c < COL_COUNT; c++)
			used += qv->w[c] > 0 ? qv->w[c] + 1 : 0;
		if (used <= v->cols)
			break;
		for (c = 0; c < COL_COUNT && columns[c].drop != drop; c++)
			continue;
		if (c == COL_COUNT)
			break;
		qv->w[c] = 0;
	}
	if (used < v->cols)
		qv->w[COL_NAME] += v->cols - used;
	for (c = 0; c < COL_COUNT; c++) {
		qv->x[c] = x;
		x += qv->w[c] > 0 ? qv->w[c] + 1 : 0;
	}
	/* Header, list, then the why line and the filter (or search) line. */
	qv->list_rows = v->rows - 3;
	if (qv->list_rows < 1)
		qv->list_rows = 1;
}

static const struct queue_item *
selected(const struct view *v)
{
	const struct queue_view *qv = v->priv;
	const struct queue *q = &v->app->queue;

	return q->nvisible > 0 ? &q->items[q->order[qv->sel]] : NULL;
}

/* Selects the row of id when it is still visible, else keeps the position in range. */
static void
select_id(struct view *v, const char *id)
{
	struct queue_view *qv = v->priv;
	const struct queue *q = &v->app->queue;
	size_t i;

	for (i = 0; id[0] != '\0' && i < q->nvisible; i++) {
		if (strcmp(q->items[q->order[i]].id, id) == 0) {
			qv->sel = i;
			break;
		}
	}
	view_list_follow(q->nvisible, qv->list_rows, &qv->sel, &qv->top);
	if (selected(v) != NULL)
		snprintf(qv->sel_id, sizeof qv->sel_id, "%s", selected(v)->id);
}

static void
refilter(struct view *v)
{
	struct queue_view *qv = v->priv;

	queue_refilter(&v->app->queue);
	select_id(v, qv->sel_id);
}

/* The distinct segments of the book, for the segment filter to cycle through. */
static void
collect_segments(struct view *v)
{
	struct queue_view *qv = v->priv;
	const struct queue *q = &v->app->queue;
	size_t i;
	int s;

	qv->nsegments = 0;
	for (i = 0; i < q->n; i++) {
		const char *seg = q->items[i].segment;

		for (s = 0; s < qv->nsegments && strcmp(qv->segments[s], seg) != 0; s++)
			continue;
		if (s == qv->nsegments && seg[0] != '\0' && qv->nsegments < SEGMENTS_MAX)
			snprintf(qv->segments[qv->nsegments++], sizeof qv->segments[0], "%s", seg);
	}
}

static int
queue_view_open(struct view *v, const char *arg, struct err *e)
{
	fit_columns(v);
	collect_segments(v);
	select_id(v, "");
	return 0;
}

static void
queue_view_focus(struct view *v)
{
	struct queue_view *qv = v->priv;
	const struct queue_filter *f = &v->app->queue.filter;

	collect_segments(v);
	/* Another view may have set the filter (the aging view's drill-down), so the segment and
	 * flag cycles go on from what is set. */
	qv->segment_at = 0;
	for (int s = 0; s < qv->nsegments; s++)
		if (strcmp(qv->segments[s], f->segment) == 0)
			qv->segment_at = s + 1;
	qv->flag_at = 0;
	for (int b = 0; b < AFLAG_COUNT_; b++)
		if (f->flags == 1u << b)
			qv->flag_at = b + 1;
	/* Back from a case: follow the last one opened, so `n` reads as walking the list. */
	qv->step_id[0] = '\0';	/* the case may have been worked: its step read again */
	select_id(v, v->app->last_opened[0] != '\0' ? v->app->last_opened : qv->sel_id);
}

/* The queue was re-ranked under the view (the contact policy moved cases): keep the row. */
static void
queue_view_changed(struct view *v)
{
	struct queue_view *qv = v->priv;

	select_id(v, qv->sel_id);
}

static void
queue_view_resize(struct view *v)
{
	struct queue_view *qv = v->priv;

	fit_columns(v);
	view_list_follow(v->app->queue.nvisible, qv->list_rows, &qv->sel, &qv->top);
}

/* The theme role of how a case stands (src/queue.c decides; this only picks the colour). */
static enum role
attention_role(enum queue_attention attention)
{
	switch (attention) {
	case QUEUE_ATTN_CALLBACK_DUE:
		return ROLE_CALLBACK_DUE;
	case QUEUE_ATTN_PTP_BROKEN:
		return ROLE_PTP_BROKEN;
	case QUEUE_ATTN_PTP_DUE:
		return ROLE_PTP_DUE;
	case QUEUE_ATTN_WARN:
	case QUEUE_ATTN_WAIT:
		return ROLE_POLICY_WARN;
	case QUEUE_ATTN_BLOCKED:
		return ROLE_POLICY_BLOCKED;
	case QUEUE_ATTN_NORMAL:
		break;
	}
	return ROLE_ROW;
}

static void
ago(int64_t t, int64_t now, char *buf, size_t len)
{
	int64_t days = (now - t) / 86400;

	if (t == 0)
		snprintf(buf, len, "never");
	else if (days <= 0)
		snprintf(buf, len, "today");
	else
		snprintf(buf, len, "%lldd ago", (long long)days);
}

static void
flags_text(unsigned flags, char *buf, size_t len)
{
	size_t n = 0;
	int b;

	for (b = 0; b < AFLAG_COUNT_ && n + 1 < len; b++)
		if (flags & (1u << b))
			buf[n++] = flag_letters[b];
	buf[n] = '\0';
}

static void
cell(WINDOW *w, const struct queue_view *qv, int y, enum col c, const char *s)
{
	if (qv->w[c] > 0)
		text_put(w, y, qv->x[c], qv->w[c], s, columns[c].align);
}

static void
draw_row(struct view *v, WINDOW *w, int y, size_t pos)
{
	const struct queue_view *qv = v->priv;
	const struct queue *q = &v->app->queue;
	const struct theme *th = &v->app->theme;
	const struct queue_item *it = &q->items[q->order[pos]];
	bool sel = pos == qv->sel;
	attr_t base;
	enum role next_role;
	enum queue_attention attention;
	const char *next;
	char buf[64], when[32], wait[48];

	next = queue_next_action(it, q->now, &attention);
	/* A case that opens later says when, in the agent's own time. */
	if (attention == QUEUE_ATTN_WAIT) {
		snprintf(wait, sizeof wait, "%s %s", next,
			 when_near(v->app->zone, q->now, it->contact_next, when, sizeof when));
		next = wait;
	}
	next_role = attention_role(attention);
	base = theme_attr(th, sel ? ROLE_SELECTED
			  : next_role == ROLE_POLICY_BLOCKED ? ROLE_ROW_DIM : ROLE_ROW);
	wattrset(w, base);
	text_blank(w, y, 0, v->cols);
	snprintf(buf, sizeof buf, "%zu", pos + 1);
	cell(w, qv, y, COL_RANK, buf);
	cell(w, qv, y, COL_NAME, it->name);
	snprintf(buf, sizeof buf, "%d", it->dpd);
	cell(w, qv, y, COL_DPD, buf);
	cell(w, qv, y, COL_BALANCE, money_format(it->total, buf, sizeof buf, 1));
	cell(w, qv, y, COL_DUE, money_format(it->amount_due, buf, sizeof buf, 1));
	ago(it->last_contact_at, q->now, buf, sizeof buf);
	cell(w, qv, y, COL_LAST, buf);
	/* The selected row keeps one colour so it reads as one bar. */
	if (!sel)
		wattrset(w, theme_attr(th, theme_band_role(it->band)));
	cell(w, qv, y, COL_BAND, q->bands.label[it->band]);
	if (!sel)
		wattrset(w, theme_attr(th, next_role));
	cell(w, qv, y, COL_NEXT, next);
	if (!sel)
		wattrset(w, theme_attr(th, ROLE_FLAG));
	flags_text(it->flags, buf, sizeof buf);
	cell(w, qv, y, COL_FLAGS, buf);
}

static void
filter_line(struct view *v, char *buf, size_t len)
{
	const struct queue *q = &v->app->queue;
	const struct queue_filter *f = &q->filter;
	char search[80];
	const char *flag = NULL;
	int b;

	for (b = 0; b < AFLAG_COUNT_; b++)
		if (f->flags & (1u << b))
			flag = account_flag_name(1u << b);
	if (f->search[0] != '\0')
		snprintf(search, sizeof search, "\"%s\"", f->search);
	snprintf(buf, len, "sort %s  band %s  segment %s  flag %s  search %s%s%s",
		 queue_sort_name(q->sort), f->band >= 0 ? q->bands.label[f->band] : "any",
		 f->segment[0] != '\0' ? f->segment : "any", flag != NULL ? flag : "any",
		 f->search[0] != '\0' ? search : "-", f->only ? "  only " : "",
		 f->only ? f->only_label : "");
}

/* The selected case's segment and strategy step, right on the bottom line when it fits after
 * the used columns. */
static void
step_draw(struct view *v, WINDOW *w, const struct queue_item *it, int used)
{
	struct queue_view *qv = v->priv;
	const struct strategy_book *book;
	struct strategy_decision d;
	struct strategy_facts f;
	struct account a;
	struct err e;
	char text[96];
	int n;

	if (it == NULL || (book = app_strategy(v->app)) == NULL)
		return;
	if (strcmp(qv->step_id, it->id) != 0) {
		qv->step[0] = '\0';
		memcpy(qv->step_id, it->id, sizeof qv->step_id);
		if (store_account_get(v->app->store, it->id, &a, &e) == 0) {
			strategy_facts_of(&a, date_of_time(v->app->queue.now), &f);
			strategy_decide(book, a.id, &f, &d);
			snprintf(qv->step, sizeof qv->step, "%s: %s", book->segments[d.segment].id,
				 d.step != NULL ? strategy_step_text(d.plan, d.step, text, sizeof text)
						: "no step yet");
		}
	}
	n = (int)strlen(qv->step);
	if (n > 0 && used + 2 + n <= v->cols)
		text_put(w, v->rows - 1, v->cols - n, n, qv->step, TEXT_LEFT);
}

static void
queue_view_draw(struct view *v, WINDOW *w)
{
	const struct queue_view *qv = v->priv;
	const struct queue *q = &v->app->queue;
	const struct theme *th = &v->app->theme;
	const struct queue_item *it = selected(v);
	char buf[512], why[400];
	int c, y;

	wattrset(w, theme_attr(th, ROLE_HEADER));
	text_blank(w, 0, 0, v->cols);
	for (c = 0; c < COL_COUNT; c++)
		cell(w, qv, 0, c, columns[c].title);
	for (y = 0; y < qv->list_rows && qv->top + (size_t)y < q->nvisible; y++)
		draw_row(v, w, 1 + y, qv->top + (size_t)y);
	if (q->nvisible == 0) {
		wattrset(w, theme_attr(th, ROLE_ROW_DIM));
		text_put(w, 1, 1, v->cols - 1, q->n == 0 ? "The cache holds no accounts."
						       : "No account matches the filters.",
			 TEXT_LEFT);
	}
	wattrset(w, theme_attr(th, ROLE_HELP));
	if (it != NULL) {
		queue_explain(q, it, why, sizeof why);
		snprintf(buf, sizeof buf, " #%zu %s: score %.1f = %s", qv->sel + 1, it->id,
			 it->score, why);
		text_put(w, v->rows - 2, 0, v->cols, buf, TEXT_LEFT);
	}
	if (v->text_input) {
		input_draw(w, th, v->rows - 1, v->cols, "/", q->filter.search);
	} else {
		filter_line(v, buf, sizeof buf);
		text_put(w, v->rows - 1, 0, v->cols, buf, TEXT_LEFT);
		step_draw(v, w, it, (int)strlen(buf));
	}
}

/* Typing a search: every change filters the queue at once; Enter keeps, Esc restores. */
static unsigned
search_key(struct view *v, int key)
{
	struct queue_view *qv = v->priv;
	struct queue_filter *f = &v->app->queue.filter;

	switch (input_key(f->search, sizeof f->search, key)) {
	case INPUT_DONE:
		v->text_input = false;
		return REACT_REDRAW;
	case INPUT_CANCEL:
		snprintf(f->search, sizeof f->search, "%s", qv->saved_search);
		v->text_input = false;
		break;
	case INPUT_IGNORED:
		return REACT_NONE;
	case INPUT_EDITED:
		break;
	}
	/* While typing, the best match is the one to see. */
	qv->sel = qv->top = 0;
	qv->sel_id[0] = '\0';
	refilter(v);
	return REACT_REDRAW;
}

static unsigned
queue_view_handle(struct view *v, enum action act, int key)
{
	struct queue_view *qv = v->priv;
	struct queue *q = &v->app->queue;
	const struct queue_item *it;
	unsigned r;

	if (v->text_input)
		return search_key(v, key);
	r = view_list_move(act, q->nvisible, qv->list_rows, &qv->sel, &qv->top);
	if (r != REACT_UNHANDLED) {
		if (selected(v) != NULL)
			snprintf(qv->sel_id, sizeof qv->sel_id, "%s", selected(v)->id);
		return r;
	}
	switch (act) {
	case ACTION_OPEN:
		if ((it = selected(v)) != NULL)
			app_push(v->app, &view_account_ops, it->id);
		return REACT_REDRAW;
	case ACTION_SEARCH:
		snprintf(qv->saved_search, sizeof qv->saved_search, "%s", q->filter.search);
		v->text_input = true;
		return REACT_REDRAW;
	case ACTION_SORT:
		q->sort = (q->sort + 1) % QUEUE_SORT_COUNT;
		break;
	case ACTION_FILTER_BAND:
		q->filter.band = q->filter.band + 1 < q->bands.n ? q->filter.band + 1 : -1;
		break;
	case ACTION_FILTER_SEGMENT:
		qv->segment_at = (qv->segment_at + 1) % (qv->nsegments + 1);
		snprintf(q->filter.segment, sizeof q->filter.segment, "%s",
			 qv->segment_at > 0 ? qv->segments[qv->segment_at - 1] : "");
		break;
	case ACTION_FILTER_FLAG:
		qv->flag_at = (qv->flag_at + 1) % (AFLAG_COUNT_ + 1);
		q->filter.flags = qv->flag_at > 0 ? 1u << (qv->flag_at - 1) : 0;
		break;
	case ACTION_FILTER_CLEAR:
		q->filter = (struct queue_filter){.band = -1};
		qv->segment_at = qv->flag_at = 0;
		break;
	case ACTION_BACK:
		/* Esc on the queue first undoes a search or filter; only then does it quit. */
		if (q->filter.band < 0 && q->filter.segment[0] == '\0' && q->filter.flags == 0 &&
		    q->filter.search[0] == '\0' && !q->filter.only)
			return REACT_UNHANDLED;
		q->filter = (struct queue_filter){.band = -1};
		qv->segment_at = qv->flag_at = 0;
		break;
	case ACTION_RELOAD:
		return REACT_RELOAD | REACT_REDRAW;
	case ACTION_AGING:
		app_push(v->app, &view_aging_ops, NULL);
		return REACT_REDRAW;
	default:
		return REACT_UNHANDLED;
	}
	refilter(v);
	return REACT_REDRAW;
}

static void
queue_view_title(struct view *v, char *buf, size_t len)
{
	const struct queue *q = &v->app->queue;
	size_t now = 0, later = 0, unknown = 0;

	for (size_t i = 0; i < q->nvisible; i++) {
		const struct queue_item *it = &q->items[q->order[i]];

		if (it->blocked)
			continue;
		now += it->contact == QUEUE_CONTACT_NOW;
		later += it->contact == QUEUE_CONTACT_LATER;
		unknown += it->contact == QUEUE_CONTACT_UNKNOWN;
	}
	/* The cases the policy holds back are listed after the contactable ones, never hidden;
	 * the title says how many of each there are. */
	if (unknown == q->nvisible)
		snprintf(buf, len, " Queue  %zu of %zu", q->nvisible, q->n);
	else
		snprintf(buf, len, " Queue  %zu of %zu  now %zu  later %zu  blocked %zu%s",
			 q->nvisible, q->n, now, later, q->nvisible - now - later - unknown,
			 unknown > 0 ? "  checking" : "");
}

const struct view_ops view_queue_ops = {
	.name = "queue",
	.ctx = KEYCTX_QUEUE,
	.private_size = sizeof(struct queue_view),
	.open = queue_view_open,
	.focus = queue_view_focus,
	.changed = queue_view_changed,
	.resize = queue_view_resize,
	.draw = queue_view_draw,
	.handle = queue_view_handle,
	.title = queue_view_title,
};
