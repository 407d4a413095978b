/* board_json.c - one board row, a team or the whole board as protocol JSON. */
#include "config.h"

#include "board_json.h"
#include "clock.h"

/* One agent's row or a totals row; amounts are cents, as everywhere on the wire. */
static json_t *
row_json(const struct board *b, const struct board_agent *a)
{
	json_t *depth = json_array(), *worked = json_array(), *j;
	char at[32];

	for (int k = 0; k < b->bands.n; k++)
		json_array_append_new(depth, json_integer(a->depth[k]));
	for (int d = 0; d < BOARD_DAYS; d++)
		json_array_append_new(worked, json_integer(a->worked[d]));
	j = json_pack("{s:s, s:s, s:I, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:{s:I, s:I}, s:I, s:I}",
		      "name", a->name, "team", a->team, "queue", (json_int_t)a->accounts, "depth",
		      depth, "worked", worked, "attempts", (json_int_t)a->today.attempts,
		      "contacts", (json_int_t)a->today.contacts, "rpcs",
		      (json_int_t)a->today.rpcs, "ptps", (json_int_t)a->ptps, "ptp_amount",
		      (json_int_t)a->ptp_amount, "kept", "num", (json_int_t)a->kept.num, "den",
		      (json_int_t)a->kept.den, "overrides", (json_int_t)a->overrides,
		      "exceptions", (json_int_t)a->exceptions);
	if (j == NULL)
		return NULL;
	json_object_set_new(j, "last_activity",
			    a->last_at ? json_string(time_format_rfc3339(a->last_at, at, sizeof at))
				       : json_null());
	return j;
}

json_t *
board_json(const struct board *b)
{
	json_t *bands = json_array(), *agents = json_array(), *teams = json_array(), *j, *r;
	char date[16];

	for (int k = 0; k < b->bands.n; k++)
		json_array_append_new(bands, json_string(b->bands.label[k]));
	for (size_t i = 0; i < b->n; i++) {
		if ((r = row_json(b, &b->agents[i])) == NULL)
			goto bad;
		json_array_append_new(agents, r);
	}
	for (size_t t = 0; t < b->nteams; t++) {
		if ((r = row_json(b, &b->teams[t].total)) == NULL)
			goto bad;
		json_array_append_new(teams, r);
	}
	if ((r = row_json(b, &b->total)) == NULL)
		goto bad;
	j = json_pack("{s:s, s:o, s:i, s:i, s:o, s:o, s:o}", "as_of",
		      date_format(b->today, date, sizeof date), "bands", bands, "days", BOARD_DAYS,
		      "kept_days", BOARD_KEPT_DAYS, "agents", agents, "teams", teams, "total", r);
	return j;
bad:
	json_decref(bands);
	json_decref(agents);
	json_decref(teams);
	return NULL;
}
