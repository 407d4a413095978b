#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "event_text.h"
#include "store.h"
#include "text.h"
#include "when.h"

struct timeline_view {
	char id[ACCOUNT_ID_LEN];
	struct event *events;	/* owned, newest first */
	size_t n;
	size_t sel, top;
	int list_rows, detail_rows;
};

static void
timeline_view_resize(struct view *v)
{
	struct timeline_view *tv = v->priv;

	/* The detail pane takes a third of the body, never less than a few lines. */
	tv->detail_rows = v->rows / 3 < 5 ? 5 : v->rows / 3;
	tv->list_rows = v->rows - tv->detail_rows - 1;
	if (tv->list_rows < 1)
		tv->list_rows = 1;
	view_list_follow(tv->n, tv->list_rows, &tv->sel, &tv->top);
}

static int
timeline_view_open(struct view *v, const char *id, struct err *e)
{
	struct timeline_view *tv = v->priv;

	snprintf(tv->id, sizeof tv->id, "%s", id);
	if (store_events_get(v->app->store, id, &tv->events, &tv->n, e) == -1)
		return -1;
	events_group_calls(tv->events, tv->n);
	timeline_view_resize(v);
	return 0;
}

static void
timeline_view_close(struct view *v)
{
	struct timeline_view *tv = v->priv;

	events_free(&tv->events, tv->n);
	tv->n = 0;
}

static void
draw_row(struct view *v, WINDOW *w, int y, size_t i)
{
	const struct timeline_view *tv = v->priv;
	const struct event *ev = &tv->events[i];
	bool user = v->cols >= 70;
	int x = 0, dw;
	char buf[512];

	wattrset(w, theme_attr(&v->app->theme, i == tv->sel ? ROLE_SELECTED : ROLE_ROW));
	text_blank(w, y, 0, v->cols);
	text_put(w, y, x, 16, when_format(v->app->zone, ev->at, buf, sizeof buf), TEXT_LEFT);
	x += 17;
	text_put(w, y, x, 10, ev->kind, TEXT_LEFT);
	x += 11;
	if (user) {
		text_put(w, y, x, 10, ev->user, TEXT_LEFT);
		x += 11;
	}
	dw = v->cols - x;
	text_put(w, y, x, dw, event_describe(ev, buf, sizeof buf), TEXT_LEFT);
}

static void
draw_detail(struct view *v, WINDOW *w, int y0)
{
	const struct timeline_view *tv = v->priv;
	const struct theme *th = &v->app->theme;
	const struct event *ev = &tv->events[tv->sel];
	char head[256], body[4096], *line, *save = NULL;
	int y = y0 + 1, end = y0 + 1 + tv->detail_rows;

	wattrset(w, theme_attr(th, ROLE_HEADER));
	text_blank(w, y0, 0, v->cols);
	text_put(w, y0, 1, v->cols - 1, event_describe(ev, head, sizeof head), TEXT_LEFT);
	wattrset(w, theme_attr(th, ROLE_ROW));
	event_detail(ev, body, sizeof body);
	for (line = strtok_r(body, "\n", &save); line != NULL && y < end;
	     line = strtok_r(NULL, "\n", &save))
		text_put(w, y++, 1, v->cols - 1, line, TEXT_LEFT);
}

static void
timeline_view_draw(struct view *v, WINDOW *w)
{
	const struct timeline_view *tv = v->priv;
	int y;

	if (tv->n == 0) {
		wattrset(w, theme_attr(&v->app->theme, ROLE_ROW_DIM));
		text_put(w, 0, 1, v->cols - 1, "No events recorded for this account.", TEXT_LEFT);
		return;
	}
	for (y = 0; y < tv->list_rows && tv->top + (size_t)y < tv->n; y++)
		draw_row(v, w, y, tv->top + (size_t)y);
	draw_detail(v, w, tv->list_rows);
}

static unsigned
timeline_view_handle(struct view *v, enum action act, int key)
{
	struct timeline_view *tv = v->priv;

	return view_list_move(act, tv->n, tv->list_rows, &tv->sel, &tv->top);
}

static void
timeline_view_title(struct view *v, char *buf, size_t len)
{
	const struct timeline_view *tv = v->priv;

	snprintf(buf, len, " Timeline %s  %zu events", tv->id, tv->n);
}

const struct view_ops view_timeline_ops = {
	.name = "timeline",
	.ctx = KEYCTX_TIMELINE,
	.private_size = sizeof(struct timeline_view),
	.open = timeline_view_open,
	.close = timeline_view_close,
	.resize = timeline_view_resize,
	.draw = timeline_view_draw,
	.handle = timeline_view_handle,
	.title = timeline_view_title,
};
