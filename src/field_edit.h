/* field_edit.h - the rules of client-editable fields (docs/PROTOCOL.md "Editable fields"),
 * shared by the server, which merges edits into its records, and the client, which checks an
 * edit before recording it. Pure: no store, no clock. */
#ifndef ARREARS_FIELD_EDIT_H
#define ARREARS_FIELD_EDIT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "wire.h"

#define FIELD_NAME_MAX (NAME_LEN - 1)	/* bytes of a party's name */

/* The body of a field_edit event. */
struct field_edit {
	enum wire_field field;
	char value[WIRE_FIELD_VALUE_LEN];
	int64_t base;		/* the field's version the client last pulled */
};

/* The body of a conflict_resolve event. */
struct conflict_resolve {
	char conflict[40];	/* the conflict's id: the losing field_edit's event id */
	int keep_edit;		/* 1 "edit": take the conflict's value; 0 "current" */
};

/* Whether value may be written to field: a name is 1 to FIELD_NAME_MAX bytes of UTF-8
 * without control characters; zones are one or more known IANA zones separated by ';'.
 * 0, or -1 with the reason in e. */
int field_edit_value_check(enum wire_field field, const char *value, struct err *e);

/* The body text of a field_edit event as JSON, and back; decoding checks the value too and
 * names the JSON path ("$.body.value: ..."). */
char *field_edit_body(const struct field_edit *fe);
int field_edit_decode(const char *body, struct field_edit *out, struct err *e);

char *conflict_resolve_body(const struct conflict_resolve *cr);
int conflict_resolve_decode(const char *body, struct conflict_resolve *out, struct err *e);

/* The field's value in an account (borrowed). */
const char *field_edit_value(const struct account *a, enum wire_field field);

/* Writes value to the field of a and counts the edit in its version. */
void field_edit_write(struct wire_account *a, enum wire_field field, const char *value);

enum field_merge {
	FIELD_MERGE_WRITTEN,	/* based on the current version: written, version + 1 */
	FIELD_MERGE_CONFLICT,	/* based on another version, another value: kept as a conflict */
	FIELD_MERGE_SAME	/* the record holds this value already: nothing to do */
};

/* Merges the field_edit event ev (body fe) into a. Nothing is decided by clocks: an edit
 * based on the field's current version is written; one based on another version, or
 * force_conflict (the pusher may not write the account), is kept beside the value unless it
 * is that value. */
enum field_merge field_edit_merge(struct wire_account *a, const struct event *ev,
				  const struct field_edit *fe, int force_conflict);

/* The index of conflict id in a, or -1. */
long field_conflict_find(const struct wire_account *a, const char *id);

/* Resolves a conflict of a: keep_edit writes its value (version + 1); either way the conflict
 * goes. 0, or -1 when a has no such conflict. */
int field_conflict_resolve(struct wire_account *a, const struct conflict_resolve *cr,
			   struct err *e);

/* Carries the edits of old into fresh, a record rewritten from elsewhere (an import): field
 * versions, the values of edited fields and the open conflicts, which fresh takes over (old
 * loses them). */
void field_edit_carry(struct wire_account *fresh, struct wire_account *old);

#endif
