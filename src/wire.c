#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "wire.h"

json_t *
wire_parse(const char *text, size_t len, int max_depth, struct err *e)
{
	json_error_t jerr;
	json_t *j;
	int depth = 0, in_string = 0, escaped = 0;

	/* Brackets inside strings do not nest, so the scan follows string and escape state. */
	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_string) {
			if (escaped)
				escaped = 0;
			else if (c == '\\')
				escaped = 1;
			else if (c == '"')
				in_string = 0;
		} else if (c == '"') {
			in_string = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max_depth) {
				err_set(e, "JSON nested deeper than %d levels at byte %zu", max_depth, i + 1);
				return NULL;
			}
		} else if ((c == ']' || c == '}') && depth > 0) {
			depth--;
		}
	}
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (j == NULL)
		err_set(e, "line %d column %d: %s", jerr.line, jerr.column, jerr.text);
	return j;
}

char *
wire_cursor_format(const struct wire_cursor *c, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 ".%" PRId64, c->epoch, c->seq);
	return buf;
}

int
wire_cursor_parse(const char *s, struct wire_cursor *c, struct err *e)
{
	char *end;
	unsigned long long ep;
	long long seq;

	c->epoch = 0;
	c->seq = 0;
	if (s == NULL || *s == '\0')
		return 0;
	if (*s < '0' || *s > '9')
		return err_set(e, "cursor '%.40s' is not EPOCH.SEQ", s);
	ep = strtoull(s, &end, 10);
	if (*end != '.' || ep == 0 || ep > UINT32_MAX || end[1] < '0' || end[1] > '9')
		return err_set(e, "cursor '%.40s' is not EPOCH.SEQ", s);
	/* a sequence past the largest integer is refused, not taken as the largest */
	errno = 0;
	seq = strtoll(end + 1, &end, 10);
	if (*end != '\0' || seq < 0 || errno == ERANGE)
		return err_set(e, "cursor '%.40s' is not EPOCH.SEQ", s);
	c->epoch = (uint32_t)ep;
	c->seq = seq;
	return 0;
}

json_t *
wire_error_encode(const char *code, const char *message)
{
	json_t *j = json_pack("{s:s, s:s}", "error", code, "message", message);

	/* a message built from bad input may not be UTF-8; the code alone still tells the client */
	if (j == NULL)
		j = json_pack("{s:s, s:s}", "error", code, "message", "(message not UTF-8)");
	if (j == NULL)
		abort();
	return j;
}

/* Path-naming field readers: every decoding error says where, e.g. "$.events[2].seq". */
static const json_t *
field(const json_t *obj, const char *path, const char *key, int required, struct err *e)
{
	const json_t *v = json_object_get(obj, key);

	if (v == NULL && required)
		err_set(e, "%s.%s: missing", path, key);
	return v;
}

static int
get_text(const json_t *obj, const char *path, const char *key, int required, char *buf,
	 size_t len, struct err *e)
{
	const json_t *v = field(obj, path, key, required, e);
	size_t n;

	buf[0] = '\0';
	if (v == NULL)
		return required ? -1 : 0;
	if (!json_is_string(v))
		return err_set(e, "%s.%s: must be a string", path, key);
	n = json_string_length(v);
	if (n >= len)
		return err_set(e, "%s.%s: longer than %zu bytes", path, key, len - 1);
	if (memchr(json_string_value(v), '\0', n) != NULL)
		return err_set(e, "%s.%s: holds a NUL character", path, key);
	memcpy(buf, json_string_value(v), n + 1);
	return 0;
}

static int
get_int(const json_t *obj, const char *path, const char *key, int required, int64_t min,
	int64_t *out, struct err *e)
{
	const json_t *v = field(obj, path, key, required, e);

	if (v == NULL)
		return required ? -1 : 0;
	if (!json_is_integer(v))
		return err_set(e, "%s.%s: must be an integer", path, key);
	if (json_integer_value(v) < min)
		return err_set(e, "%s.%s: must be at least %" PRId64, path, key, min);
	*out = json_integer_value(v);
	return 0;
}

static int
is_hex64(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return 0;
	return 1;
}

int
wire_error_decode(const json_t *j, char *code, size_t codelen, char *msg, size_t msglen,
		  struct err *e)
{
	if (!json_is_object(j))
		return err_set(e, "$: an error body must be an object");
	if (get_text(j, "$", "error", 1, code, codelen, e) != 0 ||
	    get_text(j, "$", "message", 0, msg, msglen, e) != 0)
		return -1;
	return 0;
}

json_t *
wire_event_encode(const struct event *ev, struct err *e)
{
	json_error_t jerr;
	json_t *body, *j;
	char at[32];

	if ((body = json_loads(ev->body ? ev->body : "{}", JSON_REJECT_DUPLICATES, &jerr)) == NULL) {
		err_set(e, "event %s: body: %s", ev->id, jerr.text);
		return NULL;
	}
	j = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s}", "id", ev->id, "device",
		      ev->device, "seq", (json_int_t)ev->seq, "account_id", ev->account_id, "kind",
		      ev->kind, "user", ev->user, "at", time_format_rfc3339(ev->at, at, sizeof at),
		      "body", body, "prev_hash", ev->prev_hash, "hash", ev->hash);
	if (j == NULL)
		err_set(e, "event %s: a field is not valid UTF-8", ev->id);
	return j;
}

static int
is_uuid(const char *s)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

	if (strlen(s) != sizeof shape - 1)
		return 0;
	for (size_t i = 0; shape[i]; i++) {
		int hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
			  (s[i] >= 'A' && s[i] <= 'F');
		if (shape[i] == '-' ? s[i] != '-' : !hex)
			return 0;
	}
	return 1;
}

int
wire_event_decode(const json_t *j, const char *path, struct event *out, struct err *e)
{
	char at[40];
	const json_t *body;
	struct err te;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j))
		return err_set(e, "%s: an event must be an object", path);
	if (get_text(j, path, "id", 1, out->id, sizeof out->id, e) != 0 ||
	    get_text(j, path, "device", 1, out->device, sizeof out->device, e) != 0 ||
	    get_int(j, path, "seq", 1, 1, &out->seq, e) != 0 ||
	    get_text(j, path, "account_id", 1, out->account_id, sizeof out->account_id, e) != 0 ||
	    get_text(j, path, "kind", 1, out->kind, sizeof out->kind, e) != 0 ||
	    get_text(j, path, "user", 1, out->user, sizeof out->user, e) != 0 ||
	    get_text(j, path, "at", 1, at, sizeof at, e) != 0 ||
	    get_text(j, path, "prev_hash", 1, out->prev_hash, sizeof out->prev_hash, e) != 0 ||
	    get_text(j, path, "hash", 1, out->hash, sizeof out->hash, e) != 0)
		return -1;
	if (!is_uuid(out->id))
		return err_set(e, "%s.id: '%s' is not a UUID", path, out->id);
	if (out->device[0] == '\0' || out->kind[0] == '\0' || out->account_id[0] == '\0')
		return err_set(e, "%s: device, kind and account_id must not be empty", path);
	if (time_parse_rfc3339(at, &out->at, &te) != 0)
		return err_set(e, "%s.at: %s", path, te.msg);
	if (!is_hex64(out->prev_hash))
		return err_set(e, "%s.prev_hash: not 64 lowercase hex digits", path);
	if (!is_hex64(out->hash))
		return err_set(e, "%s.hash: not 64 lowercase hex digits", path);
	if ((body = field(j, path, "body", 1, e)) == NULL)
		return -1;
	if (!json_is_object(body))
		return err_set(e, "%s.body: must be an object", path);
	if ((out->body = json_dumps(body, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
		abort();
	return 0;
}

json_t *
wire_batch_encode(const struct event *evs, size_t n, struct err *e)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *ev = wire_event_encode(&evs[i], e);
		if (ev == NULL) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, ev);
	}
	return json_pack("{s:o}", "events", arr);
}

const json_t *
wire_batch_items(const json_t *j, size_t max, struct err *e)
{
	const json_t *arr;

	if (!json_is_object(j)) {
		err_set(e, "$: a batch must be an object");
		return NULL;
	}
	if ((arr = field(j, "$", "events", 1, e)) == NULL)
		return NULL;
	if (!json_is_array(arr)) {
		err_set(e, "$.events: must be an array");
		return NULL;
	}
	if (json_array_size(arr) > max) {
		err_set(e, "$.events: more than %zu events in one batch", max);
		return NULL;
	}
	return arr;
}

json_t *
wire_heads_encode(const struct wire_head *h, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:I, s:s, s:s}", "device", h[i].device,
						     "seq", (json_int_t)h[i].seq, "hash", h[i].hash,
						     "signature", h[i].signature));
	return arr;
}

int
wire_heads_decode(const json_t *batch, size_t max, struct wire_head **out, size_t *n,
		  struct err *e)
{
	const json_t *arr = json_object_get(batch, "heads"), *item;
	struct wire_head *h;
	char path[40];
	size_t i;

	*out = NULL;
	*n = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return err_set(e, "$.heads: must be an array");
	if (json_array_size(arr) > max)
		return err_set(e, "$.heads: more than %zu heads", max);
	if ((h = calloc(json_array_size(arr) + 1, sizeof *h)) == NULL)
		return err_set(e, "out of memory");
	json_array_foreach(arr, i, item) {
		snprintf(path, sizeof path, "$.heads[%zu]", i);
		if (!json_is_object(item)) {
			err_set(e, "%s: must be an object", path);
			goto fail;
		}
		if (get_text(item, path, "device", 1, h[i].device, sizeof h[i].device, e) != 0 ||
		    get_int(item, path, "seq", 1, 1, &h[i].seq, e) != 0 ||
		    get_text(item, path, "hash", 1, h[i].hash, sizeof h[i].hash, e) != 0 ||
		    get_text(item, path, "signature", 1, h[i].signature, sizeof h[i].signature, e) != 0)
			goto fail;
		if (!is_hex64(h[i].hash)) {
			err_set(e, "%s.hash: must be 64 lowercase hex characters", path);
			goto fail;
		}
	}
	*out = h;
	*n = json_array_size(arr);
	return 0;
fail:
	free(h);
	return -1;
}

int
wire_hex64_valid(const char *s)
{
	return is_hex64(s);
}

int
wire_attachment_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 255 || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0)
		return 0;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int
wire_mime_valid(const char *mime)
{
	static const char tchar[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789!#$&^_.+-";
	size_t a = strspn(mime, tchar);

	return a > 0 && mime[a] == '/' && mime[a + 1] != '\0' &&
	       mime[a + 1 + strspn(mime + a + 1, tchar)] == '\0';
}

int
wire_attachment_decode(const char *body, struct wire_attachment *out, struct err *e)
{
	json_t *j = json_loads(body, JSON_REJECT_DUPLICATES, NULL);
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j)) {
		err_set(e, "$.body: must be a JSON object");
		goto out;
	}
	if (get_text(j, "$.body", "sha256", 1, out->sha256, sizeof out->sha256, e) != 0 ||
	    get_text(j, "$.body", "name", 1, out->name, sizeof out->name, e) != 0 ||
	    get_text(j, "$.body", "mime", 1, out->mime, sizeof out->mime, e) != 0 ||
	    get_int(j, "$.body", "size", 1, 0, &out->size, e) != 0 ||
	    get_text(j, "$.body", "note", 0, out->note, sizeof out->note, e) != 0)
		goto out;
	if (!is_hex64(out->sha256))
		err_set(e, "$.body.sha256: must be 64 lowercase hex characters");
	else if (!wire_attachment_name_valid(out->name))
		err_set(e, "$.body.name: must be a file name of 1 to 255 bytes without '/'");
	else if (!wire_mime_valid(out->mime))
		err_set(e, "$.body.mime: must be a media type such as image/jpeg");
	else
		rc = 0;
out:
	json_decref(j);
	return rc;
}

static const char *const result_names[] = {
	[WIRE_ACCEPTED] = "accepted",
	[WIRE_DUPLICATE] = "duplicate",
	[WIRE_REJECTED] = "rejected",
};

const char *
wire_result_name(enum wire_result r)
{
	return (unsigned)r <= WIRE_REJECTED ? result_names[r] : "?";
}

int
wire_result_parse(const char *s)
{
	for (int i = 0; i <= WIRE_REJECTED; i++)
		if (strcmp(s, result_names[i]) == 0)
			return i;
	return -1;
}

json_t *
wire_results_encode(const struct wire_event_result *r, size_t n)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < n; i++) {
		json_t *o = json_pack("{s:s, s:s}", "id", r[i].id, "result",
				      wire_result_name(r[i].result));
		if (o == NULL)	/* an id that was not UTF-8 was rejected; say so without it */
			o = json_pack("{s:s, s:s}", "id", "", "result", "rejected");
		if (r[i].result == WIRE_REJECTED)
			json_object_set_new(o, "reason", json_string(r[i].reason[0] ? r[i].reason
									     : "rejected"));
		if (r[i].flagged)
			json_object_set_new(o, "flagged", json_true());
		json_array_append_new(arr, o);
	}
	return json_pack("{s:o}", "results", arr);
}

int
wire_results_decode(const json_t *j, struct wire_event_result **out, size_t *n, struct err *e)
{
	const json_t *arr;
	struct wire_event_result *r;
	char path[48], name[16];

	*out = NULL;
	*n = 0;
	if (!json_is_object(j))
		return err_set(e, "$: results must be an object");
	if ((arr = field(j, "$", "results", 1, e)) == NULL)
		return -1;
	if (!json_is_array(arr))
		return err_set(e, "$.results: must be an array");
	if ((r = calloc(json_array_size(arr) + 1, sizeof *r)) == NULL)
		abort();
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);
		int res;

		snprintf(path, sizeof path, "$.results[%zu]", i);
		if (!json_is_object(o)) {
			free(r);
			return err_set(e, "%s: must be an object", path);
		}
		if (get_text(o, path, "id", 1, r[i].id, sizeof r[i].id, e) != 0 ||
		    get_text(o, path, "result", 1, name, sizeof name, e) != 0 ||
		    get_text(o, path, "reason", 0, r[i].reason, sizeof r[i].reason, e) != 0) {
			free(r);
			return -1;
		}
		if ((res = wire_result_parse(name)) < 0) {
			free(r);
			return err_set(e, "%s.result: '%s' is not accepted, duplicate or rejected", path,
				       name);
		}
		r[i].result = (enum wire_result)res;
		r[i].flagged = json_is_true(json_object_get(o, "flagged"));
	}
	*out = r;
	*n = json_array_size(arr);
	return 0;
}

int
wire_product_parse(const char *s)
{
	for (int p = 0; p < PRODUCT_COUNT; p++)
		if (strcmp(s, product_name((enum product)p)) == 0)
			return p;
	if (strcmp(s, "personal_loan") == 0)
		return PRODUCT_PERSONAL_LOAN;
	return -1;
}

int
wire_contact_kind_parse(const char *s)
{
	for (int k = 0; k < CONTACT_KIND_COUNT; k++)
		if (strcmp(s, contact_kind_name((enum contact_kind)k)) == 0)
			return k;
	return -1;
}

static const struct {
	unsigned bit;
	const char *name;
} consent_names[] = {
	{ .bit = CONSENT_AUTODIAL, .name = "autodial" },
	{ .bit = CONSENT_SMS, .name = "sms" },
	{ .bit = CONSENT_EMAIL, .name = "email" },
	{ .bit = CONSENT_EMPLOYER_PROHIBITS, .name = "employer_prohibits" },
};

#define NCONSENTS (sizeof consent_names / sizeof consent_names[0])

static json_t *
contact_encode(const struct contact_point *c)
{
	json_t *consent = json_array();

	for (size_t i = 0; i < NCONSENTS; i++)
		if (c->consent & consent_names[i].bit)
			json_array_append_new(consent, json_string(consent_names[i].name));
	return json_pack("{s:s, s:s, s:s, s:o}", "kind", contact_kind_name(c->kind), "value",
			 c->value, "zones", c->zones, "consent", consent);
}

static const char *const field_names[] = {
	[WIRE_FIELD_PARTY_NAME] = "party.name",
	[WIRE_FIELD_PARTY_ZONES] = "party.zones",
};

const char *
wire_field_name(enum wire_field f)
{
	return (unsigned)f < WIRE_FIELD_COUNT ? field_names[f] : "?";
}

int
wire_field_parse(const char *s)
{
	for (int f = 0; f < WIRE_FIELD_COUNT; f++)
		if (strcmp(s, field_names[f]) == 0)
			return f;
	return -1;
}

/* Adds "edits" and "conflicts" to an account record, each only when not empty, so a record
 * nobody edited reads as it did before fields were editable. 0, or -1 (not UTF-8). */
static int
edits_encode(const struct wire_account *wa, json_t *j)
{
	json_t *edits = json_object(), *conflicts = json_array();
	char at[32];

	for (int f = 0; f < WIRE_FIELD_COUNT; f++)
		if (wa->edits[f] > 0)
			json_object_set_new(edits, field_names[f], json_integer(wa->edits[f]));
	for (size_t i = 0; i < wa->nconflicts; i++) {
		const struct wire_conflict *c = &wa->conflicts[i];
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "id", c->id, "field",
				      wire_field_name(c->field), "value", c->value, "by", c->by,
				      "at", time_format_rfc3339(c->at, at, sizeof at), "base",
				      (json_int_t)c->base);
		if (o == NULL) {
			json_decref(edits);
			json_decref(conflicts);
			return -1;
		}
		json_array_append_new(conflicts, o);
	}
	if (json_object_size(edits) > 0)
		json_object_set(j, "edits", edits);
	if (json_array_size(conflicts) > 0)
		json_object_set(j, "conflicts", conflicts);
	json_decref(edits);
	json_decref(conflicts);
	return 0;
}

json_t *
wire_account_encode(const struct wire_account *wa, struct err *e)
{
	const struct account *a = &wa->account;
	json_t *flags = json_array(), *contacts = json_array(), *j;
	char due[16];

	for (int i = 0; i < AFLAG_COUNT_; i++)
		if (a->flags & (1u << i))
			json_array_append_new(flags, json_string(account_flag_name(1u << i)));
	for (size_t i = 0; i < wa->ncontacts; i++) {
		json_t *c = contact_encode(&wa->contacts[i]);
		if (c == NULL) {
			json_decref(flags);
			json_decref(contacts);
			err_set(e, "account %s: a contact point is not valid UTF-8", a->id);
			return NULL;
		}
		json_array_append_new(contacts, c);
	}
	j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:o, "
		      "s:{s:s, s:s, s:o}, s:{s:I, s:I}}",
		      "id", a->id, "version", (json_int_t)wa->version, "product",
		      product_name(a->product), "currency", a->currency, "region", a->region,
		      "country", wa->country, "assignee", a->assignee, "due_date",
		      date_format(a->due_date, due, sizeof due), "flags", flags,
		      "party", "name", a->name, "zones", a->zones, "contacts", contacts,
		      "balance", "total", (json_int_t)a->total, "past_due", (json_int_t)a->past_due);
	if (j == NULL) {
		err_set(e, "account %s: a field is not valid UTF-8", a->id);
		return NULL;
	}
	if (edits_encode(wa, j) != 0) {
		json_decref(j);
		err_set(e, "account %s: a conflict's field is not valid UTF-8", a->id);
		return NULL;
	}
	return j;
}

void
wire_account_clear(struct wire_account *a)
{
	free(a->contacts);
	free(a->conflicts);
	memset(a, 0, sizeof *a);
}

static int
names_decode(const json_t *arr, const char *path, const char *key, unsigned *out,
	     unsigned (*parse)(const char *), struct err *e)
{
	*out = 0;
	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return err_set(e, "%s.%s: must be an array", path, key);
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *v = json_array_get(arr, i);
		unsigned bit;

		if (!json_is_string(v) || (bit = parse(json_string_value(v))) == 0)
			return err_set(e, "%s.%s[%zu]: not a known name", path, key, i);
		*out |= bit;
	}
	return 0;
}

static unsigned
consent_parse(const char *s)
{
	for (size_t i = 0; i < NCONSENTS; i++)
		if (strcmp(s, consent_names[i].name) == 0)
			return consent_names[i].bit;
	return 0;
}

static int
contacts_decode(const json_t *arr, const char *path, struct wire_account *out, struct err *e)
{
	char cpath[128], kind[24];

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return err_set(e, "%s.contacts: must be an array", path);
	if ((out->contacts = calloc(json_array_size(arr) + 1, sizeof *out->contacts)) == NULL)
		abort();
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *c = json_array_get(arr, i);
		struct contact_point *cp = &out->contacts[i];
		int k;

		snprintf(cpath, sizeof cpath, "%s.contacts[%zu]", path, i);
		if (!json_is_object(c))
			return err_set(e, "%s: must be an object", cpath);
		if (get_text(c, cpath, "kind", 1, kind, sizeof kind, e) != 0 ||
		    get_text(c, cpath, "value", 1, cp->value, sizeof cp->value, e) != 0 ||
		    get_text(c, cpath, "zones", 0, cp->zones, sizeof cp->zones, e) != 0 ||
		    names_decode(json_object_get(c, "consent"), cpath, "consent", &cp->consent,
				 consent_parse, e) != 0)
			return -1;
		if ((k = wire_contact_kind_parse(kind)) < 0)
			return err_set(e, "%s.kind: '%s' is not a contact kind", cpath, kind);
		cp->kind = (enum contact_kind)k;
		cp->id = (int64_t)i + 1;
		out->ncontacts = i + 1;
	}
	return 0;
}

static int
edits_decode(const json_t *obj, const char *path, struct wire_account *out, struct err *e)
{
	const char *key;
	const json_t *v;
	int f;

	if (obj == NULL)
		return 0;
	if (!json_is_object(obj))
		return err_set(e, "%s.edits: must be an object", path);
	json_object_foreach((json_t *)obj, key, v) {
		if ((f = wire_field_parse(key)) < 0)
			return err_set(e, "%s.edits[\"%.40s\"]: not an editable field", path, key);
		if (!json_is_integer(v) || json_integer_value(v) < 0)
			return err_set(e, "%s.edits[\"%s\"]: must be a whole number", path, key);
		out->edits[f] = json_integer_value(v);
	}
	return 0;
}

static int
conflicts_decode(const json_t *arr, const char *path, struct wire_account *out, struct err *e)
{
	char cpath[128], name[24], at[40];
	struct err te;
	int f;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr))
		return err_set(e, "%s.conflicts: must be an array", path);
	if ((out->conflicts = calloc(json_array_size(arr) + 1, sizeof *out->conflicts)) == NULL)
		abort();
	for (size_t i = 0; i < json_array_size(arr); i++) {
		const json_t *o = json_array_get(arr, i);
		struct wire_conflict *c = &out->conflicts[i];

		snprintf(cpath, sizeof cpath, "%s.conflicts[%zu]", path, i);
		if (!json_is_object(o))
			return err_set(e, "%s: must be an object", cpath);
		if (get_text(o, cpath, "id", 1, c->id, sizeof c->id, e) != 0 ||
		    get_text(o, cpath, "field", 1, name, sizeof name, e) != 0 ||
		    get_text(o, cpath, "value", 1, c->value, sizeof c->value, e) != 0 ||
		    get_text(o, cpath, "by", 1, c->by, sizeof c->by, e) != 0 ||
		    get_text(o, cpath, "at", 1, at, sizeof at, e) != 0 ||
		    get_int(o, cpath, "base", 1, 0, &c->base, e) != 0)
			return -1;
		if (!is_uuid(c->id))
			return err_set(e, "%s.id: '%s' is not a UUID", cpath, c->id);
		if ((f = wire_field_parse(name)) < 0)
			return err_set(e, "%s.field: '%s' is not an editable field", cpath, name);
		if (time_parse_rfc3339(at, &c->at, &te) != 0)
			return err_set(e, "%s.at: %s", cpath, te.msg);
		c->field = (enum wire_field)f;
		out->nconflicts = i + 1;
	}
	return 0;
}

int
wire_account_decode(const json_t *j, const char *path, struct wire_account *out, struct err *e)
{
	struct account *a = &out->account;
	const json_t *party, *bal;
	char product[24], due[16], ppath[80], bpath[80];
	struct err te;
	int p;

	memset(out, 0, sizeof *out);
	if (!json_is_object(j))
		return err_set(e, "%s: an account must be an object", path);
	snprintf(ppath, sizeof ppath, "%s.party", path);
	snprintf(bpath, sizeof bpath, "%s.balance", path);
	if (get_text(j, path, "id", 1, a->id, sizeof a->id, e) != 0 ||
	    get_int(j, path, "version", 1, 1, &out->version, e) != 0 ||
	    get_text(j, path, "product", 1, product, sizeof product, e) != 0 ||
	    get_text(j, path, "currency", 1, a->currency, sizeof a->currency, e) != 0 ||
	    get_text(j, path, "region", 0, a->region, sizeof a->region, e) != 0 ||
	    get_text(j, path, "country", 0, out->country, sizeof out->country, e) != 0 ||
	    get_text(j, path, "assignee", 1, a->assignee, sizeof a->assignee, e) != 0 ||
	    get_text(j, path, "due_date", 1, due, sizeof due, e) != 0 ||
	    names_decode(json_object_get(j, "flags"), path, "flags", &a->flags, account_flag_parse,
			 e) != 0)
		goto fail;
	if ((p = wire_product_parse(product)) < 0) {
		err_set(e, "%s.product: '%s' is not a product", path, product);
		goto fail;
	}
	a->product = (enum product)p;
	if (date_parse(due, &a->due_date, &te) != 0) {
		err_set(e, "%s.due_date: %s", path, te.msg);
		goto fail;
	}
	if ((party = field(j, path, "party", 1, e)) == NULL)
		goto fail;
	if (!json_is_object(party)) {
		err_set(e, "%s: must be an object", ppath);
		goto fail;
	}
	if (get_text(party, ppath, "name", 1, a->name, sizeof a->name, e) != 0 ||
	    get_text(party, ppath, "zones", 0, a->zones, sizeof a->zones, e) != 0 ||
	    contacts_decode(json_object_get(party, "contacts"), ppath, out, e) != 0)
		goto fail;
	if ((bal = field(j, path, "balance", 1, e)) == NULL)
		goto fail;
	if (!json_is_object(bal)) {
		err_set(e, "%s: must be an object", bpath);
		goto fail;
	}
	if (get_int(bal, bpath, "total", 1, INT64_MIN, &a->total, e) != 0 ||
	    get_int(bal, bpath, "past_due", 1, INT64_MIN, &a->past_due, e) != 0)
		goto fail;
	a->amount_due = a->past_due;
	if (edits_decode(json_object_get(j, "edits"), path, out, e) != 0 ||
	    conflicts_decode(json_object_get(j, "conflicts"), path, out, e) != 0)
		goto fail;
	return 0;
fail:
	wire_account_clear(out);
	return -1;
}

json_t *
wire_change_encode(const struct wire_change *c, struct err *e)
{
	json_t *acct;

	if (c->op == WIRE_CHANGE_REMOVE)
		return json_pack("{s:I, s:s, s:s}", "seq", (json_int_t)c->seq, "op", "remove",
				 "account_id", c->account_id);
	if ((acct = wire_account_encode(&c->acct, e)) == NULL)
		return NULL;
	return json_pack("{s:I, s:s, s:s, s:o}", "seq", (json_int_t)c->seq, "op", "upsert",
			 "account_id", c->acct.account.id, "account", acct);
}

int
wire_change_decode(const json_t *j, const char *path, struct wire_change *out, struct err *e)
{
	char op[16], apath[96];

	memset(out, 0, sizeof *out);
	if (!json_is_object(j))
		return err_set(e, "%s: a change must be an object", path);
	if (get_int(j, path, "seq", 1, 1, &out->seq, e) != 0 ||
	    get_text(j, path, "op", 1, op, sizeof op, e) != 0 ||
	    get_text(j, path, "account_id", 1, out->account_id, sizeof out->account_id, e) != 0)
		return -1;
	if (strcmp(op, "remove") == 0) {
		out->op = WIRE_CHANGE_REMOVE;
		return 0;
	}
	if (strcmp(op, "upsert") != 0)
		return err_set(e, "%s.op: '%s' is not upsert or remove", path, op);
	out->op = WIRE_CHANGE_UPSERT;
	snprintf(apath, sizeof apath, "%s.account", path);
	if (field(j, path, "account", 1, e) == NULL ||
	    wire_account_decode(json_object_get(j, "account"), apath, &out->acct, e) != 0)
		return -1;
	if (strcmp(out->acct.account.id, out->account_id) != 0) {
		wire_account_clear(&out->acct);
		return err_set(e, "%s.account.id: differs from %s.account_id", path, path);
	}
	return 0;
}
