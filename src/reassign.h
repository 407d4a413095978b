/* reassign.h - a lead moves cases to another agent: a `reassign` event per case (evidence,
 * pushed by sync; the server decides), and the cache's assignment follows at once. */
#ifndef ARREARS_REASSIGN_H
#define ARREARS_REASSIGN_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

struct casework;
struct store;

/* Whether role may reassign cases: lead or admin (the server enforces the team). */
int reassign_allowed(const char *role);

/* The user's role: the one the server gave at the last login, else fallback (the settings'
 * role, as a demo cache has no session). buf of 16 bytes. 0, or -1 with e filled. */
int reassign_role(struct store *s, const char *fallback, char *buf, size_t len, struct err *e);

/* Reassigns the n accounts to agent `to`: for each, a reassign event {"from", "to"} on the
 * casework's device chain and the cache's assignment, all in one transaction committed
 * before returning 0. Refuses (-1, nothing written) a role that may not, an empty target, an
 * unknown account, or an account already assigned to `to`, naming it. */
int reassign_cases(const struct casework *cw, const char (*accounts)[ACCOUNT_ID_LEN], size_t n,
		   const char *to, int64_t now, struct err *e);

#endif
