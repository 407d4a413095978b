/* wire.h - the JSON codec of protocol v1, shared by the sync client and arrearsd.
 * docs/PROTOCOL.md is the single source for the shapes encoded here. */
#ifndef ARREARS_WIRE_H
#define ARREARS_WIRE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

/* A position in the server's change sequence; the epoch changes when the server's book is
 * rebuilt or restored, which makes every older cursor invalid (a clean re-pull). */
struct wire_cursor {
	uint32_t epoch;
	int64_t seq;
};

#define WIRE_CURSOR_LEN 40

/* The fields a client may edit (docs/PROTOCOL.md "Editable fields"). */
enum wire_field {
	WIRE_FIELD_PARTY_NAME,
	WIRE_FIELD_PARTY_ZONES,
	WIRE_FIELD_COUNT
};

#define WIRE_FIELD_VALUE_LEN 96	/* the larger of NAME_LEN and ZONES_LEN */

/* An edit that was based on an older version of its field and disagreed with the value the
 * record holds: both sides are kept until a person chooses. */
struct wire_conflict {
	char id[40];		/* the field_edit event's id */
	enum wire_field field;
	char value[WIRE_FIELD_VALUE_LEN];
	char by[32];
	int64_t at;
	int64_t base;		/* the field's version the edit was based on */
};

/* One account as the server publishes it: the account, its party's contact points, its
 * balance (in the account's amounts), the record version, each editable field's own version
 * (accepted edits so far) and the open conflicts. */
struct wire_account {
	struct account account;
	char country[3];
	int64_t version;
	struct contact_point *contacts;	/* owned */
	size_t ncontacts;
	int64_t edits[WIRE_FIELD_COUNT];
	struct wire_conflict *conflicts;	/* owned */
	size_t nconflicts;
};

/* A field's wire name ("party.zones"), and back (-1 when unknown). */
const char *wire_field_name(enum wire_field f);
int wire_field_parse(const char *s);

enum wire_change_op {
	WIRE_CHANGE_UPSERT,
	WIRE_CHANGE_REMOVE	/* the account left the user's scope (or the book) */
};

struct wire_change {
	int64_t seq;
	enum wire_change_op op;
	char account_id[ACCOUNT_ID_LEN];
	struct wire_account acct;	/* only for WIRE_CHANGE_UPSERT */
};

enum wire_result {
	WIRE_ACCEPTED,
	WIRE_DUPLICATE,
	WIRE_REJECTED
};

struct wire_event_result {
	char id[40];
	enum wire_result result;
	char reason[160];	/* for WIRE_REJECTED */
	int flagged;		/* accepted, but the account is no longer the pusher's: told to the lead */
};

/* Parses JSON text of len bytes, refusing nesting deeper than max_depth (jansson's own limit is
 * a compile-time 2048, too deep for a network input). Returns a new reference or NULL. */
json_t *wire_parse(const char *text, size_t len, int max_depth, struct err *e);

/* Formats a cursor as "EPOCH.SEQ" into buf (WIRE_CURSOR_LEN bytes). Returns buf. */
char *wire_cursor_format(const struct wire_cursor *c, char *buf, size_t len);

/* Parses "EPOCH.SEQ"; an empty string or NULL is the start of the book (epoch 0). 0 or -1. */
int wire_cursor_parse(const char *s, struct wire_cursor *c, struct err *e);

/* The error body { "error": code, "message": message }. New reference. */
json_t *wire_error_encode(const char *code, const char *message);

/* Reads an error body into code and message buffers. 0 or -1 (not an error body). */
int wire_error_decode(const json_t *j, char *code, size_t codelen, char *msg, size_t msglen,
		      struct err *e);

/* One event as pushed by a client. New reference; NULL only when a text field is not UTF-8. */
json_t *wire_event_encode(const struct event *ev, struct err *e);

/* Reads an event at JSON path `path` (for error messages, e.g. "$.events[3]"); out->body is
 * the body in canonical text (owned; free it). 0 or -1 with the failing path in e. */
int wire_event_decode(const json_t *j, const char *path, struct event *out, struct err *e);

/* The batch body { "events": [ ... ] } of n events. New reference or NULL. */
json_t *wire_batch_encode(const struct event *evs, size_t n, struct err *e);

/* A device's chain head as a push signs it (docs/PROTOCOL.md "Signed chain heads"). */
struct wire_head {
	char device[40];
	int64_t seq;
	char hash[65];
	char signature[129];	/* 128 hex */
};

/* The "heads" array of a batch. New reference. */
json_t *wire_heads_encode(const struct wire_head *h, size_t n);

/* Reads the optional "heads" array of a batch body (at most max items) into a new array (*out,
 * free with free(); NULL and 0 when the batch has none). 0 or -1 naming the JSON path. */
int wire_heads_decode(const json_t *batch, size_t max, struct wire_head **out, size_t *n,
		      struct err *e);

/* The body of an attachment event (docs/PROTOCOL.md "Attachments"). */
struct wire_attachment {
	char sha256[65];
	char name[256];
	char mime[128];
	int64_t size;
	char note[1024];	/* "" when none */
};

/* Reads an attachment event's body text, checking every field; 0 or -1 naming the JSON path. */
int wire_attachment_decode(const char *body, struct wire_attachment *out, struct err *e);

/* Whether name is a file name an attachment may carry: 1 to 255 bytes, no '/', no control
 * character, not "." or "..". */
int wire_attachment_name_valid(const char *name);

/* Whether s is 64 lowercase hex characters (a SHA-256, a public key). */
int wire_hex64_valid(const char *s);

/* Whether mime looks like a media type: TYPE/SUBTYPE of letters, digits and !#$&^_.+- . */
int wire_mime_valid(const char *mime);

/* The "events" array of a batch body, checked to be an array of at most max items. Borrowed. */
const json_t *wire_batch_items(const json_t *j, size_t max, struct err *e);

/* The answer to a batch { "results": [ ... ] }. New reference. */
json_t *wire_results_encode(const struct wire_event_result *r, size_t n);

/* Reads the results of a batch answer into a new array (*out, free with free()). 0 or -1. */
int wire_results_decode(const json_t *j, struct wire_event_result **out, size_t *n,
			struct err *e);

/* Name of a result ("accepted", ...), and back (-1 when unknown). */
const char *wire_result_name(enum wire_result r);
int wire_result_parse(const char *s);

/* One account record. New reference; NULL when a text field is not UTF-8. */
json_t *wire_account_encode(const struct wire_account *a, struct err *e);

/* Reads an account record at `path`; fills out (contacts owned: wire_account_clear). */
int wire_account_decode(const json_t *j, const char *path, struct wire_account *out,
			struct err *e);

/* Frees what a decoded account owns and zeroes it. */
void wire_account_clear(struct wire_account *a);

/* One change record. New reference or NULL. */
json_t *wire_change_encode(const struct wire_change *c, struct err *e);

/* Reads a change record at `path` (wire_account_clear(&out->acct) after). 0 or -1. */
int wire_change_decode(const json_t *j, const char *path, struct wire_change *out,
		       struct err *e);

/* Product and contact-kind names as the wire and the CSV import spell them; -1 when unknown. */
int wire_product_parse(const char *s);
int wire_contact_kind_parse(const char *s);

#endif
