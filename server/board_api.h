/* board_api.h - the lead's side of the protocol: GET /v1/board computed by src/board.c
 * over the book, and the rules of a `reassign` event (docs/PROTOCOL.md). */
#ifndef ARREARS_SERVER_BOARD_API_H
#define ARREARS_SERVER_BOARD_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"
#include "store.h"

/* The board of day today for u: a lead's team, or every agent for an admin, as JSON (a new
 * reference). NULL with e filled on a storage failure; u must be a lead or an admin. */
json_t *server_board_json(struct server_store *st, const struct server_user *u, int32_t today,
			  struct err *e);

/* Whether u may push the reassign event ev: 0 when it may, 1 with reason filled when not (only
 * a lead of the team or an admin; the target must be a user, of the lead's team; the account
 * must be in the lead's scope; not to its current assignee), -1 on a storage failure. */
int server_reassign_check(struct server_store *st, const struct server_user *u,
			  const struct event *ev, char *reason, size_t len, struct err *e);

/* Applies an accepted reassign event: the account's assignee becomes the event's target, so
 * the old scope gets a removal and the new one the account at their next pull. Inside the
 * caller's transaction. */
int server_reassign_apply(struct server_store *st, const struct event *ev, struct err *e);

#endif
