/* work.c - what the casework views share through the app: who records events, the call
 * scripts, moving a changed case in the queue, and the start-up evaluation of promises. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "contactability.h"
#include "script.h"
#include "settings.h"
#include "strategy.h"

const struct casework *
app_casework(struct app *a, struct err *e)
{
	if (a->cw.store != NULL)
		return &a->cw;
	if (contactability_device_id(a->store, a->device, e) == -1)
		return NULL;
	a->cw = (struct casework){
		.store = a->store,
		.device = a->device,
		.user = a->cfg->user,
		.role = a->cfg->role,
	};
	ptp_rules_from_settings(&a->cw.rules, a->cfg);
	return &a->cw;
}

const struct script *
app_script(struct app *a, const char *name, struct err *e)
{
	struct script *s;

	for (int i = 0; i < a->nscripts; i++)
		if (strcmp(a->scripts[i]->id, name) == 0)
			return a->scripts[i];
	if (a->nscripts == APP_SCRIPTS_MAX) {
		err_set(e, "too many call scripts in use");
		return NULL;
	}
	if (script_open(name, &s, e) != 0)
		return NULL;
	a->scripts[a->nscripts++] = s;
	return s;
}

const struct strategy_book *
app_strategy(struct app *a)
{
	struct problems p = { 0 };
	struct err e;

	if (a->strategy == NULL && a->strategy_problem[0] == '\0') {
		if (strategy_open("default", &a->templates, &a->strategy, &p, &e) != 0)
			snprintf(a->strategy_problem, sizeof a->strategy_problem, "%.*s",
				 (int)sizeof a->strategy_problem - 1, p.n > 0 ? p.msg[0] : e.msg);
		problems_free(&p);
	}
	return a->strategy;
}

/* Tells every view the queue moved, as the contact sweep does. */
static void
queue_moved(struct app *a)
{
	queue_refilter(&a->queue);
	for (int i = 0; i < a->depth; i++)
		if (a->stack[i]->ops->changed != NULL)
			a->stack[i]->ops->changed(a->stack[i]);
	a->dirty = true;
}

void
app_account_changed(struct app *a, const char *id)
{
	struct err e;

	a->queue.now = clock_now();
	if (queue_refresh_item(&a->queue, a->store, id, &e) == -1) {
		app_message(a, true, "%s", e.msg);
		return;
	}
	queue_moved(a);
}

bool
app_promises_step(struct app *a)
{
	const struct casework *cw;
	int64_t now = clock_now();
	struct err e;

	if (!a->due_loaded) {
		a->due_loaded = true;
		if (casework_promises_due(a->store, now, a->cfg->ptp_grace_days, &a->due, &a->ndue,
					  &e) == -1)
			app_message(a, true, "promises not evaluated: %s", e.msg);
		return a->ndue > 0;
	}
	if (a->due_done == a->ndue)
		return false;
	if ((cw = app_casework(a, &e)) == NULL ||
	    casework_promises_evaluate(cw, a->due[a->due_done], now, &e) == -1) {
		app_message(a, true, "promises not evaluated: %s", e.msg);
		a->due_done = a->ndue;
		return false;
	}
	a->queue.now = now;
	if (queue_refresh_item(&a->queue, a->store, a->due[a->due_done], &e) == -1)
		app_message(a, true, "%s", e.msg);
	/* One re-sort when all are done: a sort of the whole book per case would be wasted. */
	if (++a->due_done == a->ndue) {
		queue_moved(a);
		app_message(a, false, "%zu promise%s came due and %s evaluated", a->ndue,
			    a->ndue == 1 ? "" : "s", a->ndue == 1 ? "was" : "were");
	}
	return a->due_done < a->ndue;
}

void
app_work_free(struct app *a)
{
	for (int i = 0; i < a->nscripts; i++)
		script_free(&a->scripts[i]);
	a->nscripts = 0;
	strategy_book_free(&a->strategy);
	template_set_free(&a->templates);
	script_session_free(&a->parked);
	free(a->due);
	a->due = NULL;
	a->ndue = a->due_done = 0;
}
