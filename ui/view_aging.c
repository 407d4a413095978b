/* view_aging.c - the aging of the book: bands as rows with accounts, balance, past due, share
 * and a bar, one set per group and currency; Enter opens the queue filtered to the selected
 * band, g cycles the grouping, s asks for a day to show the movement between bands since. The
 * figures come from report_aging.c, the same as `arrears report aging`. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "input.h"
#include "money.h"
#include "report_aging.h"
#include "text.h"

/* Column widths; the movement columns (accounts in, out) and then the bar take what is left. */
enum { W_BAND = 10, W_ACCOUNTS = 9, W_MONEY = 16, W_SHARE = 7, W_MOVED = 6, BAR_MIN = 8 };

struct aging_view {
	struct aging aging;	/* owned */
	enum aging_by by;
	int32_t since;		/* AGING_NO_SINCE when no movement is shown */
	char typed[16];		/* the since day being typed (v->text_input) */
	char notice[560];	/* an error about the typed day, on the bottom line */
	size_t sel;		/* band row over every set: set * bands + band */
	int scroll;		/* first body line shown */
};

/* The groupings in the order g cycles through them, as --by names them. */
static const enum aging_by group_cycle[] = { AGING_BY_NONE, AGING_BY_PRODUCT, AGING_BY_SEGMENT,
					     AGING_BY_AGENT, AGING_BY_TEAM, AGING_BY_STATE };

/* Opens the queue on the selected cell's accounts: its band, and, when the report has more
 * than one set (a grouping, or several currencies), only the accounts of the cell's set. */
static int
drill(struct view *v)
{
	struct aging_view *av = v->priv;
	struct queue *q = &v->app->queue;
	size_t per = (size_t)av->aging.bands.n;
	const struct aging_set *set;
	char (*ids)[ACCOUNT_ID_LEN], label[80];
	size_t n;
	struct err e;

	if (av->aging.n == 0)
		return -1;
	set = &av->aging.sets[av->sel / per];
	q->filter = (struct queue_filter){ .band = (int)(av->sel % per) };
	if (av->aging.n == 1) {
		queue_refilter(q);
		return 0;
	}
	if (aging_set_accounts(v->app->store, av->by, set, &ids, &n, &e) != 0) {
		app_message(v->app, true, "%s", e.msg);
		return -1;
	}
	if (av->by != AGING_BY_NONE)
		snprintf(label, sizeof label, "%s %s %s", aging_by_name(av->by), set->group,
			 set->currency);
	else
		snprintf(label, sizeof label, "%s", set->currency);
	queue_only_set(q, ids, n, label);
	return 0;
}

/* Computes the report again for the current grouping and since day. */
static int
recompute(struct view *v, struct err *e)
{
	struct aging_view *av = v->priv;
	const struct queue *q = &v->app->queue;
	struct aging a;

	/* The queue's day and bands, so a band's count here is what its drill-down shows. */
	if (aging_compute(v->app->store, &q->bands, av->by, date_of_time(q->now), av->since, &a,
			  e) != 0)
		return -1;
	aging_free(&av->aging);
	av->aging = a;
	if (av->sel >= av->aging.n * (size_t)av->aging.bands.n)
		av->sel = 0;
	return 0;
}

static int
aging_view_open(struct view *v, const char *arg, struct err *e)
{
	struct aging_view *av = v->priv;

	av->by = AGING_BY_NONE;
	av->since = AGING_NO_SINCE;
	return recompute(v, e);
}

static void
aging_view_close(struct view *v)
{
	struct aging_view *av = v->priv;

	aging_free(&av->aging);
}

static size_t
rows_of(const struct aging_view *av)
{
	return av->aging.n * (size_t)av->aging.bands.n;
}

/* The body line of a set's band row (band == bands.n for its total): a header line on top,
 * then per set its name, its bands, its total and a blank line. */
static int
line_of(const struct aging_view *av, size_t set, int band)
{
	return 1 + (int)set * (av->aging.bands.n + 3) + 1 + band;
}

static void
draw_row(struct view *v, WINDOW *w, int y, const char *label, const struct aging_cell *c,
	 const struct aging_set *set, int band, bool selected)
{
	const struct aging_view *av = v->priv;
	const struct theme *th = &v->app->theme;
	char n[24], bal[32], due[32], share[32];
	int64_t pm = aging_share_permille(c, set);
	int x = 1, barw;

	wattrset(w, theme_attr(th, selected ? ROLE_SELECTED : band < 0 ? ROLE_LABEL : ROLE_ROW));
	if (selected)
		mvwhline(w, y, 0, ' ', v->cols);
	snprintf(n, sizeof n, "%lld", (long long)c->accounts);
	if (pm < 0)
		snprintf(share, sizeof share, "-");
	else
		snprintf(share, sizeof share, "%lld.%lld%%", (long long)(pm / 10),
			 (long long)(pm % 10));
	text_put(w, y, x, W_BAND, label, TEXT_LEFT);
	text_put(w, y, x += W_BAND + 1, W_ACCOUNTS, n, TEXT_RIGHT);
	text_put(w, y, x += W_ACCOUNTS + 1, W_MONEY, money_format(c->balance, bal, sizeof bal, 1),
		 TEXT_RIGHT);
	text_put(w, y, x += W_MONEY + 1, W_MONEY, money_format(c->past_due, due, sizeof due, 1),
		 TEXT_RIGHT);
	text_put(w, y, x += W_MONEY + 1, W_SHARE, share, TEXT_RIGHT);
	x += W_SHARE + 1;
	if (av->since != AGING_NO_SINCE) {
		snprintf(n, sizeof n, "%lld", (long long)c->in_accounts);
		text_put(w, y, x, W_MOVED, n, TEXT_RIGHT);
		snprintf(n, sizeof n, "%lld", (long long)c->out_accounts);
		text_put(w, y, x += W_MOVED + 1, W_MOVED, n, TEXT_RIGHT);
		x += W_MOVED + 1;
	}
	x++;
	barw = v->cols - x - 1;
	if (band < 0 || pm <= 0 || barw < BAR_MIN)
		return;
	/* A bar per band, its length the band's share of the set's balance: reversed blanks in
	 * the band's colour, or '#' when there is no colour. */
	int len = (int)(pm * barw / 1000);
	if (len == 0)
		len = 1;
	if (v->app->mono)
		mvwhline(w, y, x, '#' | theme_attr(th, theme_band_role(band)), len);
	else
		mvwhline(w, y, x, ' ' | A_REVERSE | theme_attr(th, theme_band_role(band)), len);
}

static void
aging_view_draw(struct view *v, WINDOW *w)
{
	struct aging_view *av = v->priv;
	const struct aging *a = &av->aging;
	const struct theme *th = &v->app->theme;
	char label[80];
	int band, head_line, sel_line, x = 1;

	if (v->text_input || av->notice[0] != '\0') {
		/* The bottom line asks for the since day, or says what was wrong with it. */
		if (av->notice[0] != '\0') {
			wattrset(w, theme_attr(th, ROLE_ERROR));
			text_put(w, v->rows - 1, 0, v->cols, av->notice, TEXT_LEFT);
		} else {
			input_draw(w, th, v->rows - 1, v->cols,
				   "Movement since (YYYY-MM-DD, empty for none): ", av->typed);
		}
	}
	if (a->n == 0) {
		wattrset(w, theme_attr(th, ROLE_ROW_DIM));
		text_put(w, 1, 1, v->cols - 2, "No accounts in the cache.", TEXT_LEFT);
		return;
	}
	/* Keep the selected row, and its set's name above it when it fits, on the screen. */
	band = (int)(av->sel % (size_t)a->bands.n);
	sel_line = line_of(av, av->sel / (size_t)a->bands.n, band);
	head_line = sel_line - band - 1;
	if (head_line < av->scroll + 1)
		av->scroll = head_line - 1;
	if (sel_line >= av->scroll + v->rows)
		av->scroll = sel_line - v->rows + 1;
	if (av->scroll < 0)
		av->scroll = 0;

	wattrset(w, theme_attr(th, ROLE_HEADER));
	text_put(w, 0, x, W_BAND, "Band", TEXT_LEFT);
	text_put(w, 0, x += W_BAND + 1, W_ACCOUNTS, "Accounts", TEXT_RIGHT);
	text_put(w, 0, x += W_ACCOUNTS + 1, W_MONEY, "Balance", TEXT_RIGHT);
	text_put(w, 0, x += W_MONEY + 1, W_MONEY, "Past due", TEXT_RIGHT);
	text_put(w, 0, x += W_MONEY + 1, W_SHARE, "Share", TEXT_RIGHT);
	if (a->since != AGING_NO_SINCE) {
		text_put(w, 0, x += W_SHARE + 1, W_MOVED, "In", TEXT_RIGHT);
		text_put(w, 0, x += W_MOVED + 1, W_MOVED, "Out", TEXT_RIGHT);
	}
	for (size_t k = 0; k < a->n; k++) {
		const struct aging_set *set = &a->sets[k];
		int y = line_of(av, k, 0) - 1 - av->scroll;

		if (y >= 1 && y < v->rows) {
			wattrset(w, theme_attr(th, ROLE_LABEL));
			text_put(w, y, 1, v->cols - 2, aging_set_label(set, label, sizeof label),
				 TEXT_LEFT);
		}
		for (int i = 0; i <= a->bands.n; i++) {
			bool total = i == a->bands.n;

			y = line_of(av, k, i) - av->scroll;
			if (y < 1 || y >= v->rows)
				continue;
			draw_row(v, w, y, total ? "total" : a->bands.label[i],
				 total ? &set->total : &set->band[i], set, total ? -1 : i,
				 !total && av->sel == k * (size_t)a->bands.n + (size_t)i);
		}
	}
}

/* Typing the since day: Enter checks it (an error keeps the line open to correct it), an
 * empty line clears the movement, Esc leaves everything as it was. */
static unsigned
since_key(struct view *v, int key)
{
	struct aging_view *av = v->priv;
	int32_t day, before = av->since;
	char date[16];
	struct err e;

	switch (input_key(av->typed, sizeof av->typed, key)) {
	case INPUT_DONE:
		if (av->typed[0] == '\0') {
			day = AGING_NO_SINCE;
		} else if (date_parse(av->typed, &day, &e) != 0) {
			snprintf(av->notice, sizeof av->notice, "Movement since: %s", e.msg);
			return REACT_REDRAW;
		} else if (day >= av->aging.as_of) {
			snprintf(av->notice, sizeof av->notice,
				 "Movement since: %s is not before the report's day, %s", av->typed,
				 date_format(av->aging.as_of, date, sizeof date));
			return REACT_REDRAW;
		}
		av->since = day;
		if (recompute(v, &e) != 0) {
			av->since = before;
			snprintf(av->notice, sizeof av->notice, "Movement since: %s", e.msg);
			return REACT_REDRAW;
		}
		v->text_input = false;
		return REACT_REDRAW;
	case INPUT_CANCEL:
		av->notice[0] = '\0';
		v->text_input = false;
		return REACT_REDRAW;
	case INPUT_EDITED:
		av->notice[0] = '\0';
		return REACT_REDRAW;
	case INPUT_IGNORED:
		break;
	}
	return REACT_NONE;
}

static unsigned
aging_view_handle(struct view *v, enum action act, int key)
{
	struct aging_view *av = v->priv;
	size_t n = rows_of(av), per = (size_t)av->aging.bands.n, k = 0;
	enum aging_by before = av->by;
	struct err e;

	if (v->text_input)
		return since_key(v, key);
	switch (act) {
	case ACTION_AGING_GROUP:
		while (k < sizeof group_cycle / sizeof group_cycle[0] && group_cycle[k] != av->by)
			k++;
		av->by = group_cycle[(k + 1) % (sizeof group_cycle / sizeof group_cycle[0])];
		av->sel = 0;
		av->scroll = 0;
		if (recompute(v, &e) != 0) {
			av->by = before;
			app_message(v->app, true, "%s", e.msg);
		}
		return REACT_REDRAW;
	case ACTION_AGING_SINCE:
		av->typed[0] = '\0';
		av->notice[0] = '\0';
		v->text_input = true;
		return REACT_REDRAW;
	default:
		break;
	}
	if (n == 0)
		return REACT_UNHANDLED;
	switch (act) {
	case ACTION_UP:
		av->sel -= av->sel > 0;
		return REACT_REDRAW;
	case ACTION_DOWN:
		av->sel += av->sel + 1 < n;
		return REACT_REDRAW;
	case ACTION_PAGE_UP:	/* a set (group and currency) at a time */
		av->sel = av->sel >= per ? av->sel - per : 0;
		return REACT_REDRAW;
	case ACTION_PAGE_DOWN:
		av->sel = av->sel + per < n ? av->sel + per : n - 1;
		return REACT_REDRAW;
	case ACTION_TOP:
		av->sel = 0;
		return REACT_REDRAW;
	case ACTION_BOTTOM:
		av->sel = n - 1;
		return REACT_REDRAW;
	case ACTION_AGING_DRILL:
		return drill(v) == 0 ? REACT_CLOSE | REACT_REDRAW : REACT_REDRAW;
	default:
		return REACT_UNHANDLED;
	}
}

static void
aging_view_title(struct view *v, char *buf, size_t len)
{
	const struct aging_view *av = v->priv;
	const char *by = aging_by_name(av->by);
	char date[16], since[48] = "";
	int64_t accounts = 0;

	for (size_t k = 0; k < av->aging.n; k++)
		accounts += av->aging.sets[k].total.accounts;
	if (av->since != AGING_NO_SINCE) {
		snprintf(since, sizeof since, ", moved since ");
		date_format(av->since, since + strlen(since), sizeof since - strlen(since));
	}
	snprintf(buf, len, " Aging at %s%s%s%s  %lld accounts",
		 date_format(av->aging.as_of, date, sizeof date), by ? " by " : "", by ? by : "",
		 since, (long long)accounts);
}

const struct view_ops view_aging_ops = {
	.name = "aging",
	.ctx = KEYCTX_AGING,
	.private_size = sizeof(struct aging_view),
	.open = aging_view_open,
	.close = aging_view_close,
	.draw = aging_view_draw,
	.handle = aging_view_handle,
	.title = aging_view_title,
};
