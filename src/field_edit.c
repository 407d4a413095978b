/* field_edit.c - checking and merging edits of client-editable fields. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field_edit.h"
#include "tz.h"

static int
zones_check(const char *value, struct err *e)
{
	char zone[ZONES_LEN];
	const char *p = value;

	if (strlen(value) >= ZONES_LEN)
		return err_set(e, "zones: longer than %d bytes", ZONES_LEN - 1);
	if (*value == '\0')
		return err_set(e, "zones: at least one time zone is needed");
	for (;;) {
		size_t n = strcspn(p, ";");

		memcpy(zone, p, n);
		zone[n] = '\0';
		if (!tz_valid(zone))
			return err_set(e, "zones: '%s' is not a known time zone", zone);
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

static int
name_check(const char *value, struct err *e)
{
	json_t *utf8 = json_string(value);	/* jansson refuses text that is not UTF-8 */
	size_t n = strlen(value);

	json_decref(utf8);
	if (utf8 == NULL)
		return err_set(e, "name: not valid UTF-8");
	if (value[strspn(value, " ")] == '\0')
		return err_set(e, "name: must not be empty");
	if (n > FIELD_NAME_MAX)
		return err_set(e, "name: longer than %d bytes", FIELD_NAME_MAX);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return err_set(e, "name: holds a control character");
	return 0;
}

int
field_edit_value_check(enum wire_field field, const char *value, struct err *e)
{
	switch (field) {
	case WIRE_FIELD_PARTY_NAME:
		return name_check(value, e);
	case WIRE_FIELD_PARTY_ZONES:
		return zones_check(value, e);
	case WIRE_FIELD_COUNT:
		break;
	}
	return err_set(e, "not an editable field");
}

static char *
dump(json_t *j)
{
	char *text;

	if (j == NULL || (text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
		abort();
	json_decref(j);
	return text;
}

char *
field_edit_body(const struct field_edit *fe)
{
	return dump(json_pack("{s:s, s:s, s:I}", "field", wire_field_name(fe->field), "value",
			      fe->value, "base", (json_int_t)fe->base));
}

char *
conflict_resolve_body(const struct conflict_resolve *cr)
{
	return dump(json_pack("{s:s, s:s}", "conflict", cr->conflict, "keep",
			      cr->keep_edit ? "edit" : "current"));
}

/* A body's string member, checked for type and size; names its path. */
static int
body_text(const json_t *j, const char *key, char *buf, size_t len, struct err *e)
{
	const json_t *v = json_object_get(j, key);

	if (v == NULL)
		return err_set(e, "$.body.%s: missing", key);
	if (!json_is_string(v))
		return err_set(e, "$.body.%s: must be a string", key);
	if (json_string_length(v) >= len)
		return err_set(e, "$.body.%s: longer than %zu bytes", key, len - 1);
	if (memchr(json_string_value(v), '\0', json_string_length(v)) != NULL)
		return err_set(e, "$.body.%s: holds a NUL character", key);
	memcpy(buf, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

int
field_edit_decode(const char *body, struct field_edit *out, struct err *e)
{
	json_t *j = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	const json_t *base;
	char name[24];
	struct err ve;
	int f, rc = -1;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j)) {
		err_set(e, "$.body: must be a JSON object");
		goto out;
	}
	if (body_text(j, "field", name, sizeof name, e) != 0)
		goto out;
	if ((f = wire_field_parse(name)) < 0) {
		err_set(e, "$.body.field: '%s' is not an editable field", name);
		goto out;
	}
	out->field = (enum wire_field)f;
	if (body_text(j, "value", out->value, sizeof out->value, e) != 0)
		goto out;
	base = json_object_get(j, "base");
	if (!json_is_integer(base) || json_integer_value(base) < 0) {
		err_set(e, "$.body.base: must be a whole number");
		goto out;
	}
	out->base = json_integer_value(base);
	if (field_edit_value_check(out->field, out->value, &ve) != 0)
		err_set(e, "$.body.value: %s", ve.msg);
	else
		rc = 0;
out:
	json_decref(j);
	return rc;
}

int
conflict_resolve_decode(const char *body, struct conflict_resolve *out, struct err *e)
{
	json_t *j = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	char keep[16];
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j)) {
		err_set(e, "$.body: must be a JSON object");
		goto out;
	}
	if (body_text(j, "conflict", out->conflict, sizeof out->conflict, e) != 0 ||
	    body_text(j, "keep", keep, sizeof keep, e) != 0)
		goto out;
	if (strcmp(keep, "edit") != 0 && strcmp(keep, "current") != 0) {
		err_set(e, "$.body.keep: must be \"current\" or \"edit\"");
		goto out;
	}
	out->keep_edit = strcmp(keep, "edit") == 0;
	rc = 0;
out:
	json_decref(j);
	return rc;
}

const char *
field_edit_value(const struct account *a, enum wire_field field)
{
	return field == WIRE_FIELD_PARTY_NAME ? a->name : a->zones;
}

void
field_edit_write(struct wire_account *a, enum wire_field field, const char *value)
{
	if (field == WIRE_FIELD_PARTY_NAME)
		snprintf(a->account.name, sizeof a->account.name, "%s", value);
	else
		snprintf(a->account.zones, sizeof a->account.zones, "%s", value);
	a->edits[field]++;
}

enum field_merge
field_edit_merge(struct wire_account *a, const struct event *ev, const struct field_edit *fe,
		 int force_conflict)
{
	struct wire_conflict *c;

	if (strcmp(field_edit_value(&a->account, fe->field), fe->value) == 0)
		return FIELD_MERGE_SAME;
	if (fe->base == a->edits[fe->field] && !force_conflict) {
		field_edit_write(a, fe->field, fe->value);
		return FIELD_MERGE_WRITTEN;
	}
	if (field_conflict_find(a, ev->id) >= 0)	/* applied twice: kept once */
		return FIELD_MERGE_CONFLICT;
	if ((a->conflicts = realloc(a->conflicts, (a->nconflicts + 1) * sizeof *a->conflicts)) ==
	    NULL)
		abort();
	c = &a->conflicts[a->nconflicts++];
	memset(c, 0, sizeof *c);
	snprintf(c->id, sizeof c->id, "%s", ev->id);
	c->field = fe->field;
	snprintf(c->value, sizeof c->value, "%s", fe->value);
	snprintf(c->by, sizeof c->by, "%s", ev->user);
	c->at = ev->at;
	c->base = fe->base;
	return FIELD_MERGE_CONFLICT;
}

long
field_conflict_find(const struct wire_account *a, const char *id)
{
	for (size_t i = 0; i < a->nconflicts; i++)
		if (strcmp(a->conflicts[i].id, id) == 0)
			return (long)i;
	return -1;
}

int
field_conflict_resolve(struct wire_account *a, const struct conflict_resolve *cr, struct err *e)
{
	long i = field_conflict_find(a, cr->conflict);

	if (i < 0)
		return err_set(e, "no open conflict %s on account %s", cr->conflict, a->account.id);
	if (cr->keep_edit)
		field_edit_write(a, a->conflicts[i].field, a->conflicts[i].value);
	memmove(&a->conflicts[i], &a->conflicts[i + 1],
		(a->nconflicts - (size_t)i - 1) * sizeof *a->conflicts);
	a->nconflicts--;
	return 0;
}

void
field_edit_carry(struct wire_account *fresh, struct wire_account *old)
{
	for (int f = 0; f < WIRE_FIELD_COUNT; f++) {
		fresh->edits[f] = old->edits[f];
		if (old->edits[f] > 0 && f == WIRE_FIELD_PARTY_NAME)
			memcpy(fresh->account.name, old->account.name, sizeof fresh->account.name);
		else if (old->edits[f] > 0)
			memcpy(fresh->account.zones, old->account.zones, sizeof fresh->account.zones);
	}
	fresh->conflicts = old->conflicts;
	fresh->nconflicts = old->nconflicts;
	old->conflicts = NULL;
	old->nconflicts = 0;
}
