/* edit_api.h - the server's side of client-editable fields: the field_edit and
 * conflict_resolve events checked at push and merged into the account record after the
 * commit (docs/PROTOCOL.md "Editable fields"). */
#ifndef ARREARS_SERVER_EDIT_API_H
#define ARREARS_SERVER_EDIT_API_H

#include <stddef.h>

#include "err.h"
#include "model.h"
#include "store.h"

/* Whether ev, a field_edit or a conflict_resolve, may be stored: 0 when it may (or is of
 * another kind), 1 with reason filled when not (a bad body, field or value; a resolve naming
 * an event the server never stored), -1 on a storage failure. The account's state refuses
 * nothing: evidence is kept, and the apply decides what it changes. */
int server_edit_check(struct server_store *st, const struct server_user *u,
		      const struct event *ev, char *reason, size_t len, struct err *e);

/* Applies an accepted field_edit or conflict_resolve (other kinds: nothing) to the account's
 * record, inside the caller's transaction. flagged: the pusher may not write the account, so
 * an edit is kept as a conflict for someone who may, and a resolve changes nothing; so does
 * a resolve of a conflict no longer open. 0 or -1 (a dead letter). */
int server_edit_apply(struct server_store *st, const struct event *ev, int flagged,
		      struct err *e);

#endif
