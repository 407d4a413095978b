/* kpi.h - the collection KPIs, defined once: pure functions over plain inputs, so the
 * workstation, the reports and the server compute the same figures (docs/KPIS.md). */
#ifndef ARREARS_KPI_H
#define ARREARS_KPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* A rate kept as its two counts, so callers can show "12 / 40" and tell "no data" (den 0)
 * from zero. */
struct kpi_rate {
	int64_t num;
	int64_t den;
};

/* The rate as a fraction between num and den; 0 when den is 0 (check den to show "-"). */
double kpi_rate_value(struct kpi_rate r);

/* What an attempt's result says about who was reached. */
enum kpi_reach {
	KPI_REACH_NONE,		/* nobody was spoken to */
	KPI_REACH_CONTACT,	/* a person was spoken to, not (or not known to be) the debtor */
	KPI_REACH_RPC		/* right-party contact: the debtor was spoken to */
};

/* The reach of one attempt result: the dialler codes of "attempt" events (no_answer,
 * voicemail, busy, not_connected, conversation, wrong_party) and the casework outcomes of
 * script.h (rpc, ptp, ...). Unknown codes reach nobody. */
enum kpi_reach kpi_reach_of(const char *result);

/* Attempts counted by reach. */
struct kpi_attempts {
	int64_t attempts;
	int64_t contacts;	/* every contact, right-party contacts included */
	int64_t rpcs;
};

/* Counts n attempt results (codes as for kpi_reach_of) into out. */
void kpi_attempts_count(const char *const *results, size_t n, struct kpi_attempts *out);

/* Right-party contact rate: RPCs / attempts. */
struct kpi_rate kpi_rpc_rate(const struct kpi_attempts *a);

/* Contact rate: contacts (right-party or not) / attempts. */
struct kpi_rate kpi_contact_rate(const struct kpi_attempts *a);

/* PTP rate: promises recorded in the period / RPCs in the same period. */
struct kpi_rate kpi_ptp_rate(int64_t promises, const struct kpi_attempts *a);

/* One promise to pay as the cache keeps it. */
struct kpi_promise {
	int64_t amount;		/* cents promised */
	int64_t paid;		/* cents paid against it */
	int32_t due_on;		/* day number */
	enum ptp_state state;
};

/* PTP kept rate of the promises due in [from, to] (day numbers, inclusive) and judged (kept,
 * partial or broken; pending ones are not yet due for judgement). by_count: kept / judged;
 * by_amount: cents paid (at most the promised amount each) / cents promised. */
void kpi_ptp_kept(const struct kpi_promise *p, size_t n, int32_t from, int32_t to,
		  struct kpi_rate *by_count, struct kpi_rate *by_amount);

/* One account's band at the start and at the end of a period (0 is current; bands.h). */
struct kpi_band_move {
	int from;
	int to;
};

/* Cure rate: accounts delinquent at the start (from > 0) that are current at the end (to ==
 * 0) / accounts delinquent at the start. */
struct kpi_rate kpi_cure_rate(const struct kpi_band_move *m, size_t n);

/* Roll rates out of one band over the period: forward = accounts that started in band and
 * ended in a later band, back = those that ended in an earlier band; both over the accounts
 * that started in band. */
void kpi_roll_rates(const struct kpi_band_move *m, size_t n, int band, struct kpi_rate *forward,
		    struct kpi_rate *back);

/* One payment that ended a delinquency: the oldest unpaid due date before it, and the day it
 * was paid. */
struct kpi_payment {
	int32_t due_date;
	int32_t paid_on;
};

/* Days to pay: the sum of days from due date to payment (0 when paid on or before the due
 * date) over the number of payments; the mean is kpi_rate_value. */
struct kpi_rate kpi_days_to_pay(const struct kpi_payment *p, size_t n);

/* One dispute: the day it was opened and the day it was resolved (0 while it is open). */
struct kpi_dispute {
	int32_t opened_on;
	int32_t closed_on;
};

/* Dispute closure time of the disputes resolved in [from, to] (day numbers, inclusive): the
 * sum of days from opening to resolution over the number resolved; the mean is
 * kpi_rate_value. Open disputes wait until they are resolved; a resolution dated before its
 * opening (a clock error) counts as 0 days. */
struct kpi_rate kpi_dispute_closure(const struct kpi_dispute *d, size_t n, int32_t from,
				    int32_t to);

/* One piece of work: an agent acted on an account on a day (an attempt, note, promise...). */
struct kpi_work {
	const char *agent;	/* borrowed */
	const char *account;	/* borrowed */
	int32_t day;
};

/* Cases worked per agent per day: distinct (agent, day, account) / distinct (agent, day), so
 * an agent's days without work do not count and an account worked twice a day counts once.
 * Sorts w in place. */
struct kpi_rate kpi_cases_worked(struct kpi_work *w, size_t n);

/* One QA review (a qa_score event) of a scripted call. */
struct kpi_qa_review {
	const char *agent;	/* borrowed: who ran the call */
	const char *call;	/* borrowed: the call's id */
	int64_t at;		/* when the review was recorded; the latest per call counts */
	bool passed;
};

/* Agent compliance score: the agent's reviewed calls whose latest review passed / (the agent's
 * reviewed calls + policy overrides the agent made), so each override counts as a failed
 * review. Sorts r in place. */
struct kpi_rate kpi_compliance_score(struct kpi_qa_review *r, size_t n, const char *agent,
				     int64_t overrides);

#endif
