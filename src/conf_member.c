/* conf_member.c - see conf_member.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "conf_member.h"
#include "money.h"

int
conf_fail(const struct conf_where *w, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return problems_add(w->p, "%s:%d: %s", w->file, line, msg);
}

int
conf_line(const config_setting_t *s)
{
	/* the root group has no line of its own: its members start on line 1 at the earliest */
	int line = (int)config_setting_source_line(s);

	return line > 0 ? line : 1;
}

int
conf_known_members(const struct conf_where *w, const config_setting_t *group, const char *what,
		   const char *const *allowed)
{
	int rc = 0;

	for (int i = 0; i < config_setting_length(group); i++) {
		const config_setting_t *m = config_setting_get_elem(group, (unsigned)i);
		const char *name = config_setting_name(m);
		const char *const *a = allowed;

		while (*a != NULL && strcmp(*a, name) != 0)
			a++;
		if (*a == NULL)
			rc = conf_fail(w, conf_line(m), "%s: unknown %s setting", name, what);
	}
	return rc;
}

int
conf_string(const struct conf_where *w, const config_setting_t *group, const char *name,
	    bool required, const char **out)
{
	const config_setting_t *m = config_setting_get_member(group, name);

	*out = NULL;
	if (m == NULL)
		return required ? conf_fail(w, conf_line(group), "%s: missing", name) : 0;
	if (config_setting_type(m) != CONFIG_TYPE_STRING)
		return conf_fail(w, conf_line(m), "%s: must be a string", name);
	*out = config_setting_get_string(m);
	return 0;
}

int
conf_int(const struct conf_where *w, const config_setting_t *group, const char *name,
	 bool required, int lo, int hi, int *out)
{
	const config_setting_t *m = config_setting_get_member(group, name);
	int v;

	if (m == NULL)
		return required ? conf_fail(w, conf_line(group), "%s: missing", name) : 0;
	if (config_setting_type(m) != CONFIG_TYPE_INT)
		return conf_fail(w, conf_line(m), "%s: must be a whole number", name);
	v = config_setting_get_int(m);
	if (v < lo || v > hi)
		return conf_fail(w, conf_line(m), "%s: %d is out of range %d..%d", name, v, lo, hi);
	*out = v;
	return 0;
}

int
conf_amount(const struct conf_where *w, const config_setting_t *group, const char *name,
	    int64_t *out)
{
	const config_setting_t *m = config_setting_get_member(group, name);
	struct err e = { "" };

	if (m == NULL)
		return 0;
	switch (config_setting_type(m)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: {
		long long v = config_setting_get_int64(m);

		if (v > 10000000000000LL || v < -10000000000000LL)
			return conf_fail(w, conf_line(m), "%s: %lld is too large", name, v);
		*out = (int64_t)v * 100;
		return 0;
	}
	case CONFIG_TYPE_STRING:
		if (money_parse(config_setting_get_string(m), out, &e) != 0)
			return conf_fail(w, conf_line(m), "%s: %s", name, e.msg);
		return 0;
	default:
		return conf_fail(w, conf_line(m), "%s: must be an amount like \"12.50\" or 12",
				 name);
	}
}

int
conf_string_array(const struct conf_where *w, const config_setting_t *group, const char *name,
		  const config_setting_t **out)
{
	const config_setting_t *m = config_setting_get_member(group, name);

	*out = NULL;
	if (m == NULL)
		return 0;
	if (config_setting_type(m) != CONFIG_TYPE_ARRAY ||
	    (config_setting_length(m) > 0 &&
	     config_setting_type(config_setting_get_elem(m, 0)) != CONFIG_TYPE_STRING))
		return conf_fail(w, conf_line(m), "%s: must be an array of strings [\"a\", \"b\"]",
				 name);
	*out = m;
	return 0;
}

static int
is_conf(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".conf") == 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int
conf_dir_scan(const char *dir, struct dirent ***names)
{
	return scandir(dir, names, is_conf, by_name);
}
