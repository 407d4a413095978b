#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "clock.h"
#include "contactability.h"
#include "settings.h"
#include "store.h"
#include "text.h"
#include "ui.h"
#include "when.h"

/* The background evaluation of the queue (docs/ARCHITECTURE.md): slices short enough that a
 * key never waits for one, a re-rank at most this often while a sweep runs (a re-rank sorts the
 * whole book), and a fresh sweep this often, since cases open and close with the clock. */
#define SWEEP_SLICE_US 4000
#define SWEEP_RERANK_MS 1000
#define SWEEP_EVERY_MS 60000

/* Signals only set a flag and wake the loop through a pipe: nothing else is safe in a handler,
 * and the loop then restores the terminal the normal way. */
static volatile sig_atomic_t got_signal;
static int signal_pipe[2] = {-1, -1};

static void
on_signal(int sig)
{
	int saved = errno;

	got_signal = sig;
	if (signal_pipe[1] != -1 && write(signal_pipe[1], "", 1) == -1) {
		/* A full pipe already holds a wake-up. */
	}
	errno = saved;
}

static int
signals_install(struct err *e)
{
	struct sigaction sa = {.sa_handler = on_signal};
	int i;

	if (pipe(signal_pipe) == -1)
		return err_set(e, "pipe: %s", strerror(errno));
	for (i = 0; i < 2; i++) {
		fcntl(signal_pipe[i], F_SETFL, fcntl(signal_pipe[i], F_GETFL) | O_NONBLOCK);
		fcntl(signal_pipe[i], F_SETFD, FD_CLOEXEC);
	}
	sigemptyset(&sa.sa_mask);
	/* Installed before initscr, so curses keeps ours instead of its own exit handlers. */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return 0;
}

static void
signals_remove(void)
{
	struct sigaction sa = {.sa_handler = SIG_DFL};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
	signal_pipe[0] = signal_pipe[1] = -1;
}

int
ui_check_settings(const struct settings *cfg, struct err *e)
{
	struct keymap km;
	struct theme th;

	if (keymap_init(&km, cfg, e) == -1)
		return -1;
	return theme_load(&th, cfg->theme[0] != '\0' ? cfg->theme : "default", e);
}

void
app_push(struct app *a, const struct view_ops *ops, const char *arg)
{
	a->push_ops = ops;
	snprintf(a->push_arg, sizeof a->push_arg, "%s", arg != NULL ? arg : "");
}

void
app_message(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->message, sizeof a->message, fmt, ap);
	va_end(ap);
	a->message_error = error;
	a->dirty = true;
}

static struct view *
top(struct app *a)
{
	return a->stack[a->depth - 1];
}

static void
view_size(struct app *a, struct view *v)
{
	getmaxyx(a->body, v->rows, v->cols);
}

static int
view_push(struct app *a, const struct view_ops *ops, const char *arg, struct err *e)
{
	struct view *v;

	if (a->depth == APP_STACK_MAX)
		return err_set(e, "too many screens open");
	v = calloc(1, sizeof *v);
	if (v == NULL || (v->priv = calloc(1, ops->private_size ? ops->private_size : 1)) == NULL)
		abort();
	v->ops = ops;
	v->app = a;
	view_size(a, v);
	if (ops->open != NULL && ops->open(v, arg, e) == -1) {
		free(v->priv);
		free(v);
		return -1;
	}
	a->stack[a->depth++] = v;
	a->dirty = true;
	return 0;
}

static void
view_pop(struct app *a)
{
	struct view *v = a->stack[--a->depth];

	if (v->ops->close != NULL)
		v->ops->close(v);
	free(v->priv);
	free(v);
	if (a->depth > 0 && top(a)->ops->focus != NULL)
		top(a)->ops->focus(top(a));
	a->dirty = true;
}

/* (Re)creates the title, body and status windows for the terminal's size. */
static void
layout(struct app *a)
{
	int rows = LINES < 3 ? 3 : LINES, i;

	if (a->title != NULL) {
		delwin(a->title);
		delwin(a->body);
		delwin(a->status);
	}
	a->title = newwin(1, COLS, 0, 0);
	a->body = newwin(rows - 2, COLS, 1, 0);
	a->status = newwin(1, COLS, rows - 1, 0);
	if (a->title == NULL || a->body == NULL || a->status == NULL)
		abort();
	keypad(a->body, TRUE);
	nodelay(a->body, TRUE);
	for (i = 0; i < a->depth; i++) {
		view_size(a, a->stack[i]);
		if (a->stack[i]->ops->resize != NULL)
			a->stack[i]->ops->resize(a->stack[i]);
	}
	a->dirty = true;
}

/* Appends the hint of act ("s sort") to hints when it still fits in room columns. */
static void
hint_add(struct app *a, enum action act, char *hints, size_t len, int room)
{
	char keys[32], one[64], *sp;
	size_t used = strlen(hints);

	keymap_keys_of(&a->keymap, act, keys, sizeof keys);
	if (keys[0] == '\0')
		return;
	if ((sp = strchr(keys, ' ')) != NULL)
		*sp = '\0';
	snprintf(one, sizeof one, "%s%s %s", used > 0 ? "  " : "", keys, action_hint(act));
	if (text_width(hints) + text_width(one) <= room && used + strlen(one) < len)
		strcat(hints, one);
}

/* The title bar: the top view's title on the left, then as many key hints as fit, its own
 * context's first. Hints come from the action table and the live keymap, so a rebinding shows
 * up here too. */
static void
title_draw(struct app *a)
{
	struct view *v = top(a);
	char title[256], hints[512] = "";
	int act, pass, cols = getmaxx(a->title), room;

	v->ops->title(v, title, sizeof title);
	room = cols - text_width(title) - 4;
	/* While the view takes every key as text, no binding applies: no hints. */
	for (pass = v->text_input ? 2 : 0; pass < 2; pass++) {
		for (act = ACTION_NONE + 1; act < ACTION_COUNT; act++) {
			enum keyctx c = action_context(act);

			if (action_hint(act)[0] != '\0' &&
			    c == (pass == 0 ? v->ops->ctx : KEYCTX_GLOBAL))
				hint_add(a, act, hints, sizeof hints, room);
		}
	}
	wattrset(a->title, theme_attr(&a->theme, ROLE_TITLE));
	text_put(a->title, 0, 0, cols - text_width(hints) - 1, title, TEXT_LEFT);
	text_put(a->title, 0, cols - text_width(hints) - 1, text_width(hints) + 1, hints,
		 TEXT_LEFT);
	wnoutrefresh(a->title);
}

static void
paint(struct app *a)
{
	struct view *v = top(a);

	title_draw(a);
	app_sync_refresh(a);
	wattrset(a->body, theme_attr(&a->theme, ROLE_ROW));
	werase(a->body);
	v->ops->draw(v, a->body);
	wnoutrefresh(a->body);
	status_draw(a);
	wnoutrefresh(a->status);
	doupdate();
	a->dirty = false;
}

/* Opens the case after the last one opened, in the queue's current order (the top case when
 * none was opened or it is no longer visible), over the queue. */
static void
next_case(struct app *a)
{
	const struct queue *q = &a->queue;
	size_t i, next = 0;

	if (q->nvisible == 0) {
		app_message(a, true, "the queue is empty");
		return;
	}
	for (i = 0; i < q->nvisible; i++) {
		if (strcmp(q->items[q->order[i]].id, a->last_opened) == 0) {
			next = i + 1;
			break;
		}
	}
	if (next == q->nvisible) {
		app_message(a, false, "that was the last case in the queue");
		return;
	}
	while (a->depth > 1)
		view_pop(a);
	app_push(a, &view_account_ops, q->items[q->order[next]].id);
}

static void
global_handle(struct app *a, enum action act)
{
	switch (act) {
	case ACTION_QUIT:
		a->quit = true;
		break;
	case ACTION_BACK:
		if (a->depth == 1)
			a->quit = true;
		else
			view_pop(a);
		break;
	case ACTION_HELP:
		if (top(a)->ops == &view_help_ops)
			view_pop(a);
		else
			app_push(a, &view_help_ops, NULL);
		break;
	case ACTION_NEXT_CASE:
		next_case(a);
		break;
	case ACTION_REDRAW:
		clearok(curscr, TRUE);
		a->dirty = true;
		break;
	case ACTION_SYNC:
		app_sync_start(a);
		break;
	case ACTION_SYNC_VIEW:
		if (top(a)->ops == &view_sync_ops)
			view_pop(a);
		else
			app_push(a, &view_sync_ops, NULL);
		break;
	case ACTION_BOARD:
		/* the queue passes it on: the board is the lead's, and comes from the queue */
		app_push(a, &view_board_ops, NULL);
		break;
	case ACTION_QA:
		/* the queue passes it on too: call review is the QA reviewer's */
		app_push(a, &view_qa_ops, NULL);
		break;
	default:
		break;
	}
}

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sweep_start(struct app *a)
{
	if (a->contact == NULL)
		return;
	contactability_sweep_start(a->contact, &a->queue);
	a->sweeping = true;
}

/* Sets up the policy after the first paint, so start-up never waits for it. */
static void
contact_setup(struct app *a)
{
	struct err e;

	if ((a->contact = contactability_new(a->store, a->cfg, &e)) == NULL) {
		a->contact_failed = true;
		app_message(a, true, "contact policy unavailable: %s", e.msg);
		return;
	}
	sweep_start(a);
}

/* One slice of the sweep; re-ranks when cases moved, the first time at once (so the top of the
 * queue settles quickly), then at most every SWEEP_RERANK_MS, and when the sweep ends. */
static void
sweep_slice(struct app *a)
{
	struct err e;
	bool changed;
	int rc, i;

	if (!a->sweeping) {
		if (a->contact == NULL || mono_ms() - a->swept_ms < SWEEP_EVERY_MS)
			return;
		sweep_start(a);
	}
	rc = contactability_sweep_step(a->contact, &a->queue, clock_now(), SWEEP_SLICE_US,
				       &changed, &e);
	if (rc == -1)
		app_message(a, true, "%s", e.msg);
	a->sweep_changed |= changed;
	if (rc == 0) {
		a->sweeping = false;
		a->swept_ms = mono_ms();
	}
	if (a->sweep_changed &&
	    (rc == 0 || a->ranked_ms == 0 || mono_ms() - a->ranked_ms >= SWEEP_RERANK_MS)) {
		queue_refilter(&a->queue);
		for (i = 0; i < a->depth; i++)
			if (a->stack[i]->ops->changed != NULL)
				a->stack[i]->ops->changed(a->stack[i]);
		a->sweep_changed = false;
		a->ranked_ms = mono_ms();
		a->dirty = true;
	}
}

static void
reload(struct app *a)
{
	struct err e;
	int i;

	if (queue_load(&a->queue, a->store, clock_now(), &e) == -1) {
		app_message(a, true, "%s", e.msg);
		return;
	}
	for (i = 0; i < a->depth; i++)
		if (a->stack[i]->ops->focus != NULL)
			a->stack[i]->ops->focus(a->stack[i]);
	app_message(a, false, "%zu accounts ranked", a->queue.n);
	a->ranked_ms = 0;
	sweep_start(a);
}

/* Turns the spellings of one key into one: Enter arrives as \n, \r or KEY_ENTER, Backspace
 * as KEY_BACKSPACE, DEL or C-h depending on the terminal. */
static int
key_normalize(int rc, wint_t wch)
{
	if (rc == KEY_CODE_YES) {
		if (wch == KEY_ENTER)
			return '\n';
		return KEYMAP_FUNC | (int)wch;
	}
	if (wch == '\r')
		return '\n';
	if (wch == 127 || wch == 8)
		return KEYMAP_FUNC | KEY_BACKSPACE;
	return (int)wch;
}

static void
dispatch(struct app *a, int key)
{
	struct view *v = top(a);
	struct err e;
	enum action act = ACTION_NONE;
	unsigned r;

	if (a->message[0] != '\0') {
		a->message[0] = '\0';
		a->dirty = true;
	}
	if (!v->text_input)
		act = keymap_lookup(&a->keymap, v->ops->ctx, key);
	r = v->ops->handle(v, act, key);
	if (r & REACT_CLOSE)
		view_pop(a);
	if (r & REACT_UNHANDLED)
		global_handle(a, act);
	if (r & REACT_RELOAD)
		reload(a);
	if (r & REACT_REDRAW)
		a->dirty = true;
	if (a->push_ops != NULL) {
		const struct view_ops *ops = a->push_ops;

		a->push_ops = NULL;
		if (view_push(a, ops, a->push_arg[0] != '\0' ? a->push_arg : NULL, &e) == -1)
			app_message(a, true, "%s", e.msg);
	}
}

/* Milliseconds until the next whole second, so the clock turns over on time. */
static int
tick_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return 1000 - (int)(ts.tv_nsec / 1000000);
}

static void
loop(struct app *a)
{
	const char *bench = getenv("ARREARS_BENCH_EXIT_AFTER_PAINT");
	struct pollfd fds[3] = {
		{.fd = STDIN_FILENO, .events = POLLIN},
		{.fd = signal_pipe[0], .events = POLLIN},
		{.fd = -1, .events = POLLIN},	/* a background sync's reports, when one runs */
	};
	struct sync_job_result synced;
	char drain[16], clock_was[sizeof a->clock];
	wint_t wch;
	bool busy;
	int rc;

	while (!a->quit && got_signal == 0) {
		if (a->dirty)
			paint(a);
		if (bench != NULL && bench[0] == '1')
			break;
		if (a->contact == NULL && !a->contact_failed)
			contact_setup(a);
		/* Promises that came due since the last run, one account per pass after the
		 * first paint, so start-up never waits for them and a key waits for one at most. */
		busy = app_promises_step(a);
		/* While a sweep runs, only look for keys between its slices. */
		fds[2].fd = app_sync_fd(a);
		fds[2].revents = 0;
		poll(fds, 3, a->sweeping || busy ? 0 : tick_ms());
		if (fds[1].revents & POLLIN)
			while (read(signal_pipe[0], drain, sizeof drain) > 0)
				continue;
		if (fds[2].revents != 0 && app_sync_poll(a, &synced)) {
			reload(a);
			app_sync_report(a, &synced);
		}
		/* Drain every key curses has, then paint once: a burst of keys (a paste, a
		 * held arrow) costs one repaint. */
		while (!a->quit && got_signal == 0 && (rc = wget_wch(a->body, &wch)) != ERR) {
			if (rc == KEY_CODE_YES && wch == KEY_RESIZE) {
				layout(a);
				continue;
			}
			dispatch(a, key_normalize(rc, wch));
		}
		sweep_slice(a);
		if (!a->dirty) {
			memcpy(clock_was, a->clock, sizeof clock_was);
			status_draw(a);
			if (strcmp(clock_was, a->clock) != 0) {
				wnoutrefresh(a->status);
				doupdate();
			}
		}
	}
}

static int
app_start(struct app *a, struct store *s, const struct settings *cfg, struct err *e)
{
	const char *name = cfg->theme[0] != '\0' ? cfg->theme : "default";

	a->store = s;
	a->cfg = cfg;
	when_agent_zone(cfg, a->zone, sizeof a->zone);
	if (keymap_init(&a->keymap, cfg, e) == -1 || theme_load(&a->theme, name, e) == -1)
		return -1;
	queue_init(&a->queue);
	snprintf(a->queue.zone, sizeof a->queue.zone, "%s", a->zone);
	a->queue.weights = cfg->weights;
	a->queue.bands = cfg->bands;
	if (queue_load(&a->queue, s, clock_now(), e) == -1)
		return -1;
	if (signals_install(e) == -1)
		return -1;
	/* newterm, unlike initscr, returns an error instead of exiting on an unknown TERM. */
	a->screen = newterm(NULL, stdout, stdin);
	if (a->screen == NULL)
		return err_set(e, "cannot use terminal type '%s'",
			       getenv("TERM") != NULL ? getenv("TERM") : "(unset)");
	cbreak();
	noecho();
	nonl();
	curs_set(0);
	set_escdelay(25);
	a->mono = theme_no_color() || !has_colors();
	/* Without colour the mono theme's attributes carry every role; the built-in ones
	 * stand in when no mono theme file is installed. */
	if (a->mono && theme_load(&a->theme, "mono", e) == -1)
		theme_builtin(&a->theme);
	theme_apply(&a->theme, a->mono);
	layout(a);
	return view_push(a, &view_queue_ops, NULL, e);
}

int
ui_run(struct store *s, const struct settings *cfg, struct err *e)
{
	struct app *a = calloc(1, sizeof *a);
	int rc;

	if (a == NULL)
		abort();
	setlocale(LC_ALL, "");
	rc = app_start(a, s, cfg, e);
	if (rc == 0)
		loop(a);
	while (a->depth > 0)
		view_pop(a);
	if (a->title != NULL) {
		delwin(a->title);
		delwin(a->body);
		delwin(a->status);
	}
	if (a->screen != NULL) {
		endwin();
		delscreen(a->screen);
	}
	if (signal_pipe[0] != -1)
		signals_remove();
	contactability_free(&a->contact);
	sync_job_free(&a->sync);
	app_work_free(a);
	queue_free(&a->queue);
	free(a);
	return rc;
}
