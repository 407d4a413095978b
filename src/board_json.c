/* board_json.c - the queue board as protocol JSON, written and read back. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A count member of row: a non-negative integer. */
static int
count_read(const json_t *row, const char *key, int64_t *out, const char *path, struct err *e)
{
	const json_t *v = json_object_get(row, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return err_set(e, "%s.%s: a count (an integer from 0) is needed", path, key);
	*out = json_integer_value(v);
	return 0;
}

/* A name member of row, at most BOARD_NAME_LEN - 1 bytes. */
static int
name_read(const json_t *row, const char *key, char out[BOARD_NAME_LEN], const char *path,
	  struct err *e)
{
	const char *s = json_string_value(json_object_get(row, key));

	if (s == NULL || strlen(s) >= BOARD_NAME_LEN)
		return err_set(e, "%s.%s: a string of at most %d bytes is needed", path, key,
			       BOARD_NAME_LEN - 1);
	memcpy(out, s, strlen(s) + 1);
	return 0;
}

/* An array member of row holding exactly n counts. */
static int
counts_read(const json_t *row, const char *key, int64_t *out, size_t n, const char *path,
	    struct err *e)
{
	const json_t *a = json_object_get(row, key), *v;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) != n)
		return err_set(e, "%s.%s: an array of %zu counts is needed", path, key, n);
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return err_set(e, "%s.%s[%zu]: a count (an integer from 0) is needed", path,
				       key, i);
		out[i] = json_integer_value(v);
	}
	return 0;
}

/* One row of the answer, the inverse of row_json. */
static int
row_read(const json_t *row, int nbands, struct board_agent *a, const char *path, struct err *e)
{
	const json_t *kept = json_object_get(row, "kept"), *last;
	char kpath[96];

	memset(a, 0, sizeof *a);
	if (!json_is_object(row))
		return err_set(e, "%s: an object is needed", path);
	snprintf(kpath, sizeof kpath, "%s.kept", path);
	if (name_read(row, "name", a->name, path, e) != 0 ||
	    name_read(row, "team", a->team, path, e) != 0 ||
	    counts_read(row, "depth", a->depth, (size_t)nbands, path, e) != 0 ||
	    counts_read(row, "worked", a->worked, BOARD_DAYS, path, e) != 0 ||
	    count_read(row, "attempts", &a->today.attempts, path, e) != 0 ||
	    count_read(row, "contacts", &a->today.contacts, path, e) != 0 ||
	    count_read(row, "rpcs", &a->today.rpcs, path, e) != 0 ||
	    count_read(row, "ptps", &a->ptps, path, e) != 0 ||
	    count_read(row, "ptp_amount", &a->ptp_amount, path, e) != 0 ||
	    count_read(row, "overrides", &a->overrides, path, e) != 0 ||
	    count_read(row, "exceptions", &a->exceptions, path, e) != 0 ||
	    !json_is_object(kept) || count_read(kept, "num", &a->kept.num, kpath, e) != 0 ||
	    count_read(kept, "den", &a->kept.den, kpath, e) != 0)
		return json_is_object(kept) ? -1 : err_set(e, "%s: an object is needed", kpath);
	for (int k = 0; k < nbands; k++)
		a->accounts += a->depth[k];
	last = json_object_get(row, "last_activity");
	if (!json_is_null(last) &&
	    (!json_is_string(last) ||
	     time_parse_rfc3339(json_string_value(last), &a->last_at, e) != 0))
		return err_set(e, "%s.last_activity: null or an RFC 3339 time is needed", path);
	return 0;
}

/* The rows of member key, into a new array of *n. */
static int
rows_read(const json_t *j, const char *key, int nbands, struct board_agent **out, size_t *n,
	  struct err *e)
{
	const json_t *a = json_object_get(j, key), *row;
	char path[64];
	size_t i;

	*out = NULL;
	*n = 0;
	if (!json_is_array(a))
		return err_set(e, "$.%s: an array is needed", key);
	if ((*out = calloc(json_array_size(a) + 1, sizeof **out)) == NULL)
		abort();
	json_array_foreach(a, i, row) {
		snprintf(path, sizeof path, "$.%s[%zu]", key, i);
		if (row_read(row, nbands, &(*out)[i], path, e) != 0) {
			free(*out);
			*out = NULL;
			return -1;
		}
	}
	*n = json_array_size(a);
	return 0;
}

/* Rebuilds the teams from the agents (in team order, as the server sends them) and the team
 * rows; a team row that names no run of agents is an error. */
static int
teams_rebuild(struct board *b, const struct board_agent *rows, size_t nrows, struct err *e)
{
	if ((b->teams = calloc(nrows + 1, sizeof *b->teams)) == NULL)
		abort();
	for (size_t t = 0; t < nrows; t++) {
		struct board_team *team = &b->teams[t];
		size_t i = t == 0 ? 0 : b->teams[t - 1].first + b->teams[t - 1].n;

		snprintf(team->name, sizeof team->name, "%s", rows[t].team);
		team->first = i;
		while (i < b->n && strcmp(b->agents[i].team, team->name) == 0)
			i++;
		team->n = i - team->first;
		if (team->n == 0)
			return err_set(e, "$.teams[%zu]: team \"%s\" has no agents in $.agents, in order",
				       t, team->name);
		team->total = rows[t];
	}
	b->nteams = nrows;
	if (nrows > 0 && b->teams[nrows - 1].first + b->teams[nrows - 1].n != b->n)
		return err_set(e, "$.agents: agents of no team in $.teams");
	return 0;
}

int
board_from_json(const json_t *j, struct board *out, struct err *e)
{
	const json_t *bands = json_object_get(j, "bands"), *v;
	struct board_agent *teams = NULL;
	size_t nteams = 0, i;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j))
		return err_set(e, "$: a board object is needed");
	if (date_parse(json_string_value(json_object_get(j, "as_of")), &out->today, e) != 0)
		return err_prefix(e, "$.as_of");
	if (json_integer_value(json_object_get(j, "days")) != BOARD_DAYS)
		return err_set(e, "$.days: %d is needed (this client draws %d days)", BOARD_DAYS,
			       BOARD_DAYS);
	if (!json_is_array(bands) || json_array_size(bands) == 0 ||
	    json_array_size(bands) > BANDS_MAX)
		return err_set(e, "$.bands: 1 to %d labels are needed", BANDS_MAX);
	json_array_foreach(bands, i, v) {
		const char *label = json_string_value(v);

		if (label == NULL || strlen(label) >= sizeof out->bands.label[0])
			return err_set(e, "$.bands[%zu]: a label of at most %zu bytes is needed", i,
				       sizeof out->bands.label[0] - 1);
		snprintf(out->bands.label[i], sizeof out->bands.label[i], "%s", label);
		out->bands.upper[i] = -1;
	}
	out->bands.n = (int)json_array_size(bands);
	if (rows_read(j, "agents", out->bands.n, &out->agents, &out->n, e) != 0 ||
	    rows_read(j, "teams", out->bands.n, &teams, &nteams, e) != 0)
		goto bad;
	if (!json_is_object(json_object_get(j, "total"))) {
		err_set(e, "$.total: an object is needed");
		goto bad;
	}
	if (row_read(json_object_get(j, "total"), out->bands.n, &out->total, "$.total", e) != 0 ||
	    teams_rebuild(out, teams, nteams, e) != 0)
		goto bad;
	free(teams);
	return 0;
bad:
	free(teams);
	board_free(out);
	return -1;
}
