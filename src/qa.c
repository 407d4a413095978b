/* qa.c - call records for quality review, read from the events each scripted call left (all
 * carry the call's id in their body), and the reviewer's qa_score event. */
#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "evidence.h"
#include "qa.h"
#include "store.h"

/* Event bodies are sealed at rest (seal.c), so the call id inside them cannot be indexed:
 * calls are found by their call_start events (a partial index of migration 006), then each
 * account's events from its first call on are read through events_account. A reviewer's or a
 * lead's cache also holds other devices' calls, fetched into review_events (migration 007);
 * the two are read as one, an event this device wrote and fetched back counted once. The
 * WHERE of each query reaches into both arms, so the partial indexes still serve. */
#define CALL_EVENTS                                                                        \
	"(SELECT id, seq, account_id, kind, user, at, unseal(body, 'events', id) AS body "  \
	"FROM events UNION ALL "                                                           \
	"SELECT id, seq, account_id, kind, user, at, unseal(body, 'review_events', id) "   \
	"FROM review_events r WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.id = r.id))"
#define BODY "body"

bool
qa_call_breach(const struct qa_call *c)
{
	return c->waived > 0 || c->skipped > 0;
}

void
qa_filter_any(struct qa_filter *f)
{
	*f = (struct qa_filter){ .from = QA_ANY_DAY, .to = QA_ANY_DAY, .reviewed = -1 };
}

static const char *
jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

/* A record being built from its events. */
struct builder {
	struct qa_record *r;
	const struct script *script;
	size_t cap;
	int64_t *answered_at;	/* per script step: when it was answered, 0 when not */
};

static struct qa_entry *
entry_add(struct builder *b, int64_t at, enum qa_entry_kind kind)
{
	struct qa_record *r = b->r;
	struct qa_entry *en;

	if (r->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 16;
		r->entries = realloc(r->entries, b->cap * sizeof *r->entries);
		if (r->entries == NULL)
			abort();
	}
	en = &r->entries[r->n++];
	memset(en, 0, sizeof *en);
	en->at = at;
	en->kind = kind;
	en->order = r->n;
	return en;
}

static struct qa_cp *
cp_find(struct qa_record *r, const char *id)
{
	for (size_t i = 0; i < r->ncps; i++)
		if (strcmp(r->cps[i].id, id) == 0)
			return &r->cps[i];
	return NULL;
}

/* The first event of a call names its script: load it to know the steps and checkpoints. */
static void
builder_script(struct builder *b, qa_script_fn fn, void *ctx)
{
	struct qa_record *r = b->r;
	const struct script *s = fn != NULL ? fn(ctx, r->call.script) : NULL;

	/* a second call_start with the same id (a replayed event) changes nothing */
	if (s == NULL || b->script != NULL)
		return;
	b->script = s;
	r->script_known = true;
	r->ncps = s->ncheckpoints;
	r->cps = calloc(s->ncheckpoints + 1, sizeof *r->cps);
	b->answered_at = calloc(s->nsteps + 1, sizeof *b->answered_at);
	if (r->cps == NULL || b->answered_at == NULL)
		abort();
	for (size_t i = 0; i < s->ncheckpoints; i++)
		snprintf(r->cps[i].id, sizeof r->cps[i].id, "%s", s->checkpoints[i].id);
}

static void
builder_event(struct builder *b, const char *kind, const char *account, const char *user,
	      int64_t at, const json_t *body, qa_script_fn fn, void *ctx)
{
	struct qa_record *r = b->r;
	struct qa_call *c = &r->call;
	struct qa_entry *en;

	if (strcmp(kind, "call_start") == 0) {
		snprintf(c->account, sizeof c->account, "%s", account);
		snprintf(c->agent, sizeof c->agent, "%s", user);
		snprintf(c->script, sizeof c->script, "%s", jstr(body, "script"));
		c->started_at = at;
		builder_script(b, fn, ctx);
		en = entry_add(b, at, QA_E_START);
		snprintf(en->text, sizeof en->text, "call started: %s to %s", c->script,
			 jstr(body, "contact"));
	} else if (strcmp(kind, "call_answer") == 0) {
		int k = b->script != NULL ? script_step_find(b->script, jstr(body, "step")) : -1;

		if (k >= 0 && b->answered_at[k] == 0)
			b->answered_at[k] = at;
		en = entry_add(b, at, QA_E_ANSWER);
		snprintf(en->text, sizeof en->text, "%s: %s", jstr(body, "step"),
			 jstr(body, "answer"));
	} else if (strcmp(kind, "checkpoint") == 0) {
		const char *waived = json_string_value(json_object_get(body, "waived"));
		struct qa_cp *cp = cp_find(r, jstr(body, "checkpoint"));

		en = entry_add(b, at, waived != NULL ? QA_E_WAIVED : QA_E_DONE);
		snprintf(en->checkpoint, sizeof en->checkpoint, "%s", jstr(body, "checkpoint"));
		if (waived != NULL) {
			c->waived++;
			snprintf(en->text, sizeof en->text, "OVERRIDDEN %s: %s", jstr(body, "label"),
				 waived);
		} else {
			snprintf(en->text, sizeof en->text, "done %s", jstr(body, "label"));
		}
		if (cp != NULL)
			cp->state = waived != NULL ? QA_CP_WAIVED : QA_CP_DONE;
	} else if (strcmp(kind, "ptp") == 0) {
		en = entry_add(b, at, QA_E_PROMISE);
		snprintf(en->text, sizeof en->text, "promise %s by %s", jstr(body, "amount"),
			 jstr(body, "due_on"));
	} else if (strcmp(kind, "attempt") == 0) {
		snprintf(c->outcome, sizeof c->outcome, "%s", jstr(body, "result"));
		en = entry_add(b, at, QA_E_OUTCOME);
		snprintf(en->text, sizeof en->text, "call ended: %s", c->outcome);
	} else if (strcmp(kind, "qa_score") == 0) {
		json_t *p = json_object_get(body, "passed");

		c->reviewed = true;
		c->percent = (int)json_integer_value(json_object_get(body, "percent"));
		c->passed = json_is_true(p);
		snprintf(c->reviewer, sizeof c->reviewer, "%s", user);
		en = entry_add(b, at, QA_E_SCORE);
		snprintf(en->text, sizeof en->text, "reviewed by %s: %d%% %s%s%s", user, c->percent,
			 c->passed ? "pass" : "FAIL", *jstr(body, "comment") ? " - " : "",
			 jstr(body, "comment"));
	} else {
		/* what the close opened (dispute, cease, callback) */
		en = entry_add(b, at, QA_E_OUTCOME);
		snprintf(en->text, sizeof en->text, "%s %s", kind,
			 *jstr(body, "state") ? jstr(body, "state") : jstr(body, "due_at"));
	}
}

static int
entry_cmp(const void *pa, const void *pb)
{
	const struct qa_entry *a = pa, *b = pb;

	if (a->at != b->at)
		return (a->at > b->at) - (a->at < b->at);
	/* a skipped checkpoint shows just before the answer that passed its step */
	if (a->kind != b->kind && (a->kind == QA_E_SKIPPED || b->kind == QA_E_SKIPPED))
		return a->kind == QA_E_SKIPPED ? -1 : 1;
	/* otherwise the order the events were read in, which qsort alone would not keep */
	return (a->order > b->order) - (a->order < b->order);
}

/* After the last event: in a call that reached the debtor (verified, or closed with a
 * right-party outcome), a checkpoint whose step was answered while it was neither done nor
 * waived was skipped. A call nobody answered skips nothing: there was no one to tell. */
static void
builder_finish(struct builder *b)
{
	struct qa_record *r = b->r;
	const struct script *s = b->script;
	bool talked = s != NULL &&
		      ((s->verify >= 0 && r->cps[s->verify].state == QA_CP_DONE) ||
		       call_outcome_is_right_party(call_outcome_parse(r->call.outcome)));

	if (talked) {
		for (size_t k = 0; k < s->nsteps; k++) {
			int cpi = s->steps[k].checkpoint;
			struct qa_entry *en;

			if (cpi < 0 || b->answered_at[k] == 0 ||
			    r->cps[cpi].state != QA_CP_NOT_REACHED)
				continue;
			r->cps[cpi].state = QA_CP_SKIPPED;
			r->call.skipped++;
			en = entry_add(b, b->answered_at[k], QA_E_SKIPPED);
			snprintf(en->checkpoint, sizeof en->checkpoint, "%s", s->checkpoints[cpi].id);
			snprintf(en->text, sizeof en->text, "SKIPPED %s (step %s passed without it)",
				 s->checkpoints[cpi].label, s->steps[k].id);
		}
	}
	if (r->n > 1)
		qsort(r->entries, r->n, sizeof *r->entries, entry_cmp);
	free(b->answered_at);
	b->answered_at = NULL;
}

/* One call_start found, before its account's events are read. */
struct start {
	char account[ACCOUNT_ID_LEN];
	char call[37];
	int64_t at;
};

static int
start_cmp(const void *pa, const void *pb)
{
	const struct start *a = pa, *b = pb;
	int c = strcmp(a->account, b->account);

	return c != 0 ? c : (a->at > b->at) - (a->at < b->at);
}

/* The call_start events (only that of call_id when not NULL), by account and time. */
static int
starts_read(sqlite3 *db, const char *call_id, struct start **out, size_t *n, struct err *e)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT account_id, at, " BODY " FROM " CALL_EVENTS " "
				   "WHERE kind = 'call_start'", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "call records: %s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(st, 2);
		json_t *j = body != NULL ? json_loads(body, 0, NULL) : NULL;
		const char *call = jstr(j, "call");

		if (*call != '\0' && (call_id == NULL || strcmp(call, call_id) == 0)) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				*out = realloc(*out, cap * sizeof **out);
				if (*out == NULL)
					abort();
			}
			snprintf((*out)[*n].account, sizeof (*out)[*n].account, "%s",
				 (const char *)sqlite3_column_text(st, 0));
			snprintf((*out)[*n].call, sizeof (*out)[*n].call, "%s", call);
			(*out)[*n].at = sqlite3_column_int64(st, 1);
			(*n)++;
		}
		json_decref(j);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		free(*out);
		*out = NULL;
		*n = 0;
		return err_set(e, "call records: %s", sqlite3_errmsg(db));
	}
	if (*n > 1)
		qsort(*out, *n, sizeof **out, start_cmp);
	return 0;
}

/* Builds the records of the calls starts[0..n) of one account from its events and hands each
 * to done (which may take what the record holds). */
static int
account_calls(sqlite3_stmt *st, const struct start *starts, size_t n, qa_script_fn fn,
	      void *ctx, int (*done)(void *arg, struct qa_record *r, struct err *e), void *arg,
	      struct err *e)
{
	struct qa_record *recs = calloc(n, sizeof *recs);
	struct builder *bs = calloc(n, sizeof *bs);
	int rc, ret = 0;

	if (recs == NULL || bs == NULL)
		abort();
	for (size_t i = 0; i < n; i++)
		bs[i].r = &recs[i];
	sqlite3_bind_text(st, 1, starts[0].account, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, starts[0].at);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(st, 3);
		json_t *j = body != NULL ? json_loads(body, 0, NULL) : NULL;
		const char *call = jstr(j, "call");

		for (size_t i = 0; *call != '\0' && i < n; i++) {
			if (strcmp(starts[i].call, call) != 0)
				continue;
			snprintf(recs[i].call.id, sizeof recs[i].call.id, "%s", call);
			builder_event(&bs[i], (const char *)sqlite3_column_text(st, 0),
				      starts[0].account, (const char *)sqlite3_column_text(st, 1),
				      sqlite3_column_int64(st, 2), j, fn, ctx);
			break;
		}
		json_decref(j);
	}
	if (rc != SQLITE_DONE)
		ret = err_set(e, "call records: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
	sqlite3_reset(st);
	for (size_t i = 0; i < n; i++) {
		builder_finish(&bs[i]);
		/* a call whose call_start event is missing from its account is not a record */
		if (ret == 0 && recs[i].call.started_at != 0)
			ret = done(arg, &recs[i], e);
		qa_record_clear(&recs[i]);
	}
	free(recs);
	free(bs);
	return ret;
}

/* Reads every call record (or only call_id's) and hands each to done. */
static int
read_calls(struct store *s, const char *call_id, qa_script_fn fn, void *ctx,
	   int (*done)(void *arg, struct qa_record *r, struct err *e), void *arg, struct err *e)
{
	sqlite3 *db = store_db(s);
	struct start *starts;
	sqlite3_stmt *st;
	size_t n, i = 0;
	int ret = 0;

	if (starts_read(db, call_id, &starts, &n, e) != 0)
		return -1;
	if (sqlite3_prepare_v2(db, "SELECT kind, user, at, " BODY " FROM " CALL_EVENTS " "
				   "WHERE account_id = ? AND at >= ? ORDER BY at, seq",
			       -1, &st, NULL) != SQLITE_OK) {
		free(starts);
		return err_set(e, "call records: %s", sqlite3_errmsg(db));
	}
	while (ret == 0 && i < n) {
		size_t k = i + 1;

		while (k < n && strcmp(starts[k].account, starts[i].account) == 0)
			k++;
		ret = account_calls(st, starts + i, k - i, fn, ctx, done, arg, e);
		i = k;
	}
	sqlite3_finalize(st);
	free(starts);
	return ret;
}

struct list_ctx {
	const struct qa_filter *f;
	struct qa_call *calls;
	size_t n, cap;
};

bool
qa_call_matches(const struct qa_filter *f, const struct qa_call *c)
{
	int32_t day = date_of_time(c->started_at);

	if (f->agent != NULL && *f->agent != '\0' && strcmp(f->agent, c->agent) != 0)
		return false;
	if (f->script != NULL && *f->script != '\0' && strcmp(f->script, c->script) != 0)
		return false;
	if (f->outcome != NULL && *f->outcome != '\0' &&
	    strcmp(f->outcome, c->outcome[0] != '\0' ? c->outcome : "open") != 0)
		return false;
	if ((f->from != QA_ANY_DAY && day < f->from) || (f->to != QA_ANY_DAY && day > f->to))
		return false;
	if (f->breach_only && !qa_call_breach(c))
		return false;
	return f->reviewed < 0 || (f->reviewed == 1) == c->reviewed;
}

static int
list_add(void *arg, struct qa_record *r, struct err *e)
{
	struct list_ctx *l = arg;

	(void)e;
	if (!qa_call_matches(l->f, &r->call))
		return 0;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->calls = realloc(l->calls, l->cap * sizeof *l->calls);
		if (l->calls == NULL)
			abort();
	}
	l->calls[l->n++] = r->call;
	return 0;
}

static int
newest_first(const void *pa, const void *pb)
{
	const struct qa_call *a = pa, *b = pb;

	if (a->started_at != b->started_at)
		return (a->started_at < b->started_at) - (a->started_at > b->started_at);
	return strcmp(a->id, b->id);
}

int
qa_calls_list(struct store *s, const struct qa_filter *f, qa_script_fn fn, void *ctx,
	      struct qa_call **out, size_t *n, struct err *e)
{
	struct list_ctx l = { .f = f };

	*out = NULL;
	*n = 0;
	if (read_calls(s, NULL, fn, ctx, list_add, &l, e) != 0) {
		free(l.calls);
		return -1;
	}
	if (l.n > 1)
		qsort(l.calls, l.n, sizeof *l.calls, newest_first);
	*out = l.calls;
	*n = l.n;
	return 0;
}

static int
record_take(void *arg, struct qa_record *r, struct err *e)
{
	struct qa_record *out = arg;

	(void)e;
	*out = *r;
	*r = (struct qa_record){ 0 };
	return 0;
}

int
qa_record_get(struct store *s, const char *call_id, qa_script_fn fn, void *ctx,
	      struct qa_record *out, struct err *e)
{
	*out = (struct qa_record){ 0 };
	if (read_calls(s, call_id, fn, ctx, record_take, out, e) != 0)
		return -1;
	return out->call.id[0] != '\0' ? 0 : 1;
}

void
qa_record_clear(struct qa_record *r)
{
	free(r->entries);
	free(r->cps);
	*r = (struct qa_record){ 0 };
}

void
qa_suggest(const struct qa_card *card, const struct qa_record *r, enum qa_result *results)
{
	for (size_t i = 0; i < card->nitems; i++) {
		const struct qa_item *it = &card->items[i];
		const struct qa_cp *cp = NULL;

		results[i] = QA_UNSET;
		if (it->checkpoint[0] == '\0' || !r->script_known)
			continue;
		for (size_t k = 0; k < r->ncps; k++)
			if (strcmp(r->cps[k].id, it->checkpoint) == 0)
				cp = &r->cps[k];
		if (cp == NULL)
			results[i] = QA_NA;
		else if (cp->state == QA_CP_DONE)
			results[i] = QA_PASS;
		else if (cp->state == QA_CP_WAIVED || cp->state == QA_CP_SKIPPED)
			results[i] = QA_FAIL;
	}
}

int
qa_score_record(const struct casework *cw, const struct qa_card *card, const struct qa_record *r,
		const enum qa_result *results, const char *comment, int64_t now,
		struct qa_total *t, struct err *e)
{
	struct event_draft d = {
		.device = cw->device, .user = cw->user, .account_id = r->call.account,
		.kind = "qa_score", .at = now,
	};
	struct qa_total tot;
	json_t *body, *items;
	char *text;
	int rc;

	if (strcmp(r->call.agent, cw->user) == 0)
		return err_set(e, "a reviewer may not score their own call");
	if (qa_card_total(card, results, &tot, e) != 0)
		return -1;
	if ((items = json_array()) == NULL)
		abort();
	for (size_t i = 0; i < card->nitems; i++)
		json_array_append_new(items, json_pack("{s:s, s:s, s:i, s:b}", "id",
						       card->items[i].id, "result",
						       qa_result_name(results[i]), "weight",
						       card->items[i].weight, "critical",
						       card->items[i].critical));
	body = json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:i, s:i, s:b, s:s}", "call", r->call.id,
			 "card", card->id, "agent", r->call.agent, "script", r->call.script, "items",
			 items, "points", tot.points, "possible", tot.possible, "percent",
			 tot.percent, "passed", tot.passed, "reviewer", cw->user);
	if (body == NULL)
		return err_set(e, "the review could not be encoded");
	if (comment != NULL && *comment != '\0') {
		json_t *c = json_string(comment);

		if (c == NULL) {
			json_decref(body);
			return err_set(e, "the comment is not valid UTF-8");
		}
		json_object_set_new(body, "comment", c);
	}
	text = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(body);
	if (text == NULL)
		abort();
	d.body = text;
	rc = evidence_record(cw->store, &d, NULL, e);
	free(text);
	if (rc == 0 && t != NULL)
		*t = tot;
	return rc;
}

int
qa_compliance(struct store *s, const char *agent, struct kpi_rate *out, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st = NULL;
	struct kpi_qa_review *rv = NULL;
	char (*calls)[40] = NULL;
	size_t n = 0, cap = 0;
	int64_t overrides = 0;
	int rc = -1;

	if (sqlite3_prepare_v2(db, "SELECT at, " BODY " FROM " CALL_EVENTS " WHERE kind = 'qa_score'", -1,
			       &st, NULL) != SQLITE_OK)
		goto sqlerr;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *body = (const char *)sqlite3_column_text(st, 1);
		json_t *j = body != NULL ? json_loads(body, 0, NULL) : NULL;
		const char *call = jstr(j, "call");

		/* only the agent's reviews: the body says whose call it was */
		if (*call == '\0' || strcmp(jstr(j, "agent"), agent) != 0) {
			json_decref(j);
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			rv = realloc(rv, cap * sizeof *rv);
			calls = realloc(calls, cap * sizeof *calls);
			if (rv == NULL || calls == NULL)
				abort();
		}
		snprintf(calls[n], sizeof calls[n], "%s", call);
		rv[n] = (struct kpi_qa_review){ .agent = agent, .at = sqlite3_column_int64(st, 0),
						.passed = json_is_true(json_object_get(j, "passed")) };
		n++;
		json_decref(j);
	}
	if (rc != SQLITE_DONE)
		goto sqlerr;
	sqlite3_finalize(st);
	st = NULL;
	/* the calls array moved while it grew, so the borrowed pointers are set once it is done */
	for (size_t i = 0; i < n; i++)
		rv[i].call = calls[i];
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM " CALL_EVENTS " WHERE kind = 'policy_override' "
				   "AND user = ?", -1, &st, NULL) != SQLITE_OK)
		goto sqlerr;
	sqlite3_bind_text(st, 1, agent, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW)
		goto sqlerr;
	overrides = sqlite3_column_int64(st, 0);
	*out = kpi_compliance_score(rv, n, agent, overrides);
	rc = 0;
	goto out;
sqlerr:
	rc = err_set(e, "compliance score: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	free(rv);
	free(calls);
	return rc;
}
