/* casework.c - actions on a case as evidence plus derived state, one transaction each. */
#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework.h"
#include "clock.h"
#include "conflicts.h"
#include "evidence.h"
#include "field_edit.h"
#include "money.h"
#include "store.h"

/* Opens the transaction of one use case and loads its account. */
static int
begin(const struct casework *cw, const char *account, struct account *a, struct err *e)
{
	int rc;

	if (store_begin(cw->store, e) != 0)
		return -1;
	rc = store_account_get(cw->store, account, a, e);
	if (rc != 0) {
		store_rollback(cw->store);
		return rc < 0 ? -1 : err_set(e, "no account %s", account);
	}
	return 0;
}

/* Commits when rc is 0 and rolls back otherwise, so the event and its effects go together. */
static int
finish(const struct casework *cw, int rc, struct err *e)
{
	if (rc == 0 && store_commit(cw->store, e) == 0)
		return 0;
	store_rollback(cw->store);
	return -1;
}

/* Appends an event whose body is consumed; id_out (37 bytes) gets its id when not NULL. */
static int
append(const struct casework *cw, const char *account, const char *kind, json_t *body,
       int64_t now, char *id_out, struct err *e)
{
	char id[37], *text;
	struct event_draft d = {
		.id = id, .device = cw->device, .user = cw->user, .account_id = account,
		.kind = kind, .at = now,
	};
	int rc;

	if (body == NULL)
		return err_set(e, "%s: a field is not valid UTF-8", kind);
	evidence_uuid(id);
	if ((text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
		abort();
	json_decref(body);
	d.body = text;
	rc = evidence_append(cw->store, &d, NULL, e);
	free(text);
	if (rc == 0 && id_out != NULL)
		memcpy(id_out, id, sizeof id);
	return rc;
}

/* Runs one UPDATE or INSERT: nints int64 parameters, then text (when not NULL) last. */
static int
exec_sql(const struct casework *cw, const char *sql, const int64_t *ints, size_t nints,
	 const char *text, struct err *e)
{
	sqlite3 *db = store_db(cw->store);
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	for (size_t i = 0; i < nints; i++)
		sqlite3_bind_int64(st, (int)i + 1, ints[i]);
	if (text != NULL)
		sqlite3_bind_text(st, (int)nints + 1, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "%s", sqlite3_errmsg(db));
	return 0;
}

static int
flags_set(const struct casework *cw, const struct account *a, unsigned bit, bool on,
	  struct err *e)
{
	int64_t v[] = { on ? (int64_t)(a->flags | bit) : (int64_t)(a->flags & ~bit), a->rowid };

	return exec_sql(cw, "UPDATE accounts SET flags = ? WHERE id = ?", v, 2, NULL, e);
}

/* Writes value to the cache's copy of field and counts one more edit of it. */
static int
field_store(const struct casework *cw, const struct account *a, enum wire_field field,
	    const char *value, struct err *e)
{
	int64_t id = a->rowid;

	if (exec_sql(cw, field == WIRE_FIELD_PARTY_NAME
			     ? "UPDATE parties SET name = seal(?2) WHERE id = "
			       "(SELECT party_id FROM accounts WHERE id = ?1)"
			     : "UPDATE parties SET zones = ?2 WHERE id = "
			       "(SELECT party_id FROM accounts WHERE id = ?1)",
		     &id, 1, value, e) != 0)
		return -1;
	return exec_sql(cw, field == WIRE_FIELD_PARTY_NAME
			    ? "INSERT INTO field_versions(account_id, field, version) "
			      "VALUES(?1, 'party.name', 1) ON CONFLICT DO UPDATE SET version = version + 1"
			    : "INSERT INTO field_versions(account_id, field, version) "
			      "VALUES(?1, 'party.zones', 1) ON CONFLICT DO UPDATE SET version = version + 1",
			&id, 1, NULL, e);
}

/* Appends an event whose body is JSON text (consumed). */
static int
append_text(const struct casework *cw, const char *account, const char *kind, char *text,
	    int64_t now, struct err *e)
{
	json_t *body = json_loads(text, 0, NULL);

	free(text);
	return append(cw, account, kind, body, now, NULL, e);
}

int
casework_field_edit(const struct casework *cw, const char *account, enum wire_field field,
		    const char *value, int64_t now, struct err *e)
{
	struct field_edit fe = { .field = field };
	int64_t versions[WIRE_FIELD_COUNT];
	struct account a;
	int rc;

	if (field_edit_value_check(field, value, e) != 0)
		return -1;
	if (begin(cw, account, &a, e) != 0)
		return -1;
	if (strcmp(field_edit_value(&a, field), value) == 0) {
		store_rollback(cw->store);
		return err_set(e, "%s is '%s' already", wire_field_name(field), value);
	}
	rc = field_versions_get(cw->store, account, versions, e);
	if (rc == 0) {
		fe.base = versions[field];
		snprintf(fe.value, sizeof fe.value, "%s", value);
		rc = append_text(cw, account, "field_edit", field_edit_body(&fe), now, e);
	}
	return finish(cw, rc != 0 ? -1 : field_store(cw, &a, field, value, e), e);
}

int
casework_conflict_resolve(const struct casework *cw, const char *account, const char *conflict,
			  bool keep_edit, int64_t now, struct err *e)
{
	struct conflict_resolve cr = { .keep_edit = keep_edit };
	struct conflict_row *rows;
	size_t n, i;
	struct account a;
	int64_t id;
	int rc;

	if (begin(cw, account, &a, e) != 0)
		return -1;
	if ((rc = conflicts_list(cw->store, account, &rows, &n, e)) == 0) {
		for (i = 0; i < n && strcmp(rows[i].id, conflict) != 0; i++)
			;
		if (i == n)
			rc = err_set(e, "account %s has no open conflict %s", account, conflict);
	}
	if (rc == 0) {
		snprintf(cr.conflict, sizeof cr.conflict, "%s", conflict);
		rc = append_text(cw, account, "conflict_resolve", conflict_resolve_body(&cr), now, e);
	}
	if (rc == 0 && keep_edit)
		rc = field_store(cw, &a, rows[i].field, rows[i].value, e);
	if (rc == 0) {
		id = a.rowid;
		rc = exec_sql(cw, "DELETE FROM conflicts WHERE account_id = ? AND id = ?", &id, 1,
			      conflict, e);
	}
	free(rows);
	return finish(cw, rc, e);
}

/* Length in code points of valid UTF-8, or -1 with the byte offset of the first bad byte. */
static long
utf8_length(const char *s, size_t *bad_at)
{
	const unsigned char *p = (const unsigned char *)s;
	long n = 0;

	while (*p != '\0') {
		unsigned c = *p;
		int len = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
		unsigned cp = len == 1 ? c : len == 2 ? c & 0x1f : len == 3 ? c & 0x0f : c & 0x07;

		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80) {
				len = 0;
				break;
			}
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates and beyond U+10FFFF are not UTF-8 either */
		if (len == 0 || (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
			*bad_at = (size_t)(p - (const unsigned char *)s);
			return -1;
		}
		p += len;
		n++;
	}
	return n;
}

int
casework_note_check(const char *text, struct err *e)
{
	size_t bad_at = 0;
	long n = utf8_length(text, &bad_at);

	if (n < 0)
		return err_set(e, "the note is not valid UTF-8 (at byte %zu)", bad_at + 1);
	if (text[strspn(text, " \t\r\n")] == '\0')
		return err_set(e, "the note is empty");
	if (n > NOTE_MAX_CHARS)
		return err_set(e, "the note has %ld characters; the limit is %d (%ld too many)", n,
			       NOTE_MAX_CHARS, n - NOTE_MAX_CHARS);
	for (const char *p = text; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			return err_set(e, "the note has a control character at byte %zu",
				       (size_t)(p - text) + 1);
	return 0;
}

int
casework_note_add(const struct casework *cw, const char *account, const char *text, int64_t now,
		  struct err *e)
{
	struct account a;

	if (casework_note_check(text, e) != 0 || begin(cw, account, &a, e) != 0)
		return -1;
	return finish(cw, append(cw, account, "note", json_pack("{s:s}", "text", text), now, NULL, e), e);
}

int
casework_callback_schedule(const struct casework *cw, const char *account, int64_t due_at,
			   int64_t now, struct err *e)
{
	struct account a;
	char at[32];
	int rc;

	if (due_at <= now)
		return err_set(e, "a callback must be in the future");
	if (begin(cw, account, &a, e) != 0)
		return -1;
	rc = append(cw, account, "callback",
		    json_pack("{s:s}", "due_at", time_format_rfc3339(due_at, at, sizeof at)), now,
		    NULL, e);
	if (rc == 0)
		rc = exec_sql(cw, "UPDATE accounts SET callback_at = ? WHERE id = ?",
			      (int64_t[]){ due_at, a.rowid }, 2, NULL, e);
	return finish(cw, rc, e);
}

static json_t *
reason_body(const char *key, const char *value, const char *reason)
{
	json_t *body = json_pack("{s:s}", key, value);

	if (body != NULL && reason != NULL && *reason != '\0' &&
	    json_object_set_new(body, "reason", json_string(reason)) != 0) {
		json_decref(body);
		return NULL;
	}
	return body;
}

int
casework_dispute_set(const struct casework *cw, const char *account, bool open,
		     const char *reason, int64_t now, struct err *e)
{
	struct account a;
	int rc;

	if (begin(cw, account, &a, e) != 0)
		return -1;
	if (open == ((a.flags & AFLAG_DISPUTE) != 0)) {
		store_rollback(cw->store);
		return err_set(e, open ? "a dispute is open already" : "there is no open dispute");
	}
	rc = append(cw, account, "dispute", reason_body("state", open ? "opened" : "resolved", reason),
		    now, NULL, e);
	return finish(cw, rc != 0 ? -1 : flags_set(cw, &a, AFLAG_DISPUTE, open, e), e);
}

int
casework_cease_request(const struct casework *cw, const char *account, const char *reason,
		       int64_t now, struct err *e)
{
	struct account a;
	int rc;

	if (begin(cw, account, &a, e) != 0)
		return -1;
	rc = append(cw, account, "cease", reason_body("state", "requested", reason), now, NULL, e);
	return finish(cw, rc != 0 ? -1 : flags_set(cw, &a, AFLAG_CEASE, true, e), e);
}

int
casework_vulnerable_set(const struct casework *cw, const char *account, bool on,
			const char *reason, int64_t now, struct err *e)
{
	struct account a;
	int rc;

	if (reason == NULL || reason[strspn(reason, " \t")] == '\0')
		return err_set(e, "say why the customer is %s vulnerable", on ? "" : "no longer");
	if (begin(cw, account, &a, e) != 0)
		return -1;
	rc = append(cw, account, "vulnerable", reason_body("state", on ? "set" : "cleared", reason),
		    now, NULL, e);
	return finish(cw, rc != 0 ? -1 : flags_set(cw, &a, AFLAG_VULNERABLE, on, e), e);
}

/* The promises of an account by its row id, in due order. */
static int
promises_load(struct store *s, int64_t rowid, struct promise **out, size_t *n, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	size_t cap = 8;
	int rc;

	*n = 0;
	if ((*out = calloc(cap, sizeof **out)) == NULL)
		abort();
	if (sqlite3_prepare_v2(db, "SELECT id, event_id, installment, amount, made_on, due_on, "
				   "state, paid, settlement, approval FROM promises WHERE account_id = ? "
				   "ORDER BY due_on, id", -1, &st, NULL) != SQLITE_OK) {
		free(*out);
		*out = NULL;
		return err_set(e, "%s", sqlite3_errmsg(db));
	}
	sqlite3_bind_int64(st, 1, rowid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct promise *p;
		if (*n == cap && (*out = realloc(*out, (cap *= 2) * sizeof **out)) == NULL)
			abort();
		p = &(*out)[(*n)++];
		*p = (struct promise){
			.rowid = sqlite3_column_int64(st, 0),
			.installment = sqlite3_column_int(st, 2),
			.amount = sqlite3_column_int64(st, 3),
			.made_on = sqlite3_column_int(st, 4),
			.due_on = sqlite3_column_int(st, 5),
			.state = (enum ptp_state)sqlite3_column_int(st, 6),
			.paid = sqlite3_column_int64(st, 7),
			.settlement = sqlite3_column_int(st, 8) != 0,
			.approval = (enum ptp_approval)sqlite3_column_int(st, 9),
		};
		snprintf(p->event_id, sizeof p->event_id, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		return err_set(e, "%s", sqlite3_errmsg(db));
	}
	return 0;
}

int
casework_promises_get(struct store *s, const char *account, struct promise **out, size_t *n,
		      struct err *e)
{
	struct account a;
	int rc = store_account_get(s, account, &a, e);

	*out = NULL;
	*n = 0;
	if (rc != 0)
		return rc < 0 ? -1 : err_set(e, "no account %s", account);
	return promises_load(s, a.rowid, out, n, e);
}

static int
payments_load(struct store *s, int64_t rowid, struct payment **out, size_t *n, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	size_t cap = 8;
	int rc;

	*n = 0;
	if ((*out = calloc(cap, sizeof **out)) == NULL)
		abort();
	if (sqlite3_prepare_v2(db, "SELECT amount, paid_on FROM payments WHERE account_id = ? "
				   "ORDER BY paid_on, id", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	sqlite3_bind_int64(st, 1, rowid);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap && (*out = realloc(*out, (cap *= 2) * sizeof **out)) == NULL)
			abort();
		(*out)[(*n)++] = (struct payment){ .amount = sqlite3_column_int64(st, 0),
						   .paid_on = sqlite3_column_int(st, 1) };
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : err_set(e, "%s", sqlite3_errmsg(db));
}

/* Inside the caller's transaction: evaluates every promise of a at now, writes a ptp_status
 * event for each installment whose state changed, stores states and the account's summary. */
static int
evaluate(const struct casework *cw, const struct account *a, int64_t now, struct err *e)
{
	struct promise *ps = NULL;
	struct payment *pays = NULL;
	size_t n = 0, m = 0;
	struct ptp_summary sum;
	enum ptp_state *before = NULL;
	int rc = -1;

	if (promises_load(cw->store, a->rowid, &ps, &n, e) != 0 ||
	    payments_load(cw->store, a->rowid, &pays, &m, e) != 0)
		goto out;
	if ((before = calloc(n + 1, sizeof *before)) == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		before[i] = ps[i].state;
	ptp_evaluate(ps, n, pays, m, cw->rules.grace_days, date_of_time(now));
	rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char paid[32];
		if (ps[i].state != before[i])
			rc = append(cw, a->id, "ptp_status",
				    json_pack("{s:s, s:i, s:s, s:s}", "promise", ps[i].event_id,
					      "installment", ps[i].installment, "state",
					      ptp_state_name(ps[i].state), "paid",
					      money_format(ps[i].paid, paid, sizeof paid, 0)),
				    now, NULL, e);
		if (rc == 0)
			rc = exec_sql(cw, "UPDATE promises SET state = ?, paid = ? WHERE id = ?",
				      (int64_t[]){ ps[i].state, ps[i].paid, ps[i].rowid }, 3, NULL, e);
	}
	ptp_summarize(ps, n, &sum);
	if (rc == 0)
		rc = exec_sql(cw, "UPDATE accounts SET ptp_state = ?, ptp_amount = ?, ptp_due = ? "
				  "WHERE id = ?",
			      (int64_t[]){ sum.state, sum.amount, sum.due, a->rowid }, 4, NULL, e);
out:
	free(before);
	free(ps);
	free(pays);
	return rc;
}

static json_t *
plan_body(const struct ptp_plan *p, const char *call_id)
{
	char money[32], each[32], date[16];
	json_t *body, *list = json_array();

	for (int i = 0; i < p->n; i++)
		json_array_append_new(list, json_pack("{s:s, s:s}", "due_on",
						      date_format(p->due[i], date, sizeof date), "amount",
						      money_format(p->amount, each, sizeof each, 0)));
	/* amount and due_on are the total and the first date, as a single promise has them. */
	body = json_pack("{s:s, s:s, s:s, s:i, s:o, s:b, s:s}", "amount",
			 money_format(p->total, money, sizeof money, 0), "due_on",
			 date_format(p->due[0], date, sizeof date), "method", p->method, "payments",
			 p->n, "installments", list, "settlement", p->settlement, "approval",
			 ptp_approval_name(p->approval));
	if (body == NULL)
		return NULL;
	if (p->n > 1)
		json_object_set_new(body, "frequency", json_string(ptp_frequency_name(p->frequency)));
	if (p->reference[0] != '\0')
		json_object_set_new(body, "reference", json_string(p->reference));
	if (call_id != NULL)
		json_object_set_new(body, "call", json_string(call_id));
	return body;
}

int
casework_ptp_record(const struct casework *cw, const char *account, const struct ptp_plan *p,
		    const char *call_id, int64_t now, char *promise_id, struct err *e)
{
	struct account a;
	char id[37];
	int rc;

	if (p->n < 1 || p->n > PTP_MAX_PAYMENTS || p->amount <= 0)
		return err_set(e, "the promise was not validated");
	if (begin(cw, account, &a, e) != 0)
		return -1;
	rc = append(cw, account, "ptp", plan_body(p, call_id), now, id, e);
	for (int i = 0; i < p->n && rc == 0; i++) {
		sqlite3 *db = store_db(cw->store);
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(db, "INSERT INTO promises(account_id, event_id, amount, due_on, "
					   "state, installment, settlement, approval, made_on) "
					   "VALUES(?,?,?,?,?,?,?,?,?)", -1, &st, NULL) != SQLITE_OK) {
			rc = err_set(e, "%s", sqlite3_errmsg(db));
			break;
		}
		sqlite3_bind_int64(st, 1, a.rowid);
		sqlite3_bind_text(st, 2, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, p->amount);
		sqlite3_bind_int(st, 4, p->due[i]);
		sqlite3_bind_int(st, 5, PTP_PENDING);
		sqlite3_bind_int(st, 6, i + 1);
		sqlite3_bind_int(st, 7, p->settlement);
		sqlite3_bind_int(st, 8, (int)p->approval);
		sqlite3_bind_int(st, 9, date_of_time(now));
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = err_set(e, "%s", sqlite3_errmsg(db));
		sqlite3_finalize(st);
	}
	if (rc == 0)
		rc = evaluate(cw, &a, now, e);
	if (finish(cw, rc, e) != 0)
		return -1;
	if (promise_id != NULL)
		memcpy(promise_id, id, sizeof id);
	return 0;
}

int
casework_ptp_decide(const struct casework *cw, const char *account, const char *promise_id,
		    bool approve, int64_t now, struct err *e)
{
	struct promise *ps = NULL;
	struct account a;
	size_t n = 0;
	int rc, found = 0;

	if (strcmp(cw->role, "lead") != 0 && strcmp(cw->role, "admin") != 0)
		return err_set(e, "only a lead approves settlements (your role is %s)", cw->role);
	if (begin(cw, account, &a, e) != 0)
		return -1;
	rc = promises_load(cw->store, a.rowid, &ps, &n, e);
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (strcmp(ps[i].event_id, promise_id) == 0)
			found = ps[i].approval == PTP_APPROVAL_PENDING ? 1 : -1;
	free(ps);
	if (rc == 0 && found == 0)
		rc = err_set(e, "no promise %s on account %s", promise_id, account);
	else if (rc == 0 && found < 0)
		rc = err_set(e, "promise %s is not waiting for approval", promise_id);
	if (rc == 0)
		rc = append(cw, account, "ptp_approval",
			    json_pack("{s:s, s:s}", "promise", promise_id, "decision",
				      approve ? "approved" : "declined"), now, NULL, e);
	if (rc == 0)
		rc = exec_sql(cw, "UPDATE promises SET approval = ? WHERE account_id = ? AND event_id = ?",
			      (int64_t[]){ approve ? PTP_APPROVAL_APPROVED : PTP_APPROVAL_DECLINED,
					   a.rowid }, 2, promise_id, e);
	if (rc == 0)
		rc = evaluate(cw, &a, now, e);
	return finish(cw, rc, e);
}

int
casework_payment_record(const struct casework *cw, const char *account, int64_t amount,
			int32_t paid_on, const char *reference, const char *source, int64_t now,
			struct err *e)
{
	struct account a;
	char money[32], date[16];
	int rc;

	if (amount <= 0)
		return err_set(e, "a payment must be more than 0");
	if (reference == NULL || *reference == '\0')
		return err_set(e, "a payment needs its reference");
	if (begin(cw, account, &a, e) != 0)
		return -1;
	rc = append(cw, account, "payment",
		    json_pack("{s:s, s:s, s:s, s:s}", "amount",
			      money_format(amount, money, sizeof money, 0), "paid_on",
			      date_format(paid_on, date, sizeof date), "reference", reference, "source",
			      source != NULL ? source : "agent"),
		    now, NULL, e);
	if (rc == 0) {
		rc = exec_sql(cw, "INSERT INTO payments(account_id, amount, paid_on, reference) "
				  "VALUES(?,?,?,?)", (int64_t[]){ a.rowid, amount, paid_on }, 3,
			      reference, e);
		if (rc != 0)
			err_prefix(e, "payment %s", reference);
	}
	if (rc == 0)
		rc = evaluate(cw, &a, now, e);
	return finish(cw, rc, e);
}

int
casework_promises_evaluate(const struct casework *cw, const char *account, int64_t now,
			   struct err *e)
{
	struct account a;

	if (begin(cw, account, &a, e) != 0)
		return -1;
	return finish(cw, evaluate(cw, &a, now, e), e);
}

int
casework_promises_due(struct store *s, int64_t now, int grace_days,
		      char (**ids)[ACCOUNT_ID_LEN], size_t *n, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*ids = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT a.ext_id FROM promises p JOIN accounts a "
				   "ON a.id = p.account_id WHERE p.state = ? AND p.approval != ? "
				   "AND p.due_on + ? < ? ORDER BY a.id", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "%s: %s", store_path(s), sqlite3_errmsg(db));
	sqlite3_bind_int(st, 1, PTP_PENDING);
	sqlite3_bind_int(st, 2, PTP_APPROVAL_DECLINED);
	sqlite3_bind_int(st, 3, grace_days);
	sqlite3_bind_int(st, 4, date_of_time(now));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((*ids = realloc(*ids, cap * sizeof **ids)) == NULL)
				abort();
		}
		snprintf((*ids)[(*n)++], ACCOUNT_ID_LEN, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*ids);
		*ids = NULL;
		*n = 0;
		return err_set(e, "%s: %s", store_path(s), sqlite3_errmsg(db));
	}
	return 0;
}

struct casework_call {
	const struct casework *cw;
	char account[ACCOUNT_ID_LEN];
	char id[37];
	char contact[24];
	struct script_runner *runner;
	int promises;		/* recorded during this call */
	bool closed;
};

/* An event of the call: the call's id is added to body. */
static int
call_event(struct casework_call *c, const char *kind, json_t *body, int64_t now, struct err *e)
{
	int rc;

	if (c->closed) {
		json_decref(body);
		return err_set(e, "the call is closed");
	}
	if (body != NULL)
		json_object_set_new(body, "call", json_string(c->id));
	if (store_begin(c->cw->store, e) != 0) {
		json_decref(body);
		return -1;
	}
	rc = append(c->cw, c->account, kind, body, now, NULL, e);
	return finish(c->cw, rc, e);
}

struct casework_call *
casework_call_start(const struct casework *cw, const char *account, const struct script *script,
		    const struct script_vars *vars, const char *contact, int64_t now, struct err *e)
{
	struct casework_call *c = calloc(1, sizeof *c);
	struct account a;

	if (c == NULL)
		abort();
	c->cw = cw;
	snprintf(c->account, sizeof c->account, "%s", account);
	snprintf(c->contact, sizeof c->contact, "%s", contact);
	evidence_uuid(c->id);
	if (begin(cw, account, &a, e) != 0 ||
	    finish(cw, append(cw, account, "call_start",
			      json_pack("{s:s, s:s, s:s}", "call", c->id, "script", script->id,
					"contact", contact), now, NULL, e), e) != 0) {
		free(c);
		return NULL;
	}
	c->runner = script_runner_new(script, vars);
	return c;
}

void
casework_call_free(struct casework_call **c)
{
	if (c == NULL || *c == NULL)
		return;
	script_runner_free(&(*c)->runner);
	free(*c);
	*c = NULL;
}

const struct script_runner *
casework_call_runner(const struct casework_call *c)
{
	return c->runner;
}

const char *
casework_call_id(const struct casework_call *c)
{
	return c->id;
}

bool
casework_call_closed(const struct casework_call *c)
{
	return c->closed;
}

int
casework_call_answer(struct casework_call *c, size_t i, int64_t now, struct err *e)
{
	const struct script_step *st = script_runner_step(c->runner);
	const struct script_answer *a;
	const struct script *s = script_runner_script(c->runner);
	char why[256];
	json_t *body;

	if (c->closed)
		return err_set(e, "the call is closed");
	if (script_runner_answer_locked(c->runner, i, why, sizeof why))
		return err_set(e, "%s", why);
	a = &st->answers[i];
	body = json_pack("{s:s, s:s}", "step", st->id, "answer", a->text);
	if (body != NULL)
		json_object_set_new(body, a->next >= 0 ? "next" : "outcome",
				    json_string(a->next >= 0 ? s->steps[a->next].id
							     : call_outcome_name(a->outcome)));
	if (call_event(c, "call_answer", body, now, e) != 0)
		return -1;
	return script_runner_answer(c->runner, i, e);
}

static int
checkpoint_event(struct casework_call *c, size_t cp, const char *waived, int64_t now,
		 struct err *e)
{
	const struct script *s = script_runner_script(c->runner);
	const struct script_step *st = script_runner_step(c->runner);
	json_t *body = json_pack("{s:s, s:s, s:s}", "checkpoint", s->checkpoints[cp].id, "label",
				 s->checkpoints[cp].label, "step", st != NULL ? st->id : "");

	if (body != NULL)
		json_object_set_new(body, waived != NULL ? "waived" : "done",
				    waived != NULL ? json_string(waived) : json_true());
	return call_event(c, "checkpoint", body, now, e);
}

int
casework_call_tick(struct casework_call *c, size_t checkpoint, int64_t now, struct err *e)
{
	const struct script *s = script_runner_script(c->runner);

	if (checkpoint >= s->ncheckpoints)
		return err_set(e, "no checkpoint %zu", checkpoint + 1);
	if (script_runner_ticked_at(c->runner, checkpoint) != 0)
		return err_set(e, "\"%s\" is done already", s->checkpoints[checkpoint].label);
	if (checkpoint_event(c, checkpoint, NULL, now, e) != 0)
		return -1;
	return script_runner_tick(c->runner, checkpoint, now, e);
}

int
casework_call_waive(struct casework_call *c, size_t checkpoint, const char *reason, int64_t now,
		    struct err *e)
{
	const struct script *s = script_runner_script(c->runner);

	if (checkpoint >= s->ncheckpoints)
		return err_set(e, "no checkpoint %zu", checkpoint + 1);
	if (script_runner_waive_check(c->runner, checkpoint, reason, e) != 0)
		return -1;
	if (checkpoint_event(c, checkpoint, reason, now, e) != 0)
		return -1;
	return script_runner_waive(c->runner, checkpoint, reason, e);
}

int
casework_call_ptp(struct casework_call *c, const struct ptp_plan *p, int64_t now, struct err *e)
{
	if (c->closed)
		return err_set(e, "the call is closed");
	if (!script_runner_verified(c->runner))
		return err_set(e, "a promise needs right-party verification first");
	if (casework_ptp_record(c->cw, c->account, p, c->id, now, NULL, e) != 0)
		return -1;
	c->promises++;
	return 0;
}

bool
casework_call_can_close(const struct casework_call *c, enum call_outcome o, int64_t callback_at,
			int64_t now, char *why, size_t len)
{
	char dummy[1];

	if (why == NULL) {
		why = dummy;
		len = sizeof dummy;
	}
	if (c->closed) {
		snprintf(why, len, "the call is closed");
		return false;
	}
	if (!script_runner_can_close(c->runner, o, why, len))
		return false;
	if (o == OUTCOME_CALLBACK && callback_at <= now) {
		snprintf(why, len, "a callback needs a time in the future");
		return false;
	}
	if (o == OUTCOME_PTP && c->promises == 0) {
		snprintf(why, len, "record the promise before closing the call as ptp");
		return false;
	}
	return true;
}

int
casework_call_close(struct casework_call *c, enum call_outcome o, int64_t callback_at,
		    int64_t now, struct err *e)
{
	const struct casework *cw = c->cw;
	const struct script *s = script_runner_script(c->runner);
	struct account a;
	char why[256], at[32];
	json_t *body;
	int rc;

	if (!casework_call_can_close(c, o, callback_at, now, why, sizeof why))
		return err_set(e, "%s", why);
	if (begin(cw, c->account, &a, e) != 0)
		return -1;
	body = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "call", c->id, "channel", "call",
			 "direction", "outbound", "contact", c->contact, "result",
			 call_outcome_name(o), "script", s->id);
	if (body != NULL && o == OUTCOME_CALLBACK)
		json_object_set_new(body, "callback_at",
				    json_string(time_format_rfc3339(callback_at, at, sizeof at)));
	rc = append(cw, c->account, "attempt", body, now, NULL, e);
	if (rc == 0 && o == OUTCOME_DISPUTE && (a.flags & AFLAG_DISPUTE) == 0)
		rc = append(cw, c->account, "dispute",
			    json_pack("{s:s, s:s}", "state", "opened", "call", c->id), now, NULL, e);
	if (rc == 0 && o == OUTCOME_CEASE_REQUEST)
		rc = append(cw, c->account, "cease",
			    json_pack("{s:s, s:s}", "state", "requested", "call", c->id), now, NULL, e);
	if (rc == 0 && o == OUTCOME_CALLBACK)
		rc = append(cw, c->account, "callback",
			    json_pack("{s:s, s:s}", "due_at", at, "call", c->id), now, NULL, e);
	/* The call works the case: a due callback is answered (or replaced by the new one). */
	if (rc == 0)
		rc = exec_sql(cw, "UPDATE accounts SET last_attempt_at = ?, last_contact_at = ?, "
				  "callback_at = ?, flags = ? WHERE id = ?",
			      (int64_t[]){ now, call_outcome_is_contact(o) ? now : a.last_contact_at,
					   o == OUTCOME_CALLBACK ? callback_at : 0,
					   a.flags | (o == OUTCOME_DISPUTE ? AFLAG_DISPUTE : 0) |
						   (o == OUTCOME_CEASE_REQUEST ? AFLAG_CEASE : 0),
					   a.rowid }, 5, NULL, e);
	if (finish(cw, rc, e) != 0)
		return -1;
	c->closed = true;
	return 0;
}
