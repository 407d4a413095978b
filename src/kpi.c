/* kpi.c - the collection KPIs (docs/KPIS.md has every formula). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "kpi.h"
#include "script.h"

double
kpi_rate_value(struct kpi_rate r)
{
	return r.den != 0 ? (double)r.num / (double)r.den : 0.0;
}

/* The dialler's codes; casework outcomes are judged by script.c's own table. */
static const struct {
	const char *result;
	enum kpi_reach reach;
} dialler[] = {
	{ .result = "no_answer", .reach = KPI_REACH_NONE },
	{ .result = "voicemail", .reach = KPI_REACH_NONE },
	{ .result = "busy", .reach = KPI_REACH_NONE },
	{ .result = "not_connected", .reach = KPI_REACH_NONE },
	{ .result = "conversation", .reach = KPI_REACH_RPC },
	{ .result = "wrong_party", .reach = KPI_REACH_CONTACT },
};

enum kpi_reach
kpi_reach_of(const char *result)
{
	enum call_outcome o;

	for (size_t k = 0; k < sizeof dialler / sizeof dialler[0]; k++)
		if (strcmp(dialler[k].result, result) == 0)
			return dialler[k].reach;
	o = call_outcome_parse(result);
	if (call_outcome_is_right_party(o))
		return KPI_REACH_RPC;
	return call_outcome_is_contact(o) ? KPI_REACH_CONTACT : KPI_REACH_NONE;
}

void
kpi_attempts_count(const char *const *results, size_t n, struct kpi_attempts *out)
{
	*out = (struct kpi_attempts){ .attempts = (int64_t)n };
	for (size_t k = 0; k < n; k++) {
		enum kpi_reach r = kpi_reach_of(results[k]);
		out->contacts += r != KPI_REACH_NONE;
		out->rpcs += r == KPI_REACH_RPC;
	}
}

struct kpi_rate
kpi_rpc_rate(const struct kpi_attempts *a)
{
	return (struct kpi_rate){ .num = a->rpcs, .den = a->attempts };
}

struct kpi_rate
kpi_contact_rate(const struct kpi_attempts *a)
{
	return (struct kpi_rate){ .num = a->contacts, .den = a->attempts };
}

struct kpi_rate
kpi_ptp_rate(int64_t promises, const struct kpi_attempts *a)
{
	return (struct kpi_rate){ .num = promises, .den = a->rpcs };
}

void
kpi_ptp_kept(const struct kpi_promise *p, size_t n, int32_t from, int32_t to,
	     struct kpi_rate *by_count, struct kpi_rate *by_amount)
{
	*by_count = (struct kpi_rate){ 0 };
	*by_amount = (struct kpi_rate){ 0 };
	for (size_t k = 0; k < n; k++) {
		if (p[k].due_on < from || p[k].due_on > to)
			continue;
		if (p[k].state != PTP_KEPT && p[k].state != PTP_PARTIAL && p[k].state != PTP_BROKEN)
			continue;
		by_count->den++;
		by_count->num += p[k].state == PTP_KEPT;
		by_amount->den += p[k].amount;
		by_amount->num += p[k].paid < p[k].amount ? p[k].paid : p[k].amount;
	}
}

struct kpi_rate
kpi_cure_rate(const struct kpi_band_move *m, size_t n)
{
	struct kpi_rate r = { 0 };

	for (size_t k = 0; k < n; k++) {
		if (m[k].from <= 0)
			continue;
		r.den++;
		r.num += m[k].to == 0;
	}
	return r;
}

void
kpi_roll_rates(const struct kpi_band_move *m, size_t n, int band, struct kpi_rate *forward,
	       struct kpi_rate *back)
{
	*forward = (struct kpi_rate){ 0 };
	*back = (struct kpi_rate){ 0 };
	for (size_t k = 0; k < n; k++) {
		if (m[k].from != band)
			continue;
		forward->den++;
		back->den++;
		forward->num += m[k].to > band;
		back->num += m[k].to < band;
	}
}

struct kpi_rate
kpi_days_to_pay(const struct kpi_payment *p, size_t n)
{
	struct kpi_rate r = { .den = (int64_t)n };

	for (size_t k = 0; k < n; k++)
		r.num += p[k].paid_on > p[k].due_date ? p[k].paid_on - p[k].due_date : 0;
	return r;
}

struct kpi_rate
kpi_dispute_closure(const struct kpi_dispute *d, size_t n, int32_t from, int32_t to)
{
	struct kpi_rate r = { 0 };

	for (size_t k = 0; k < n; k++) {
		if (d[k].closed_on == 0 || d[k].closed_on < from || d[k].closed_on > to)
			continue;
		r.den++;
		r.num += d[k].closed_on > d[k].opened_on ? d[k].closed_on - d[k].opened_on : 0;
	}
	return r;
}

static int
work_cmp(const void *a, const void *b)
{
	const struct kpi_work *x = a, *y = b;
	int c = strcmp(x->agent, y->agent);

	if (c == 0)
		c = (x->day > y->day) - (x->day < y->day);
	return c != 0 ? c : strcmp(x->account, y->account);
}

struct kpi_rate
kpi_cases_worked(struct kpi_work *w, size_t n)
{
	struct kpi_rate r = { 0 };

	if (n == 0)
		return r;
	qsort(w, n, sizeof *w, work_cmp);
	for (size_t k = 0; k < n; k++) {
		bool new_day = k == 0 || strcmp(w[k].agent, w[k - 1].agent) != 0 ||
			       w[k].day != w[k - 1].day;
		r.den += new_day;
		r.num += new_day || strcmp(w[k].account, w[k - 1].account) != 0;
	}
	return r;
}

static int
review_cmp(const void *pa, const void *pb)
{
	const struct kpi_qa_review *a = pa, *b = pb;
	int c = strcmp(a->agent, b->agent);

	if (c == 0)
		c = strcmp(a->call, b->call);
	if (c == 0)
		c = (a->at > b->at) - (a->at < b->at);
	return c;
}

struct kpi_rate
kpi_compliance_score(struct kpi_qa_review *r, size_t n, const char *agent, int64_t overrides)
{
	struct kpi_rate out = { 0, overrides > 0 ? overrides : 0 };

	if (n > 1)
		qsort(r, n, sizeof *r, review_cmp);
	for (size_t k = 0; k < n; k++) {
		/* the last review of each call of the agent is its verdict: a second look replaces
		 * the first */
		if (strcmp(r[k].agent, agent) != 0)
			continue;
		if (k + 1 < n && strcmp(r[k + 1].agent, agent) == 0 &&
		    strcmp(r[k + 1].call, r[k].call) == 0)
			continue;
		out.den++;
		out.num += r[k].passed;
	}
	return out;
}
