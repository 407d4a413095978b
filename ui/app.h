/* app.h - the workstation's state shared by its views: cache, settings, keymap, theme, the
 * ranked queue and the view stack. */
#ifndef ARREARS_UI_APP_H
#define ARREARS_UI_APP_H

#include <curses.h>
#include <stdbool.h>

#include "keymap.h"
#include "model.h"
#include "queue.h"
#include "theme.h"
#include "view.h"

#define APP_STACK_MAX 8

struct contactability;
struct settings;
struct store;

struct app {
	struct store *store;		/* borrowed */
	const struct settings *cfg;	/* borrowed */
	struct keymap keymap;
	struct theme theme;
	struct queue queue;		/* the whole ranked book; the queue view shows it */
	struct contactability *contact;	/* owned; NULL until after the first paint, or broken */
	bool contact_failed;		/* the policy could not be set up: said once, not retried */
	bool sweeping, sweep_changed;	/* a background evaluation of the queue is under way */
	int64_t swept_ms, ranked_ms;	/* monotonic: when the last sweep ended, last re-rank */
	char last_opened[ACCOUNT_ID_LEN];	/* where `n` continues from */
	struct view *stack[APP_STACK_MAX];
	int depth;
	SCREEN *screen;
	WINDOW *title, *body, *status;
	const struct view_ops *push_ops;	/* a view asked for, opened after the handler */
	char push_arg[ACCOUNT_ID_LEN];
	char message[256];		/* one line for the status bar until the next key */
	bool message_error;
	char zone[64];			/* the agent's own, for every time shown */
	char clock[32];			/* as last painted, to repaint only when it changes */
	bool dirty, quit;
};

/* Asks for ops to be opened over the top view once the current handler returns. */
void app_push(struct app *a, const struct view_ops *ops, const char *arg);

/* Shows a one-line message (or error) in the status bar until the next key. */
void app_message(struct app *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Draws the status bar and writes the agent's clock into a->clock. */
void status_draw(struct app *a);

#endif
