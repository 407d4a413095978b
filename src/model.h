/* model.h - the domain types shared by store, queue, policy, sync and the views. */
#ifndef ARREARS_MODEL_H
#define ARREARS_MODEL_H

#include <stdint.h>

#define ACCOUNT_ID_LEN 24
#define NAME_LEN 96		/* bytes of UTF-8, NUL included */
#define ZONES_LEN 96		/* ';'-separated IANA names */

enum product {
	PRODUCT_CARD,
	PRODUCT_PERSONAL_LOAN,
	PRODUCT_AUTO,
	PRODUCT_BNPL,
	PRODUCT_COUNT
};

/* Safety and status flags on an account; stored as a bit set. */
enum account_flag {
	AFLAG_DISPUTE = 1 << 0,
	AFLAG_CEASE = 1 << 1,
	AFLAG_ATTORNEY = 1 << 2,
	AFLAG_BANKRUPTCY = 1 << 3,
	AFLAG_DECEASED = 1 << 4,
	AFLAG_VULNERABLE = 1 << 5,
	AFLAG_BREATHING_SPACE = 1 << 6,
	AFLAG_COUNT_ = 7
};

enum contact_kind {
	CONTACT_MOBILE,
	CONTACT_LANDLINE,
	CONTACT_WORK,
	CONTACT_EMAIL,
	CONTACT_WORK_EMAIL,
	CONTACT_ADDRESS,
	CONTACT_KIND_COUNT
};

/* Consent bits on a contact point. */
enum consent_flag {
	CONSENT_AUTODIAL = 1 << 0,
	CONSENT_SMS = 1 << 1,
	CONSENT_EMAIL = 1 << 2,
	CONSENT_EMPLOYER_PROHIBITS = 1 << 3
};

enum ptp_state {
	PTP_NONE,
	PTP_PENDING,
	PTP_KEPT,
	PTP_PARTIAL,
	PTP_BROKEN
};

/* The whole of one account as the Account view shows it. */
struct account {
	int64_t rowid;
	char id[ACCOUNT_ID_LEN];
	char name[NAME_LEN];
	enum product product;
	char currency[4];
	char profile[16];	/* policy profile, e.g. us-regf */
	char region[8];		/* state or country subdivision */
	char segment[24];
	char assignee[32];
	char zones[ZONES_LEN];	/* consumer's candidate zones, ';'-separated */
	int32_t opened_on;	/* day number */
	int32_t due_date;	/* oldest unpaid due date, day number */
	int64_t principal, fees, past_due, total, amount_due;	/* cents */
	int risk;		/* 0..1000, higher is riskier */
	unsigned flags;		/* enum account_flag */
	int64_t last_attempt_at, last_contact_at, callback_at;	/* 0 = never / none */
	enum ptp_state ptp_state;
	int64_t ptp_amount;
	int32_t ptp_due;	/* day number, 0 = none */
};

/* What the queue needs of an account, read in one slim pass at start-up. */
struct account_summary {
	char id[ACCOUNT_ID_LEN];
	char name[NAME_LEN];
	char segment[24];
	enum product product;
	int32_t due_date;
	int64_t total, amount_due;
	int64_t last_attempt_at, last_contact_at, callback_at;
	enum ptp_state ptp_state;
	int32_t ptp_due;
	int risk;
	unsigned flags;
};

struct contact_point {
	int64_t id;
	enum contact_kind kind;
	char value[128];
	char zones[ZONES_LEN];	/* ';'-separated; may be empty */
	unsigned consent;	/* enum consent_flag */
};

/* One immutable piece of evidence as the timeline shows it. */
struct event {
	char id[40];		/* UUID */
	char account_id[ACCOUNT_ID_LEN];
	char kind[24];		/* attempt, outcome, note, ptp, payment, ... */
	char device[40];
	char user[32];
	int64_t at;		/* device time */
	int64_t seq;		/* per-device counter */
	char *body;		/* owned JSON text */
	char hash[65];		/* hex SHA-256 */
	char prev_hash[65];
};

const char *product_name(enum product p);
const char *contact_kind_name(enum contact_kind k);
/* Parses a contact kind's name ("mobile", "work_email", ...); -1 when unknown. */
int contact_kind_parse(const char *name);
const char *ptp_state_name(enum ptp_state s);
/* Parses a name ptp_state_name gives; PTP_NONE for anything else. */
enum ptp_state ptp_state_parse(const char *name);
/* Name of one flag bit, e.g. "cease"; NULL for an unknown bit. */
const char *account_flag_name(unsigned bit);
/* Parses a flag name into its bit; 0 when unknown. */
unsigned account_flag_parse(const char *name);
/* Days past due of a due date on day `today` (0 when not yet due). */
int account_dpd(int32_t due_date, int32_t today);

#endif
