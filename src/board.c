/* board.c - the queue board's figures from rows, whoever reads them (board.h). */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "clock.h"
#include "money.h"

/* A piece of work: an agent acted on an account on a day of the sparkline. */
struct work {
	size_t agent;
	int day;	/* 0 .. BOARD_DAYS - 1, today last */
	char account[ACCOUNT_ID_LEN];
};

/* A promise an agent took (a ptp event), and the latest state its ptp_status events gave. */
struct promise {
	char id[40];
	size_t agent;
	int64_t amount;
	int32_t due_on;
	enum ptp_state state;
	int64_t state_at;
};

/* A ptp_status event, matched to its promise when the board is finished (events come in any
 * order). */
struct status {
	char promise[40];
	enum ptp_state state;
	int64_t at;
};

struct board_builder {
	struct bands bands;
	int32_t today;
	struct board_agent *agents;
	size_t n, cap;
	size_t last;		/* the agent found last: events come in runs of one user */
	struct work *work;
	size_t nwork, capwork;
	struct promise *promises;
	size_t npromises, cappromises;
	struct status *statuses;
	size_t nstatuses, capstatuses;
};

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 64;
	if (*cap < need)
		*cap = need;
	if ((p = realloc(p, *cap * size)) == NULL)
		abort();
	return p;
}

struct board_builder *
board_builder_new(const struct bands *b, int32_t today)
{
	struct board_builder *bb = calloc(1, sizeof *bb);

	if (bb == NULL)
		abort();
	bb->bands = *b;
	bb->today = today;
	return bb;
}

void
board_builder_free(struct board_builder **bb)
{
	if (bb == NULL || *bb == NULL)
		return;
	free((*bb)->agents);
	free((*bb)->work);
	free((*bb)->promises);
	free((*bb)->statuses);
	free(*bb);
	*bb = NULL;
}

/* The index of name's row; a new one when create, else -1 for a stranger. */
static long
agent_index(struct board_builder *bb, const char *name, int create)
{
	if (bb->last < bb->n && strcmp(bb->agents[bb->last].name, name) == 0)
		return (long)bb->last;
	for (size_t i = 0; i < bb->n; i++)
		if (strcmp(bb->agents[i].name, name) == 0)
			return (long)(bb->last = i);
	if (!create || name[0] == '\0')
		return -1;
	bb->agents = grow(bb->agents, &bb->cap, bb->n + 1, sizeof *bb->agents);
	memset(&bb->agents[bb->n], 0, sizeof *bb->agents);
	snprintf(bb->agents[bb->n].name, BOARD_NAME_LEN, "%s", name);
	return (long)(bb->last = bb->n++);
}

void
board_add_agent(struct board_builder *bb, const char *name, const char *team)
{
	long i = agent_index(bb, name, 1);

	if (i >= 0)
		snprintf(bb->agents[i].team, BOARD_NAME_LEN, "%s", team);
}

void
board_add_accounts(struct board_builder *bb, const char *assignee, int dpd, int64_t n)
{
	long i = agent_index(bb, assignee, 1);

	if (i < 0)
		return;
	bb->agents[i].depth[bands_index(&bb->bands, dpd)] += n;
	bb->agents[i].accounts += n;
}

static const char *
text_of(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s != NULL ? s : "";
}

void
board_add_event(struct board_builder *bb, const struct event *ev)
{
	const char *kind = ev->kind, *body = ev->body != NULL ? ev->body : "";
	int64_t at = ev->at;
	int32_t day = date_of_time(at);
	int back = bb->today - day;
	struct board_agent *a;
	json_t *j = NULL;
	struct err e;
	long i;

	/* a status judges a promise whoever wrote it (the system, usually) */
	if (strcmp(kind, "ptp_status") == 0) {
		if ((j = json_loads(body, 0, NULL)) != NULL && json_is_object(j)) {
			struct status *s;

			bb->statuses = grow(bb->statuses, &bb->capstatuses, bb->nstatuses + 1,
					    sizeof *bb->statuses);
			s = &bb->statuses[bb->nstatuses++];
			snprintf(s->promise, sizeof s->promise, "%s", text_of(j, "promise"));
			s->state = ptp_state_parse(text_of(j, "state"));
			s->at = at;
		}
		json_decref(j);
		return;
	}
	if (back < 0 || back >= BOARD_SCAN_DAYS || (i = agent_index(bb, ev->user, 0)) < 0)
		return;
	a = &bb->agents[i];
	if (at > a->last_at)
		a->last_at = at;
	if (back < BOARD_DAYS) {
		struct work *w;

		bb->work = grow(bb->work, &bb->capwork, bb->nwork + 1, sizeof *bb->work);
		w = &bb->work[bb->nwork++];
		w->agent = (size_t)i;
		w->day = BOARD_DAYS - 1 - back;
		snprintf(w->account, sizeof w->account, "%s", ev->account_id);
	}
	if (strcmp(kind, "ptp") == 0) {
		struct promise *p;
		int64_t amount = 0;
		int32_t due = 0;

		if ((j = json_loads(body, 0, NULL)) == NULL ||
		    money_parse(text_of(j, "amount"), &amount, &e) != 0 ||
		    date_parse(text_of(j, "due_on"), &due, &e) != 0)
			goto out;
		if (back == 0) {
			a->ptps++;
			a->ptp_amount += amount;
		}
		bb->promises = grow(bb->promises, &bb->cappromises, bb->npromises + 1,
				    sizeof *bb->promises);
		p = &bb->promises[bb->npromises++];
		memset(p, 0, sizeof *p);
		p->agent = (size_t)i;
		p->amount = amount;
		p->due_on = due;
		p->state = PTP_PENDING;
		snprintf(p->id, sizeof p->id, "%s", ev->id);	/* statuses name it */
	} else if (back >= BOARD_DAYS) {
		goto out;
	} else if (strcmp(kind, "policy_override") == 0) {
		a->overrides++;
	} else if (strcmp(kind, "checkpoint") == 0) {
		if ((j = json_loads(body, 0, NULL)) != NULL &&
		    json_is_string(json_object_get(j, "waived")))
			a->exceptions++;
	} else if (strcmp(kind, "attempt") == 0 && back == 0) {
		struct kpi_attempts one;
		const char *result;

		j = json_loads(body, 0, NULL);
		result = text_of(j, "result");
		kpi_attempts_count(&result, 1, &one);
		a->today.attempts += one.attempts;
		a->today.contacts += one.contacts;
		a->today.rpcs += one.rpcs;
	}
out:
	json_decref(j);
}

/* qsort, which must not be given a NULL array even for no items. */
static void
sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

static int
work_cmp(const void *x, const void *y)
{
	const struct work *a = x, *b = y;

	if (a->agent != b->agent)
		return a->agent < b->agent ? -1 : 1;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return strcmp(a->account, b->account);
}

static int
promise_cmp(const void *x, const void *y)
{
	return strcmp(((const struct promise *)x)->id, ((const struct promise *)y)->id);
}

static int
status_cmp(const void *x, const void *y)
{
	const struct status *a = x, *b = y;
	int c = strcmp(a->promise, b->promise);

	return c != 0 ? c : a->at < b->at ? -1 : a->at > b->at;
}

static int
promise_agent_cmp(const void *x, const void *y)
{
	const struct promise *a = x, *b = y;

	return a->agent < b->agent ? -1 : a->agent > b->agent;
}

/* Teams by name with the agents of no team last, then agents by name. */
static int
agent_cmp(const void *x, const void *y)
{
	const struct board_agent *a = x, *b = y;
	int c;

	if ((a->team[0] == '\0') != (b->team[0] == '\0'))
		return a->team[0] == '\0' ? 1 : -1;
	if ((c = strcmp(a->team, b->team)) != 0)
		return c;
	return strcmp(a->name, b->name);
}

/* Adds row a into the totals row t. */
static void
total_add(struct board_agent *t, const struct board_agent *a)
{
	for (int k = 0; k < BANDS_MAX; k++)
		t->depth[k] += a->depth[k];
	for (int d = 0; d < BOARD_DAYS; d++)
		t->worked[d] += a->worked[d];
	t->accounts += a->accounts;
	t->today.attempts += a->today.attempts;
	t->today.contacts += a->today.contacts;
	t->today.rpcs += a->today.rpcs;
	t->ptps += a->ptps;
	t->ptp_amount += a->ptp_amount;
	t->kept.num += a->kept.num;
	t->kept.den += a->kept.den;
	t->overrides += a->overrides;
	t->exceptions += a->exceptions;
	if (a->last_at > t->last_at)
		t->last_at = a->last_at;
}

/* The latest status of each promise, then each agent's kept rate through kpi_ptp_kept. */
static void
kept_rates(struct board_builder *bb)
{
	size_t s = 0, i, j;

	sort(bb->promises, bb->npromises, sizeof *bb->promises, promise_cmp);
	sort(bb->statuses, bb->nstatuses, sizeof *bb->statuses, status_cmp);
	for (i = 0; i < bb->npromises; i++) {
		struct promise *p = &bb->promises[i];

		while (s < bb->nstatuses && strcmp(bb->statuses[s].promise, p->id) < 0)
			s++;
		for (; s < bb->nstatuses && strcmp(bb->statuses[s].promise, p->id) == 0; s++)
			if (bb->statuses[s].state != PTP_NONE)
				p->state = bb->statuses[s].state;
	}
	sort(bb->promises, bb->npromises, sizeof *bb->promises, promise_agent_cmp);
	for (i = 0; i < bb->npromises; i = j) {
		struct kpi_promise *kp;
		struct kpi_rate amount;
		size_t n;

		for (j = i; j < bb->npromises && bb->promises[j].agent == bb->promises[i].agent; j++)
			;
		n = j - i;
		if ((kp = calloc(n, sizeof *kp)) == NULL)
			abort();
		for (size_t k = 0; k < n; k++)
			kp[k] = (struct kpi_promise){ .amount = bb->promises[i + k].amount,
						      .due_on = bb->promises[i + k].due_on,
						      .state = bb->promises[i + k].state };
		kpi_ptp_kept(kp, n, bb->today - (BOARD_KEPT_DAYS - 1), bb->today,
			     &bb->agents[bb->promises[i].agent].kept, &amount);
		free(kp);
	}
}

void
board_finish(struct board_builder *bb, struct board *out)
{
	size_t i;

	memset(out, 0, sizeof *out);
	out->bands = bb->bands;
	out->today = bb->today;
	sort(bb->work, bb->nwork, sizeof *bb->work, work_cmp);
	for (i = 0; i < bb->nwork; i++)
		if (i == 0 || work_cmp(&bb->work[i - 1], &bb->work[i]) != 0)
			bb->agents[bb->work[i].agent].worked[bb->work[i].day]++;
	kept_rates(bb);
	sort(bb->agents, bb->n, sizeof *bb->agents, agent_cmp);
	out->agents = bb->agents;
	out->n = bb->n;
	if ((out->teams = calloc(bb->n + 1, sizeof *out->teams)) == NULL)
		abort();
	for (i = 0; i < bb->n; i++) {
		struct board_team *t = &out->teams[out->nteams];

		if (i == 0 || strcmp(bb->agents[i - 1].team, bb->agents[i].team) != 0) {
			t = &out->teams[out->nteams++];
			snprintf(t->name, sizeof t->name, "%s", bb->agents[i].team);
			snprintf(t->total.name, sizeof t->total.name, "%s",
				 t->name[0] != '\0' ? t->name : "no team");
			snprintf(t->total.team, sizeof t->total.team, "%s", t->name);
			t->first = i;
		} else {
			t = &out->teams[out->nteams - 1];
		}
		t->n++;
		total_add(&t->total, &bb->agents[i]);
		total_add(&out->total, &bb->agents[i]);
	}
	snprintf(out->total.name, sizeof out->total.name, "all");
	bb->agents = NULL;
	bb->n = bb->cap = 0;
	bb->nwork = bb->npromises = bb->nstatuses = 0;
}

void
board_free(struct board *b)
{
	free(b->agents);
	free(b->teams);
	b->agents = NULL;
	b->teams = NULL;
	b->n = b->nteams = 0;
}

int
board_agent_find(const struct board *b, const char *name)
{
	for (size_t i = 0; i < b->n; i++)
		if (strcmp(b->agents[i].name, name) == 0)
			return (int)i;
	return -1;
}
