/* script.c - outcome codes, placeholders and the script runner (the loader is script_load.c). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "money.h"
#include "script.h"

static const struct {
	const char *name;
	bool right_party, contact;
} outcomes[OUTCOME_COUNT] = {
	[OUTCOME_NO_ANSWER] = { .name = "no_answer" },
	[OUTCOME_BUSY] = { .name = "busy" },
	[OUTCOME_VOICEMAIL] = { .name = "voicemail" },
	[OUTCOME_WRONG_NUMBER] = { .name = "wrong_number", .contact = true },
	[OUTCOME_THIRD_PARTY] = { .name = "third_party", .contact = true },
	[OUTCOME_RPC] = { .name = "rpc", .right_party = true, .contact = true },
	[OUTCOME_REFUSED] = { .name = "refused", .right_party = true, .contact = true },
	[OUTCOME_DISPUTE] = { .name = "dispute", .right_party = true, .contact = true },
	/* A request to stop is honoured whatever the script says, so it never waits on checkpoints. */
	[OUTCOME_CEASE_REQUEST] = { .name = "cease_request", .contact = true },
	[OUTCOME_CALLBACK] = { .name = "callback", .contact = true },
	[OUTCOME_PTP] = { .name = "ptp", .right_party = true, .contact = true },
};

const char *
call_outcome_name(enum call_outcome o)
{
	return o >= 0 && o < OUTCOME_COUNT ? outcomes[o].name : "none";
}

enum call_outcome
call_outcome_parse(const char *name)
{
	for (int o = 0; o < OUTCOME_COUNT; o++)
		if (strcmp(outcomes[o].name, name) == 0)
			return (enum call_outcome)o;
	return OUTCOME_NONE;
}

bool
call_outcome_is_right_party(enum call_outcome o)
{
	return o >= 0 && o < OUTCOME_COUNT && outcomes[o].right_party;
}

bool
call_outcome_is_contact(enum call_outcome o)
{
	return o >= 0 && o < OUTCOME_COUNT && outcomes[o].contact;
}

int
script_step_find(const struct script *s, const char *id)
{
	for (size_t k = 0; k < s->nsteps; k++)
		if (strcmp(s->steps[k].id, id) == 0)
			return (int)k;
	return -1;
}

const char *
script_for_account(const char *profile, int dpd)
{
	if (strncmp(profile, "uk-", 3) == 0)
		return "uk-arrears";
	return dpd <= 60 ? "us-early" : "us-late-settlement";
}

int
script_checkpoint_find(const struct script *s, const char *id)
{
	for (size_t c = 0; c < s->ncheckpoints; c++)
		if (strcmp(s->checkpoints[c].id, id) == 0)
			return (int)c;
	return -1;
}

void
script_vars_from_account(struct script_vars *v, struct script_var_store *store,
			 const struct account *a, const char *agent, const char *creditor,
			 int32_t today)
{
	money_format(a->amount_due, store->amount_due, sizeof store->amount_due, 1);
	money_format(a->total, store->balance, sizeof store->balance, 1);
	date_format(a->due_date, store->due_date, sizeof store->due_date);
	snprintf(store->dpd, sizeof store->dpd, "%d", account_dpd(a->due_date, today));
	*v = (struct script_vars){
		.agent = agent,
		.debtor = a->name,
		.creditor = creditor,
		.account = a->id,
		.amount_due = store->amount_due,
		.balance = store->balance,
		.due_date = store->due_date,
		.dpd = store->dpd,
	};
}

static const char *
var_value(const struct script_vars *v, const char *name, size_t n)
{
	const struct {
		const char *name, *value;
	} table[] = {
		{ "agent", v->agent },		 { "debtor", v->debtor },
		{ "creditor", v->creditor },	 { "account", v->account },
		{ "amount_due", v->amount_due }, { "balance", v->balance },
		{ "due_date", v->due_date },	 { "dpd", v->dpd },
	};

	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strlen(table[i].name) == n && strncmp(table[i].name, name, n) == 0)
			return table[i].value != NULL ? table[i].value : "";
	return NULL;
}

char *
script_fill(const char *text, const struct script_vars *v, char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return buf;
	for (const char *p = text; *p != '\0' && off + 1 < len; p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		const char *value = end != NULL ? var_value(v, p + 1, (size_t)(end - p - 1)) : NULL;

		if (value == NULL) {
			buf[off++] = *p;
			continue;
		}
		for (; *value != '\0' && off + 1 < len; value++)
			buf[off++] = *value;
		p = end;
	}
	buf[off] = '\0';
	return buf;
}

struct script_runner {
	const struct script *s;
	struct script_vars vars;
	int step;		/* -1 once an answer ended the call */
	enum call_outcome proposed;
	int64_t *ticked;	/* per checkpoint; 0 = not done */
	char **waivers;		/* per checkpoint; NULL = none */
};

struct script_runner *
script_runner_new(const struct script *s, const struct script_vars *v)
{
	struct script_runner *r = calloc(1, sizeof *r);

	if (r == NULL || (r->ticked = calloc(s->ncheckpoints + 1, sizeof *r->ticked)) == NULL ||
	    (r->waivers = calloc(s->ncheckpoints + 1, sizeof *r->waivers)) == NULL)
		abort();
	r->s = s;
	r->vars = *v;
	r->step = s->start;
	r->proposed = OUTCOME_NONE;
	return r;
}

void
script_runner_free(struct script_runner **r)
{
	if (r == NULL || *r == NULL)
		return;
	for (size_t c = 0; c < (*r)->s->ncheckpoints; c++)
		free((*r)->waivers[c]);
	free((*r)->waivers);
	free((*r)->ticked);
	free(*r);
	*r = NULL;
}

const struct script *
script_runner_script(const struct script_runner *r)
{
	return r->s;
}

const struct script_step *
script_runner_step(const struct script_runner *r)
{
	return r->step >= 0 ? &r->s->steps[r->step] : NULL;
}

char *
script_runner_prompt(const struct script_runner *r, char *buf, size_t len)
{
	const struct script_step *st = script_runner_step(r);

	if (st == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	return script_fill(st->prompt, &r->vars, buf, len);
}

size_t
script_runner_answer_count(const struct script_runner *r)
{
	const struct script_step *st = script_runner_step(r);

	return st != NULL ? st->nanswers : 0;
}

char *
script_runner_answer_text(const struct script_runner *r, size_t i, char *buf, size_t len)
{
	if (i >= script_runner_answer_count(r)) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	return script_fill(r->s->steps[r->step].answers[i].text, &r->vars, buf, len);
}

bool
script_runner_verified(const struct script_runner *r)
{
	return r->s->verify >= 0 && r->ticked[r->s->verify] != 0;
}

bool
script_runner_answer_locked(const struct script_runner *r, size_t i, char *why, size_t len)
{
	const struct script_step *st = script_runner_step(r);
	const struct script_answer *a;
	char dummy[1];

	if (why == NULL) {
		why = dummy;
		len = sizeof dummy;
	}
	if (st == NULL || i >= st->nanswers) {
		snprintf(why, len, st == NULL ? "the script has ended" : "no answer %zu here", i + 1);
		return true;
	}
	a = &st->answers[i];
	if (a->next < 0)
		return false;	/* ending the call is always possible */
	if (st->checkpoint >= 0 && r->s->checkpoints[st->checkpoint].type == CHECKPOINT_GATE &&
	    r->ticked[st->checkpoint] == 0) {
		snprintf(why, len, "locked until \"%s\" is done", r->s->checkpoints[st->checkpoint].label);
		return true;
	}
	if (r->s->steps[a->next].disclosure && !script_runner_verified(r)) {
		snprintf(why, len, "step '%s' discloses the debt: \"%s\" first", r->s->steps[a->next].id,
			 r->s->checkpoints[r->s->verify].label);
		return true;
	}
	return false;
}

int
script_runner_answer(struct script_runner *r, size_t i, struct err *e)
{
	char why[256];
	const struct script_answer *a;

	if (script_runner_answer_locked(r, i, why, sizeof why))
		return err_set(e, "%s", why);
	a = &r->s->steps[r->step].answers[i];
	r->step = a->next;
	if (a->next < 0)
		r->proposed = a->outcome;
	return 0;
}

int
script_runner_tick(struct script_runner *r, size_t c, int64_t at, struct err *e)
{
	if (c >= r->s->ncheckpoints)
		return err_set(e, "no checkpoint %zu", c + 1);
	if (r->ticked[c] != 0)
		return err_set(e, "\"%s\" is done already", r->s->checkpoints[c].label);
	r->ticked[c] = at > 0 ? at : 1;
	return 0;
}

int
script_runner_waive_check(const struct script_runner *r, size_t c, const char *reason,
			  struct err *e)
{
	const struct script_checkpoint *cp;

	if (c >= r->s->ncheckpoints)
		return err_set(e, "no checkpoint %zu", c + 1);
	cp = &r->s->checkpoints[c];
	if (cp->type == CHECKPOINT_GATE)
		return err_set(e, "\"%s\" is a gate: it must be done, it cannot be waived", cp->label);
	if (r->ticked[c] != 0)
		return err_set(e, "\"%s\" is done already", cp->label);
	if (reason == NULL || reason[strspn(reason, " \t")] == '\0')
		return err_set(e, "say why \"%s\" was not done", cp->label);
	return 0;
}

int
script_runner_waive(struct script_runner *r, size_t c, const char *reason, struct err *e)
{
	if (script_runner_waive_check(r, c, reason, e) != 0)
		return -1;
	free(r->waivers[c]);
	if ((r->waivers[c] = strdup(reason)) == NULL)
		abort();
	return 0;
}

int64_t
script_runner_ticked_at(const struct script_runner *r, size_t c)
{
	return c < r->s->ncheckpoints ? r->ticked[c] : 0;
}

const char *
script_runner_waiver(const struct script_runner *r, size_t c)
{
	return c < r->s->ncheckpoints && r->waivers[c] != NULL ? r->waivers[c] : "";
}

bool
script_runner_ended(const struct script_runner *r)
{
	return r->step < 0;
}

enum call_outcome
script_runner_proposed(const struct script_runner *r)
{
	return r->proposed;
}

bool
script_runner_can_close(const struct script_runner *r, enum call_outcome o, char *why, size_t len)
{
	char dummy[1];

	if (why == NULL) {
		why = dummy;
		len = sizeof dummy;
	}
	if (o < 0 || o >= OUTCOME_COUNT) {
		snprintf(why, len, "choose an outcome");
		return false;
	}
	if (!call_outcome_is_right_party(o))
		return true;
	if (r->s->verify < 0) {
		snprintf(why, len, "%s is a right-party outcome, and this script never verifies the "
			 "right party", call_outcome_name(o));
		return false;
	}
	if (!script_runner_verified(r)) {
		snprintf(why, len, "%s needs \"%s\" first", call_outcome_name(o),
			 r->s->checkpoints[r->s->verify].label);
		return false;
	}
	for (size_t c = 0; c < r->s->ncheckpoints; c++)
		if (r->s->checkpoints[c].type == CHECKPOINT_MANDATORY && r->ticked[c] == 0 &&
		    r->waivers[c] == NULL) {
			snprintf(why, len, "\"%s\" is not done: do it or record why not",
				 r->s->checkpoints[c].label);
			return false;
		}
	return true;
}
