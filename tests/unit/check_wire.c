/* check_wire - the protocol codec: round trips, error paths, depth limit, cursors. */
#include "config.h"

#include "testutil.h"

#include "clock.h"
#include "evidence.h"
#include "field_edit.h"
#include "wire.h"

static struct event
sample_event(void)
{
	struct event ev = { 0 };

	snprintf(ev.id, sizeof ev.id, "6f1c2a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6");
	snprintf(ev.device, sizeof ev.device, "laptop-1");
	snprintf(ev.user, sizeof ev.user, "a");
	snprintf(ev.account_id, sizeof ev.account_id, "A0000001");
	snprintf(ev.kind, sizeof ev.kind, "note");
	ev.at = 1795000000;
	ev.seq = 1;
	ev.body = "{\"text\":\"Zoë called\",\"a\":1}";
	memset(ev.prev_hash, '0', 64);
	return ev;
}

START_TEST(test_event_round_trip_keeps_hash)
{
	struct event ev = sample_event(), back;
	char h[65];
	struct err e;
	json_t *j;

	ck_assert_int_eq(evidence_hash(&ev, ev.hash, &e), 0);
	j = wire_event_encode(&ev, &e);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(wire_event_decode(j, "$.events[0]", &back, &e), 0);
	ck_assert_str_eq(back.id, ev.id);
	ck_assert_int_eq(back.at, ev.at);
	ck_assert_int_eq(back.seq, 1);
	ck_assert_str_eq(back.body, "{\"a\":1,\"text\":\"Zoë called\"}");
	/* the server recomputes the same hash from what it decoded */
	ck_assert_int_eq(evidence_hash(&back, h, &e), 0);
	ck_assert_str_eq(h, ev.hash);
	free(back.body);
	json_decref(j);
}
END_TEST

/* Decodes text as an event and returns the error message ("" when it decodes). */
static const char *
event_error(const char *text)
{
	static struct err e;
	struct event ev;
	json_t *j = json_loads(text, 0, NULL);

	ck_assert_ptr_nonnull(j);
	if (wire_event_decode(j, "$.events[2]", &ev, &e) == 0) {
		free(ev.body);
		e.msg[0] = '\0';
	}
	json_decref(j);
	return e.msg;
}

START_TEST(test_event_errors_name_the_path)
{
	struct event ev = sample_event();
	struct err e;
	json_t *j;
	char *good;

	evidence_hash(&ev, ev.hash, &e);
	j = wire_event_encode(&ev, &e);
	good = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(event_error(good), "");
	json_object_set_new(j, "seq", json_string("1"));
	free(good);
	good = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(event_error(good), "$.events[2].seq: must be an integer");
	json_object_set_new(j, "seq", json_integer(0));
	free(good);
	good = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(event_error(good), "$.events[2].seq: must be at least 1");
	json_object_set_new(j, "seq", json_integer(1));
	json_object_del(j, "kind");
	free(good);
	good = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(event_error(good), "$.events[2].kind: missing");
	json_object_set_new(j, "kind", json_string("note"));
	json_object_set_new(j, "at", json_string("yesterday"));
	free(good);
	good = json_dumps(j, JSON_COMPACT);
	ck_assert_ptr_nonnull(strstr(event_error(good), "$.events[2].at: "));
	json_object_set_new(j, "at", json_string("2026-11-23T10:00:00Z"));
	json_object_set_new(j, "id", json_string("not-a-uuid"));
	free(good);
	good = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(event_error(good), "$.events[2].id: 'not-a-uuid' is not a UUID");
	json_object_set_new(j, "id", json_string("6f1c2a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6"));
	json_object_set_new(j, "body", json_string("{}"));
	free(good);
	good = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(event_error(good), "$.events[2].body: must be an object");
	json_object_set_new(j, "body", json_object());
	json_object_set_new(j, "hash", json_string("ABC"));
	free(good);
	good = json_dumps(j, JSON_COMPACT);
	ck_assert_str_eq(event_error(good), "$.events[2].hash: not 64 lowercase hex digits");
	free(good);
	json_decref(j);
}
END_TEST

START_TEST(test_parse_depth_limit)
{
	char deep[200];
	struct err e;
	json_t *j;

	memset(deep, '[', 40);
	memset(deep + 40, ']', 40);
	deep[80] = '\0';
	ck_assert_ptr_null(wire_parse(deep, strlen(deep), 32, &e));
	ck_assert_str_eq(e.msg, "JSON nested deeper than 32 levels at byte 33");
	j = wire_parse(deep + 8, 64, 32, &e);
	ck_assert_ptr_nonnull(j);
	json_decref(j);
	/* brackets inside strings do not count */
	{
		const char *s = "{\"a\":\"[[[[[[[[[[\\\"[[[[\"}";
		j = wire_parse(s, strlen(s), 2, &e);
	}
	ck_assert_ptr_nonnull(j);
	json_decref(j);
	ck_assert_ptr_null(wire_parse("{\"a\":", 5, 32, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "line 1 column"));
	ck_assert_ptr_null(wire_parse("{\"a\":1,\"a\":2}", 13, 32, &e));
}
END_TEST

START_TEST(test_cursor)
{
	struct wire_cursor c = { .epoch = 77, .seq = 123456789012 }, back;
	char buf[WIRE_CURSOR_LEN];
	struct err e;

	ck_assert_str_eq(wire_cursor_format(&c, buf, sizeof buf), "77.123456789012");
	ck_assert_int_eq(wire_cursor_parse(buf, &back, &e), 0);
	ck_assert_int_eq(back.epoch, 77);
	ck_assert_int_eq(back.seq, 123456789012);
	ck_assert_int_eq(wire_cursor_parse("", &back, &e), 0);
	ck_assert_int_eq(back.epoch, 0);
	ck_assert_int_eq(wire_cursor_parse(NULL, &back, &e), 0);
	ck_assert_int_eq(wire_cursor_parse("12", &back, &e), -1);
	ck_assert_int_eq(wire_cursor_parse("0.5", &back, &e), -1);
	ck_assert_int_eq(wire_cursor_parse("5.-1", &back, &e), -1);
	ck_assert_int_eq(wire_cursor_parse("5.1x", &back, &e), -1);
	ck_assert_int_eq(wire_cursor_parse("99999999999.1", &back, &e), -1);
	/* found by fuzz_wire: a sequence past int64 was read as the largest one */
	ck_assert_int_eq(wire_cursor_parse("1.99999999999999999999", &back, &e), -1);
}
END_TEST

START_TEST(test_results_and_errors)
{
	struct wire_event_result r[3] = {
		{ .id = "id-1", .result = WIRE_ACCEPTED, .flagged = 1 },
		{ .id = "id-2", .result = WIRE_DUPLICATE },
		{ .id = "id-3", .result = WIRE_REJECTED, .reason = "chain: expected seq 4, got 6" },
	}, *back;
	char code[32], msg[128];
	size_t n;
	struct err e;
	json_t *j = wire_results_encode(r, 3), *err;

	ck_assert_int_eq(wire_results_decode(j, &back, &n, &e), 0);
	ck_assert_int_eq(n, 3);
	ck_assert_int_eq(back[0].result, WIRE_ACCEPTED);
	ck_assert_int_eq(back[0].flagged, 1);
	ck_assert_int_eq(back[1].result, WIRE_DUPLICATE);
	ck_assert_int_eq(back[2].result, WIRE_REJECTED);
	ck_assert_str_eq(back[2].reason, "chain: expected seq 4, got 6");
	free(back);
	json_decref(j);
	j = json_loads("{\"results\":[{\"id\":\"x\",\"result\":\"maybe\"}]}", 0, NULL);
	ck_assert_int_eq(wire_results_decode(j, &back, &n, &e), -1);
	ck_assert_str_eq(e.msg, "$.results[0].result: 'maybe' is not accepted, duplicate or rejected");
	json_decref(j);
	err = wire_error_encode("not_found", "no such object");
	ck_assert_int_eq(wire_error_decode(err, code, sizeof code, msg, sizeof msg, &e), 0);
	ck_assert_str_eq(code, "not_found");
	ck_assert_str_eq(msg, "no such object");
	json_decref(err);
	/* a message that is not UTF-8 still makes an error body */
	err = wire_error_encode("bad_request", "\xff\xfe");
	ck_assert_ptr_nonnull(err);
	json_decref(err);
}
END_TEST

START_TEST(test_change_round_trip)
{
	struct contact_point cps[2] = {
		{ .kind = CONTACT_MOBILE, .value = "+1 404-555-7043", .zones = "America/New_York",
		  .consent = CONSENT_AUTODIAL | CONSENT_SMS },
		{ .kind = CONTACT_EMAIL, .value = "ann@example.com", .consent = CONSENT_EMAIL },
	};
	struct wire_change c = { .seq = 42, .op = WIRE_CHANGE_UPSERT }, back;
	struct account *a = &c.acct.account;
	struct err e;
	json_t *j;

	snprintf(a->id, sizeof a->id, "A1");
	snprintf(c.account_id, sizeof c.account_id, "A1");
	snprintf(a->name, sizeof a->name, "Chloé Thomas");
	snprintf(a->currency, sizeof a->currency, "USD");
	snprintf(a->assignee, sizeof a->assignee, "a");
	snprintf(a->zones, sizeof a->zones, "America/New_York");
	a->product = PRODUCT_PERSONAL_LOAN;
	a->due_date = date_from_civil(2026, 10, 20);
	a->total = 163063;
	a->past_due = 26090;
	a->flags = AFLAG_CEASE | AFLAG_DISPUTE;
	c.acct.version = 3;
	c.acct.contacts = cps;
	c.acct.ncontacts = 2;
	j = wire_change_encode(&c, &e);
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(wire_change_decode(j, "$.changes[0]", &back, &e), 0);
	ck_assert_int_eq(back.seq, 42);
	ck_assert_int_eq(back.op, WIRE_CHANGE_UPSERT);
	ck_assert_str_eq(back.acct.account.name, "Chloé Thomas");
	ck_assert_int_eq(back.acct.account.product, PRODUCT_PERSONAL_LOAN);
	ck_assert_int_eq(back.acct.account.due_date, a->due_date);
	ck_assert_int_eq(back.acct.account.total, 163063);
	ck_assert_int_eq(back.acct.account.flags, AFLAG_CEASE | AFLAG_DISPUTE);
	ck_assert_int_eq(back.acct.version, 3);
	ck_assert_int_eq(back.acct.ncontacts, 2);
	ck_assert_int_eq(back.acct.contacts[0].consent, CONSENT_AUTODIAL | CONSENT_SMS);
	ck_assert_int_eq(back.acct.contacts[1].kind, CONTACT_EMAIL);
	wire_account_clear(&back.acct);
	/* an error deep inside names its whole path */
	json_object_set_new(json_array_get(json_object_get(json_object_get(json_object_get(j,
		"account"), "party"), "contacts"), 1), "kind", json_string("pigeon"));
	ck_assert_int_eq(wire_change_decode(j, "$.changes[0]", &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.changes[0].account.party.contacts[1].kind: 'pigeon' is not a contact kind");
	json_decref(j);
	c.op = WIRE_CHANGE_REMOVE;
	j = wire_change_encode(&c, &e);
	ck_assert_int_eq(wire_change_decode(j, "$", &back, &e), 0);
	ck_assert_int_eq(back.op, WIRE_CHANGE_REMOVE);
	ck_assert_str_eq(back.account_id, "A1");
	json_decref(j);
}
END_TEST

/* An account with one edited field and one open conflict. */
static void
edited_account(struct wire_account *w, struct wire_conflict *conflict)
{
	memset(w, 0, sizeof *w);
	snprintf(w->account.id, sizeof w->account.id, "A1");
	snprintf(w->account.name, sizeof w->account.name, "Chloé Thomas");
	snprintf(w->account.currency, sizeof w->account.currency, "USD");
	snprintf(w->account.assignee, sizeof w->account.assignee, "ann");
	snprintf(w->account.zones, sizeof w->account.zones, "America/Chicago");
	w->account.due_date = date_from_civil(2026, 10, 20);
	w->version = 4;
	w->edits[WIRE_FIELD_PARTY_ZONES] = 2;
	*conflict = (struct wire_conflict){ .field = WIRE_FIELD_PARTY_ZONES, .at = 1795000000,
					    .base = 1 };
	snprintf(conflict->id, sizeof conflict->id, "6f1c2a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6");
	snprintf(conflict->value, sizeof conflict->value, "America/Denver");
	snprintf(conflict->by, sizeof conflict->by, "lee");
	w->conflicts = conflict;
	w->nconflicts = 1;
}

START_TEST(test_edits_round_trip)
{
	struct wire_conflict conflict;
	struct wire_account w, back;
	json_t *j, *acct;
	struct err e;
	char *text;

	edited_account(&w, &conflict);
	j = wire_account_encode(&w, &e);
	ck_assert_ptr_nonnull(j);
	text = json_dumps(json_object_get(j, "edits"), JSON_COMPACT);
	ck_assert_str_eq(text, "{\"party.zones\":2}");	/* absent is 0 */
	free(text);
	ck_assert_int_eq(wire_account_decode(j, "$", &back, &e), 0);
	ck_assert_int_eq(back.edits[WIRE_FIELD_PARTY_ZONES], 2);
	ck_assert_int_eq(back.edits[WIRE_FIELD_PARTY_NAME], 0);
	ck_assert_int_eq(back.nconflicts, 1);
	ck_assert_str_eq(back.conflicts[0].id, conflict.id);
	ck_assert_int_eq(back.conflicts[0].field, WIRE_FIELD_PARTY_ZONES);
	ck_assert_str_eq(back.conflicts[0].value, "America/Denver");
	ck_assert_str_eq(back.conflicts[0].by, "lee");
	ck_assert_int_eq(back.conflicts[0].at, 1795000000);
	ck_assert_int_eq(back.conflicts[0].base, 1);
	wire_account_clear(&back);
	json_decref(j);

	/* a record nobody edited has neither member, as before fields were editable */
	w.edits[WIRE_FIELD_PARTY_ZONES] = 0;
	w.nconflicts = 0;
	j = wire_account_encode(&w, &e);
	ck_assert_ptr_null(json_object_get(j, "edits"));
	ck_assert_ptr_null(json_object_get(j, "conflicts"));
	json_decref(j);

	/* bad input is named by its path */
	w.edits[WIRE_FIELD_PARTY_ZONES] = 2;
	w.nconflicts = 1;
	j = json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)9, "op", "upsert", "account_id", "A1");
	acct = wire_account_encode(&w, &e);
	json_object_set_new(j, "account", acct);
	json_object_set_new(json_object_get(acct, "edits"), "party.phone", json_integer(1));
	ck_assert_int_eq(wire_change_decode(j, "$.changes[0]", &(struct wire_change){ 0 }, &e), -1);
	ck_assert_str_eq(e.msg, "$.changes[0].account.edits[\"party.phone\"]: not an editable field");
	json_object_del(json_object_get(acct, "edits"), "party.phone");
	json_object_set_new(json_object_get(acct, "edits"), "party.name", json_integer(-1));
	ck_assert_int_eq(wire_account_decode(acct, "$", &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.edits[\"party.name\"]: must be a whole number");
	json_object_del(json_object_get(acct, "edits"), "party.name");
	json_object_set_new(json_array_get(json_object_get(acct, "conflicts"), 0), "at",
			    json_string("yesterday"));
	ck_assert_int_eq(wire_account_decode(acct, "$", &back, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "$.conflicts[0].at: "));
	json_object_set_new(json_array_get(json_object_get(acct, "conflicts"), 0), "field",
			    json_string("balance"));
	ck_assert_int_eq(wire_account_decode(acct, "$", &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.conflicts[0].field: 'balance' is not an editable field");
	json_object_set_new(acct, "conflicts", json_string("none"));
	ck_assert_int_eq(wire_account_decode(acct, "$", &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.conflicts: must be an array");
	json_decref(j);
}
END_TEST

static struct event
edit_event(const char *id, const char *user)
{
	struct event ev = sample_event();

	snprintf(ev.id, sizeof ev.id, "%s", id);
	snprintf(ev.user, sizeof ev.user, "%s", user);
	snprintf(ev.kind, sizeof ev.kind, "field_edit");
	return ev;
}

START_TEST(test_field_edit_merge)
{
	struct wire_conflict conflict;
	struct wire_account w;
	struct field_edit fe = { .field = WIRE_FIELD_PARTY_ZONES, .base = 2 };
	struct conflict_resolve cr = { .keep_edit = 1 };
	struct event a = edit_event("11111111-1111-4111-8111-111111111111", "ann");
	struct event b = edit_event("22222222-2222-4222-8222-222222222222", "bo");
	struct err e;

	edited_account(&w, &conflict);
	w.nconflicts = 0;
	w.conflicts = NULL;
	/* based on the current version: written, one more edit counted */
	snprintf(fe.value, sizeof fe.value, "America/Phoenix");
	ck_assert_int_eq(field_edit_merge(&w, &a, &fe, 0), FIELD_MERGE_WRITTEN);
	ck_assert_str_eq(w.account.zones, "America/Phoenix");
	ck_assert_int_eq(w.edits[WIRE_FIELD_PARTY_ZONES], 3);
	/* the same base again, another value: both kept, the record's value stays */
	snprintf(fe.value, sizeof fe.value, "Europe/Paris");
	ck_assert_int_eq(field_edit_merge(&w, &b, &fe, 0), FIELD_MERGE_CONFLICT);
	ck_assert_str_eq(w.account.zones, "America/Phoenix");
	ck_assert_int_eq(w.edits[WIRE_FIELD_PARTY_ZONES], 3);
	ck_assert_int_eq(w.nconflicts, 1);
	ck_assert_str_eq(w.conflicts[0].value, "Europe/Paris");
	ck_assert_str_eq(w.conflicts[0].by, "bo");
	ck_assert_int_eq(w.conflicts[0].base, 2);
	/* applied twice (a retry of the apply): kept once */
	ck_assert_int_eq(field_edit_merge(&w, &b, &fe, 0), FIELD_MERGE_CONFLICT);
	ck_assert_int_eq(w.nconflicts, 1);
	/* an older base with the value the record holds is no conflict */
	snprintf(fe.value, sizeof fe.value, "America/Phoenix");
	fe.base = 0;
	ck_assert_int_eq(field_edit_merge(&w, &a, &fe, 0), FIELD_MERGE_SAME);
	/* from someone who may not write the account: a conflict even on the current version */
	fe.base = 3;
	snprintf(fe.value, sizeof fe.value, "Asia/Tokyo");
	ck_assert_int_eq(field_edit_merge(&w, &a, &fe, 1), FIELD_MERGE_CONFLICT);
	ck_assert_int_eq(w.nconflicts, 2);
	/* resolving: "edit" takes the conflict's value, "current" only drops it */
	snprintf(cr.conflict, sizeof cr.conflict, "%s", b.id);
	ck_assert_int_eq(field_conflict_resolve(&w, &cr, &e), 0);
	ck_assert_str_eq(w.account.zones, "Europe/Paris");
	ck_assert_int_eq(w.edits[WIRE_FIELD_PARTY_ZONES], 4);
	ck_assert_int_eq(w.nconflicts, 1);
	ck_assert_int_eq(field_conflict_resolve(&w, &cr, &e), -1);
	snprintf(cr.conflict, sizeof cr.conflict, "%s", a.id);
	cr.keep_edit = 0;
	ck_assert_int_eq(field_conflict_resolve(&w, &cr, &e), 0);
	ck_assert_str_eq(w.account.zones, "Europe/Paris");
	ck_assert_int_eq(w.nconflicts, 0);
	free(w.conflicts);
}
END_TEST

START_TEST(test_field_edit_bodies)
{
	struct field_edit fe = { .field = WIRE_FIELD_PARTY_NAME, .base = 1 }, back;
	struct conflict_resolve cr;
	struct err e;
	char *body;

	snprintf(fe.value, sizeof fe.value, "Zoë Ångström");
	body = field_edit_body(&fe);
	ck_assert_str_eq(body, "{\"base\":1,\"field\":\"party.name\",\"value\":\"Zoë Ångström\"}");
	ck_assert_int_eq(field_edit_decode(body, &back, &e), 0);
	ck_assert_str_eq(back.value, "Zoë Ångström");
	free(body);
	ck_assert_int_eq(field_edit_decode("{\"base\":0,\"field\":\"party.zones\",\"value\":"
					   "\"America/Chicago;Mars/Olympus\"}", &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.body.value: zones: 'Mars/Olympus' is not a known time zone");
	ck_assert_int_eq(field_edit_decode("{\"base\":0,\"field\":\"party.name\",\"value\":\" \"}",
					   &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.body.value: name: must not be empty");
	ck_assert_int_eq(field_edit_decode("{\"base\":0,\"field\":\"party.name\",\"value\":"
					   "\"a\\nb\"}", &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.body.value: name: holds a control character");
	ck_assert_int_eq(field_edit_decode("{\"base\":-1,\"field\":\"party.name\",\"value\":\"x\"}",
					   &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.body.base: must be a whole number");
	ck_assert_int_eq(field_edit_decode("{\"base\":0,\"field\":\"balance\",\"value\":\"0\"}",
					   &back, &e), -1);
	ck_assert_str_eq(e.msg, "$.body.field: 'balance' is not an editable field");
	ck_assert_int_eq(field_edit_value_check(WIRE_FIELD_PARTY_ZONES, "", &e), -1);
	ck_assert_int_eq(field_edit_value_check(WIRE_FIELD_PARTY_ZONES,
						 "America/Phoenix;America/Denver", &e), 0);
	ck_assert_int_eq(field_edit_value_check(WIRE_FIELD_PARTY_NAME,
						 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
						 &e), -1);
	ck_assert_str_eq(e.msg, "name: longer than 95 bytes");
	ck_assert_int_eq(conflict_resolve_decode("{\"conflict\":\"x\",\"keep\":\"both\"}", &cr, &e), -1);
	ck_assert_str_eq(e.msg, "$.body.keep: must be \"current\" or \"edit\"");
	ck_assert_int_eq(conflict_resolve_decode("{\"conflict\":\"x\",\"keep\":\"edit\"}", &cr, &e), 0);
	ck_assert_int_eq(cr.keep_edit, 1);
}
END_TEST

START_TEST(test_batch_items)
{
	struct err e;
	json_t *j = json_loads("{\"events\":[1,2,3]}", 0, NULL);

	ck_assert_ptr_nonnull(wire_batch_items(j, 3, &e));
	ck_assert_ptr_null(wire_batch_items(j, 2, &e));
	ck_assert_str_eq(e.msg, "$.events: more than 2 events in one batch");
	json_decref(j);
	j = json_loads("{\"event\":[]}", 0, NULL);
	ck_assert_ptr_null(wire_batch_items(j, 2, &e));
	ck_assert_str_eq(e.msg, "$.events: missing");
	json_decref(j);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("wire");
	TCase *tc = tcase_create("codec");

	tcase_add_test(tc, test_event_round_trip_keeps_hash);
	tcase_add_test(tc, test_event_errors_name_the_path);
	tcase_add_test(tc, test_parse_depth_limit);
	tcase_add_test(tc, test_cursor);
	tcase_add_test(tc, test_results_and_errors);
	tcase_add_test(tc, test_change_round_trip);
	tcase_add_test(tc, test_batch_items);
	tcase_add_test(tc, test_edits_round_trip);
	tcase_add_test(tc, test_field_edit_merge);
	tcase_add_test(tc, test_field_edit_bodies);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
