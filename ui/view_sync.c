/* view_sync.c - the sync view: what the cache owes the server (the outbox and the events
 * recorded since the last sync), what the server rejected, with its reason, and the
 * conflicts the server kept on edited fields. `r` puts a rejected event back in the outbox
 * (src/sync_status.c); `c` and `e` resolve a conflict (src/casework.c); the view only draws. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "casework.h"
#include "clock.h"
#include "conflicts.h"
#include "text.h"
#include "when.h"

/* Enough to work through by hand; the title gives the full counts. */
#define SYNC_VIEW_MAX 1000

struct sync_view {
	struct sync_item *pending, *dead;	/* owned */
	struct conflict_row *conflicts;		/* owned */
	size_t np, nd, nc;
	size_t sel;		/* over the pending items, the dead letters, then the conflicts */
	int top;		/* the first line shown */
	char error[512];	/* the lists could not be read */
};

enum { SECTION_OUTBOX, SECTION_DEAD, SECTION_CONFLICTS, SECTIONS };

/* Lines: the state line, then per section its header, its items (or a "none" line) and a
 * blank line between sections. */
static size_t
section_count(const struct sync_view *sv, int k)
{
	return k == SECTION_OUTBOX ? sv->np : k == SECTION_DEAD ? sv->nd : sv->nc;
}

static int
section_head(const struct sync_view *sv, int k)
{
	int line = 1;

	for (int j = 0; j < k; j++)
		line += (section_count(sv, j) > 0 ? (int)section_count(sv, j) : 1) + 2;
	return line;
}

/* The section of item i and its index there. */
static int
section_of(const struct sync_view *sv, size_t i, size_t *in)
{
	int k = 0;

	while (k < SECTIONS - 1 && i >= section_count(sv, k))
		i -= section_count(sv, k++);
	*in = i;
	return k;
}

static int
line_of(const struct sync_view *sv, size_t i)
{
	size_t in;
	int k = section_of(sv, i, &in);

	return section_head(sv, k) + 1 + (int)in;
}

static int
lines_total(const struct sync_view *sv)
{
	return section_head(sv, SECTIONS) - 1;
}

/* Scrolls so that the selection is on the page, and the headers when there is room. */
static void
follow(struct view *v)
{
	struct sync_view *sv = v->priv;
	size_t n = sv->np + sv->nd + sv->nc;
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
	want = sv->sel == 0 ? 0 : sv->sel == sv->np || sv->sel == sv->np + sv->nd ? y - 1 : y;
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
	free(sv->conflicts);
	sv->pending = sv->dead = NULL;
	sv->conflicts = NULL;
	sv->np = sv->nd = sv->nc = 0;
}

static int
lists_load(struct view *v, struct err *e)
{
	struct sync_view *sv = v->priv;
	struct store *s = v->app->store;

	lists_free(sv);
	if (sync_status_pending(s, SYNC_VIEW_MAX, &sv->pending, &sv->np, e) != 0 ||
	    sync_status_dead(s, SYNC_VIEW_MAX, &sv->dead, &sv->nd, e) != 0 ||
	    conflicts_list(s, NULL, &sv->conflicts, &sv->nc, e) != 0) {
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

/* A conflict: the account, the field, the value it holds and the other one, by whom. */
static void
draw_conflict(struct view *v, WINDOW *w, int y, const struct conflict_row *c)
{
	char buf[400];

	snprintf(buf, sizeof buf, "%-14s %-12s current '%s'  %s wants '%s'", c->account,
		 wire_field_name(c->field), c->current, c->by, c->value);
	text_put(w, y, 1, v->cols - 1, buf, TEXT_LEFT);
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
	if (i >= sv->np + sv->nd) {
		draw_conflict(v, w, y, &sv->conflicts[i - sv->np - sv->nd]);
		return;
	}
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
	static const char *const none[SECTIONS] = { "nothing to push", "no rejected events",
						    "no conflicts" };
	char buf[600], at[40];
	size_t before = 0;

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
		return;
	}
	for (int k = 0; k < SECTIONS; before += section_count(sv, k), k++) {
		int head = section_head(sv, k);
		size_t n = section_count(sv, k);

		if (line == head) {
			wattrset(w, theme_attr(th, ROLE_HEADER));
			if (k == SECTION_OUTBOX)
				snprintf(buf, sizeof buf, "Outbox: %lld events to push",
					 (long long)st->pending);
			else if (k == SECTION_DEAD)
				snprintf(buf, sizeof buf, "Rejected by the server: %lld",
					 (long long)st->dead);
			else
				snprintf(buf, sizeof buf, "Conflicts: %zu (c keeps the current value, "
					 "e takes the edit)", sv->nc);
			text_put(w, y, 1, v->cols - 1, buf, TEXT_LEFT);
		} else if (line == head + 1 && n == 0) {
			wattrset(w, theme_attr(th, ROLE_ROW_DIM));
			text_put(w, y, 3, v->cols - 3, none[k], TEXT_LEFT);
		} else if (line > head && line <= head + (int)n) {
			draw_item(v, w, y, before + (size_t)(line - head - 1));
		}
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

/* Resolves the selected conflict: keep_edit takes the other value, else the current stays. */
static unsigned
resolve(struct view *v, bool keep_edit)
{
	struct sync_view *sv = v->priv;
	const struct casework *cw;
	struct conflict_row c;
	struct err e;

	if (sv->sel < sv->np + sv->nd || sv->nc == 0) {
		app_message(v->app, true, "select a conflict to resolve");
		return REACT_REDRAW;
	}
	c = sv->conflicts[sv->sel - sv->np - sv->nd];
	if ((cw = app_casework(v->app, &e)) == NULL ||
	    casework_conflict_resolve(cw, c.account, c.id, keep_edit, clock_now(), &e) != 0) {
		app_message(v->app, true, "%s", e.msg);
		return REACT_REDRAW;
	}
	if (lists_load(v, &e) != 0)
		snprintf(sv->error, sizeof sv->error, "%s", e.msg);
	app_account_changed(v->app, c.account);
	app_message(v->app, false, "%s of %s: %s '%s'; the next sync pushes it",
		    wire_field_name(c.field), c.account, keep_edit ? "took" : "kept",
		    keep_edit ? c.value : c.current);
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
	if (act == ACTION_CONFLICT_KEEP || act == ACTION_CONFLICT_TAKE)
		return resolve(v, act == ACTION_CONFLICT_TAKE);
	/* Movement is over the items; the page scrolls by lines, which follow() settles. */
	r = view_list_move(act, sv->np + sv->nd + sv->nc, v->rows - 4, &sv->sel, &top);
	if (r == REACT_REDRAW)
		follow(v);
	return r;
}

static void
sync_view_title(struct view *v, char *buf, size_t len)
{
	const struct sync_summary *st = &v->app->synced;

	snprintf(buf, len, " Sync  %lld pending, %lld rejected, %zu conflicts",
		 (long long)st->pending, (long long)st->dead, ((const struct sync_view *)v->priv)->nc);
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
