/* policy_profile.c - loading policy profiles from libconfig text. */
#include "config.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "policy_profile.h"

/* Profiles nest at most this deep; deeper means a cycle. */
#define MAX_DEPTH 4

struct embedded_text {
	const char *name;
	const char *file;
	const char *text;
};

#include "policy_profiles.inc"

static const char *const day_names[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

/* Parsing state for one file: where errors point and what the profile inherits. */
struct loader {
	const char *file;
	const struct policy_profile *parent;	/* NULL for a base profile */
	struct err *e;
};

static int profile_load(struct policy_profiles *set, const char *name, const char *file,
    const char *text, int depth, struct err *e);

/* Writes where s sits, e.g. "window.start" or "caps[1].days". */
static void
setting_path(const config_setting_t *s, char *buf, size_t len)
{
	const config_setting_t *parent = config_setting_parent(s);
	size_t used;

	buf[0] = '\0';
	if (parent == NULL)
		return;
	setting_path(parent, buf, len);
	used = strlen(buf);
	if (config_setting_name(s) != NULL)
		snprintf(buf + used, len - used, "%s%s", used > 0 ? "." : "", config_setting_name(s));
	else
		snprintf(buf + used, len - used, "[%d]", config_setting_index(s));
}

/* Reports a problem with setting s as "file:line: path: message". Returns -1. */
static int __attribute__((format(printf, 3, 4)))
fail(const struct loader *l, const config_setting_t *s, const char *fmt, ...)
{
	char path[128], msg[256];
	va_list ap;

	setting_path(s, path, sizeof path);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(l->e, "%s:%d: %s: %s", l->file, config_setting_source_line(s), path, msg);
}

static int
get_int(const struct loader *l, const config_setting_t *s, int lo, int hi, int *out)
{
	if (config_setting_type(s) != CONFIG_TYPE_INT)
		return fail(l, s, "expected an integer");
	if (config_setting_get_int(s) < lo || config_setting_get_int(s) > hi)
		return fail(l, s, "out of range (%d..%d)", lo, hi);
	*out = config_setting_get_int(s);
	return 0;
}

/* "HH:MM" to minutes of the day; "24:00" is allowed for the end of a window. */
static int
get_minute(const struct loader *l, const config_setting_t *s, int *out)
{
	const char *v = config_setting_get_string(s);
	int h, m;
	char tail;

	if (v == NULL || sscanf(v, "%2d:%2d%c", &h, &m, &tail) != 2 || strlen(v) != 5 || h < 0 ||
	    m < 0 || m > 59 || h * 60 + m > 24 * 60)
		return fail(l, s, "expected \"HH:MM\"");
	*out = h * 60 + m;
	return 0;
}

/* A list of names from names[0..n) into a bit set. */
static int
get_names(const struct loader *l, const config_setting_t *s, const char *const *names, int n,
    unsigned *out)
{
	*out = 0;
	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return fail(l, s, "expected a list of names");
	for (int i = 0; i < config_setting_length(s); i++) {
		const char *v = config_setting_get_string_elem(s, i);
		int k = -1;
		for (int j = 0; v != NULL && j < n && k < 0; j++)
			if (strcmp(names[j], v) == 0)
				k = j;
		if (k < 0)
			return fail(l, s, "unknown name '%s'", v != NULL ? v : "?");
		*out |= 1u << k;
	}
	return 0;
}

static int
get_channels(const struct loader *l, const config_setting_t *s, unsigned *out)
{
	const char *names[POLICY_CHANNEL_COUNT];

	for (int i = 0; i < POLICY_CHANNEL_COUNT; i++)
		names[i] = policy_channel_name(i);
	return get_names(l, s, names, POLICY_CHANNEL_COUNT, out);
}

static int
parse_window(const struct loader *l, const config_setting_t *g, struct policy_profile *p)
{
	const struct policy_profile *base = l->parent;

	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, i);
		const char *key = config_setting_name(s);
		if (strcmp(key, "start") == 0) {
			if (get_minute(l, s, &p->window_start) < 0)
				return -1;
			if (base != NULL && p->window_start < base->window_start)
				return fail(l, s, "starts earlier than %s: profiles may only tighten", base->name);
		} else if (strcmp(key, "end") == 0) {
			if (get_minute(l, s, &p->window_end) < 0)
				return -1;
			if (base != NULL && p->window_end > base->window_end)
				return fail(l, s, "ends later than %s: profiles may only tighten", base->name);
		} else if (strcmp(key, "days") == 0) {
			if (get_names(l, s, day_names, 7, &p->window_days) < 0)
				return -1;
			if (base != NULL && (p->window_days & ~base->window_days))
				return fail(l, s, "adds days to %s: profiles may only tighten", base->name);
		} else if (strcmp(key, "channels") == 0) {
			if (get_channels(l, s, &p->window_channels) < 0)
				return -1;
			if (base != NULL && (base->window_channels & ~p->window_channels))
				return fail(l, s, "exempts channels that %s limits: profiles may only tighten", base->name);
		} else {
			return fail(l, s, "unknown setting");
		}
	}
	if (p->window_start >= p->window_end)
		return fail(l, g, "start must come before end");
	return 0;
}

static int
parse_frequency(const struct loader *l, const config_setting_t *g, struct policy_profile *p)
{
	const struct policy_profile *base = l->parent;

	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, i);
		const char *key = config_setting_name(s);
		if (strcmp(key, "max_calls") == 0) {
			if (get_int(l, s, 0, 1000, &p->max_calls) < 0)
				return -1;
			if (base != NULL && p->max_calls > base->max_calls)
				return fail(l, s, "allows more calls than %s: profiles may only tighten", base->name);
		} else if (strcmp(key, "days") == 0) {
			if (get_int(l, s, 1, 366, &p->frequency_days) < 0)
				return -1;
			if (base != NULL && p->frequency_days < base->frequency_days)
				return fail(l, s, "is shorter than in %s: profiles may only tighten", base->name);
		} else {
			return fail(l, s, "unknown setting");
		}
	}
	return 0;
}

static int
parse_cap(const struct loader *l, const config_setting_t *g, struct policy_cap *cap)
{
	static const char *const scopes[] = {
		[POLICY_SCOPE_ANY] = "any",
		[POLICY_SCOPE_PERSONAL] = "personal",
		[POLICY_SCOPE_WORK] = "work",
	};
	static const char *const bases[] = {
		[POLICY_BASIS_COUNTED] = "counted",
		[POLICY_BASIS_ALL] = "all",
	};
	unsigned seen = 0, bits;

	if (!config_setting_is_group(g))
		return fail(l, g, "expected a group { ... }");
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *s = config_setting_get_elem(g, i);
		const char *key = config_setting_name(s);
		const char *v = config_setting_get_string(s);
		int rc = 0;
		if (strcmp(key, "channels") == 0) {
			rc = get_channels(l, s, &cap->channels);
			seen |= 1;
		} else if (strcmp(key, "counts") == 0) {
			rc = get_channels(l, s, &cap->counts);
			seen |= 2;
		} else if (strcmp(key, "to") == 0) {
			for (bits = 0; bits < 3 && (v == NULL || strcmp(v, scopes[bits]) != 0); bits++)
				;
			if (bits == 3)
				return fail(l, s, "expected \"any\", \"personal\" or \"work\"");
			cap->to = (enum policy_scope)bits;
			seen |= 4;
		} else if (strcmp(key, "basis") == 0) {
			for (bits = 0; bits < 2 && (v == NULL || strcmp(v, bases[bits]) != 0); bits++)
				;
			if (bits == 2)
				return fail(l, s, "expected \"counted\" or \"all\"");
			cap->basis = (enum policy_basis)bits;
			seen |= 8;
		} else if (strcmp(key, "days") == 0) {
			rc = get_int(l, s, 1, 366, &cap->days);
			seen |= 16;
		} else if (strcmp(key, "max") == 0) {
			rc = get_int(l, s, 0, 1000, &cap->max);
			seen |= 32;
		} else {
			return fail(l, s, "unknown setting");
		}
		if (rc < 0)
			return -1;
	}
	if (seen != 63)
		return fail(l, g, "a cap needs channels, to, counts, basis, days and max");
	return 0;
}

static int
parse_caps(const struct loader *l, const config_setting_t *s, struct policy_profile *p)
{
	if (!config_setting_is_list(s))
		return fail(l, s, "expected a list ( { ... }, ... )");
	for (int i = 0; i < config_setting_length(s); i++) {
		if (p->ncaps == POLICY_MAX_CAPS)
			return fail(l, s, "more than %d caps", POLICY_MAX_CAPS);
		/* Caps only add to the parent's, which is how a child tightens them. */
		if (parse_cap(l, config_setting_get_elem(s, i), &p->caps[p->ncaps++]) < 0)
			return -1;
	}
	return 0;
}

static int
parse_root(const struct loader *l, const config_setting_t *root, struct policy_profile *p)
{
	unsigned seen = 0;

	for (int i = 0; i < config_setting_length(root); i++) {
		const config_setting_t *s = config_setting_get_elem(root, i);
		const char *key = config_setting_name(s);
		int rc;
		if (strcmp(key, "inherits") == 0) {
			continue;	/* resolved before parsing */
		} else if (strcmp(key, "window") == 0 && config_setting_is_group(s)) {
			rc = parse_window(l, s, p);
			seen |= 1;
		} else if (strcmp(key, "frequency") == 0 && config_setting_is_group(s)) {
			rc = parse_frequency(l, s, p);
			seen |= 2;
		} else if (strcmp(key, "cooloff_days") == 0) {
			rc = get_int(l, s, 0, 366, &p->cooloff_days);
			if (rc == 0 && l->parent != NULL && p->cooloff_days < l->parent->cooloff_days)
				return fail(l, s, "is shorter than in %s: profiles may only tighten", l->parent->name);
			seen |= 4;
		} else if (strcmp(key, "us_consent") == 0) {
			if (config_setting_type(s) != CONFIG_TYPE_BOOL)
				return fail(l, s, "expected true or false");
			p->us_consent = config_setting_get_bool(s);
			if (l->parent != NULL && l->parent->us_consent && !p->us_consent)
				return fail(l, s, "drops rules of %s: profiles may only tighten", l->parent->name);
			rc = 0;
			seen |= 8;
		} else if (strcmp(key, "caps") == 0) {
			rc = parse_caps(l, s, p);
		} else if (strcmp(key, "window") == 0 || strcmp(key, "frequency") == 0) {
			return fail(l, s, "expected a group { ... }");
		} else {
			return fail(l, s, "unknown setting");
		}
		if (rc < 0)
			return -1;
	}
	if (l->parent == NULL && seen != 15)
		return err_set(l->e, "%s:1: a profile without inherits must set window, frequency, "
		    "cooloff_days and us_consent", l->file);
	return 0;
}

/* Finds name in set, loading it from the built-in texts when it is not there yet. */
static const struct policy_profile *
profile_resolve(struct policy_profiles *set, const char *name, int depth, struct err *e)
{
	const struct policy_profile *p = policy_profiles_find(set, name);

	if (p != NULL)
		return p;
	for (size_t i = 0; i < sizeof embedded_texts / sizeof embedded_texts[0]; i++) {
		const struct embedded_text *t = &embedded_texts[i];
		if (strcmp(t->name, name) == 0) {
			if (profile_load(set, t->name, t->file, t->text, depth + 1, e) < 0)
				return NULL;
			return policy_profiles_find(set, name);
		}
	}
	err_set(e, "no profile '%s'", name);
	return NULL;
}

static int
profile_load(struct policy_profiles *set, const char *name, const char *file, const char *text,
    int depth, struct err *e)
{
	config_t cfg;
	const config_setting_t *inherits;
	struct policy_profile p = { 0 };
	struct loader l = { .file = file, .e = e };
	int rc = -1;

	if (depth > MAX_DEPTH)
		return err_set(e, "%s:1: inherits too deep (a cycle?)", file);
	if (set->n == POLICY_MAX_PROFILES)
		return err_set(e, "%s:1: more than %d profiles", file, POLICY_MAX_PROFILES);
	if (strlen(name) >= sizeof p.name)
		return err_set(e, "%s:1: profile name '%s' is too long", file, name);
	config_init(&cfg);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		err_set(e, "%s:%d: %s", file, config_error_line(&cfg), config_error_text(&cfg));
		goto out;
	}
	inherits = config_lookup(&cfg, "inherits");
	if (inherits != NULL) {
		const char *parent = config_setting_get_string(inherits);
		if (parent == NULL) {
			fail(&l, inherits, "expected a profile name");
			goto out;
		}
		l.parent = profile_resolve(set, parent, depth, e);
		if (l.parent == NULL) {
			err_prefix(e, "%s:%d", file, config_setting_source_line(inherits));
			goto out;
		}
		p = *l.parent;
		snprintf(p.inherits, sizeof p.inherits, "%s", parent);
	}
	snprintf(p.name, sizeof p.name, "%s", name);
	if (parse_root(&l, config_root_setting(&cfg), &p) < 0)
		goto out;
	if (policy_profiles_find(set, name) != NULL) {
		err_set(e, "%s:1: profile '%s' is defined twice", file, name);
		goto out;
	}
	set->items[set->n++] = p;
	rc = 0;
out:
	config_destroy(&cfg);
	return rc;
}

int
policy_profile_parse(struct policy_profiles *set, const char *name, const char *file,
    const char *text, struct err *e)
{
	return profile_load(set, name, file, text, 0, e);
}

int
policy_profiles_load(struct policy_profiles *set, struct err *e)
{
	set->n = 0;
	for (size_t i = 0; i < sizeof embedded_texts / sizeof embedded_texts[0]; i++)
		if (profile_resolve(set, embedded_texts[i].name, 0, e) == NULL)
			return -1;
	return 0;
}

const struct policy_profile *
policy_profiles_find(const struct policy_profiles *set, const char *name)
{
	for (int i = 0; i < set->n; i++)
		if (strcmp(set->items[i].name, name) == 0)
			return &set->items[i];
	return NULL;
}
