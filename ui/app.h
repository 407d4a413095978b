/* app.h - the workstation's state shared by its views: cache, settings, keymap, theme, the
 * ranked queue and the view stack. */
#ifndef ARREARS_UI_APP_H
#define ARREARS_UI_APP_H

#include <curses.h>
#include <stdbool.h>

#include "casework.h"
#include "keymap.h"
#include "model.h"
#include "queue.h"
#include "sync_job.h"
#include "sync_status.h"
#include "theme.h"
#include "view.h"

#define APP_STACK_MAX 8

#define APP_SCRIPTS_MAX 8

struct contactability;
struct script_session;
struct settings;
struct store;
struct strategy_book;
struct template_set;

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
	struct casework cw;		/* who records casework events; set by app_casework */
	char device[37];		/* cw.device: this cache's evidence chain */
	struct script *scripts[APP_SCRIPTS_MAX];	/* owned: shipped scripts, read once each */
	int nscripts;
	/* the shipped strategy book and templates (owned), read the first time an account is
	 * shown; strategy_problem says why they could not be, and they are not read again */
	struct strategy_book *strategy;
	struct template_set *templates;
	char strategy_problem[160];
	int64_t contact_point;		/* the account view's selected point, for the script view */
	struct casework_call *call;	/* the script view's call under way (borrowed): a promise
					 * recorded in the form joins it */
	struct script_session *parked;	/* owned: a call left open with Esc, resumed by `w` */
	char (*due)[ACCOUNT_ID_LEN];	/* owned: accounts whose promises came due at start-up */
	size_t ndue, due_done;
	bool due_loaded;
	char clock[32];			/* as last painted, to repaint only when it changes */
	struct sync_job *sync;		/* owned: the background sync under way, or NULL */
	struct sync_summary synced;	/* the cache's sync state, read again at every paint */
	bool mono;			/* no colours: charts draw in ASCII */
	bool dirty, quit;
};

/* Asks for ops to be opened over the top view once the current handler returns. */
void app_push(struct app *a, const struct view_ops *ops, const char *arg);

/* Shows a one-line message (or error) in the status bar until the next key. */
void app_message(struct app *a, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The casework identity (device, user, role, promise rules), set up on first use. NULL with e
 * filled when the device id cannot be read or created. */
const struct casework *app_casework(struct app *a, struct err *e);

/* A shipped call script by name, loaded the first time it is asked for. Borrowed; NULL with e
 * filled when it cannot be loaded. */
const struct script *app_script(struct app *a, const char *name, struct err *e);

/* The default strategy book, loaded the first time; NULL when it cannot be, with
 * a->strategy_problem saying why. Borrowed. */
const struct strategy_book *app_strategy(struct app *a);

/* The account changed in the cache (an event was recorded): its queue item is read again and
 * the queue re-sorted, so the case moves; the views are told through their changed op. */
void app_account_changed(struct app *a, const char *id);

/* One step of the start-up evaluation of promises that came due: the candidates in one query
 * the first time, then one account per call. True while work remains. */
bool app_promises_step(struct app *a);

/* Frees what app_casework, app_script and the promise evaluation took, and a parked call. */
void app_work_free(struct app *a);

/* Frees a call session (a parked one too) and clears the pointer; accepts NULL. */
void script_session_free(struct script_session **s);

/* Starts a sync in the background (src/sync_job.c), or says why not: one runs already. */
void app_sync_start(struct app *a);

/* Takes what the background sync reported, without waiting. True when it has ended, with r
 * filled: the cache changed under the app, which reloads, then says so with app_sync_report. */
bool app_sync_poll(struct app *a, struct sync_job_result *r);

/* Says in the status bar how the sync that ended went. */
void app_sync_report(struct app *a, const struct sync_job_result *r);

/* Reads the cache's sync state into a->synced for the status bar (an error goes there too). */
void app_sync_refresh(struct app *a);

/* The background sync's pipe to poll, or -1 when none runs. */
int app_sync_fd(const struct app *a);

/* Draws the status bar and writes the agent's clock into a->clock. */
void status_draw(struct app *a);

#endif
