/* view_board.c - the team lead's queue board: one row per agent (queue depth by band when the
 * screen is wide enough, today's work, kept rate, overrides, exceptions, last activity and a
 * sparkline of cases worked per day over 14 days), a totals row per team and one for all.
 * Enter lists the selected agent's cases; m marks them and r reassigns the marked ones to
 * another agent of the team. The figures come from src/board.c; this file only draws. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "board.h"
#include "clock.h"
#include "money.h"
#include "reassign.h"
#include "settings.h"
#include "sync_status.h"
#include "text.h"
#include "when.h"

/* Column widths: name, queue, band, worked, attempts, RPCs, PTPs, amount, kept, overrides,
 * exceptions, last activity; the sparkline is BOARD_DAYS wide. */
enum { W_NAME = 8, W_Q = 6, W_BAND = 6, W_N = 4, W_AMT = 9, W_KEPT = 5, W_X = 3, W_LAST = 5 };

#define PICK_MAX 9	/* agents a reassignment offers, one digit each */
#define BOARD_FRESH_S 60	/* a server board younger than this is not fetched again on open */

enum row_kind { ROW_AGENT, ROW_TEAM, ROW_ALL };

struct row {
	enum row_kind kind;
	size_t index;	/* agent or team */
};

struct board_view {
	struct board board;	/* owned */
	bool from_server;	/* the board a sync fetched, not the cache's own */
	int64_t fetched_at;
	struct row *rows;	/* owned: what the board mode lists */
	size_t nrows, sel, top;
	/* the cases mode: one agent's cases (owned), marks parallel to them */
	char agent[BOARD_NAME_LEN];
	struct board_case *cases;
	bool *marked;
	size_t ncases, nmarked, csel, ctop;
	/* picking the agent to reassign to: candidates numbered 1..npick */
	bool picking;
	char pick[PICK_MAX][BOARD_NAME_LEN];
	int npick;
};

static const char *const spark_utf8[] = { " ", "\u2581", "\u2582", "\u2583", "\u2584",
					  "\u2585", "\u2586", "\u2587", "\u2588" };
static const char spark_ascii[] = " .:-=+*##";

/* Block elements need a UTF-8 terminal; mono (no colours, NO_COLOR) draws in ASCII too, as
 * the aging bars do. */
static bool
ascii_only(const struct view *v)
{
	return v->app->mono || MB_CUR_MAX == 1;
}

static void
rows_build(struct board_view *bv)
{
	const struct board *b = &bv->board;
	size_t n = 0;

	free(bv->rows);
	if ((bv->rows = calloc(b->n + b->nteams + 1, sizeof *bv->rows)) == NULL)
		abort();
	for (size_t t = 0; t < b->nteams; t++) {
		for (size_t i = 0; i < b->teams[t].n; i++)
			bv->rows[n++] = (struct row){ ROW_AGENT, b->teams[t].first + i };
		bv->rows[n++] = (struct row){ ROW_TEAM, t };
	}
	if (b->n > 0)
		bv->rows[n++] = (struct row){ ROW_ALL, 0 };
	bv->nrows = n;
	if (bv->sel >= n)
		bv->sel = n > 0 ? n - 1 : 0;
}

static int
compute(struct view *v, struct err *e)
{
	struct board_view *bv = v->priv;
	const struct queue *q = &v->app->queue;
	struct board b;
	int rc;

	/* the server's board counts the whole team's work; the cache knows only what reached
	 * it (the queue's day and bands, so the board's bands are the queue's) */
	rc = board_from_snapshot(v->app->store, date_of_time(q->now), &b, &bv->fetched_at, e);
	if (rc < 0 || (rc == 1 && board_from_cache(v->app->store, &q->bands,
						    date_of_time(q->now), &b, e) != 0))
		return -1;
	bv->from_server = rc == 0;
	board_free(&bv->board);
	bv->board = b;
	rows_build(bv);
	return 0;
}

static int
cases_load(struct view *v, const char *agent, struct err *e)
{
	struct board_view *bv = v->priv;
	char name[BOARD_NAME_LEN];
	struct board_case *c;
	size_t n;

	snprintf(name, sizeof name, "%s", agent);	/* agent may be bv->agent itself */
	if (board_cases(v->app->store, name, date_of_time(v->app->queue.now), &c, &n, e) != 0)
		return -1;
	free(bv->cases);
	free(bv->marked);
	bv->cases = c;
	bv->ncases = n;
	if ((bv->marked = calloc(n + 1, sizeof *bv->marked)) == NULL)
		abort();
	bv->nmarked = 0;
	if (bv->csel >= n)
		bv->csel = n > 0 ? n - 1 : 0;
	memcpy(bv->agent, name, sizeof name);
	return 0;
}

static int
board_view_open(struct view *v, const char *arg, struct err *e)
{
	const struct board_view *bv = v->priv;
	char role[16];

	(void)arg;
	if (reassign_role(v->app->store, v->app->cfg->role, role, sizeof role, e) != 0)
		return -1;
	/* the server answers the board to leads and admins only; the client says so at once */
	if (!reassign_allowed(role))
		return err_set(e, "board: leads and admins only (you: %s)", role);
	if (compute(v, e) != 0)
		return -1;
	/* a synced cache asks the server for a fresh board in the background; the board
	 * redraws when the sync ends (focus), and a failed one leaves what is shown */
	if (v->app->synced.last_sync != 0 && v->app->sync == NULL &&
	    (!bv->from_server || clock_now() - bv->fetched_at >= BOARD_FRESH_S))
		app_sync_start(v->app);
	return 0;
}

static void
board_view_close(struct view *v)
{
	struct board_view *bv = v->priv;

	board_free(&bv->board);
	free(bv->rows);
	free(bv->cases);
	free(bv->marked);
}

static const struct board_agent *
row_agent(const struct board_view *bv, const struct row *r)
{
	switch (r->kind) {
	case ROW_AGENT:
		return &bv->board.agents[r->index];
	case ROW_TEAM:
		return &bv->board.teams[r->index].total;
	case ROW_ALL:
		break;
	}
	return &bv->board.total;
}

/* "13:05" today, "3d" before, "-" never. */
static void
last_format(int64_t now, int64_t at, char *buf, size_t len)
{
	if (at == 0)
		snprintf(buf, len, "-");
	else if (date_of_time(at) == date_of_time(now))
		snprintf(buf, len, "%02d:%02d", (int)(at % 86400 / 3600), (int)(at % 3600 / 60));
	else
		snprintf(buf, len, "%dd", date_of_time(now) - date_of_time(at));
}

static void
sparkline(struct view *v, WINDOW *w, int y, int x, const int64_t *days, int64_t max)
{
	bool ascii = ascii_only(v);

	for (int d = 0; d < BOARD_DAYS; d++) {
		int level = days[d] <= 0 || max <= 0 ? 0 : (int)(1 + (days[d] * 7 + max - 1) / max);

		if (level > 8)
			level = 8;
		if (ascii)
			mvwaddch(w, y, x + d, (chtype)(unsigned char)spark_ascii[level]);
		else
			mvwaddstr(w, y, x + d, spark_utf8[level]);
	}
}

/* Whether the band columns fit beside the rest. */
static bool
show_bands(const struct view *v, const struct board_view *bv)
{
	return v->cols >= 80 + bv->board.bands.n * (W_BAND + 1);
}

static int
put_num(WINDOW *w, int y, int x, int width, int64_t n)
{
	char buf[24];

	snprintf(buf, sizeof buf, "%lld", (long long)n);
	text_put(w, y, x, width, buf, TEXT_RIGHT);
	return x + width + 1;
}

static void
draw_agent(struct view *v, WINDOW *w, int y, const struct board_agent *a, int64_t max,
	   enum role role)
{
	struct board_view *bv = v->priv;
	const struct theme *th = &v->app->theme;
	char buf[32];
	int x = 0;

	wattrset(w, theme_attr(th, role));
	mvwhline(w, y, 0, ' ', v->cols);
	text_put(w, y, x, W_NAME, a->name, TEXT_LEFT);
	x = put_num(w, y, x + W_NAME + 1, W_Q, a->accounts);
	if (show_bands(v, bv))
		for (int k = 0; k < bv->board.bands.n; k++)
			x = put_num(w, y, x, W_BAND, a->depth[k]);
	x = put_num(w, y, x, W_N, a->worked[BOARD_DAYS - 1]);
	x = put_num(w, y, x, W_N, a->today.attempts);
	x = put_num(w, y, x, W_N, a->today.rpcs);
	x = put_num(w, y, x, W_N, a->ptps);
	text_put(w, y, x, W_AMT, money_format(a->ptp_amount, buf, sizeof buf, 0), TEXT_RIGHT);
	x += W_AMT + 1;
	if (a->kept.den == 0)
		snprintf(buf, sizeof buf, "-");
	else
		snprintf(buf, sizeof buf, "%d%%", (int)(100.0 * kpi_rate_value(a->kept) + 0.5));
	text_put(w, y, x, W_KEPT, buf, TEXT_RIGHT);
	x = put_num(w, y, x + W_KEPT + 1, W_X, a->overrides);
	x = put_num(w, y, x, W_X, a->exceptions);
	last_format(v->app->queue.now, a->last_at, buf, sizeof buf);
	text_put(w, y, x, W_LAST, buf, TEXT_RIGHT);
	x += W_LAST + 1;
	if (x + BOARD_DAYS <= v->cols)
		sparkline(v, w, y, x, a->worked, max);
}

static void
draw_header(struct view *v, WINDOW *w)
{
	struct board_view *bv = v->priv;
	const struct theme *th = &v->app->theme;
	int x = 0;

	wattrset(w, theme_attr(th, ROLE_HEADER));
	text_put(w, 0, x, W_NAME, "Agent", TEXT_LEFT);
	text_put(w, 0, x += W_NAME + 1, W_Q, "Queue", TEXT_RIGHT);
	x += W_Q + 1;
	if (show_bands(v, bv))
		for (int k = 0; k < bv->board.bands.n; k++, x += W_BAND + 1)
			text_put(w, 0, x, W_BAND, bv->board.bands.label[k], TEXT_RIGHT);
	text_put(w, 0, x, W_N, "Wkd", TEXT_RIGHT);
	text_put(w, 0, x += W_N + 1, W_N, "Att", TEXT_RIGHT);
	text_put(w, 0, x += W_N + 1, W_N, "RPC", TEXT_RIGHT);
	text_put(w, 0, x += W_N + 1, W_N, "PTP", TEXT_RIGHT);
	text_put(w, 0, x += W_N + 1, W_AMT, "Promised", TEXT_RIGHT);
	text_put(w, 0, x += W_AMT + 1, W_KEPT, "Kept", TEXT_RIGHT);
	text_put(w, 0, x += W_KEPT + 1, W_X, "Ovr", TEXT_RIGHT);
	text_put(w, 0, x += W_X + 1, W_X, "Exc", TEXT_RIGHT);
	text_put(w, 0, x += W_X + 1, W_LAST, "Last", TEXT_RIGHT);
	x += W_LAST + 1;
	if (x + BOARD_DAYS <= v->cols)
		text_put(w, 0, x, BOARD_DAYS, "Worked 14d", TEXT_LEFT);
}

/* The bottom line: where the figures come from and how old they are. */
static void
draw_age(struct view *v, WINDOW *w)
{
	const struct board_view *bv = v->priv;
	const struct sync_summary *s = &v->app->synced;
	char buf[160], ago[32];

	if (bv->from_server)
		snprintf(buf, sizeof buf, "from the server, fetched %s",
			 sync_status_ago(clock_now(), bv->fetched_at, ago, sizeof ago));
	else if (s->last_sync == 0)
		snprintf(buf, sizeof buf, "from cache, never synced");
	else
		snprintf(buf, sizeof buf, "from cache (only what reached it), last sync %s",
			 sync_status_ago(clock_now(), s->last_sync, ago, sizeof ago));
	snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
		 "; today = UTC day, kept = promises due in %d days", BOARD_KEPT_DAYS);
	wattrset(w, theme_attr(&v->app->theme, ROLE_ROW_DIM));
	text_put(w, v->rows - 1, 0, v->cols, buf, TEXT_LEFT);
}

static void
draw_board(struct view *v, WINDOW *w)
{
	struct board_view *bv = v->priv;
	int page = v->rows - 2;
	int64_t max = 1, tmax = 1;

	draw_header(v, w);
	draw_age(v, w);
	if (bv->nrows == 0) {
		wattrset(w, theme_attr(&v->app->theme, ROLE_ROW_DIM));
		text_put(w, 1, 0, v->cols, "No agents: the cache holds no assigned accounts.",
			 TEXT_LEFT);
		return;
	}
	/* agents share one scale and totals another, so rows of a kind compare at a glance */
	for (size_t i = 0; i < bv->board.n; i++)
		for (int d = 0; d < BOARD_DAYS; d++)
			if (bv->board.agents[i].worked[d] > max)
				max = bv->board.agents[i].worked[d];
	for (int d = 0; d < BOARD_DAYS; d++)
		if (bv->board.total.worked[d] > tmax)
			tmax = bv->board.total.worked[d];
	view_list_follow(bv->nrows, page, &bv->sel, &bv->top);
	for (size_t i = bv->top; i < bv->nrows && (int)(i - bv->top) < page; i++) {
		const struct row *r = &bv->rows[i];
		enum role role = i == bv->sel ? ROLE_SELECTED
				       : r->kind == ROW_AGENT ? ROLE_ROW : ROLE_LABEL;

		draw_agent(v, w, 1 + (int)(i - bv->top), row_agent(bv, r),
			   r->kind == ROW_AGENT ? max : tmax, role);
	}
}

static void
draw_cases(struct view *v, WINDOW *w)
{
	struct board_view *bv = v->priv;
	const struct theme *th = &v->app->theme;
	int page = v->rows - 2;
	char buf[256], bal[32], last[32];

	wattrset(w, theme_attr(th, ROLE_HEADER));
	snprintf(buf, sizeof buf, "  %-10s %5s %14s  %s", "Account", "DPD", "Balance",
		 "Last attempt");
	text_put(w, 0, 0, v->cols, buf, TEXT_LEFT);
	if (bv->picking) {
		int n = snprintf(buf, sizeof buf, "Reassign %zu case%s to:", bv->nmarked ? bv->nmarked : 1,
				 (bv->nmarked ? bv->nmarked : 1) == 1 ? "" : "s");
		for (int i = 0; i < bv->npick && n > 0 && (size_t)n < sizeof buf; i++)
			n += snprintf(buf + n, sizeof buf - (size_t)n, " %d %s", i + 1, bv->pick[i]);
		if (n > 0 && (size_t)n < sizeof buf)
			snprintf(buf + n, sizeof buf - (size_t)n, "  (Esc: cancel)");
		wattrset(w, theme_attr(th, ROLE_LABEL));
	} else {
		snprintf(buf, sizeof buf, "%zu marked; m marks, r reassigns", bv->nmarked);
		wattrset(w, theme_attr(th, ROLE_ROW_DIM));
	}
	text_put(w, v->rows - 1, 0, v->cols, buf, TEXT_LEFT);
	if (bv->ncases == 0) {
		wattrset(w, theme_attr(th, ROLE_ROW_DIM));
		text_put(w, 1, 0, v->cols, "No cases assigned.", TEXT_LEFT);
		return;
	}
	view_list_follow(bv->ncases, page, &bv->csel, &bv->ctop);
	for (size_t i = bv->ctop; i < bv->ncases && (int)(i - bv->ctop) < page; i++) {
		const struct board_case *c = &bv->cases[i];
		int y = 1 + (int)(i - bv->ctop);

		if (c->last_attempt_at == 0)
			snprintf(last, sizeof last, "never");
		else
			when_format(v->app->zone, c->last_attempt_at, last, sizeof last);
		snprintf(buf, sizeof buf, "%c %-10s %5d %14s  %s", bv->marked[i] ? '*' : ' ', c->id,
			 c->dpd, money_format(c->balance, bal, sizeof bal, 1), last);
		wattrset(w, theme_attr(th, i == bv->csel ? ROLE_SELECTED : ROLE_ROW));
		mvwhline(w, y, 0, ' ', v->cols);
		text_put(w, y, 0, v->cols, buf, TEXT_LEFT);
	}
}

static void
board_view_draw(struct view *v, WINDOW *w)
{
	struct board_view *bv = v->priv;

	if (bv->agent[0] != '\0')
		draw_cases(v, w);
	else
		draw_board(v, w);
}

/* The agents a case of bv->agent may go to: the others of the agent's team (every other
 * agent when the agent has none), at most PICK_MAX. */
static void
pick_fill(struct board_view *bv)
{
	const struct board *b = &bv->board;
	int me = board_agent_find(b, bv->agent);
	const char *team = me >= 0 ? b->agents[me].team : "";

	bv->npick = 0;
	for (size_t i = 0; i < b->n && bv->npick < PICK_MAX; i++) {
		if ((int)i == me || (team[0] != '\0' && strcmp(b->agents[i].team, team) != 0))
			continue;
		snprintf(bv->pick[bv->npick++], BOARD_NAME_LEN, "%s", b->agents[i].name);
	}
}

static unsigned
reassign_to(struct view *v, const char *to)
{
	struct board_view *bv = v->priv;
	const struct casework *base;
	struct casework cw;
	char (*ids)[ACCOUNT_ID_LEN], role[16];
	size_t n = 0;
	struct err e;

	bv->picking = false;
	if ((base = app_casework(v->app, &e)) == NULL ||
	    reassign_role(v->app->store, v->app->cfg->role, role, sizeof role, &e) != 0) {
		app_message(v->app, true, "%s", e.msg);
		return REACT_REDRAW;
	}
	cw = *base;
	cw.role = role;
	if ((ids = calloc(bv->ncases + 1, sizeof *ids)) == NULL)
		abort();
	for (size_t i = 0; i < bv->ncases; i++)
		if (bv->marked[i] || (bv->nmarked == 0 && i == bv->csel))
			memcpy(ids[n++], bv->cases[i].id, ACCOUNT_ID_LEN);
	if (reassign_cases(&cw, (const char (*)[ACCOUNT_ID_LEN])ids, n, to, clock_now(), &e) != 0) {
		app_message(v->app, true, "%s", e.msg);
		free(ids);
		return REACT_REDRAW;
	}
	free(ids);
	app_message(v->app, false, "reassigned %zu case%s to %s; sync sends it", n,
		    n == 1 ? "" : "s", to);
	if (compute(v, &e) != 0 || cases_load(v, bv->agent, &e) != 0)
		app_message(v->app, true, "%s", e.msg);
	return REACT_REDRAW;
}

static unsigned
cases_handle(struct view *v, enum action act, int key)
{
	struct board_view *bv = v->priv;
	unsigned r;

	if (bv->picking) {
		if (key >= '1' && key < '1' + bv->npick)
			return reassign_to(v, bv->pick[key - '1']);
		if (act == ACTION_BACK)
			bv->picking = false;
		return REACT_REDRAW;
	}
	switch (act) {
	case ACTION_BACK:
		bv->agent[0] = '\0';
		return REACT_REDRAW;
	case ACTION_BOARD_MARK:
		if (bv->ncases == 0)
			return REACT_NONE;
		bv->marked[bv->csel] = !bv->marked[bv->csel];
		bv->nmarked += bv->marked[bv->csel] ? 1 : (size_t)-1;
		bv->csel += bv->csel + 1 < bv->ncases;
		return REACT_REDRAW;
	case ACTION_BOARD_REASSIGN:
		if (bv->ncases == 0)
			return REACT_NONE;
		pick_fill(bv);
		if (bv->npick == 0) {
			app_message(v->app, true, "no other agent in %s's team to reassign to",
				    bv->agent);
			return REACT_REDRAW;
		}
		bv->picking = true;
		return REACT_REDRAW;
	default:
		break;
	}
	r = view_list_move(act, bv->ncases, v->rows - 2, &bv->csel, &bv->ctop);
	return r;
}

static unsigned
board_view_handle(struct view *v, enum action act, int key)
{
	struct board_view *bv = v->priv;
	struct err e;

	if (bv->agent[0] != '\0')
		return cases_handle(v, act, key);
	switch (act) {
	case ACTION_BOARD_RELOAD:
		if (compute(v, &e) != 0)
			app_message(v->app, true, "%s", e.msg);
		return REACT_REDRAW;
	case ACTION_BOARD_CASES:
		if (bv->nrows == 0 || bv->rows[bv->sel].kind != ROW_AGENT)
			return REACT_NONE;
		bv->csel = bv->ctop = 0;
		if (cases_load(v, bv->board.agents[bv->rows[bv->sel].index].name, &e) != 0)
			app_message(v->app, true, "%s", e.msg);
		return REACT_REDRAW;
	default:
		return view_list_move(act, bv->nrows, v->rows - 2, &bv->sel, &bv->top);
	}
}

static void
board_view_focus(struct view *v)
{
	struct board_view *bv = v->priv;
	struct err e;

	/* a sync may have moved cases while another screen was on top */
	if (compute(v, &e) != 0 || (bv->agent[0] != '\0' && cases_load(v, bv->agent, &e) != 0))
		app_message(v->app, true, "%s", e.msg);
}

static void
board_view_title(struct view *v, char *buf, size_t len)
{
	const struct board_view *bv = v->priv;
	char date[16];

	if (bv->agent[0] != '\0')
		snprintf(buf, len, " Board: %s's cases  %zu", bv->agent, bv->ncases);
	else
		snprintf(buf, len, " Board at %s  %zu agents, %lld cases",
			 date_format(bv->board.today, date, sizeof date), bv->board.n,
			 (long long)bv->board.total.accounts);
}

const struct view_ops view_board_ops = {
	.name = "board",
	.ctx = KEYCTX_BOARD,
	.private_size = sizeof(struct board_view),
	.open = board_view_open,
	.close = board_view_close,
	.focus = board_view_focus,
	.draw = board_view_draw,
	.handle = board_view_handle,
	.title = board_view_title,
};
