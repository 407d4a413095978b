/* run_history.c - one pass over the book's evidence for a strategy run (run_history.h). */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "contact_facts.h"
#include "run_history.h"

#define DAY_SECONDS 86400

struct attempt_row {
	char account[ACCOUNT_ID_LEN];
	struct policy_attempt a;
};

struct status_row {
	char promise[40];
	enum ptp_state state;
	int64_t at;
};

struct run_history {
	struct run_mark *marks;
	size_t nmarks, capmarks;
	struct attempt_row *rows;
	size_t nrows, caprows;
	struct policy_attempt *attempts;	/* rows' attempts in the same (account) order */
	struct run_promise *promises;
	size_t npromises, cappromises;
	struct status_row *statuses;
	size_t nstatuses, capstatuses;
	int64_t since;		/* attempts before this are too old to count */
};

static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 256;
	if ((p = realloc(p, *cap * size)) == NULL)
		abort();
	return p;
}

char *
run_key(const char *book, int version, const char *segment, const char *arm, size_t step,
	char buf[RUN_KEY_LEN])
{
	snprintf(buf, RUN_KEY_LEN, "%s\x1f%d\x1f%s\x1f%s\x1f%zu", book, version, segment, arm, step);
	return buf;
}

static const char *
text_of(json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	return s != NULL ? s : "";
}

static int
mark_cmp(const void *x, const void *y)
{
	const struct run_mark *a = x, *b = y;
	int c = strcmp(a->account, b->account);
	return c != 0 ? c : strcmp(a->key, b->key);
}

/* Marks are read one per event and merged after the scan, in event order within a step. */
static int
mark_order_cmp(const void *x, const void *y)
{
	const struct run_mark *a = x, *b = y;
	int c = mark_cmp(x, y);
	return c != 0 ? c : (a->order > b->order) - (a->order < b->order);
}

static struct run_mark *
mark_add(struct run_history *h, const char *account, const char *key)
{
	struct run_mark *m;

	h->marks = grow(h->marks, &h->capmarks, h->nmarks + 1, sizeof *h->marks);
	m = &h->marks[h->nmarks];
	memset(m, 0, sizeof *m);
	snprintf(m->account, ACCOUNT_ID_LEN, "%s", account);
	snprintf(m->key, RUN_KEY_LEN, "%s", key);
	m->order = h->nmarks++;
	return m;
}

/* Sorts the marks and folds each step's into one: done when any says so, with the last
 * deferral. */
static void
marks_merge(struct run_history *h)
{
	size_t k = 0;

	if (h->nmarks > 1)
		qsort(h->marks, h->nmarks, sizeof *h->marks, mark_order_cmp);
	for (size_t i = 0; i < h->nmarks; i++) {
		struct run_mark *m = &h->marks[i];

		if (k > 0 && mark_cmp(&h->marks[k - 1], m) == 0) {
			h->marks[k - 1].done |= m->done;
			if (m->deferral[0] != '\0')
				memcpy(h->marks[k - 1].deferral, m->deferral, sizeof m->deferral);
		} else {
			h->marks[k++] = *m;
		}
	}
	h->nmarks = k;
}

static void
attempt_add(struct run_history *h, const char *account, const struct policy_attempt *a)
{
	h->rows = grow(h->rows, &h->caprows, h->nrows + 1, sizeof *h->rows);
	snprintf(h->rows[h->nrows].account, ACCOUNT_ID_LEN, "%s", account);
	h->rows[h->nrows++].a = *a;
}

/* One of the run's own events: its step is done, or deferred with these reasons. */
static void
own_event(struct run_history *h, const struct event *ev, json_t *j)
{
	char key[RUN_KEY_LEN];
	struct run_mark *m;
	json_t *step = json_object_get(j, "step"), *version = json_object_get(j, "version");
	bool deferred = strcmp(ev->kind, "dispatch_deferred") == 0;

	if (!json_is_integer(step) || !json_is_integer(version))
		return;
	run_key(text_of(j, "book"), (int)json_integer_value(version), text_of(j, "segment"),
		text_of(j, "arm"), (size_t)json_integer_value(step), key);
	m = mark_add(h, ev->account_id, key);
	if (!deferred) {
		m->done = true;
	} else {
		char *reasons = json_dumps(json_object_get(j, "reasons"), JSON_COMPACT);

		snprintf(m->deferral, sizeof m->deferral, "%s@%s", reasons != NULL ? reasons : "",
			 text_of(j, "next_at"));
		free(reasons);
	}
	/* a message that left counts for the contact caps like any text or email sent */
	if (strcmp(ev->kind, "dispatch") == 0 && ev->at >= h->since) {
		int ch = policy_channel_parse(text_of(j, "channel"));
		int kind = contact_kind_parse(text_of(j, "contact"));

		if (ch == POLICY_SMS || ch == POLICY_EMAIL)
			attempt_add(h, ev->account_id, &(struct policy_attempt){
				.at = ev->at, .channel = (enum policy_channel)ch,
				.result = POLICY_SENT,
				.contact_kind = kind == CONTACT_WORK ? CONTACT_WORK : CONTACT_MOBILE });
	}
}

/* A promise's last day: the last installment's, else its due_on. */
static int32_t
promise_due(json_t *j)
{
	json_t *list = json_object_get(j, "installments"), *item;
	int32_t due = 0, d;
	size_t i;

	if (date_parse(text_of(j, "due_on"), &due, NULL) != 0)
		due = 0;
	json_array_foreach(list, i, item)
		if (date_parse(text_of(item, "due_on"), &d, NULL) == 0 && d > due)
			due = d;
	return due;
}

static void
promise_event(struct run_history *h, const struct event *ev, json_t *j)
{
	struct run_promise *p;
	int32_t due = promise_due(j);

	if (due == 0)
		return;
	h->promises = grow(h->promises, &h->cappromises, h->npromises + 1, sizeof *h->promises);
	p = &h->promises[h->npromises++];
	*p = (struct run_promise){ .at = ev->at, .due = due, .state = PTP_PENDING };
	snprintf(p->account, sizeof p->account, "%s", ev->account_id);
	snprintf(p->id, sizeof p->id, "%s", ev->id);
}

static int
on_event(void *ctx, const struct event *ev)
{
	struct run_history *h = ctx;
	bool own = strcmp(ev->device, RUN_DEVICE) == 0 && strcmp(ev->user, RUN_USER) == 0;
	json_t *j;

	if (!own && strcmp(ev->kind, "attempt") != 0 && strcmp(ev->kind, "ptp") != 0 &&
	    strcmp(ev->kind, "ptp_status") != 0)
		return 0;
	if ((j = json_loads(ev->body, 0, NULL)) == NULL)
		return 0;
	if (own) {
		own_event(h, ev, j);
	} else if (strcmp(ev->kind, "attempt") == 0) {
		struct policy_attempt a;

		if (ev->at >= h->since && contact_attempt_decode(ev->body, ev->at, &a))
			attempt_add(h, ev->account_id, &a);
	} else if (strcmp(ev->kind, "ptp") == 0) {
		promise_event(h, ev, j);
	} else {
		struct status_row *s;

		h->statuses = grow(h->statuses, &h->capstatuses, h->nstatuses + 1,
				   sizeof *h->statuses);
		s = &h->statuses[h->nstatuses++];
		snprintf(s->promise, sizeof s->promise, "%s", text_of(j, "promise"));
		s->state = ptp_state_parse(text_of(j, "state"));
		s->at = ev->at;
	}
	json_decref(j);
	return 0;
}

static int
row_cmp(const void *x, const void *y)
{
	return strcmp(((const struct attempt_row *)x)->account,
		      ((const struct attempt_row *)y)->account);
}

static int
promise_cmp(const void *x, const void *y)
{
	return strcmp(((const struct run_promise *)x)->account,
		      ((const struct run_promise *)y)->account);
}

/* By account, the latest promise last. */
static int
promise_at_cmp(const void *x, const void *y)
{
	const struct run_promise *a = x, *b = y;
	int c = strcmp(a->account, b->account);
	return c != 0 ? c : (a->at > b->at) - (a->at < b->at);
}

/* Keeps each account's latest promise. */
static void
promises_latest(struct run_history *h)
{
	size_t k = 0;

	if (h->npromises > 1)
		qsort(h->promises, h->npromises, sizeof *h->promises, promise_at_cmp);
	for (size_t i = 0; i < h->npromises; i++) {
		if (k > 0 && strcmp(h->promises[k - 1].account, h->promises[i].account) == 0)
			k--;
		h->promises[k++] = h->promises[i];
	}
	h->npromises = k;
}

static int
promise_id_cmp(const void *x, const void *y)
{
	return strcmp(((const struct run_promise *)x)->id, ((const struct run_promise *)y)->id);
}

/* Gives each promise the latest status that names it. */
static void
statuses_apply(struct run_history *h)
{
	if (h->npromises > 1)
		qsort(h->promises, h->npromises, sizeof *h->promises, promise_id_cmp);
	for (size_t i = 0; i < h->nstatuses; i++) {
		const struct status_row *s = &h->statuses[i];
		struct run_promise key, *p;

		snprintf(key.id, sizeof key.id, "%s", s->promise);
		p = h->npromises > 0 ? bsearch(&key, h->promises, h->npromises, sizeof *h->promises,
					       promise_id_cmp)
				     : NULL;
		if (p != NULL && s->state != PTP_NONE && s->at >= p->state_at) {
			p->state = s->state;
			p->state_at = s->at;
		}
	}
}

int
run_history_load(struct server_store *st, int64_t now, struct run_history **out, struct err *e)
{
	struct run_history *h = calloc(1, sizeof *h);

	if (h == NULL)
		abort();
	*out = NULL;
	h->since = now - (int64_t)CONTACT_HISTORY_DAYS * DAY_SECONDS;
	if (st->ops->events_scan(st, false, on_event, h, e) != 0) {
		run_history_free(&h);
		return -1;
	}
	promises_latest(h);
	statuses_apply(h);
	marks_merge(h);
	if (h->npromises > 1)
		qsort(h->promises, h->npromises, sizeof *h->promises, promise_cmp);
	if (h->nrows > 1)
		qsort(h->rows, h->nrows, sizeof *h->rows, row_cmp);
	if ((h->attempts = calloc(h->nrows + 1, sizeof *h->attempts)) == NULL)
		abort();
	for (size_t i = 0; i < h->nrows; i++)
		h->attempts[i] = h->rows[i].a;
	*out = h;
	return 0;
}

void
run_history_free(struct run_history **hp)
{
	struct run_history *h = *hp;

	if (h == NULL)
		return;
	free(h->marks);
	free(h->rows);
	free(h->attempts);
	free(h->promises);
	free(h->statuses);
	free(h);
	*hp = NULL;
}

const struct run_mark *
run_history_mark(const struct run_history *h, const char *account, const char *key)
{
	struct run_mark k;

	if (h->nmarks == 0)
		return NULL;
	snprintf(k.account, sizeof k.account, "%s", account);
	snprintf(k.key, sizeof k.key, "%s", key);
	return bsearch(&k, h->marks, h->nmarks, sizeof *h->marks, mark_cmp);
}

const struct policy_attempt *
run_history_attempts(const struct run_history *h, const char *account, size_t *n)
{
	size_t lo = 0, hi = h->nrows, first;

	/* the first row of the account, then as many as follow */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(h->rows[mid].account, account) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < h->nrows && strcmp(h->rows[lo].account, account) == 0)
		lo++;
	*n = lo - first;
	return h->attempts + first;
}

const struct run_promise *
run_history_promise(const struct run_history *h, const char *account)
{
	struct run_promise k;

	if (h->npromises == 0)
		return NULL;
	snprintf(k.account, sizeof k.account, "%s", account);
	return bsearch(&k, h->promises, h->npromises, sizeof *h->promises, promise_cmp);
}
