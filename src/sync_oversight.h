/* sync_oversight.h - what a sync fetches for leads, admins and QA reviewers besides their own
 * cases: the server's queue board and the call records to review (docs/PROTOCOL.md "Client"). */
#ifndef ARREARS_SYNC_OVERSIGHT_H
#define ARREARS_SYNC_OVERSIGHT_H

#include "err.h"
#include "sync.h"

struct store;

/* Call records are fetched for this many days up to today. */
#define OVERSIGHT_DAYS 14

/* For a lead or an admin (the role saved at login), keeps GET /v1/board in board_snapshot; for
 * qa, leads and admins, adds the call events of the last OVERSIGHT_DAYS days to review_events
 * (r->calls_fetched counts the new ones). Other roles fetch nothing. Returns an enum
 * sync_status. */
int sync_oversight(struct store *s, const struct sync_conf *c, const char *base,
		   const char *token, struct sync_report *r, struct err *e);

#endif
