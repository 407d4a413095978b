/* run_history.h - what a strategy run needs to know of the book's evidence, read in one
 * events_scan: the steps each account was already given (dispatched, failed for good, or
 * recorded as due work) and the last deferral of each, its recent contact attempts for the
 * policy, and the state of its latest promise to pay. */
#ifndef ARREARS_SERVER_RUN_HISTORY_H
#define ARREARS_SERVER_RUN_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"
#include "policy.h"
#include "store.h"

/* The run's own chain: a device no client can push for, written by a user no login can be
 * (':' is not allowed in user names). */
#define RUN_DEVICE "arrearsd"
#define RUN_USER "arrearsd:run"

/* A step's identity: book, version, segment, arm and step number, '\x1f'-separated. */
#define RUN_KEY_LEN 128
#define RUN_DEFERRAL_LEN 200

/* What the run has done about one step of one account. */
struct run_mark {
	char account[ACCOUNT_ID_LEN];
	char key[RUN_KEY_LEN];
	bool done;		/* dispatched, failed for good, or recorded as due work */
	char deferral[RUN_DEFERRAL_LEN];	/* the last deferral's reasons and next time, "" */
	size_t order;		/* the scan's order, while marks are merged */
};

/* An account's latest promise to pay (by the time it was made). */
struct run_promise {
	char account[ACCOUNT_ID_LEN];
	char id[40];		/* the ptp event's id, which its ptp_status events name */
	int64_t at;
	int32_t due;		/* the last installment's day */
	enum ptp_state state;	/* the latest ptp_status of it; PTP_PENDING when none */
	int64_t state_at;
};

struct run_history;

/* Reads the book's evidence at time now: the run's own events, every account's attempt events
 * of the last CONTACT_HISTORY_DAYS days (contact_facts.h), and its promises. 0, or -1 with e. */
int run_history_load(struct server_store *st, int64_t now, struct run_history **out,
		     struct err *e);

void run_history_free(struct run_history **h);

/* The key of a step: "BOOK\x1fVERSION\x1fSEGMENT\x1fARM\x1fSTEP" into buf. Returns buf. */
char *run_key(const char *book, int version, const char *segment, const char *arm, size_t step,
	      char buf[RUN_KEY_LEN]);

/* What was done about key on account, or NULL when nothing. Borrowed. */
const struct run_mark *run_history_mark(const struct run_history *h, const char *account,
					const char *key);

/* The account's attempts (borrowed; *n of them, any order). */
const struct policy_attempt *run_history_attempts(const struct run_history *h,
						  const char *account, size_t *n);

/* The account's latest promise, or NULL. Borrowed. */
const struct run_promise *run_history_promise(const struct run_history *h, const char *account);

#endif
