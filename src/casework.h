/* casework.h - working a case: calls through a script, promises, payments, notes, callbacks
 * and flags. Every action is an event first; the account's derived state follows in the same
 * transaction, committed (so on disk) before the function returns 0. */
#ifndef ARREARS_CASEWORK_H
#define ARREARS_CASEWORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "ptp.h"
#include "script.h"
#include "wire.h"

struct store;

#define NOTE_MAX_CHARS 2000	/* characters (code points), not bytes */

/* Who acts and under which rules; every member is borrowed. */
struct casework {
	struct store *store;
	const char *device;	/* the evidence chain written to */
	const char *user;
	const char *role;	/* settings role: only lead and admin decide on settlements */
	struct ptp_rules rules;
};

/* Checks a note as it is typed: valid UTF-8, not empty, at most NOTE_MAX_CHARS. 0 or -1. */
int casework_note_check(const char *text, struct err *e);

/* Adds a note to the account. */
int casework_note_add(const struct casework *cw, const char *account, const char *text,
		      int64_t now, struct err *e);

/* Corrects an editable field of the account's party (the debtor's time zones, the name's
 * spelling): a field_edit event based on the field's version in the cache, and the value
 * written to the cache at once, its version counted, so the workstation shows it before the
 * server has it; the pull after the push brings the server's decision. An invalid value or
 * one the field holds already is refused. */
int casework_field_edit(const struct casework *cw, const char *account, enum wire_field field,
			const char *value, int64_t now, struct err *e);

/* Resolves the account's open conflict (its id): keep_edit takes the edit's value, else the
 * current value stays; a conflict_resolve event, and the cache follows at once. */
int casework_conflict_resolve(const struct casework *cw, const char *account,
			      const char *conflict, bool keep_edit, int64_t now, struct err *e);

/* Schedules a callback at due_at (after now); the queue raises the case when it is due. */
int casework_callback_schedule(const struct casework *cw, const char *account, int64_t due_at,
			       int64_t now, struct err *e);

/* Opens (open = true) or resolves a dispute, with the debtor's reason or the resolution. */
int casework_dispute_set(const struct casework *cw, const char *account, bool open,
			 const char *reason, int64_t now, struct err *e);

/* Records a request to cease communication (reason may be NULL). */
int casework_cease_request(const struct casework *cw, const char *account, const char *reason,
			   int64_t now, struct err *e);

/* Sets or clears the vulnerable-customer flag; a reason is required. */
int casework_vulnerable_set(const struct casework *cw, const char *account, bool on,
			    const char *reason, int64_t now, struct err *e);

/* Records a validated promise (ptp_validate) made on day of now; promise_id (37 bytes, may be
 * NULL) gets the promise's event id. call_id ties it to a call (NULL when none). */
int casework_ptp_record(const struct casework *cw, const char *account, const struct ptp_plan *p,
			const char *call_id, int64_t now, char *promise_id, struct err *e);

/* A lead approves or declines a settlement that is pending approval. */
int casework_ptp_decide(const struct casework *cw, const char *account, const char *promise_id,
			bool approve, int64_t now, struct err *e);

/* Records a payment from any source (agent, gateway, sync) and re-evaluates the promises. */
int casework_payment_record(const struct casework *cw, const char *account, int64_t amount,
			    int32_t paid_on, const char *reference, const char *source,
			    int64_t now, struct err *e);

/* Re-evaluates the account's promises at now (grace periods run out without any payment):
 * a ptp_status event for each installment whose state changed, then the derived state. */
int casework_promises_evaluate(const struct casework *cw, const char *account, int64_t now,
			       struct err *e);

/* The accounts with a promise still pending whose grace period ran out before the day of now,
 * in one query: those casework_promises_evaluate would change. *ids gets a new array of *n
 * account ids (free with free()). 0 or -1. */
int casework_promises_due(struct store *s, int64_t now, int grace_days,
			  char (**ids)[ACCOUNT_ID_LEN], size_t *n, struct err *e);

/* The account's promise installments in due order, into a new array (free with free()). */
int casework_promises_get(struct store *s, const char *account, struct promise **out, size_t *n,
			  struct err *e);

/* One call through a script. Each answer, checkpoint and the outcome is an event carrying the
 * call's id; the runner (for the view) only moves once its event is committed. */
struct casework_call;

/* Starts a call to contact (e.g. "mobile") on the account with script; vars fill its prompts.
 * script, vars and cw must outlive the call. NULL on error. */
struct casework_call *casework_call_start(const struct casework *cw, const char *account,
					  const struct script *script,
					  const struct script_vars *vars, const char *contact,
					  int64_t now, struct err *e);
void casework_call_free(struct casework_call **c);

/* The runner, for reading prompt, answers, locks and checkpoints. Borrowed. */
const struct script_runner *casework_call_runner(const struct casework_call *c);
/* The call's id (a UUID), as written in its events. Borrowed. */
const char *casework_call_id(const struct casework_call *c);
bool casework_call_closed(const struct casework_call *c);

int casework_call_answer(struct casework_call *c, size_t i, int64_t now, struct err *e);
int casework_call_tick(struct casework_call *c, size_t checkpoint, int64_t now, struct err *e);
int casework_call_waive(struct casework_call *c, size_t checkpoint, const char *reason,
			int64_t now, struct err *e);
/* Records a promise made during the call (needed before closing with OUTCOME_PTP). */
int casework_call_ptp(struct casework_call *c, const struct ptp_plan *p, int64_t now,
		      struct err *e);
/* Whether the call may close with o now; why says what is missing. */
bool casework_call_can_close(const struct casework_call *c, enum call_outcome o,
			     int64_t callback_at, int64_t now, char *why, size_t len);
/* Ends the call with outcome o (callback_at for OUTCOME_CALLBACK, else 0): the attempt event,
 * and a dispute, cease or callback event when the outcome means one. */
int casework_call_close(struct casework_call *c, enum call_outcome o, int64_t callback_at,
			int64_t now, struct err *e);

#endif
