#include "config.h"

#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf_file.h"
#include "paths.h"
#include "settings.h"

enum opt_type {
	OPT_STRING,
	OPT_INT,
	OPT_DOUBLE,
	OPT_HHMM,	/* "HH:MM" stored as minutes of the day */
	OPT_ROLE,
	OPT_BANDS	/* list of ascending dpd upper bounds, starting at 0 */
};

/* One row per option: this table drives loading, validation, --dump-config and the man page
 * check (tests compare it with man/arrears.conf.5). */
struct option_def {
	const char *name;
	enum opt_type type;
	size_t offset;
	size_t size;		/* strings: buffer size */
	double min, max;
	const char *help;
};

#define S(field) offsetof(struct settings, field), sizeof(((struct settings *)0)->field)
#define W(field) offsetof(struct settings, weights.field), 0

static const struct option_def options[] = {
	{ .name = "cache", .type = OPT_STRING, S(cache),
	  .help = "cache file; empty means $XDG_DATA_HOME/arrears/cache.db" },
	{ .name = "theme", .type = OPT_STRING, S(theme),
	  .help = "colour theme: a name from the themes directory or a path" },
	{ .name = "user", .type = OPT_STRING, S(user), .help = "user name shown and recorded on events" },
	{ .name = "creditor", .type = OPT_STRING, S(creditor),
	  .help = "who the agent calls for, named by the call scripts" },
	{ .name = "role", .type = OPT_ROLE, S(role),
	  .help = "agent, field, lead, qa, admin or specialist" },
	{ .name = "profile", .type = OPT_STRING, S(profile),
	  .help = "default contact-policy profile when an account names none" },
	{ .name = "timezone", .type = OPT_STRING, S(timezone),
	  .help = "the agent's own IANA zone for the clock; empty means TZ" },
	{ .name = "server", .type = OPT_STRING, S(server),
	  .help = "arrearsd base URL (https://) that arrears login uses when --server is not given" },
	{ .name = "ca_file", .type = OPT_STRING, S(ca_file),
	  .help = "CA certificates (PEM) that verify the server; empty means the system's" },
	{ .name = "pinned_public_key", .type = OPT_STRING, S(pinned_public_key),
	  .help = "the server's public key: a PEM/DER file or sha256//BASE64 hashes; empty: no pin" },
	{ .name = "calling_hours.start", .type = OPT_HHMM, S(call_start_minute),
	  .help = "start of calling hours in the debtor's local time (HH:MM)" },
	{ .name = "calling_hours.end", .type = OPT_HHMM, S(call_end_minute),
	  .help = "end of calling hours, exclusive (HH:MM)" },
	{ .name = "ptp.grace_days", .type = OPT_INT, S(ptp_grace_days), .min = 0, .max = 30,
	  .help = "days after a promise's date before it counts as broken" },
	{ .name = "ptp.max_days", .type = OPT_INT, S(ptp_max_days), .min = 1, .max = 365,
	  .help = "latest date a single promise may name, in days from today" },
	{ .name = "ptp.plan_max_payments", .type = OPT_INT, S(ptp_plan_max_payments), .min = 2,
	  .max = 104, .help = "most payments an installment plan may have" },
	{ .name = "ptp.plan_max_days", .type = OPT_INT, S(ptp_plan_max_days), .min = 7, .max = 1096,
	  .help = "latest date a plan's last payment may fall on, in days from today" },
	{ .name = "ptp.settlement_approval_percent", .type = OPT_INT,
	  S(ptp_settlement_approval_percent), .min = 0, .max = 100,
	  .help = "a settlement below this share of the balance waits for a lead's approval" },
	{ .name = "queue.weights.callback_due", .type = OPT_DOUBLE, W(callback_due), .min = 0,
	  .max = 1000, .help = "weight of a callback that is due" },
	{ .name = "queue.weights.ptp_broken", .type = OPT_DOUBLE, W(ptp_broken), .min = 0,
	  .max = 1000, .help = "weight of a broken promise" },
	{ .name = "queue.weights.ptp_due", .type = OPT_DOUBLE, W(ptp_due), .min = 0, .max = 1000,
	  .help = "weight of a promise due today or overdue in its grace period" },
	{ .name = "queue.weights.dpd_band", .type = OPT_DOUBLE, W(dpd_band), .min = 0, .max = 1000,
	  .help = "weight of the aging band (scaled: current 0 .. oldest band 1)" },
	{ .name = "queue.weights.balance", .type = OPT_DOUBLE, W(balance), .min = 0, .max = 1000,
	  .help = "weight of the balance (log scale: 10.00 is 0, 100,000.00 is 1)" },
	{ .name = "queue.weights.risk", .type = OPT_DOUBLE, W(risk), .min = 0, .max = 1000,
	  .help = "weight of the risk score (0..1000 scaled to 0..1)" },
	{ .name = "queue.weights.idle", .type = OPT_DOUBLE, W(idle), .min = 0, .max = 1000,
	  .help = "weight of days since the last attempt (14 days or more is 1)" },
	{ .name = "aging.bands", .type = OPT_BANDS, S(bands),
	  .help = "upper dpd bound of each band, ascending from 0; the last band is open" },
};

#undef S
#undef W

#define NOPTIONS (sizeof options / sizeof options[0])

void
settings_default(struct settings *s)
{
	const char *user = getenv("USER");

	memset(s, 0, sizeof *s);
	snprintf(s->theme, sizeof s->theme, "default");
	snprintf(s->user, sizeof s->user, "%s", user && *user ? user : "agent");
	snprintf(s->creditor, sizeof s->creditor, "your creditor");
	snprintf(s->role, sizeof s->role, "agent");
	snprintf(s->profile, sizeof s->profile, "us-regf");
	s->call_start_minute = 8 * 60;
	s->call_end_minute = 21 * 60;
	s->ptp_grace_days = 3;
	s->ptp_max_days = 30;
	s->ptp_plan_max_payments = 12;
	s->ptp_plan_max_days = 365;
	s->ptp_settlement_approval_percent = 70;
	queue_weights_default(&s->weights);
	bands_default(&s->bands);
}

static const struct option_def *
option_find(const char *name)
{
	for (size_t i = 0; i < NOPTIONS; i++)
		if (strcmp(options[i].name, name) == 0)
			return &options[i];
	return NULL;
}

static int
parse_hhmm(const char *s, int *minutes)
{
	int h, m;
	char tail;

	if (sscanf(s, "%2d:%2d%c", &h, &m, &tail) != 2 || strlen(s) != 5 || h < 0 || h > 24 ||
	    m < 0 || m > 59 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

static int
number_of(const config_setting_t *set, double *v)
{
	switch (config_setting_type(set)) {
	case CONFIG_TYPE_INT:
		*v = config_setting_get_int(set);
		return 0;
	case CONFIG_TYPE_INT64:
		*v = (double)config_setting_get_int64(set);
		return 0;
	case CONFIG_TYPE_FLOAT:
		*v = config_setting_get_float(set);
		return 0;
	default:
		return -1;
	}
}

/* Sets one option from a setting; errors carry "file:line: name: " from the caller. */
static int
option_set(struct settings *s, const struct option_def *o, const config_setting_t *set,
	   struct err *e)
{
	char *field = (char *)s + o->offset;
	const char *str;
	double v;

	switch (o->type) {
	case OPT_STRING:
	case OPT_ROLE:
		if ((str = config_setting_get_string(set)) == NULL)
			return err_set(e, "expected a string in double quotes");
		if (strlen(str) >= o->size)
			return err_set(e, "longer than %zu bytes", o->size - 1);
		if (o->type == OPT_ROLE && strcmp(str, "agent") != 0 && strcmp(str, "field") != 0 &&
		    strcmp(str, "lead") != 0 && strcmp(str, "qa") != 0 && strcmp(str, "admin") != 0 &&
		    strcmp(str, "specialist") != 0)
			return err_set(e, "'%s' is not a role (agent, field, lead, qa, admin, specialist)",
				       str);
		snprintf(field, o->size, "%s", str);
		return 0;
	case OPT_HHMM:
		if ((str = config_setting_get_string(set)) == NULL || parse_hhmm(str, (int *)field) != 0)
			return err_set(e, "expected a time of day as \"HH:MM\"");
		return 0;
	case OPT_INT:
		if (config_setting_type(set) != CONFIG_TYPE_INT || number_of(set, &v) != 0)
			return err_set(e, "expected a whole number");
		if (v < o->min || v > o->max)
			return err_set(e, "%g is out of range %g..%g", v, o->min, o->max);
		*(int *)field = (int)v;
		return 0;
	case OPT_DOUBLE:
		if (number_of(set, &v) != 0)
			return err_set(e, "expected a number");
		if (v < o->min || v > o->max)
			return err_set(e, "%g is out of range %g..%g", v, o->min, o->max);
		*(double *)field = v;
		return 0;
	case OPT_BANDS: {
		int bounds[BANDS_MAX], n = config_setting_length(set);

		if (!config_setting_is_aggregate(set) || n < 1 || n >= BANDS_MAX)
			return err_set(e, "expected a list of 1 to %d numbers, e.g. [0, 30, 60, 90, 120]",
				       BANDS_MAX - 1);
		for (int i = 0; i < n; i++) {
			const config_setting_t *el = config_setting_get_elem(set, (unsigned)i);
			if (config_setting_type(el) != CONFIG_TYPE_INT)
				return err_set(e, "element %d is not a whole number", i + 1);
			bounds[i] = config_setting_get_int(el);
		}
		if (bands_from_bounds((struct bands *)field, bounds, n) != 0)
			return err_set(e, "bounds must start at 0 and ascend strictly");
		return 0;
	}
	}
	return err_set(e, "internal: unknown option type");
}

static void
warn_unknown(struct settings *s, const char *file, int line, const char *name)
{
	if (s->nwarnings < SETTINGS_MAX_WARNINGS)
		snprintf(s->warnings[s->nwarnings++], sizeof s->warnings[0],
			 "%.150s:%d: unknown option '%.64s' (ignored)", file, line, name);
}

static int
load_keys(struct settings *s, const config_setting_t *group, const char *file, struct err *e)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *b = config_setting_get_elem(group, (unsigned)i);
		int line = (int)config_setting_source_line(b);
		int nkeys = config_setting_is_aggregate(b) ? config_setting_length(b) : 1;

		for (int k = 0; k < nkeys; k++) {
			const config_setting_t *el = config_setting_is_aggregate(b)
				? config_setting_get_elem(b, (unsigned)k) : b;
			const char *key = config_setting_get_string(el);
			struct key_binding *kb;

			if (key == NULL || *key == '\0' || strlen(key) >= sizeof kb->key)
				return err_set(e, "%s:%d: keys.%s: expected a key such as \"n\", \"^R\", "
					       "\"F5\" or \"PgDn\", or a list of them", file, line,
					       config_setting_name(b));
			if (s->nkeys == SETTINGS_MAX_KEYS)
				return err_set(e, "%s:%d: keys: more than %d bindings", file, line,
					       SETTINGS_MAX_KEYS);
			kb = &s->keys[s->nkeys++];
			snprintf(kb->action, sizeof kb->action, "%s", config_setting_name(b));
			snprintf(kb->key, sizeof kb->key, "%s", key);
			kb->line = line;
		}
	}
	return 0;
}

/* Walks the tree: leaves are matched against the table by their dotted path. */
static int
load_group(struct settings *s, const config_setting_t *group, const char *prefix, const char *file,
	   struct err *e)
{
	int n = config_setting_length(group);

	for (int i = 0; i < n; i++) {
		const config_setting_t *set = config_setting_get_elem(group, (unsigned)i);
		const struct option_def *o;
		char path[256];
		int line = (int)config_setting_source_line(set);

		snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "",
			 config_setting_name(set));
		if (*prefix == '\0' && strcmp(path, "keys") == 0) {
			if (!config_setting_is_group(set))
				return err_set(e, "%s:%d: keys: expected a group { action = \"key\"; }",
					       file, line);
			if (load_keys(s, set, file, e) != 0)
				return -1;
			continue;
		}
		if ((o = option_find(path)) != NULL) {
			if (option_set(s, o, set, e) != 0)
				return err_prefix(e, "%s:%d: %s", file, line, path);
			continue;
		}
		if (config_setting_is_group(set)) {
			if (load_group(s, set, path, file, e) != 0)
				return -1;
			continue;
		}
		warn_unknown(s, file, line, path);
	}
	return 0;
}

int
settings_load(struct settings *s, const char *path, int required, struct err *e)
{
	config_t cfg;
	int rc = 0;

	if (access(path, F_OK) != 0) {
		if (required)
			return err_set(e, "%s: no such config file", path);
		return 0;
	}
	if (conf_file_read(&cfg, path, "config file", e) != 0)
		return -1;
	snprintf(s->source, sizeof s->source, "%s", path);
	rc = load_group(s, config_root_setting(&cfg), "", path, e);
	if (rc == 0 && s->call_start_minute >= s->call_end_minute)
		rc = err_set(e, "%s: calling_hours.start must be before calling_hours.end", path);
	config_destroy(&cfg);
	return rc;
}

int
settings_default_path(char *buf, size_t len)
{
	return paths_xdg("XDG_CONFIG_HOME", ".config", "arrears.conf", buf, len);
}

int
settings_default_cache(char *buf, size_t len)
{
	return paths_xdg("XDG_DATA_HOME", ".local/share", "cache.db", buf, len);
}

static void
append(char **out, size_t *len, size_t *cap, const char *text)
{
	size_t n = strlen(text);

	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		if ((*out = realloc(*out, *cap)) == NULL)
			abort();
	}
	memcpy(*out + *len, text, n + 1);
	*len += n;
}

/* Closes the groups of the previous option's path that the next one leaves, opens the ones it
 * enters, and returns the leaf name; group names are the dotted parts before it. */
static const char *
dump_groups(char **out, size_t *len, size_t *cap, const char *prev, const char *name)
{
	size_t common = 0, depth_prev = 0, depth_new = 0;
	const char *leaf = strrchr(name, '.');
	char line[128];

	leaf = leaf ? leaf + 1 : name;
	/* length of the shared group prefix, ending at a '.' */
	for (size_t i = 0; prev[i] && prev[i] == name[i]; i++)
		if (prev[i] == '.')
			common = i + 1;
	for (const char *p = prev + common; *p; p++)
		depth_prev += *p == '.';
	for (const char *p = name + common; *p; p++)
		depth_new += *p == '.';
	for (size_t i = 0; i < depth_prev; i++)
		append(out, len, cap, "};\n");
	for (const char *p = name + common; depth_new > 0; depth_new--) {
		const char *dot = strchr(p, '.');
		snprintf(line, sizeof line, "%.*s = {\n", (int)(dot - p), p);
		append(out, len, cap, line);
		p = dot + 1;
	}
	return leaf;
}

int
settings_dump(const struct settings *s, char **out)
{
	size_t len = 0, cap = 0;
	char line[512], value[256];
	const char *prev = "";

	*out = NULL;
	append(out, &len, &cap, "# arrears.conf: every option with its current value "
				"(see arrears.conf(5))\n");
	for (size_t i = 0; i < NOPTIONS; i++) {
		const struct option_def *o = &options[i];
		const char *field = (const char *)s + o->offset;
		const char *leaf;

		switch (o->type) {
		case OPT_STRING:
		case OPT_ROLE:
			snprintf(value, sizeof value, "\"%s\"", field);
			break;
		case OPT_HHMM:
			snprintf(value, sizeof value, "\"%02d:%02d\"", *(const int *)field / 60,
				 *(const int *)field % 60);
			break;
		case OPT_INT:
			snprintf(value, sizeof value, "%d", *(const int *)field);
			break;
		case OPT_DOUBLE:
			snprintf(value, sizeof value, "%.2f", *(const double *)field);
			break;
		case OPT_BANDS: {
			const struct bands *b = (const struct bands *)field;
			int n = snprintf(value, sizeof value, "[");
			for (int k = 0; k < b->n - 1; k++)
				n += snprintf(value + n, sizeof value - (size_t)n, "%s%d", k ? ", " : "",
					      b->upper[k]);
			snprintf(value + n, sizeof value - (size_t)n, "]");
			break;
		}
		}
		leaf = dump_groups(out, &len, &cap, prev, o->name);
		snprintf(line, sizeof line, "# %s\n%s = %s;\n", o->help, leaf, value);
		append(out, &len, &cap, line);
		prev = o->name;
	}
	dump_groups(out, &len, &cap, prev, "");
	return 0;
}

const char *const *
settings_option_names(void)
{
	static const char *names[NOPTIONS + 1];

	for (size_t i = 0; i < NOPTIONS; i++)
		names[i] = options[i].name;
	names[NOPTIONS] = NULL;
	return names;
}
