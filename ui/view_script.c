/* view_script.c - one call through a call script: the prompt, the answers (locked ones with
 * the reason), the checkpoints with their times, and the outcome that ends the call. The runner
 * and casework decide; this view draws them and turns keys into casework calls, each of which
 * is committed before the screen shows it done. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "contactability.h"
#include "input.h"
#include "script.h"
#include "settings.h"
#include "store.h"
#include "text.h"
#include "tz.h"
#include "when.h"

/* A call with what it borrows; it outlives the view when the agent leaves the call open. */
struct script_session {
	struct account acct;
	struct script_var_store store;
	struct script_vars vars;
	const struct script *script;	/* borrowed from the app's scripts */
	struct contact_point point;
	struct casework_call *call;	/* owned; NULL until the call starts */
};

enum mode {
	MODE_READY,	/* the script and the point are chosen; the call has not started */
	MODE_CALL,
	MODE_WAIVE,	/* typing why a checkpoint was not done */
	MODE_OUTCOME,	/* the outcome menu */
	MODE_CALLBACK,	/* typing the time of the callback outcome */
	MODE_LEAVE,	/* Esc during a call: leave it open? */
	MODE_ENDED
};

struct script_view {
	struct script_session *s;	/* owned */
	enum mode mode;
	char verdict[400];	/* what the policy says of a call on the point now (ready) */
	bool allowed;
	int waive;		/* the checkpoint being waived */
	int outcome;		/* the menu's selection */
	char input[256];
	char notice[400];
	enum role notice_role;
	enum call_outcome ended;
};

/* The outcome menu, in the order agents meet them; the letter picks one. */
static const struct {
	enum call_outcome outcome;
	const char *label;
} outcomes[OUTCOME_COUNT] = {
	{OUTCOME_NO_ANSWER, "no answer"},
	{OUTCOME_BUSY, "busy"},
	{OUTCOME_VOICEMAIL, "voicemail: limited-content message left"},
	{OUTCOME_WRONG_NUMBER, "wrong number"},
	{OUTCOME_THIRD_PARTY, "third party answered"},
	{OUTCOME_RPC, "right-party contact, no promise"},
	{OUTCOME_REFUSED, "refused to pay"},
	{OUTCOME_DISPUTE, "dispute"},
	{OUTCOME_CEASE_REQUEST, "cease request"},
	{OUTCOME_CALLBACK, "callback requested (a time)"},
	{OUTCOME_PTP, "promise to pay"},
};

void
script_session_free(struct script_session **s)
{
	if (s == NULL || *s == NULL)
		return;
	casework_call_free(&(*s)->call);
	free(*s);
	*s = NULL;
}

static void
notice(struct script_view *sv, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
notice(struct script_view *sv, enum role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sv->notice, sizeof sv->notice, fmt, ap);
	va_end(ap);
	sv->notice_role = role;
}

/* The agent's own date, for the days past due the prompts say. */
static int32_t
agent_today(const struct app *a, int64_t now)
{
	struct local_time lt;

	return tz_local(a->zone[0] != '\0' ? a->zone : "UTC", now, &lt) == 0 ? lt.date
									      : date_of_time(now);
}

/* Chooses the script by name and fills its placeholders from the account. */
static int
session_script(struct view *v, const char *name, struct err *e)
{
	struct script_view *sv = v->priv;
	struct script_session *s = sv->s;
	const struct script *sc = app_script(v->app, name, e);

	if (sc == NULL)
		return -1;
	s->script = sc;
	script_vars_from_account(&s->vars, &s->store, &s->acct, v->app->cfg->user,
				 v->app->cfg->creditor, agent_today(v->app, clock_now()));
	return 0;
}

/* What the policy says of a call on the point now, as the account view shows it. */
static void
ask_policy(struct view *v)
{
	struct script_view *sv = v->priv;
	struct account_contact ac;
	char when[32], why[300] = "";
	struct err e;
	int64_t now = clock_now();
	size_t used = 0;

	sv->allowed = false;
	if (v->app->contact == NULL) {
		snprintf(sv->verdict, sizeof sv->verdict, "the contact policy is not available yet");
		return;
	}
	if (contactability_account(v->app->contact, sv->s->acct.id, now, true, &ac, &e) != 0) {
		snprintf(sv->verdict, sizeof sv->verdict, "contact points unavailable: %.300s", e.msg);
		return;
	}
	snprintf(sv->verdict, sizeof sv->verdict, "a %s takes no calls",
		 contact_kind_name(sv->s->point.kind));
	for (int i = 0; i < ac.npoints; i++) {
		for (int k = 0; k < ac.points[i].nverdicts; k++) {
			const struct policy_decision *d = &ac.points[i].verdicts[k].d;

			if (ac.points[i].point.id != sv->s->point.id ||
			    ac.points[i].verdicts[k].channel != POLICY_CALL)
				continue;
			for (int r = 0; r < POLICY_REASON_COUNT && used < sizeof why; r++)
				if (d->reasons & POLICY_BIT(r))
					used += (size_t)snprintf(why + used, sizeof why - used, "%s%s",
								 used ? ", " : "",
								 contactability_reason_text(r));
			sv->allowed = d->allowed;
			if (d->allowed)
				snprintf(sv->verdict, sizeof sv->verdict, "call allowed now");
			else if (d->next_allowed_at != POLICY_NONE)
				snprintf(sv->verdict, sizeof sv->verdict, "call not allowed now: %.300s; next %.32s",
					 why, when_near(v->app->zone, now, d->next_allowed_at, when,
							sizeof when));
			else
				snprintf(sv->verdict, sizeof sv->verdict, "call blocked: %.300s", why);
		}
	}
}

static int
script_view_open(struct view *v, const char *id, struct err *e)
{
	struct script_view *sv = v->priv;
	struct app *a = v->app;
	struct contact_point *points;
	size_t n;
	int rc;

	if (a->parked != NULL) {
		if (strcmp(a->parked->acct.id, id) != 0)
			return err_set(e, "the call on %s is still open: finish it first (w there)",
				       a->parked->acct.id);
		sv->s = a->parked;
		a->parked = NULL;
		a->call = sv->s->call;
		sv->mode = MODE_CALL;
		notice(sv, ROLE_POLICY_WARN, "Back in the open call: end it with o");
		return 0;
	}
	if ((sv->s = calloc(1, sizeof *sv->s)) == NULL)
		abort();
	if ((rc = store_account_get(a->store, id, &sv->s->acct, e)) != 0 ||
	    (rc = store_contacts_get(a->store, id, &points, &n, e)) != 0) {
		script_session_free(&sv->s);
		return rc == 1 ? err_set(e, "account %s is no longer in the cache", id) : -1;
	}
	for (size_t i = 0; i < n; i++)
		if (points[i].id == a->contact_point)
			sv->s->point = points[i];
	free(points);
	if (sv->s->point.id == 0) {
		script_session_free(&sv->s);
		return err_set(e, "select a contact point to call first");
	}
	rc = session_script(v, script_for_account(sv->s->acct.profile,
						  account_dpd(sv->s->acct.due_date,
							      agent_today(a, clock_now()))),
			    e);
	if (rc != 0) {
		script_session_free(&sv->s);
		return -1;
	}
	ask_policy(v);
	return 0;
}

/* Leaving with an open call parks it in the app (the casework API has no abandoned call: an
 * open call is ended with an outcome, later); anything else is freed. */
static void
script_view_close(struct view *v)
{
	struct script_view *sv = v->priv;
	struct app *a = v->app;

	a->call = NULL;
	if (sv->s != NULL && sv->s->call != NULL && !casework_call_closed(sv->s->call) &&
	    a->parked == NULL) {
		a->parked = sv->s;
		sv->s = NULL;
		app_message(a, true, "The call on %s is still open, with no outcome recorded: w on "
			    "the account resumes it", a->parked->acct.id);
	}
	script_session_free(&sv->s);
}

static void
script_view_focus(struct view *v)
{
	struct script_view *sv = v->priv;

	if (sv->mode == MODE_READY)
		ask_policy(v);
}

/* A line of text at row y (when on the body) in role; returns the next row. */
static int
put(struct view *v, WINDOW *w, int y, int x, enum role role, const char *s)
{
	if (y >= 0 && y < v->rows - 1) {
		wattrset(w, theme_attr(&v->app->theme, role));
		text_put(w, y, x, v->cols - x, s, TEXT_LEFT);
	}
	return y + 1;
}

static int
draw_checkpoints(struct view *v, WINDOW *w, int y, const struct script_runner *r)
{
	const struct script *sc = script_runner_script(r);
	const struct script_step *st = script_runner_step(r);
	char line[400], when[32];

	y = put(v, w, y, 1, ROLE_HEADER, "Checkpoints");
	for (size_t c = 0; c < sc->ncheckpoints; c++) {
		const struct script_checkpoint *cp = &sc->checkpoints[c];
		int64_t at = script_runner_ticked_at(r, c);
		const char *waiver = script_runner_waiver(r, c);
		bool current = st != NULL && st->checkpoint == (int)c;

		snprintf(line, sizeof line, "%s [%s] %5s  %s  (%s%s)%s%s", current ? ">" : " ",
			 at != 0 ? "x" : waiver[0] != '\0' ? "-" : " ",
			 at != 0 ? when_clock(v->app->zone, at, when, sizeof when) + 4 : "",
			 cp->label, cp->type == CHECKPOINT_GATE ? "gate" : "mandatory",
			 cp->verifies ? ", verifies the right party" : "",
			 waiver[0] != '\0' ? "  waived: " : "", waiver);
		y = put(v, w, y, 1,
			at != 0 ? ROLE_POLICY_OK : waiver[0] != '\0' ? ROLE_POLICY_WARN
				 : current ? ROLE_LABEL : ROLE_ROW,
			line);
	}
	return y;
}

static int
draw_answers(struct view *v, WINDOW *w, int y, const struct script_runner *r)
{
	const struct script_step *st = script_runner_step(r);
	const struct script *sc = script_runner_script(r);
	char text[300], why[256], line[600];
	size_t n = script_runner_answer_count(r);

	y = put(v, w, y, 1, ROLE_HEADER, "Answers");
	for (size_t i = 0; i < n && i < 9; i++) {
		const struct script_answer *an = &st->answers[i];
		bool locked = script_runner_answer_locked(r, i, why, sizeof why);

		script_runner_answer_text(r, i, text, sizeof text);
		if (locked)
			snprintf(line, sizeof line, "%zu  %s  (locked: %s)", i + 1, text, why);
		else if (an->next >= 0)
			snprintf(line, sizeof line, "%zu  %s  -> %s", i + 1, text, sc->steps[an->next].id);
		else
			snprintf(line, sizeof line, "%zu  %s  (ends: %s)", i + 1, text,
				 call_outcome_name(an->outcome));
		y = put(v, w, y, 2, locked ? ROLE_POLICY_BLOCKED : ROLE_ROW, line);
	}
	return y;
}

static void
draw_outcomes(struct view *v, WINDOW *w, int y)
{
	const struct script_view *sv = v->priv;
	char line[128];

	y = put(v, w, y, 1, ROLE_HEADER, "End the call: outcome (letter or j/k and Enter; Esc back)");
	for (int i = 0; i < OUTCOME_COUNT; i++) {
		snprintf(line, sizeof line, "%c  %s", 'a' + i, outcomes[i].label);
		y = put(v, w, y, 2, i == sv->outcome ? ROLE_SELECTED : ROLE_ROW, line);
	}
}

/* The bottom line: an input being typed, else the last notice, else the keys. */
static void
draw_bottom(struct view *v, WINDOW *w)
{
	struct script_view *sv = v->priv;
	const char *keys = "";
	char prompt[600];

	if (sv->mode == MODE_WAIVE || sv->mode == MODE_CALLBACK) {
		snprintf(prompt, sizeof prompt, "%s%s%s", sv->notice, sv->notice[0] ? ". " : "",
			 sv->mode == MODE_WAIVE ? "Why was it not done? (Enter records, Esc cancels): "
						: "Callback at (YYYY-MM-DD HH:MM or +2h): ");
		input_draw(w, &v->app->theme, v->rows - 1, v->cols, prompt, sv->input);
		return;
	}
	switch (sv->mode) {
	case MODE_READY:
		keys = " Enter start the call  s switch script  Esc back";
		break;
	case MODE_CALL:
		keys = " 1-9 answer  t tick  W waive  p promise  o end the call  Esc leave";
		break;
	case MODE_LEAVE:
		keys = " The call has no outcome yet. y leaves it open (w resumes it); any other "
		       "key stays";
		break;
	case MODE_OUTCOME:
		keys = " a-k or Enter ends the call with that outcome  Esc back to the script";
		break;
	default:
		keys = " q back to the account";
		break;
	}
	wattrset(w, theme_attr(&v->app->theme,
			       sv->mode == MODE_LEAVE ? ROLE_POLICY_WARN
			       : sv->notice[0] ? sv->notice_role : ROLE_HELP));
	text_put(w, v->rows - 1, 0, v->cols,
		 sv->mode != MODE_LEAVE && sv->notice[0] ? sv->notice : keys, TEXT_LEFT);
}

static void
script_view_draw(struct view *v, WINDOW *w)
{
	struct script_view *sv = v->priv;
	struct script_session *s = sv->s;
	const struct script_runner *r = s->call != NULL ? casework_call_runner(s->call) : NULL;
	const struct script_step *st = r != NULL ? script_runner_step(r) : NULL;
	char line[600], prompt[2048];
	int y = 0;

	snprintf(line, sizeof line, "%s (%s)", s->script->name, s->script->id);
	y = put(v, w, y, 1, ROLE_LABEL, line);
	snprintf(line, sizeof line, "%s %s  for %s", contact_kind_name(s->point.kind), s->point.value,
		 s->acct.name);
	y = put(v, w, y, 1, ROLE_ROW, line);
	y++;
	if (sv->mode == MODE_READY) {
		y = put(v, w, y, 1, sv->allowed ? ROLE_POLICY_OK : ROLE_POLICY_BLOCKED, sv->verdict);
		put(v, w, y + 1, 1, ROLE_HELP,
		    "Enter starts the call with this script; s switches to the wrong-party script.");
	} else if (sv->mode == MODE_ENDED) {
		snprintf(line, sizeof line, "Call ended: %s (recorded)", call_outcome_name(sv->ended));
		y = put(v, w, y, 1, ROLE_POLICY_OK, line);
		y++;
		draw_checkpoints(v, w, y, r);
	} else if (sv->mode == MODE_OUTCOME || sv->mode == MODE_CALLBACK) {
		draw_outcomes(v, w, y);
	} else {
		if (st != NULL) {
			snprintf(line, sizeof line, "Step %s%s", st->id,
				 st->disclosure ? "  (discloses the debt: right party only)" : "");
			y = put(v, w, y, 1, ROLE_HEADER, line);
			wattrset(w, theme_attr(&v->app->theme, ROLE_ROW));
			script_runner_prompt(r, prompt, sizeof prompt);
			y += text_wrap(w, y, 2, v->cols - 3, v->rows - 1 - y, prompt);
			y++;
			y = draw_answers(v, w, y, r);
		} else {
			y = put(v, w, y, 1, ROLE_HEADER, "The script has ended: o ends the call");
		}
		y++;
		draw_checkpoints(v, w, y, r);
	}
	draw_bottom(v, w);
}

/* Starts the call: the contact policy is asked again now (a stale screen never allows a call)
 * and records the contact it allows; then the call itself. */
static unsigned
call_start(struct view *v)
{
	struct script_view *sv = v->priv;
	struct app *a = v->app;
	struct contact_request req = {.account_id = sv->s->acct.id, .point_id = sv->s->point.id,
				      .channel = POLICY_CALL, .now = clock_now()};
	const struct casework *cw;
	struct policy_decision d;
	struct err e;
	int rc;

	if (a->contact == NULL) {
		notice(sv, ROLE_ERROR, "The contact policy is not available yet");
		return REACT_REDRAW;
	}
	rc = contactability_start(a->contact, &req, &d, &e);
	if (rc == CONTACT_REFUSED) {
		ask_policy(v);
		notice(sv, ROLE_POLICY_BLOCKED, "Not started: %s", sv->verdict);
		return REACT_REDRAW;
	}
	if (rc == -1 || (cw = app_casework(a, &e)) == NULL) {
		notice(sv, ROLE_ERROR, "%s", e.msg);
		return REACT_REDRAW;
	}
	sv->s->call = casework_call_start(cw, sv->s->acct.id, sv->s->script, &sv->s->vars,
					  contact_kind_name(sv->s->point.kind), req.now, &e);
	if (sv->s->call == NULL) {
		notice(sv, ROLE_ERROR, "%s", e.msg);
		return REACT_REDRAW;
	}
	a->call = sv->s->call;
	sv->mode = MODE_CALL;
	notice(sv, ROLE_POLICY_OK, "Call started and recorded");
	app_account_changed(a, sv->s->acct.id);
	return REACT_REDRAW;
}

static unsigned
switch_script(struct view *v)
{
	struct script_view *sv = v->priv;
	const char *name = strcmp(sv->s->script->id, SCRIPT_WRONG_PARTY) == 0
				   ? script_for_account(sv->s->acct.profile,
							account_dpd(sv->s->acct.due_date,
								    agent_today(v->app, clock_now())))
				   : SCRIPT_WRONG_PARTY;
	struct err e;

	if (sv->mode != MODE_READY)
		notice(sv, ROLE_ERROR, "The call has started with this script");
	else if (session_script(v, name, &e) != 0)
		notice(sv, ROLE_ERROR, "%s", e.msg);
	return REACT_REDRAW;
}

static unsigned
answer(struct view *v, size_t i)
{
	struct script_view *sv = v->priv;
	const struct script_runner *r = casework_call_runner(sv->s->call);
	struct err e;

	if (i >= script_runner_answer_count(r)) {
		notice(sv, ROLE_ERROR, "No answer %zu here", i + 1);
		return REACT_REDRAW;
	}
	if (casework_call_answer(sv->s->call, i, clock_now(), &e) != 0) {
		notice(sv, ROLE_ERROR, "Refused: %s", e.msg);
		return REACT_REDRAW;
	}
	if (script_runner_ended(r)) {
		/* The ending answer proposes the outcome; the agent confirms it in the menu. */
		for (int k = 0; k < OUTCOME_COUNT; k++)
			if (outcomes[k].outcome == script_runner_proposed(r))
				sv->outcome = k;
		sv->mode = MODE_OUTCOME;
	}
	return REACT_REDRAW;
}

static unsigned
tick(struct view *v)
{
	struct script_view *sv = v->priv;
	const struct script_runner *r = casework_call_runner(sv->s->call);
	const struct script_step *st = script_runner_step(r);
	struct err e;

	if (st == NULL || st->checkpoint < 0)
		notice(sv, ROLE_ERROR, "This step has no checkpoint");
	else if (casework_call_tick(sv->s->call, (size_t)st->checkpoint, clock_now(), &e) != 0)
		notice(sv, ROLE_ERROR, "%s", e.msg);
	else
		notice(sv, ROLE_POLICY_OK, "Ticked and recorded: %s",
		       script_runner_script(r)->checkpoints[st->checkpoint].label);
	return REACT_REDRAW;
}

/* The checkpoint W waives: the current step's when it is open, else the first mandatory one
 * still open (so the missing ones can be explained before a right-party close). */
static unsigned
waive_begin(struct view *v)
{
	struct script_view *sv = v->priv;
	const struct script_runner *r = casework_call_runner(sv->s->call);
	const struct script *sc = script_runner_script(r);
	const struct script_step *st = script_runner_step(r);
	struct err e;
	int c = -1;

	if (st != NULL && st->checkpoint >= 0 &&
	    script_runner_ticked_at(r, (size_t)st->checkpoint) == 0 &&
	    script_runner_waiver(r, (size_t)st->checkpoint)[0] == '\0')
		c = st->checkpoint;
	for (size_t k = 0; k < sc->ncheckpoints && c < 0; k++)
		if (sc->checkpoints[k].type == CHECKPOINT_MANDATORY &&
		    script_runner_ticked_at(r, k) == 0 && script_runner_waiver(r, k)[0] == '\0')
			c = (int)k;
	if (c < 0) {
		notice(sv, ROLE_ERROR, "No checkpoint is left to waive");
		return REACT_REDRAW;
	}
	/* A gate cannot be waived: the runner says so before anything is typed. */
	if (script_runner_waive_check(r, (size_t)c, "-", &e) != 0) {
		notice(sv, ROLE_ERROR, "%s", e.msg);
		return REACT_REDRAW;
	}
	sv->waive = c;
	sv->input[0] = '\0';
	sv->mode = MODE_WAIVE;
	v->text_input = true;
	notice(sv, ROLE_POLICY_WARN, "Waive \"%s\"", sc->checkpoints[c].label);
	return REACT_REDRAW;
}

static unsigned
waive_key(struct view *v, int key)
{
	struct script_view *sv = v->priv;
	struct err e;

	switch (input_key(sv->input, sizeof sv->input, key)) {
	case INPUT_DONE:
		if (casework_call_waive(sv->s->call, (size_t)sv->waive, sv->input, clock_now(),
					&e) != 0) {
			notice(sv, ROLE_ERROR, "%s", e.msg);
			break;
		}
		sv->mode = MODE_CALL;
		v->text_input = false;
		notice(sv, ROLE_POLICY_WARN, "Waiver recorded");
		break;
	case INPUT_CANCEL:
		sv->mode = MODE_CALL;
		v->text_input = false;
		notice(sv, ROLE_HELP, "Not waived: nothing recorded");
		break;
	case INPUT_EDITED:
	case INPUT_IGNORED:
		break;
	}
	return REACT_REDRAW;
}

/* Ends the call with o; when the call may not end so, says why and stays. */
static void
close_call(struct view *v, enum call_outcome o, int64_t callback_at)
{
	struct script_view *sv = v->priv;
	int64_t now = clock_now();
	char why[256];
	struct err e;

	if (!casework_call_can_close(sv->s->call, o, callback_at, now, why, sizeof why)) {
		notice(sv, ROLE_ERROR, "Cannot end as %s: %s", call_outcome_name(o), why);
		return;
	}
	if (casework_call_close(sv->s->call, o, callback_at, now, &e) != 0) {
		notice(sv, ROLE_ERROR, "%s", e.msg);
		return;
	}
	sv->ended = o;
	sv->mode = MODE_ENDED;
	v->text_input = false;
	v->app->call = NULL;
	notice(sv, ROLE_POLICY_OK, "Call ended as %s and recorded; q returns to the account",
	       call_outcome_name(o));
	app_account_changed(v->app, sv->s->acct.id);
}

static unsigned
outcome_key(struct view *v, int key)
{
	struct script_view *sv = v->priv;
	enum call_outcome o;

	if (key == 27) {
		sv->mode = MODE_CALL;
		v->text_input = false;
		sv->notice[0] = '\0';
		return REACT_REDRAW;
	}
	if (key == 'j' || key == (KEYMAP_FUNC | KEY_DOWN) || key == 'k' ||
	    key == (KEYMAP_FUNC | KEY_UP)) {
		int step = key == 'j' || key == (KEYMAP_FUNC | KEY_DOWN) ? 1 : -1;

		sv->outcome = (sv->outcome + step + OUTCOME_COUNT) % OUTCOME_COUNT;
		return REACT_REDRAW;
	}
	if (key >= 'a' && key < 'a' + OUTCOME_COUNT)
		sv->outcome = key - 'a';
	else if (key != '\n')
		return REACT_NONE;
	o = outcomes[sv->outcome].outcome;
	if (o == OUTCOME_CALLBACK) {
		sv->input[0] = '\0';
		sv->notice[0] = '\0';
		sv->mode = MODE_CALLBACK;
		return REACT_REDRAW;
	}
	close_call(v, o, 0);
	return REACT_REDRAW;
}

static unsigned
callback_key(struct view *v, int key)
{
	struct script_view *sv = v->priv;
	int64_t at;
	struct err e;

	switch (input_key(sv->input, sizeof sv->input, key)) {
	case INPUT_DONE:
		if (tz_parse_when(v->app->zone, sv->input, clock_now(), &at, &e) != 0)
			notice(sv, ROLE_ERROR, "%s", e.msg);
		else
			close_call(v, OUTCOME_CALLBACK, at);
		break;
	case INPUT_CANCEL:
		sv->mode = MODE_OUTCOME;
		sv->notice[0] = '\0';
		break;
	case INPUT_EDITED:
	case INPUT_IGNORED:
		break;
	}
	return REACT_REDRAW;
}

static unsigned
leave_key(struct view *v, int key)
{
	struct script_view *sv = v->priv;

	v->text_input = false;
	if (key == 'y')
		return REACT_CLOSE | REACT_REDRAW;	/* close parks the open call */
	sv->mode = MODE_CALL;
	notice(sv, ROLE_HELP, "Still in the call");
	return REACT_REDRAW;
}

static unsigned
call_handle(struct view *v, enum action act, int key)
{
	struct script_view *sv = v->priv;

	switch (act) {
	case ACTION_TICK:
		return tick(v);
	case ACTION_WAIVE:
		return waive_begin(v);
	case ACTION_CALL_PROMISE:
		app_push(v->app, &view_ptp_ops, sv->s->acct.id);
		return REACT_REDRAW;
	case ACTION_OUTCOME:
		sv->mode = MODE_OUTCOME;
		v->text_input = true;
		return REACT_REDRAW;
	case ACTION_BACK:
		sv->mode = MODE_LEAVE;
		v->text_input = true;
		return REACT_REDRAW;
	case ACTION_NONE:
		if (key >= '1' && key <= '9')
			return answer(v, (size_t)(key - '1'));
		break;
	default:
		break;
	}
	return REACT_UNHANDLED;
}

static unsigned
script_view_handle(struct view *v, enum action act, int key)
{
	struct script_view *sv = v->priv;

	switch (sv->mode) {
	case MODE_WAIVE:
		return waive_key(v, key);
	case MODE_OUTCOME:
		return outcome_key(v, key);
	case MODE_CALLBACK:
		return callback_key(v, key);
	case MODE_LEAVE:
		return leave_key(v, key);
	default:
		break;
	}
	sv->notice[0] = '\0';
	if (sv->mode == MODE_CALL) {
		unsigned r = call_handle(v, act, key);

		/* The outcome menu and the leave question read raw keys. */
		if (sv->mode == MODE_OUTCOME || sv->mode == MODE_LEAVE)
			v->text_input = true;
		return r;
	}
	if (sv->mode == MODE_READY && act == ACTION_CALL_START)
		return call_start(v);
	if (act == ACTION_SCRIPT_SWITCH)
		return switch_script(v);
	if (act == ACTION_TICK || act == ACTION_WAIVE || act == ACTION_OUTCOME ||
	    act == ACTION_CALL_PROMISE || (act == ACTION_NONE && key >= '1' && key <= '9')) {
		notice(sv, ROLE_ERROR, sv->mode == MODE_READY ? "Start the call first (Enter)"
							       : "The call has ended");
		return REACT_REDRAW;
	}
	return REACT_UNHANDLED;
}

static void
script_view_title(struct view *v, char *buf, size_t len)
{
	const struct script_view *sv = v->priv;
	static const char *const state[] = {
		[MODE_READY] = "ready",	    [MODE_CALL] = "in call",  [MODE_WAIVE] = "in call",
		[MODE_OUTCOME] = "ending",  [MODE_CALLBACK] = "ending", [MODE_LEAVE] = "in call",
		[MODE_ENDED] = "ended",
	};

	snprintf(buf, len, " Call %s  %s", sv->s->acct.id, state[sv->mode]);
}

const struct view_ops view_script_ops = {
	.name = "script",
	.ctx = KEYCTX_SCRIPT,
	.private_size = sizeof(struct script_view),
	.open = script_view_open,
	.close = script_view_close,
	.focus = script_view_focus,
	.draw = script_view_draw,
	.handle = script_view_handle,
	.title = script_view_title,
};
