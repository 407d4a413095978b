/* view_aging.c - the aging of the book: bands as rows with accounts, balance, past due, share
 * and a bar, one set per currency; Enter opens the queue filtered to the selected band. The
 * figures come from report_aging.c, the same as `arrears report aging`. */
#include "config.h"

#include <stdio.h>

#include "app.h"
#include "clock.h"
#include "money.h"
#include "report_aging.h"
#include "text.h"

/* Column widths; the bar takes what is left. */
enum { W_BAND = 10, W_ACCOUNTS = 9, W_MONEY = 16, W_SHARE = 7, BAR_MIN = 8 };

struct aging_view {
	struct aging aging;	/* owned */
	size_t sel;		/* band row over every set: set * bands + band */
	int scroll;		/* first body line shown */
};

static int
aging_view_open(struct view *v, const char *arg, struct err *e)
{
	struct aging_view *av = v->priv;
	const struct queue *q = &v->app->queue;

	/* The queue's day and bands, so a band's count here is what its drill-down shows. */
	return aging_compute(v->app->store, &q->bands, AGING_BY_NONE, date_of_time(q->now),
			     &av->aging, e);
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
	x += W_SHARE + 2;
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

static unsigned
aging_view_handle(struct view *v, enum action act, int key)
{
	struct aging_view *av = v->priv;
	struct queue *q = &v->app->queue;
	size_t n = rows_of(av), per = (size_t)av->aging.bands.n;

	if (n == 0)
		return REACT_UNHANDLED;
	switch (act) {
	case ACTION_UP:
		av->sel -= av->sel > 0;
		return REACT_REDRAW;
	case ACTION_DOWN:
		av->sel += av->sel + 1 < n;
		return REACT_REDRAW;
	case ACTION_PAGE_UP:	/* a set (currency) at a time */
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
		/* The queue holds every currency, so the drill-down filters by band alone. */
		q->filter = (struct queue_filter){ .band = (int)(av->sel % per) };
		queue_refilter(q);
		return REACT_CLOSE | REACT_REDRAW;
	default:
		return REACT_UNHANDLED;
	}
}

static void
aging_view_title(struct view *v, char *buf, size_t len)
{
	const struct aging_view *av = v->priv;
	char date[16];
	int64_t accounts = 0;

	for (size_t k = 0; k < av->aging.n; k++)
		accounts += av->aging.sets[k].total.accounts;
	snprintf(buf, len, " Aging at %s  %lld accounts", date_format(av->aging.as_of, date,
								      sizeof date),
		 (long long)accounts);
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
