/* view_sync.c - the sync view: what the cache owes the server (the outbox and the events
 * recorded since the last sync) and what the server rejected, with its reason. `r` puts a
 * rejected event back in the outbox (src/sync_status.c); the view itself only draws. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "text.h"
#include "when.h"

/* Enough to work through by hand; the title gives the full counts. */
#define SYNC_VIEW_MAX 1000

struct sync_view {
	struct sync_item *pending, *dead;	/* owned */
	size_t np, nd;
	size_t sel;		/* over the pending items, then the dead letters */
	int top;		/* the first line shown */
	char error[512];	/* the lists could not be read */
};

/* Lines: the state line, the outbox header, its items (or a "none" line), a blank, the dead
 * letters header, its items (or a "none" line). */
static int
outbox_lines(const struct sync_view *sv)
{
	return sv->np > 0 ? (int)sv->np : 1;
}

static int
line_of(const struct sync_view *sv, size_t i)
{
	if (i < sv->np)
		return 2 + (int)i;
	return 2 + outbox_lines(sv) + 2 + (int)(i - sv->np);
}

static int
lines_total(const struct sync_view *sv)
{
	return 2 + outbox_lines(sv) + 2 + (sv->nd > 0 ? (int)sv->nd : 1);
}

/* Scrolls so that the selection is on the page, and the headers when there is room. */
static void
follow(struct view *v)
{
	struct sync_view *sv = v->priv;
	size_t n = sv->np + sv->nd;
	int y, want;

	if (n == 0) {
		sv->sel = 0;
		sv->top = 0;
		return;
	}
	if (sv->sel >= n)
		sv->sel = n - 1;
	y = line_of(sv, sv->sel);
	/* The first item of a section brings its header along, the first of all the top. */
	want = sv->sel == 0 ? 0 : sv->sel == sv->np ? y - 1 : y;
	if (want < sv->top)
		sv->top = want;
	if (y >= sv->top + v->rows)
		sv->top = y - v->rows + 1;
	if (sv->top + v->rows > lines_total(sv))
		sv->top = lines_total(sv) > v->rows ? lines_total(sv) - v->rows : 0;
}

static void
lists_free(struct sync_view *sv)
{
	free(sv->pending);
	free(sv->dead);
	sv->pending = sv->dead = NULL;
	sv->np = sv->nd = 0;
}

static int
lists_load(struct view *v, struct err *e)
{
	struct sync_view *sv = v->priv;
	struct store *s = v->app->store;

	lists_free(sv);
	if (sync_status_pending(s, SYNC_VIEW_MAX, &sv->pending, &sv->np, e) != 0 ||
	    sync_status_dead(s, SYNC_VIEW_MAX, &sv->dead, &sv->nd, e) != 0) {
		lists_free(sv);
		return -1;
	}
	app_sync_refresh(v->app);
	follow(v);
	return 0;
}

static int
sync_view_open(struct view *v, const char *arg, struct err *e)
{
	(void)arg;
	return lists_load(v, e);
}

static void
sync_view_close(struct view *v)
{
	lists_free(v->priv);
}

/* On top again, or the cache changed under the app (a sync ended): read the lists again. */
static void
sync_view_focus(struct view *v)
{
	struct sync_view *sv = v->priv;
	struct err e;

	sv->error[0] = '\0';
	if (lists_load(v, &e) != 0)
		snprintf(sv->error, sizeof sv->error, "%s", e.msg);
}

static void
sync_view_resize(struct view *v)
{
	follow(v);
}

static void
draw_item(struct view *v, WINDOW *w, int y, size_t i)
{
	const struct sync_view *sv = v->priv;
	const struct sync_item *it = i < sv->np ? &sv->pending[i] : &sv->dead[i - sv->np];
	char at[40], tail[320];
	int x = 1;

	wattrset(w, theme_attr(&v->app->theme, i == sv->sel ? ROLE_SELECTED : ROLE_ROW));
	text_blank(w, y, 0, v->cols);
	text_put(w, y, x, 16, when_format(v->app->zone, it->at, at, sizeof at), TEXT_LEFT);
	x += 17;
	text_put(w, y, x, 14, it->account, TEXT_LEFT);
	x += 15;
	text_put(w, y, x, 16, it->kind, TEXT_LEFT);
	x += 17;
	if (i >= sv->np)
		snprintf(tail, sizeof tail, "%s", it->reason);
	else if (it->attempts > 0)
		snprintf(tail, sizeof tail, "%d failed: %s", it->attempts, it->reason);
	else
		tail[0] = '\0';
	if (x < v->cols)
		text_put(w, y, x, v->cols - x, tail, TEXT_LEFT);
}

static void
draw_line(struct view *v, WINDOW *w, int y, int line)
{
	const struct sync_view *sv = v->priv;
	const struct sync_summary *st = &v->app->synced;
	const struct theme *th = &v->app->theme;
	int dead_head = 2 + outbox_lines(sv) + 1;
	char buf[600], at[40];

	if (line == 0) {
		wattrset(w, theme_attr(th, sv->error[0] != '\0' || st->problem[0] != '\0'
					       ? ROLE_ERROR : ROLE_LABEL));
		if (sv->error[0] != '\0')
			snprintf(buf, sizeof buf, "%s", sv->error);
		else if (st->problem[0] != '\0')
			snprintf(buf, sizeof buf, "Last attempt failed: %s", st->problem);
		else
			snprintf(buf, sizeof buf, "Last sync: %s",
				 st->last_sync != 0 ? when_format(v->app->zone, st->last_sync, at,
								  sizeof at)
						    : "never");
		text_put(w, y, 1, v->cols - 1, buf, TEXT_LEFT);
	} else if (line == 1 || line == dead_head) {
		wattrset(w, theme_attr(th, ROLE_HEADER));
		if (line == 1)
			snprintf(buf, sizeof buf, "Outbox: %lld events to push",
				 (long long)st->pending);
		else
			snprintf(buf, sizeof buf, "Rejected by the server: %lld",
				 (long long)st->dead);
		text_put(w, y, 1, v->cols - 1, buf, TEXT_LEFT);
	} else if (line == 2 && sv->np == 0) {
		wattrset(w, theme_attr(th, ROLE_ROW_DIM));
		text_put(w, y, 3, v->cols - 3, "nothing to push", TEXT_LEFT);
	} else if (line == dead_head + 1 && sv->nd == 0) {
		wattrset(w, theme_attr(th, ROLE_ROW_DIM));
		text_put(w, y, 3, v->cols - 3, "no rejected events", TEXT_LEFT);
	} else if (line >= 2 && line < 2 + (int)sv->np) {
		draw_item(v, w, y, (size_t)(line - 2));
	} else if (line > dead_head && line <= dead_head + (int)sv->nd) {
		draw_item(v, w, y, sv->np + (size_t)(line - dead_head - 1));
	}
}

static void
sync_view_draw(struct view *v, WINDOW *w)
{
	const struct sync_view *sv = v->priv;
	int y;

	for (y = 0; y < v->rows && sv->top + y < lines_total(sv); y++)
		draw_line(v, w, y, sv->top + y);
}

static unsigned
retry(struct view *v)
{
	struct sync_view *sv = v->priv;
	char id[sizeof sv->dead[0].event_id];
	struct err e;

	if (sv->sel < sv->np || sv->nd == 0) {
		app_message(v->app, true, "only an event the server rejected can be retried");
		return REACT_REDRAW;
	}
	snprintf(id, sizeof id, "%s", sv->dead[sv->sel - sv->np].event_id);
	if (sync_status_retry(v->app->store, id, &e) != 0) {
		app_message(v->app, true, "%s", e.msg);
		return REACT_REDRAW;
	}
	if (lists_load(v, &e) != 0)
		snprintf(sv->error, sizeof sv->error, "%s", e.msg);
	app_message(v->app, false, "back in the outbox: pushed again at the next sync");
	return REACT_REDRAW;
}

static unsigned
sync_view_handle(struct view *v, enum action act, int key)
{
	struct sync_view *sv = v->priv;
	size_t top = 0;
	unsigned r;

	(void)key;
	if (act == ACTION_RETRY)
		return retry(v);
	/* Movement is over the items; the page scrolls by lines, which follow() settles. */
	r = view_list_move(act, sv->np + sv->nd, v->rows - 4, &sv->sel, &top);
	if (r == REACT_REDRAW)
		follow(v);
	return r;
}

static void
sync_view_title(struct view *v, char *buf, size_t len)
{
	const struct sync_summary *st = &v->app->synced;

	snprintf(buf, len, " Sync  %lld pending, %lld rejected", (long long)st->pending,
		 (long long)st->dead);
}

const struct view_ops view_sync_ops = {
	.name = "sync",
	.ctx = KEYCTX_SYNC,
	.private_size = sizeof(struct sync_view),
	.open = sync_view_open,
	.close = sync_view_close,
	.focus = sync_view_focus,
	.resize = sync_view_resize,
	.draw = sync_view_draw,
	.handle = sync_view_handle,
	.title = sync_view_title,
};
