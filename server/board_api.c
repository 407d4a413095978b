/* board_api.c - GET /v1/board and the reassign rules over the book. */
#include "config.h"

#include <string.h>

#include "board.h"
#include "board_api.h"
#include "board_json.h"

json_t *
server_board_json(struct server_store *st, const struct server_user *u, int32_t today,
		  struct err *e)
{
	struct board_builder *bb;
	struct bands bands;
	struct board b;
	json_t *j;

	/* the server keeps no client settings: the default bands, as its aging report has */
	bands_default(&bands);
	bb = board_builder_new(&bands, today);
	if (st->ops->board_scan(st, u->role == ROLE_LEAD ? u->team : NULL, today, bb, e) != 0) {
		board_builder_free(&bb);
		return NULL;
	}
	board_finish(bb, &b);
	board_builder_free(&bb);
	j = board_json(&b);
	board_free(&b);
	if (j == NULL)
		err_set(e, "board: a name is not valid UTF-8");
	return j;
}

/* The "to" of a reassign body into to; 0, or 1 with reason filled. */
static int
target_of(const struct event *ev, char *to, size_t tolen, char *reason, size_t len)
{
	json_t *j = json_loads(ev->body, 0, NULL);
	const char *s = json_string_value(json_object_get(j, "to"));
	int rc = 1;

	if (s == NULL || s[0] == '\0')
		snprintf(reason, len, "reassign: $.to: must be a user name");
	else if (strlen(s) >= tolen)
		snprintf(reason, len, "reassign: $.to: too long");
	else {
		snprintf(to, tolen, "%s", s);
		rc = 0;
	}
	json_decref(j);
	return rc;
}

int
server_reassign_check(struct server_store *st, const struct server_user *u,
		      const struct event *ev, char *reason, size_t len, struct err *e)
{
	struct server_user target;
	struct wire_account acct;
	char to[32];
	int rc;

	if (u->role != ROLE_LEAD && u->role != ROLE_ADMIN) {
		snprintf(reason, len, "reassign: only a lead or an admin may reassign cases");
		return 1;
	}
	if (u->role == ROLE_LEAD && u->team[0] == '\0') {
		snprintf(reason, len, "reassign: lead %s is in no team", u->name);
		return 1;
	}
	if (target_of(ev, to, sizeof to, reason, len) != 0)
		return 1;
	if ((rc = st->ops->user_get(st, to, &target, e)) < 0)
		return -1;
	if (rc == 1) {
		snprintf(reason, len, "reassign: no user %s", to);
		return 1;
	}
	if (u->role == ROLE_LEAD && strcmp(target.team, u->team) != 0) {
		snprintf(reason, len, "reassign: %s is not in team %s", to, u->team);
		return 1;
	}
	/* a lead's scope is the team's accounts; an admin's is the book */
	if ((rc = st->ops->account_visible(st, u, ev->account_id, e)) < 0)
		return -1;
	if (rc == 1) {
		snprintf(reason, len, "reassign: account %s is not in your scope", ev->account_id);
		return 1;
	}
	if ((rc = st->ops->account_get(st, ev->account_id, &acct, e)) < 0)
		return -1;
	if (rc == 0 && strcmp(acct.account.assignee, to) == 0)
		rc = 2;
	wire_account_clear(&acct);
	if (rc == 2) {
		snprintf(reason, len, "reassign: %s is assigned to %s already", ev->account_id, to);
		return 1;
	}
	return 0;
}

int
server_reassign_apply(struct server_store *st, const struct event *ev, struct err *e)
{
	struct wire_account acct;
	char to[32], reason[128];
	int rc, changed;

	if (target_of(ev, to, sizeof to, reason, sizeof reason) != 0)
		return err_set(e, "%s", reason);
	if ((rc = st->ops->account_get(st, ev->account_id, &acct, e)) != 0)
		return rc < 0 ? -1 : err_set(e, "no account %s in the book", ev->account_id);
	snprintf(acct.account.assignee, sizeof acct.account.assignee, "%s", to);
	rc = st->ops->account_put(st, &acct, &changed, e);
	wire_account_clear(&acct);
	return rc;
}
