/* check_board.c - the board's figures on a small hand-made dataset, worked out by hand. */
#include "config.h"

#include "board.h"
#include "board_json.h"
#include "clock.h"
#include "testutil.h"

#define DAY(m, d) date_from_civil(2026, (m), (d))
#define AT(m, d, h) ((int64_t)DAY(m, d) * 86400 + (h) * 3600)

static void
event(struct board_builder *bb, const char *id, const char *user, const char *account,
      const char *kind, int64_t at, const char *body)
{
	struct event ev = { .at = at, .body = (char *)body };

	snprintf(ev.id, sizeof ev.id, "%s", id);
	snprintf(ev.user, sizeof ev.user, "%s", user);
	snprintf(ev.account_id, sizeof ev.account_id, "%s", account);
	snprintf(ev.kind, sizeof ev.kind, "%s", kind);
	board_add_event(bb, &ev);
}

/* The board of 2026-11-20 with the default bands (current, 1-30, 31-60, 61-90, 91-120, 120+).
 * Roster: ana and bob in north, cy in south (no accounts, no work); zed is an assignee not on
 * the roster (no team). */
static void
build(struct board *b)
{
	struct bands bands;
	struct board_builder *bb;

	bands_default(&bands);
	bb = board_builder_new(&bands, DAY(11, 20));
	board_add_agent(bb, "cy", "south");
	board_add_agent(bb, "bob", "north");
	board_add_agent(bb, "ana", "north");
	/* ana: 2 current, 3 at 15 dpd, 1 at 45 -> depth 2,3,1; bob: 4 at 100 -> band 91-120;
	 * zed: 1 at 200 -> 120+ */
	board_add_accounts(bb, "ana", 0, 2);
	board_add_accounts(bb, "ana", 15, 3);
	board_add_accounts(bb, "ana", 45, 1);
	board_add_accounts(bb, "bob", 100, 4);
	board_add_accounts(bb, "zed", 200, 1);

	/* ana today: attempts on A1 (no answer), A1 (conversation: an RPC), A2 (wrong party: a
	 * contact), A6 (a body that is not JSON: an attempt that reached nobody) -> 4 attempts,
	 * 2 contacts, 1 RPC; a promise of 120.00 on A1; a waived checkpoint on A2 (1 exception);
	 * an override on A3 (1 override). Worked today: A1, A2, A3, A6 = 4. */
	event(bb, "e1", "ana", "A1", "attempt", AT(11, 20, 9), "{\"result\":\"no_answer\"}");
	event(bb, "e2", "ana", "A1", "attempt", AT(11, 20, 10), "{\"result\":\"conversation\"}");
	event(bb, "e3", "ana", "A1", "ptp", AT(11, 20, 10) + 300,
	      "{\"amount\":\"120.00\",\"due_on\":\"2026-11-25\"}");
	event(bb, "e4", "ana", "A2", "attempt", AT(11, 20, 11), "{\"result\":\"wrong_party\"}");
	event(bb, "e5", "ana", "A2", "checkpoint", AT(11, 20, 11) + 60,
	      "{\"checkpoint\":\"mini_miranda\",\"waived\":\"customer hung up\"}");
	event(bb, "e6", "ana", "A3", "policy_override", AT(11, 20, 12), "{\"reason\":\"asked\"}");
	event(bb, "e7", "ana", "A6", "attempt", AT(11, 20, 13), "not json");
	/* the system and the gateway count for nobody */
	event(bb, "s1", "system", "A1", "attempt", AT(11, 20, 14), "{\"result\":\"conversation\"}");
	event(bb, "g1", "gateway", "A1", "payment", AT(11, 20, 15), "{\"amount\":\"10.00\"}");
	/* ana yesterday: A1 again (worked 1 that day); ten days ago a promise on A4 due 11-12,
	 * kept; 40 days ago a promise on A5 due 10-15, broken, outside the kept window
	 * (10-22 .. 11-20) and the sparkline. Kept rate 1 / 1. */
	event(bb, "e8", "ana", "A1", "attempt", AT(11, 19, 9), "{\"result\":\"busy\"}");
	event(bb, "e9", "ana", "A4", "ptp", AT(11, 10, 9),
	      "{\"amount\":\"50.00\",\"due_on\":\"2026-11-12\"}");
	event(bb, "s2", "system", "A4", "ptp_status", AT(11, 15, 1),
	      "{\"promise\":\"e9\",\"state\":\"kept\"}");
	event(bb, "e10", "ana", "A5", "ptp", AT(10, 11, 9),
	      "{\"amount\":\"70.00\",\"due_on\":\"2026-10-15\"}");
	event(bb, "s3", "system", "A5", "ptp_status", AT(10, 18, 1),
	      "{\"promise\":\"e10\",\"state\":\"broken\"}");
	/* bob five days ago: promises on B1 (due 11-17; broken, then partially kept: the latest
	 * status counts, judged but not kept) and B2 (due 11-28, not yet due). Kept 0 / 1. An
	 * override 20 days ago is outside the 14-day window. Statuses come before their promise
	 * here: order does not matter. */
	event(bb, "s5", "system", "B1", "ptp_status", AT(11, 20, 2),
	      "{\"promise\":\"e11\",\"state\":\"partially kept\"}");
	event(bb, "s4", "system", "B1", "ptp_status", AT(11, 19, 1),
	      "{\"promise\":\"e11\",\"state\":\"broken\"}");
	event(bb, "e11", "bob", "B1", "ptp", AT(11, 15, 9),
	      "{\"amount\":\"80.00\",\"due_on\":\"2026-11-17\"}");
	event(bb, "e12", "bob", "B2", "ptp", AT(11, 15, 10),
	      "{\"amount\":\"30.00\",\"due_on\":\"2026-11-28\"}");
	event(bb, "e13", "bob", "B3", "policy_override", AT(10, 31, 10), "{}");
	board_finish(bb, b);
	board_builder_free(&bb);
}

START_TEST(test_agents)
{
	struct board b;
	const struct board_agent *ana, *bob, *cy, *zed;

	build(&b);
	ck_assert_int_eq(b.n, 4);
	/* north (ana, bob), south (cy), then no team (zed) */
	ana = &b.agents[0];
	bob = &b.agents[1];
	cy = &b.agents[2];
	zed = &b.agents[3];
	ck_assert_str_eq(ana->name, "ana");
	ck_assert_str_eq(bob->name, "bob");
	ck_assert_str_eq(cy->name, "cy");
	ck_assert_str_eq(zed->name, "zed");
	ck_assert_str_eq(zed->team, "");

	ck_assert_int_eq(ana->accounts, 6);
	ck_assert_int_eq(ana->depth[0], 2);
	ck_assert_int_eq(ana->depth[1], 3);
	ck_assert_int_eq(ana->depth[2], 1);
	ck_assert_int_eq(ana->depth[3], 0);
	ck_assert_int_eq(bob->depth[4], 4);
	ck_assert_int_eq(zed->depth[5], 1);
	ck_assert_int_eq(cy->accounts, 0);

	ck_assert_int_eq(ana->worked[BOARD_DAYS - 1], 4);
	ck_assert_int_eq(ana->worked[BOARD_DAYS - 2], 1);
	ck_assert_int_eq(ana->worked[BOARD_DAYS - 11], 1);
	ck_assert_int_eq(ana->today.attempts, 4);
	ck_assert_int_eq(ana->today.contacts, 2);
	ck_assert_int_eq(ana->today.rpcs, 1);
	ck_assert_int_eq(ana->ptps, 1);
	ck_assert_int_eq(ana->ptp_amount, 12000);
	ck_assert_int_eq(ana->kept.num, 1);
	ck_assert_int_eq(ana->kept.den, 1);
	ck_assert_int_eq(ana->overrides, 1);
	ck_assert_int_eq(ana->exceptions, 1);
	ck_assert_int_eq(ana->last_at, AT(11, 20, 13));

	ck_assert_int_eq(bob->worked[BOARD_DAYS - 6], 2);
	ck_assert_int_eq(bob->worked[BOARD_DAYS - 1], 0);
	ck_assert_int_eq(bob->today.attempts, 0);
	ck_assert_int_eq(bob->ptps, 0);
	ck_assert_int_eq(bob->kept.num, 0);
	ck_assert_int_eq(bob->kept.den, 1);
	ck_assert_int_eq(bob->overrides, 0);
	ck_assert_int_eq(bob->last_at, AT(11, 15, 10));
	ck_assert_int_eq(cy->last_at, 0);
	ck_assert_int_eq(board_agent_find(&b, "cy"), 2);
	ck_assert_int_eq(board_agent_find(&b, "system"), -1);
	board_free(&b);
}
END_TEST

START_TEST(test_totals)
{
	struct board b;

	build(&b);
	ck_assert_int_eq(b.nteams, 3);
	ck_assert_str_eq(b.teams[0].name, "north");
	ck_assert_int_eq(b.teams[0].first, 0);
	ck_assert_int_eq(b.teams[0].n, 2);
	ck_assert_str_eq(b.teams[1].name, "south");
	ck_assert_int_eq(b.teams[1].n, 1);
	ck_assert_str_eq(b.teams[2].name, "");
	ck_assert_str_eq(b.teams[2].total.name, "no team");
	/* north: 6 + 4 accounts; ana's 4 attempts; kept 1/1 + 0/1 = 1/2; worked today 4 */
	ck_assert_int_eq(b.teams[0].total.accounts, 10);
	ck_assert_int_eq(b.teams[0].total.today.attempts, 4);
	ck_assert_int_eq(b.teams[0].total.kept.num, 1);
	ck_assert_int_eq(b.teams[0].total.kept.den, 2);
	ck_assert_int_eq(b.teams[0].total.worked[BOARD_DAYS - 1], 4);
	ck_assert_int_eq(b.teams[0].total.ptp_amount, 12000);
	ck_assert_int_eq(b.teams[1].total.accounts, 0);
	ck_assert_int_eq(b.total.accounts, 11);
	ck_assert_int_eq(b.total.depth[5], 1);
	ck_assert_int_eq(b.total.last_at, AT(11, 20, 13));
	board_free(&b);
	/* freeing twice is harmless */
	board_free(&b);
}
END_TEST

START_TEST(test_empty)
{
	struct bands bands;
	struct board_builder *bb;
	struct board b;

	bands_default(&bands);
	bb = board_builder_new(&bands, DAY(11, 20));
	board_finish(bb, &b);
	board_builder_free(&bb);
	board_builder_free(&bb);
	ck_assert_int_eq(b.n, 0);
	ck_assert_int_eq(b.nteams, 0);
	ck_assert_int_eq(b.total.accounts, 0);
	board_free(&b);
}
END_TEST

static void
row_eq(const struct board_agent *a, const struct board_agent *b)
{
	ck_assert_str_eq(a->name, b->name);
	ck_assert_str_eq(a->team, b->team);
	for (int k = 0; k < BANDS_MAX; k++)
		ck_assert_int_eq(a->depth[k], b->depth[k]);
	ck_assert_int_eq(a->accounts, b->accounts);
	for (int d = 0; d < BOARD_DAYS; d++)
		ck_assert_int_eq(a->worked[d], b->worked[d]);
	ck_assert_int_eq(a->today.attempts, b->today.attempts);
	ck_assert_int_eq(a->today.contacts, b->today.contacts);
	ck_assert_int_eq(a->today.rpcs, b->today.rpcs);
	ck_assert_int_eq(a->ptps, b->ptps);
	ck_assert_int_eq(a->ptp_amount, b->ptp_amount);
	ck_assert_int_eq(a->kept.num, b->kept.num);
	ck_assert_int_eq(a->kept.den, b->kept.den);
	ck_assert_int_eq(a->overrides, b->overrides);
	ck_assert_int_eq(a->exceptions, b->exceptions);
	ck_assert_int_eq(a->last_at, b->last_at);
}

/* What the server writes, the client reads back to the same board. */
START_TEST(test_json_round_trip)
{
	struct board b, c;
	struct err e = { "" };
	json_t *j;

	build(&b);
	j = board_json(&b);
	ck_assert_ptr_nonnull(j);
	ck_assert_msg(board_from_json(j, &c, &e) == 0, "%s", e.msg);
	ck_assert_int_eq(c.today, b.today);
	ck_assert_int_eq(c.bands.n, 6);
	ck_assert_str_eq(c.bands.label[5], "120+");
	ck_assert_int_eq(c.n, b.n);
	for (size_t i = 0; i < b.n; i++)
		row_eq(&c.agents[i], &b.agents[i]);
	ck_assert_int_eq(c.nteams, b.nteams);
	for (size_t t = 0; t < b.nteams; t++) {
		ck_assert_str_eq(c.teams[t].name, b.teams[t].name);
		ck_assert_int_eq(c.teams[t].first, b.teams[t].first);
		ck_assert_int_eq(c.teams[t].n, b.teams[t].n);
		row_eq(&c.teams[t].total, &b.teams[t].total);
	}
	row_eq(&c.total, &b.total);
	board_free(&c);
	board_free(&b);
	json_decref(j);
}
END_TEST

/* A board answer that does not read whole is refused naming the member, with nothing kept. */
static void
refused(const char *change, const char *want)
{
	struct board b, c;
	struct err e = { "" };
	json_t *j, *fix;

	build(&b);
	j = board_json(&b);
	fix = json_loads(change, 0, NULL);
	ck_assert_ptr_nonnull(fix);
	/* change is {"agents|teams": {"INDEX": {member: value}}} or {member: value} */
	if (json_object_get(fix, "row") != NULL) {
		json_t *row = json_array_get(json_object_get(j, json_string_value(
						 json_object_get(fix, "in"))),
					     (size_t)json_integer_value(json_object_get(fix, "row")));
		json_object_update(row, json_object_get(fix, "set"));
	} else {
		json_object_update(j, fix);
	}
	ck_assert_int_eq(board_from_json(j, &c, &e), -1);
	ck_assert_msg(strstr(e.msg, want) != NULL, "'%s' does not name '%s'", e.msg, want);
	ck_assert_int_eq(c.n, 0);
	ck_assert_ptr_null(c.agents);
	json_decref(fix);
	json_decref(j);
	board_free(&b);
}

START_TEST(test_json_refused)
{
	refused("{\"as_of\": \"2026-11-31\"}", "$.as_of: '2026-11-31' is not a date");
	refused("{\"days\": 7}", "$.days");
	refused("{\"bands\": []}", "$.bands");
	refused("{\"agents\": {}}", "$.agents: an array");
	refused("{\"total\": null}", "$.total");
	refused("{\"in\": \"agents\", \"row\": 1, \"set\": {\"depth\": [1, 2]}}",
		"$.agents[1].depth: an array of 6 counts");
	refused("{\"in\": \"agents\", \"row\": 0, \"set\": {\"rpcs\": -1}}", "$.agents[0].rpcs");
	refused("{\"in\": \"agents\", \"row\": 0, \"set\": {\"kept\": 3}}", "$.agents[0].kept");
	refused("{\"in\": \"agents\", \"row\": 2, \"set\": {\"last_activity\": \"today\"}}",
		"$.agents[2].last_activity");
	refused("{\"in\": \"agents\", \"row\": 3, \"set\": {\"name\": 7}}", "$.agents[3].name");
	/* agents out of their teams' order */
	refused("{\"in\": \"agents\", \"row\": 0, \"set\": {\"team\": \"south\"}}", "$.teams[0]");
	refused("{\"in\": \"teams\", \"row\": 2, \"set\": {\"team\": \"west\"}}", "$.teams[2]");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("board");
	TCase *tc = tcase_create("board");

	tcase_add_test(tc, test_agents);
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_json_round_trip);
	tcase_add_test(tc, test_json_refused);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
