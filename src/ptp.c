/* ptp.c - promises to pay: form validation, schedules, evaluation against payments. */
#include "config.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "kpi.h"
#include "money.h"
#include "ptp.h"
#include "settings.h"

const char *
ptp_frequency_name(enum ptp_frequency f)
{
	switch (f) {
	case PTP_FREQ_WEEKLY:
		return "weekly";
	case PTP_FREQ_FORTNIGHTLY:
		return "fortnightly";
	case PTP_FREQ_MONTHLY:
		return "monthly";
	}
	return "?";
}

const char *
ptp_approval_name(enum ptp_approval a)
{
	switch (a) {
	case PTP_APPROVAL_NONE:
		return "not_needed";
	case PTP_APPROVAL_PENDING:
		return "pending";
	case PTP_APPROVAL_APPROVED:
		return "approved";
	case PTP_APPROVAL_DECLINED:
		return "declined";
	}
	return "?";
}

void
ptp_rules_from_settings(struct ptp_rules *r, const struct settings *s)
{
	*r = (struct ptp_rules){
		.max_days = s->ptp_max_days,
		.grace_days = s->ptp_grace_days,
		.plan_max_payments = s->ptp_plan_max_payments,
		.plan_max_days = s->ptp_plan_max_days,
		.settlement_approval_percent = s->ptp_settlement_approval_percent,
	};
}

static bool
empty(const char *s)
{
	return s == NULL || s[strspn(s, " \t")] == '\0';
}

static int
days_in_month(int y, int m)
{
	return date_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - date_from_civil(y, m, 1);
}

void
ptp_schedule(int32_t first, int n, enum ptp_frequency f, int32_t *due)
{
	int y, m, d;

	date_to_civil(first, &y, &m, &d);
	for (int i = 0; i < n; i++) {
		if (f == PTP_FREQ_MONTHLY) {
			int mm = (m - 1 + i) % 12 + 1, yy = y + (m - 1 + i) / 12;
			int dim = days_in_month(yy, mm);
			due[i] = date_from_civil(yy, mm, d <= dim ? d : dim);
		} else {
			due[i] = first + i * (f == PTP_FREQ_WEEKLY ? 7 : 14);
		}
	}
}

static int
parse_payments(const char *s, int *n)
{
	char *end;
	long v;

	if (empty(s)) {
		*n = 1;
		return 0;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > 100000)
		return -1;
	*n = (int)v;
	return 0;
}

static int
parse_frequency(const char *s, enum ptp_frequency *f)
{
	for (int i = PTP_FREQ_WEEKLY; i <= PTP_FREQ_MONTHLY; i++)
		if (strcmp(s, ptp_frequency_name((enum ptp_frequency)i)) == 0) {
			*f = (enum ptp_frequency)i;
			return 0;
		}
	return -1;
}

/* Marks a field bad with a message, keeping the first problem found for it. */
static void bad(struct ptp_check *c, enum ptp_field f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
bad(struct ptp_check *c, enum ptp_field f, const char *fmt, ...)
{
	va_list ap;

	if (c->msg[f][0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(c->msg[f], sizeof c->msg[f], fmt, ap);
	va_end(ap);
	c->nbad++;
}

/* The fields on their own: each value parses and is in range. */
static void
check_fields(const struct ptp_form *f, const struct ptp_rules *r, int32_t today, struct ptp_check *c,
	     bool *have_amount, bool *have_date, bool *have_n)
{
	struct ptp_plan *p = &c->plan;
	struct err e = { "" };
	char d1[16];

	if (empty(f->amount))
		bad(c, PTP_FIELD_AMOUNT, "enter the amount of %s",
		    parse_payments(f->payments, &p->n) == 0 && p->n > 1 ? "each payment" : "the payment");
	else if (money_parse(f->amount, &p->amount, &e) != 0)
		bad(c, PTP_FIELD_AMOUNT, "%s", e.msg);
	else if (p->amount <= 0)
		bad(c, PTP_FIELD_AMOUNT, "the amount must be more than 0");
	else
		*have_amount = true;

	if (parse_payments(f->payments, &p->n) == 0) {
		if (p->n > r->plan_max_payments)
			bad(c, PTP_FIELD_PAYMENTS, "a plan may have at most %d payments",
			    r->plan_max_payments);
		else
			*have_n = true;
	} else {
		bad(c, PTP_FIELD_PAYMENTS, "enter the number of payments (1 for a single promise)");
	}

	if (empty(f->first_due))
		bad(c, PTP_FIELD_DATE, "enter the date of the %spayment (YYYY-MM-DD)",
		    *have_n && p->n > 1 ? "first " : "");
	else if (date_parse(f->first_due, &p->due[0], &e) != 0)
		bad(c, PTP_FIELD_DATE, "%s", e.msg);
	else if (p->due[0] < today)
		bad(c, PTP_FIELD_DATE, "%s is in the past (today is %s)", f->first_due,
		    date_format(today, d1, sizeof d1));
	else if (p->due[0] > today + r->max_days)
		bad(c, PTP_FIELD_DATE, "%s is more than %d days away; the latest is %s", f->first_due,
		    r->max_days, date_format(today + r->max_days, d1, sizeof d1));
	else
		*have_date = true;

	p->frequency = PTP_FREQ_MONTHLY;
	if (*have_n && p->n > 1) {
		if (empty(f->frequency))
			bad(c, PTP_FIELD_FREQUENCY, "choose how often: weekly, fortnightly or monthly");
		else if (parse_frequency(f->frequency, &p->frequency) != 0)
			bad(c, PTP_FIELD_FREQUENCY,
			    "'%s' is not a frequency: weekly, fortnightly or monthly", f->frequency);
	}

	if (empty(f->method))
		bad(c, PTP_FIELD_METHOD, "enter how the debtor will pay (card, bank transfer, ...)");
	else if (strlen(f->method) >= sizeof p->method)
		bad(c, PTP_FIELD_METHOD, "at most %zu characters", sizeof p->method - 1);
	else
		snprintf(p->method, sizeof p->method, "%s", f->method);

	if (f->reference != NULL && strlen(f->reference) >= sizeof p->reference)
		bad(c, PTP_FIELD_REFERENCE, "at most %zu characters", sizeof p->reference - 1);
	else if (f->reference != NULL)
		snprintf(p->reference, sizeof p->reference, "%s", f->reference);
}

int
ptp_validate(const struct ptp_form *f, const struct ptp_rules *r, int64_t amount_due,
	     int64_t balance, int32_t today, struct ptp_check *c)
{
	struct ptp_plan *p = &c->plan;
	bool have_amount = false, have_date = false, have_n = false;
	char m1[32], m2[32], m3[32], d1[16];

	memset(c, 0, sizeof *c);
	p->settlement = f->settlement;
	check_fields(f, r, today, c, &have_amount, &have_date, &have_n);

	if (have_date && have_n && c->msg[PTP_FIELD_FREQUENCY][0] == '\0') {
		ptp_schedule(p->due[0], p->n, p->frequency, p->due);
		if (p->n > 1 && p->due[p->n - 1] > today + r->plan_max_days)
			bad(c, PTP_FIELD_PAYMENTS,
			    "the last payment would fall on %s, beyond the plan limit of %d days (%s)",
			    date_format(p->due[p->n - 1], m1, sizeof m1), r->plan_max_days,
			    date_format(today + r->plan_max_days, d1, sizeof d1));
	}
	if (!have_amount || !have_n)
		return c->nbad;

	p->total = p->amount * p->n;
	if (p->total > balance)
		bad(c, PTP_FIELD_AMOUNT, "%s in total is more than the balance %s",
		    money_format(p->total, m1, sizeof m1, 1), money_format(balance, m2, sizeof m2, 1));
	else if (p->n > 1 && !p->settlement && p->total < amount_due)
		bad(c, PTP_FIELD_AMOUNT,
		    "the plan pays %s in total, %s short of the amount due %s; raise it or mark a "
		    "settlement", money_format(p->total, m1, sizeof m1, 1),
		    money_format(amount_due - p->total, m2, sizeof m2, 1),
		    money_format(amount_due, m3, sizeof m3, 1));
	if (p->settlement && (int64_t)r->settlement_approval_percent * balance > p->total * 100) {
		/* Money below the floor is a discount the agent may not grant alone. */
		p->approval = PTP_APPROVAL_PENDING;
		snprintf(c->note, sizeof c->note,
			 "a settlement of %s is below %d%% of the balance %s: it stays pending until a "
			 "lead approves it", money_format(p->total, m1, sizeof m1, 1),
			 r->settlement_approval_percent, money_format(balance, m2, sizeof m2, 1));
	}
	return c->nbad;
}

static int
cmp_promise(const void *a, const void *b)
{
	const struct promise *x = *(struct promise *const *)a, *y = *(struct promise *const *)b;

	if (x->due_on != y->due_on)
		return x->due_on < y->due_on ? -1 : 1;
	return x->rowid < y->rowid ? -1 : x->rowid > y->rowid;
}

static int
cmp_payment(const void *a, const void *b)
{
	const struct payment *x = a, *y = b;

	return x->paid_on < y->paid_on ? -1 : x->paid_on > y->paid_on;
}

void
ptp_evaluate(struct promise *ps, size_t n, const struct payment *pays, size_t m, int grace_days,
	     int32_t today)
{
	struct promise **order = calloc(n + 1, sizeof *order);
	struct payment *left = calloc(m + 1, sizeof *left);

	if (order == NULL || left == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		order[i] = &ps[i];
	if (m > 0)
		memcpy(left, pays, m * sizeof *left);
	qsort(order, n, sizeof *order, cmp_promise);
	qsort(left, m, sizeof *left, cmp_payment);
	for (size_t i = 0; i < n; i++) {
		struct promise *p = order[i];
		int32_t last_day = p->due_on + grace_days;

		if (p->approval == PTP_APPROVAL_DECLINED)
			continue;
		p->paid = 0;
		for (size_t j = 0; j < m && p->paid < p->amount; j++) {
			int64_t take;
			if (left[j].paid_on < p->made_on || left[j].paid_on > last_day || left[j].amount <= 0)
				continue;
			take = left[j].amount < p->amount - p->paid ? left[j].amount : p->amount - p->paid;
			left[j].amount -= take;
			p->paid += take;
		}
		if (p->paid >= p->amount)
			p->state = PTP_KEPT;
		else if (today > last_day)
			p->state = p->paid > 0 ? PTP_PARTIAL : PTP_BROKEN;
		else
			p->state = PTP_PENDING;
	}
	free(order);
	free(left);
}

/* Picks the installment of event that shows: broken wins, then the first pending one, then
 * the last one due. */
static const struct promise *
summary_pick(const struct promise *ps, size_t n, const char *event)
{
	const struct promise *broken = NULL, *pending = NULL, *last = NULL;

	for (size_t i = 0; i < n; i++) {
		const struct promise *p = &ps[i];
		if (strcmp(p->event_id, event) != 0)
			continue;
		if (p->state == PTP_BROKEN && (broken == NULL || p->due_on < broken->due_on))
			broken = p;
		if (p->state == PTP_PENDING && (pending == NULL || p->due_on < pending->due_on))
			pending = p;
		if (last == NULL || p->due_on > last->due_on)
			last = p;
	}
	return broken != NULL ? broken : pending != NULL ? pending : last;
}

void
ptp_summarize(const struct promise *ps, size_t n, struct ptp_summary *out)
{
	const struct promise *latest = NULL, *pick;

	*out = (struct ptp_summary){ .state = PTP_NONE };
	for (size_t i = 0; i < n; i++)
		if (ps[i].approval != PTP_APPROVAL_DECLINED &&
		    (latest == NULL || ps[i].made_on > latest->made_on ||
		     (ps[i].made_on == latest->made_on && ps[i].rowid > latest->rowid)))
			latest = &ps[i];
	if (latest == NULL)
		return;
	pick = summary_pick(ps, n, latest->event_id);
	*out = (struct ptp_summary){ .state = pick->state, .amount = pick->amount, .due = pick->due_on };
}

void
ptp_kept_rate(const struct event *evs, size_t n, struct ptp_rate *out)
{
	json_t **bodies = calloc(n + 1, sizeof *bodies);
	struct kpi_promise *judged = calloc(n + 1, sizeof *judged);
	struct kpi_rate by_count, by_amount;
	size_t m = 0;

	if (bodies == NULL || judged == NULL)
		abort();
	*out = (struct ptp_rate){ 0 };
	for (size_t i = 0; i < n; i++)
		if (strcmp(evs[i].kind, "ptp_status") == 0)
			bodies[i] = json_loads(evs[i].body, 0, NULL);
	for (size_t i = 0; i < n; i++) {
		const char *id = json_string_value(json_object_get(bodies[i], "promise"));
		json_int_t k = json_integer_value(json_object_get(bodies[i], "installment"));
		bool superseded = false;

		if (id == NULL)
			continue;
		/* A later status of the same installment replaces this one. */
		for (size_t j = 0; j < n && !superseded; j++) {
			const char *id2 = json_string_value(json_object_get(bodies[j], "promise"));
			if (j == i || id2 == NULL || strcmp(id, id2) != 0 ||
			    json_integer_value(json_object_get(bodies[j], "installment")) != k)
				continue;
			superseded = evs[j].at > evs[i].at || (evs[j].at == evs[i].at && j > i);
		}
		if (superseded)
			continue;
		const char *state = json_string_value(json_object_get(bodies[i], "state"));

		/* Every deciding status, judged or not: kpi_ptp_kept picks the judged ones. */
		judged[m++] = (struct kpi_promise){ .state = ptp_state_parse(state != NULL ? state : "") };
		out->kept += judged[m - 1].state == PTP_KEPT;
		out->partial += judged[m - 1].state == PTP_PARTIAL;
		out->broken += judged[m - 1].state == PTP_BROKEN;
	}
	/* The rate is the KPI's own definition (kpi.c), over every day. */
	kpi_ptp_kept(judged, m, INT32_MIN, INT32_MAX, &by_count, &by_amount);
	out->rate = kpi_rate_value(by_count);
	for (size_t i = 0; i < n; i++)
		json_decref(bodies[i]);
	free(bodies);
	free(judged);
}
