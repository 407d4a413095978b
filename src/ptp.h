/* ptp.h - promises to pay: validation as the agent types, installment schedules, and the
 * evaluation of promises against payments. Pure: callers pass today and the facts. */
#ifndef ARREARS_PTP_H
#define ARREARS_PTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct settings;

#define PTP_MAX_PAYMENTS 104	/* the settings range caps ptp.plan_max_payments here */

enum ptp_frequency {
	PTP_FREQ_WEEKLY,
	PTP_FREQ_FORTNIGHTLY,
	PTP_FREQ_MONTHLY
};

/* A settlement below the configured share of the balance waits for a lead. */
enum ptp_approval {
	PTP_APPROVAL_NONE,	/* not needed */
	PTP_APPROVAL_PENDING,
	PTP_APPROVAL_APPROVED,
	PTP_APPROVAL_DECLINED	/* the promise no longer counts */
};

const char *ptp_frequency_name(enum ptp_frequency f);
const char *ptp_approval_name(enum ptp_approval a);

/* The limits that apply to promises, from arrears.conf. */
struct ptp_rules {
	int max_days;		/* latest first (or only) payment, days from today */
	int grace_days;
	int plan_max_payments;
	int plan_max_days;	/* latest last payment of a plan, days from today */
	int settlement_approval_percent;
};

void ptp_rules_from_settings(struct ptp_rules *r, const struct settings *s);

enum ptp_field {
	PTP_FIELD_AMOUNT,
	PTP_FIELD_DATE,
	PTP_FIELD_PAYMENTS,
	PTP_FIELD_FREQUENCY,
	PTP_FIELD_METHOD,
	PTP_FIELD_REFERENCE,
	PTP_FIELD_COUNT
};

/* The form as typed; NULL or "" is an empty field. */
struct ptp_form {
	const char *amount;	/* of each payment */
	const char *first_due;	/* YYYY-MM-DD */
	const char *payments;	/* empty means 1 */
	const char *frequency;	/* weekly, fortnightly or monthly; plans only */
	const char *method;
	const char *reference;	/* payment link or reference text; optional */
	bool settlement;
};

/* A validated promise: one payment, or a plan of n. */
struct ptp_plan {
	int64_t amount;		/* of each payment, cents */
	int n;
	enum ptp_frequency frequency;
	int32_t due[PTP_MAX_PAYMENTS];	/* day numbers */
	int64_t total;
	bool settlement;
	enum ptp_approval approval;
	char method[32];
	char reference[128];
};

/* The verdict on a form: one message per field ("" when the field is fine). */
struct ptp_check {
	char msg[PTP_FIELD_COUNT][192];
	int nbad;
	char note[192];		/* not an error: e.g. why the promise will wait for approval */
	struct ptp_plan plan;	/* complete when nbad is 0 */
};

/* Checks every field of f against the rules, the account's amount due and balance, on day
 * today; fills c and returns the number of fields with a problem (0 = the promise may be
 * recorded, as c->plan). */
int ptp_validate(const struct ptp_form *f, const struct ptp_rules *r, int64_t amount_due,
		 int64_t balance, int32_t today, struct ptp_check *c);

/* Writes the n due dates of a plan starting on first (monthly keeps the day of the month,
 * or the month's last day when it is shorter). */
void ptp_schedule(int32_t first, int n, enum ptp_frequency f, int32_t *due);

/* One installment of a promise (a single promise is an installment of one). */
struct promise {
	int64_t rowid;
	char event_id[40];
	int installment;	/* 1..n */
	int64_t amount;
	int32_t made_on, due_on;
	enum ptp_state state;
	int64_t paid;
	bool settlement;
	enum ptp_approval approval;
};

struct payment {
	int64_t amount;
	int32_t paid_on;
};

/* Applies payments (any source, in date order) to promises in due order: a payment counts for
 * a promise made on or before the day it was paid and due no more than grace_days before it.
 * Sets paid and state at today: kept when paid in full; after the grace period partially kept
 * or broken; otherwise pending. Declined promises are left alone. */
void ptp_evaluate(struct promise *ps, size_t n, const struct payment *pays, size_t m,
		  int grace_days, int32_t today);

/* What the account shows of its promises: the latest promise still counting decides; a broken
 * installment makes it broken, otherwise the first pending one shows. */
struct ptp_summary {
	enum ptp_state state;
	int64_t amount;
	int32_t due;
};
void ptp_summarize(const struct promise *ps, size_t n, struct ptp_summary *out);

/* The kept rate from evidence: the last ptp_status event of each installment decides it. */
struct ptp_rate {
	int kept, partial, broken;
	double rate;		/* kept / (kept + partial + broken); 0 when none is decided */
};
void ptp_kept_rate(const struct event *evs, size_t n, struct ptp_rate *out);

#endif
