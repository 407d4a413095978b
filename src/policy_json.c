/* policy_json.c - JSON <-> policy facts and decisions, strict about fields and types. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "policy_json.h"

#define PATH_LEN 256

/* What the field decoders write into. */
struct dec {
	struct policy_facts *f;
	struct policy_attempt *item;	/* the history item being decoded */
	char *profile;
	size_t profile_len;
	struct err *e;
};

/* One known field of an object. Optional fields may be absent or null. */
struct field {
	const char *name;
	int (*decode)(const json_t *v, const char *path, struct dec *d);
	bool required;
};

static const struct {
	const char *name;
	unsigned bit;
} flag_names[] = {
	{ .name = "cease", .bit = AFLAG_CEASE },
	{ .name = "attorney", .bit = AFLAG_ATTORNEY },
	{ .name = "bankruptcy", .bit = AFLAG_BANKRUPTCY },
	{ .name = "deceased", .bit = AFLAG_DECEASED },
	{ .name = "vulnerable", .bit = AFLAG_VULNERABLE },
	{ .name = "dispute_open", .bit = AFLAG_DISPUTE },
	{ .name = "breathing_space", .bit = AFLAG_BREATHING_SPACE },
};

static int
decode_object(const json_t *v, const char *path, const struct field *fields, size_t n,
    struct dec *d)
{
	const char *key;
	json_t *value;
	char sub[PATH_LEN];

	if (!json_is_object(v))
		return err_set(d->e, "%s: expected an object", path);
	json_object_foreach ((json_t *)v, key, value) {
		size_t i;
		for (i = 0; i < n && strcmp(fields[i].name, key) != 0; i++)
			;
		if (i == n)
			return err_set(d->e, "%s: unknown field '%s'", path, key);
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(sub, sizeof sub, "%s.%s", path, fields[i].name);
		value = json_object_get(v, fields[i].name);
		if ((value == NULL || json_is_null(value)) && fields[i].required)
			return err_set(d->e, "%s: missing", sub);
		if (value == NULL || json_is_null(value))
			continue;
		if (fields[i].decode(value, sub, d) < 0)
			return -1;
	}
	return 0;
}

static int
decode_string(const json_t *v, const char *path, const char **out, struct err *e)
{
	/* Set even on failure: the callers' compilers cannot see that err_set returns -1. */
	*out = json_is_string(v) ? json_string_value(v) : "";
	return json_is_string(v) ? 0 : err_set(e, "%s: expected a string", path);
}

static int
decode_bool(const json_t *v, const char *path, bool *out, struct err *e)
{
	*out = json_is_true(v);
	return json_is_boolean(v) ? 0 : err_set(e, "%s: expected true or false", path);
}

static int
decode_time(const json_t *v, const char *path, int64_t *out, struct err *e)
{
	const char *s;

	if (decode_string(v, path, &s, e) < 0)
		return -1;
	if (time_parse_rfc3339(s, out, e) < 0)
		return err_set(e, "%s: expected an RFC 3339 time, not '%s'", path, s);
	return 0;
}

/* A name from a closed set; what says what kind of name, for the message. */
static int
decode_name(const json_t *v, const char *path, int (*parse)(const char *), const char *what,
    int *out, struct err *e)
{
	const char *s;

	if (decode_string(v, path, &s, e) < 0)
		return -1;
	if ((*out = parse(s)) < 0)
		return err_set(e, "%s: unknown %s '%s'", path, what, s);
	return 0;
}

/* The numbers a past attempt may have used: only phones. */
static int
number_kind_parse(const char *name)
{
	int k = contact_kind_parse(name);
	return k == CONTACT_MOBILE || k == CONTACT_LANDLINE || k == CONTACT_WORK ? k : -1;
}

static int
flag_parse(const char *name)
{
	for (size_t i = 0; i < sizeof flag_names / sizeof flag_names[0]; i++)
		if (strcmp(flag_names[i].name, name) == 0)
			return (int)flag_names[i].bit;
	return -1;
}

static int
direction_parse(const char *name)
{
	return strcmp(name, "outbound") == 0 ? 0 : strcmp(name, "inbound") == 0 ? 1 : -1;
}

/* "HH:MM" to minutes of the day; "24:00" only where allow_end says so. */
static int
decode_clock(const json_t *v, const char *path, bool allow_end, int *out, struct err *e)
{
	const char *s;

	if (decode_string(v, path, &s, e) < 0)
		return -1;
	if (strlen(s) == 5 && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' && s[1] <= '9' &&
	    s[2] == ':' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9') {
		int m = ((s[0] - '0') * 10 + s[1] - '0') * 60 + (s[3] - '0') * 10 + s[4] - '0';
		if (m < 24 * 60 || (allow_end && m == 24 * 60)) {
			*out = m;
			return 0;
		}
	}
	return err_set(e, "%s: expected a local time \"HH:MM\", not '%s'", path, s);
}

/* Each element of array v through one decoder, with "[i]" paths. */
static int
decode_array(const json_t *v, const char *path, size_t max,
    int (*each)(const json_t *v, const char *path, size_t i, struct dec *d), struct dec *d)
{
	char sub[PATH_LEN];
	size_t i;
	json_t *elem;

	if (!json_is_array(v))
		return err_set(d->e, "%s: expected an array", path);
	if (json_array_size(v) > max)
		return err_set(d->e, "%s: more than %zu elements", path, max);
	json_array_foreach (v, i, elem) {
		snprintf(sub, sizeof sub, "%s[%zu]", path, i);
		if (each(elem, sub, i, d) < 0)
			return -1;
	}
	return 0;
}

/* A zone name too long to store becomes "", which no database knows (see policy.h). */
static void
store_zone(char *dst, const char *name)
{
	if (strlen(name) < POLICY_ZONE_LEN)
		memcpy(dst, name, strlen(name) + 1);
	else
		dst[0] = '\0';
}

static int
consumer_zone(const json_t *v, const char *path, size_t i, struct dec *d)
{
	const char *s;

	if (decode_string(v, path, &s, d->e) < 0)
		return -1;
	store_zone(d->f->zones[d->f->nzones++], s);
	return 0;
}

static int
contact_zone(const json_t *v, const char *path, size_t i, struct dec *d)
{
	const char *s;

	if (decode_string(v, path, &s, d->e) < 0)
		return -1;
	store_zone(d->f->contact_zones[d->f->ncontact_zones++], s);
	return 0;
}

static int
consumer_flag(const json_t *v, const char *path, size_t i, struct dec *d)
{
	int bit;

	if (decode_name(v, path, flag_parse, "flag", &bit, d->e) < 0)
		return -1;
	d->f->flags |= (unsigned)bit;
	return 0;
}

static int
opted_out_channel(const json_t *v, const char *path, size_t i, struct dec *d)
{
	int ch;

	if (decode_name(v, path, policy_channel_parse, "channel", &ch, d->e) < 0)
		return -1;
	d->f->opted_out |= 1u << ch;
	return 0;
}

static int
range_from(const json_t *v, const char *path, struct dec *d)
{
	return decode_clock(v, path, false, &d->f->inconvenient[d->f->ninconvenient].from, d->e);
}

static int
range_to(const json_t *v, const char *path, struct dec *d)
{
	return decode_clock(v, path, true, &d->f->inconvenient[d->f->ninconvenient].to, d->e);
}

static int
inconvenient_range(const json_t *v, const char *path, size_t i, struct dec *d)
{
	static const struct field fields[] = {
		{ .name = "from", .decode = range_from, .required = true },
		{ .name = "to", .decode = range_to, .required = true },
	};

	if (decode_object(v, path, fields, sizeof fields / sizeof fields[0], d) < 0)
		return -1;
	d->f->ninconvenient++;
	return 0;
}

static int
f_timezones(const json_t *v, const char *path, struct dec *d)
{
	return decode_array(v, path, POLICY_MAX_ZONES, consumer_zone, d);
}

static int
f_flags(const json_t *v, const char *path, struct dec *d)
{
	return decode_array(v, path, SIZE_MAX, consumer_flag, d);
}

static int
f_dispute_verified_at(const json_t *v, const char *path, struct dec *d)
{
	return decode_time(v, path, &d->f->dispute_verified_at, d->e);
}

static int
f_inconvenient(const json_t *v, const char *path, struct dec *d)
{
	return decode_array(v, path, POLICY_MAX_RANGES, inconvenient_range, d);
}

static int
f_opted_out(const json_t *v, const char *path, struct dec *d)
{
	return decode_array(v, path, SIZE_MAX, opted_out_channel, d);
}

static int
f_given_at(const json_t *v, const char *path, struct dec *d)
{
	return decode_time(v, path, &d->f->callback_given_at, d->e);
}

static int
f_callback_consent(const json_t *v, const char *path, struct dec *d)
{
	static const struct field fields[] = {
		{ .name = "given_at", .decode = f_given_at, .required = true },
	};
	return decode_object(v, path, fields, sizeof fields / sizeof fields[0], d);
}

static int
f_consumer(const json_t *v, const char *path, struct dec *d)
{
	static const struct field fields[] = {
		{ .name = "timezones", .decode = f_timezones },
		{ .name = "flags", .decode = f_flags },
		{ .name = "dispute_verified_at", .decode = f_dispute_verified_at },
		{ .name = "inconvenient", .decode = f_inconvenient },
		{ .name = "opted_out", .decode = f_opted_out },
		{ .name = "callback_consent", .decode = f_callback_consent },
	};
	return decode_object(v, path, fields, sizeof fields / sizeof fields[0], d);
}

static int
f_kind(const json_t *v, const char *path, struct dec *d)
{
	int k;

	if (decode_name(v, path, contact_kind_parse, "contact kind", &k, d->e) < 0)
		return -1;
	d->f->contact_kind = (enum contact_kind)k;
	return 0;
}

static int
f_contact_timezones(const json_t *v, const char *path, struct dec *d)
{
	return decode_array(v, path, POLICY_MAX_ZONES, contact_zone, d);
}

/* Sets or clears one bit of the contact's consent from a boolean. */
static int
consent_bit(const json_t *v, const char *path, unsigned bit, struct dec *d)
{
	bool on;

	if (decode_bool(v, path, &on, d->e) < 0)
		return -1;
	d->f->consent = on ? d->f->consent | bit : d->f->consent & ~bit;
	return 0;
}

static int
f_autodial(const json_t *v, const char *path, struct dec *d)
{
	return consent_bit(v, path, CONSENT_AUTODIAL, d);
}

static int
f_sms(const json_t *v, const char *path, struct dec *d)
{
	return consent_bit(v, path, CONSENT_SMS, d);
}

static int
f_employer_prohibits(const json_t *v, const char *path, struct dec *d)
{
	return consent_bit(v, path, CONSENT_EMPLOYER_PROHIBITS, d);
}

static int
f_consent(const json_t *v, const char *path, struct dec *d)
{
	static const struct field fields[] = {
		{ .name = "autodial", .decode = f_autodial },
		{ .name = "sms", .decode = f_sms },
	};
	return decode_object(v, path, fields, sizeof fields / sizeof fields[0], d);
}

static int
f_contact(const json_t *v, const char *path, struct dec *d)
{
	static const struct field fields[] = {
		{ .name = "kind", .decode = f_kind, .required = true },
		{ .name = "timezones", .decode = f_contact_timezones },
		{ .name = "consent", .decode = f_consent },
		{ .name = "employer_prohibits", .decode = f_employer_prohibits },
	};
	return decode_object(v, path, fields, sizeof fields / sizeof fields[0], d);
}

static int
f_opt_out_notice(const json_t *v, const char *path, struct dec *d)
{
	return decode_bool(v, path, &d->f->opt_out_notice, d->e);
}

static int
f_message(const json_t *v, const char *path, struct dec *d)
{
	static const struct field fields[] = {
		{ .name = "opt_out_notice", .decode = f_opt_out_notice },
	};
	return decode_object(v, path, fields, sizeof fields / sizeof fields[0], d);
}

static int
h_at(const json_t *v, const char *path, struct dec *d)
{
	return decode_time(v, path, &d->item->at, d->e);
}

static int
h_channel(const json_t *v, const char *path, struct dec *d)
{
	int ch;

	if (decode_name(v, path, policy_channel_parse, "channel", &ch, d->e) < 0)
		return -1;
	d->item->channel = (enum policy_channel)ch;
	return 0;
}

static int
h_result(const json_t *v, const char *path, struct dec *d)
{
	int r;

	if (decode_name(v, path, policy_result_parse, "result", &r, d->e) < 0)
		return -1;
	d->item->result = (enum policy_result)r;
	return 0;
}

static int
h_direction(const json_t *v, const char *path, struct dec *d)
{
	int inbound;

	if (decode_name(v, path, direction_parse, "direction", &inbound, d->e) < 0)
		return -1;
	d->item->inbound = inbound == 1;
	return 0;
}

static int
h_contact_kind(const json_t *v, const char *path, struct dec *d)
{
	int k;

	if (decode_name(v, path, number_kind_parse, "number kind", &k, d->e) < 0)
		return -1;
	d->item->contact_kind = (enum contact_kind)k;
	return 0;
}

static int
history_item(const json_t *v, const char *path, size_t i, struct dec *d)
{
	static const struct field fields[] = {
		{ .name = "at", .decode = h_at, .required = true },
		{ .name = "channel", .decode = h_channel, .required = true },
		{ .name = "result", .decode = h_result, .required = true },
		{ .name = "direction", .decode = h_direction },
		{ .name = "contact_kind", .decode = h_contact_kind },
	};

	d->item = &d->f->history[i];
	*d->item = (struct policy_attempt){ .contact_kind = CONTACT_MOBILE };
	if (decode_object(v, path, fields, sizeof fields / sizeof fields[0], d) < 0)
		return -1;
	d->f->nhistory++;
	return 0;
}

static int
f_history(const json_t *v, const char *path, struct dec *d)
{
	if (json_is_array(v) && json_array_size(v) > 0) {
		d->f->history = calloc(json_array_size(v), sizeof *d->f->history);
		if (d->f->history == NULL)
			abort();
	}
	return decode_array(v, path, SIZE_MAX, history_item, d);
}

static int
f_at(const json_t *v, const char *path, struct dec *d)
{
	return decode_time(v, path, &d->f->at, d->e);
}

static int
f_channel(const json_t *v, const char *path, struct dec *d)
{
	int ch;

	if (decode_name(v, path, policy_channel_parse, "channel", &ch, d->e) < 0)
		return -1;
	d->f->channel = (enum policy_channel)ch;
	return 0;
}

static int
f_autodialed(const json_t *v, const char *path, struct dec *d)
{
	return decode_bool(v, path, &d->f->autodialed, d->e);
}

static int
f_profile(const json_t *v, const char *path, struct dec *d)
{
	const char *s;

	if (decode_string(v, path, &s, d->e) < 0)
		return -1;
	if (strlen(s) >= d->profile_len)
		return err_set(d->e, "%s: unknown profile '%s'", path, s);
	memcpy(d->profile, s, strlen(s) + 1);
	return 0;
}

static int
f_role(const json_t *v, const char *path, struct dec *d)
{
	int r;

	if (decode_name(v, path, policy_role_parse, "role", &r, d->e) < 0)
		return -1;
	d->f->role = (enum policy_role)r;
	return 0;
}

int
policy_json_facts_decode(const json_t *v, const char *path, struct policy_facts *f,
    char *profile, size_t profile_len, struct err *e)
{
	static const struct field fields[] = {
		{ .name = "at", .decode = f_at, .required = true },
		{ .name = "channel", .decode = f_channel, .required = true },
		{ .name = "autodialed", .decode = f_autodialed },
		{ .name = "profile", .decode = f_profile },
		{ .name = "role", .decode = f_role },
		{ .name = "consumer", .decode = f_consumer, .required = true },
		{ .name = "contact", .decode = f_contact, .required = true },
		{ .name = "message", .decode = f_message },
		{ .name = "history", .decode = f_history },
	};
	struct dec d = { .f = f, .profile = profile, .profile_len = profile_len, .e = e };

	*f = (struct policy_facts){
		.role = POLICY_AGENT,
		.dispute_verified_at = POLICY_NONE,
		.callback_given_at = POLICY_NONE,
	};
	profile[0] = '\0';
	if (decode_object(v, path, fields, sizeof fields / sizeof fields[0], &d) < 0) {
		policy_json_facts_clear(f);
		return -1;
	}
	return 0;
}

void
policy_json_facts_clear(struct policy_facts *f)
{
	free(f->history);
	*f = (struct policy_facts){ 0 };
}

json_t *
policy_json_decision_encode(const struct policy_decision *d)
{
	json_t *reasons = json_array();
	char when[32];

	for (int r = 0; r < POLICY_REASON_COUNT; r++)
		if (d->reasons & POLICY_BIT(r))
			json_array_append_new(reasons, json_string(policy_reason_name(r)));
	if (d->next_allowed_at != POLICY_NONE)
		time_format_rfc3339(d->next_allowed_at, when, sizeof when);
	return json_pack("{s:s, s:o, s:o}", "decision", d->allowed ? "allow" : "block",
	    "reasons", reasons, "next_allowed_at",
	    d->next_allowed_at != POLICY_NONE ? json_string(when) : json_null());
}
