/* edit_api.c - field edits and conflict resolutions over the book's account records. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "edit_api.h"
#include "field_edit.h"

/* A resolve names a conflict by its field_edit's id: an id the server never stored is a
 * client's mistake and refused. Anything else is evidence and kept, whatever the account's
 * state: a conflict another person resolved meanwhile, or an account reassigned since, makes
 * the resolve change nothing (server_edit_apply), since refusing evidence would also stop the
 * device's chain at it. */
static int
resolve_check(struct server_store *st, const struct event *ev, char *reason, size_t len,
	      struct err *e)
{
	struct conflict_resolve cr;
	char stored[65];
	struct err de;
	int rc;

	if (conflict_resolve_decode(ev->body, &cr, &de) != 0) {
		snprintf(reason, len, "conflict_resolve: %.130s", de.msg);
		return 1;
	}
	if ((rc = st->ops->event_hash(st, cr.conflict, stored, e)) < 0)
		return -1;
	if (rc == 1) {
		snprintf(reason, len, "conflict_resolve: no conflict %s on account %s", cr.conflict,
			 ev->account_id);
		return 1;
	}
	return 0;
}

int
server_edit_check(struct server_store *st, const struct server_user *u, const struct event *ev,
		  char *reason, size_t len, struct err *e)
{
	struct field_edit fe;
	struct err de;

	(void)u;
	if (strcmp(ev->kind, "conflict_resolve") == 0)
		return resolve_check(st, ev, reason, len, e);
	if (strcmp(ev->kind, "field_edit") != 0)
		return 0;
	if (field_edit_decode(ev->body, &fe, &de) != 0) {
		snprintf(reason, len, "field_edit: %.140s", de.msg);
		return 1;
	}
	return 0;
}

int
server_edit_apply(struct server_store *st, const struct event *ev, int flagged, struct err *e)
{
	struct wire_account acct;
	struct field_edit fe;
	struct conflict_resolve cr;
	int edit = strcmp(ev->kind, "field_edit") == 0, rc, changed;

	if (!edit && strcmp(ev->kind, "conflict_resolve") != 0)
		return 0;
	/* both were checked at push; a body that fails now is a bug, kept as a dead letter */
	if (edit ? field_edit_decode(ev->body, &fe, e) : conflict_resolve_decode(ev->body, &cr, e))
		return -1;
	if ((rc = st->ops->account_get(st, ev->account_id, &acct, e)) != 0)
		return rc < 0 ? -1 : err_set(e, "no account %s in the book", ev->account_id);
	if (edit)
		rc = field_edit_merge(&acct, ev, &fe, flagged) == FIELD_MERGE_SAME ? 1 : 0;
	else	/* resolved by someone else first, or by a pusher the account is not theirs */
		rc = flagged || field_conflict_find(&acct, cr.conflict) < 0 ? 1
								    : field_conflict_resolve(&acct, &cr, e);
	if (rc == 0)
		rc = st->ops->account_put(st, &acct, &changed, e);
	wire_account_clear(&acct);
	return rc < 0 ? -1 : 0;
}
