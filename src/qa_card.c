/* qa_card.c - reading a QA scorecard from libconfig, checking every item, and adding up a
 * filled-in card. */
#include "config.h"

#include <ctype.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_file.h"
#include "paths.h"
#include "qa_card.h"
#include "xalloc.h"

struct loader {
	const char *file;
	struct qa_card *c;
	struct err *e;
};

/* Reports a problem at line as "file:line: message". Returns -1. */
static int fail(const struct loader *l, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(const struct loader *l, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return err_set(l->e, "%s:%d: %s", l->file, line, msg);
}

static int
line_of(const config_setting_t *s)
{
	return (int)config_setting_source_line(s);
}

/* An id is what a checkpoint id is: letters, digits, '_' and '-', 1 to 31 bytes. */
static bool
id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= 32)
		return false;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* A string member of group: required (missing is an error) or optional (*out stays NULL). */
static int
get_string(const struct loader *l, const config_setting_t *group, const char *name,
	   bool required, const char **out)
{
	const config_setting_t *m = config_setting_get_member(group, name);

	*out = NULL;
	if (m == NULL)
		return required ? fail(l, line_of(group), "%s: missing", name) : 0;
	if (config_setting_type(m) != CONFIG_TYPE_STRING)
		return fail(l, line_of(m), "%s: must be a string", name);
	*out = config_setting_get_string(m);
	return 0;
}

static int
get_int(const struct loader *l, const config_setting_t *group, const char *name, int lo, int hi,
	int *out)
{
	const config_setting_t *m = config_setting_get_member(group, name);

	if (m == NULL)
		return fail(l, line_of(group), "%s: missing", name);
	if (config_setting_type(m) != CONFIG_TYPE_INT)
		return fail(l, line_of(m), "%s: must be a whole number", name);
	*out = config_setting_get_int(m);
	if (*out < lo || *out > hi)
		return fail(l, line_of(m), "%s: %d is out of range %d..%d", name, *out, lo, hi);
	return 0;
}

static int
parse_item(const struct loader *l, const config_setting_t *set, struct qa_item *it)
{
	const config_setting_t *m;
	const char *s;

	it->line = line_of(set);
	if (config_setting_type(set) != CONFIG_TYPE_GROUP)
		return fail(l, it->line, "items: each item must be a group { id = ...; ... }");
	if (get_string(l, set, "id", true, &s) != 0)
		return -1;
	if (!id_ok(s))
		return fail(l, it->line, "id: \"%s\" must be 1-31 letters, digits, '_' or '-'", s);
	snprintf(it->id, sizeof it->id, "%s", s);
	if (get_string(l, set, "text", true, &s) != 0)
		return -1;
	if (*s == '\0')
		return fail(l, it->line, "text: must not be empty");
	it->text = xstrdup(s);
	if (get_int(l, set, "weight", 1, 100, &it->weight) != 0)
		return -1;
	if ((m = config_setting_get_member(set, "critical")) != NULL) {
		if (config_setting_type(m) != CONFIG_TYPE_BOOL)
			return fail(l, line_of(m), "critical: must be true or false");
		it->critical = config_setting_get_bool(m);
	}
	if (get_string(l, set, "checkpoint", false, &s) != 0)
		return -1;
	if (s != NULL) {
		if (!id_ok(s))
			return fail(l, it->line, "checkpoint: \"%s\" is not a checkpoint id", s);
		snprintf(it->checkpoint, sizeof it->checkpoint, "%s", s);
	}
	/* members are looked up by name, so an unknown one is a typo worth naming */
	for (int i = 0; i < config_setting_length(set); i++) {
		const char *name = config_setting_name(config_setting_get_elem(set, (unsigned)i));

		if (strcmp(name, "id") != 0 && strcmp(name, "text") != 0 &&
		    strcmp(name, "weight") != 0 && strcmp(name, "critical") != 0 &&
		    strcmp(name, "checkpoint") != 0)
			return fail(l, line_of(config_setting_get_elem(set, (unsigned)i)),
				    "%s: unknown item setting", name);
	}
	return 0;
}

static int
parse_root(const struct loader *l, const config_setting_t *root)
{
	struct qa_card *c = l->c;
	const config_setting_t *items;
	const char *name;

	if (get_string(l, root, "name", true, &name) != 0)
		return -1;
	c->name = xstrdup(name);
	if (get_int(l, root, "pass_mark", 0, 100, &c->pass_mark) != 0)
		return -1;
	if ((items = config_setting_get_member(root, "items")) == NULL)
		return fail(l, 1, "items: missing");
	if (config_setting_type(items) != CONFIG_TYPE_LIST)
		return fail(l, line_of(items), "items: must be a list ( { ... }, ... )");
	if (config_setting_length(items) == 0)
		return fail(l, line_of(items), "items: a scorecard needs at least one item");
	if (config_setting_length(items) > QA_CARD_MAX_ITEMS)
		return fail(l, line_of(items), "items: at most %d", QA_CARD_MAX_ITEMS);
	c->nitems = (size_t)config_setting_length(items);
	c->items = calloc(c->nitems, sizeof *c->items);
	if (c->items == NULL)
		abort();
	for (size_t i = 0; i < c->nitems; i++) {
		struct qa_item *it = &c->items[i];

		if (parse_item(l, config_setting_get_elem(items, (unsigned)i), it) != 0)
			return -1;
		for (size_t k = 0; k < i; k++)
			if (strcmp(c->items[k].id, it->id) == 0)
				return fail(l, it->line, "id: \"%s\" is already used on line %d",
					    it->id, c->items[k].line);
	}
	return 0;
}

int
qa_card_load(const char *path, struct qa_card **out, struct err *e)
{
	struct loader l = { .file = path, .e = e };
	config_t cfg;
	int rc;

	*out = NULL;
	if (conf_file_read(&cfg, path, "the scorecard", e) != 0)
		return -1;
	l.c = calloc(1, sizeof *l.c);
	if (l.c == NULL)
		abort();
	l.c->file = xstrdup(path);
	paths_conf_stem(path, l.c->id, sizeof l.c->id);
	rc = parse_root(&l, config_root_setting(&cfg));
	config_destroy(&cfg);
	if (rc != 0) {
		qa_card_free(&l.c);
		return -1;
	}
	*out = l.c;
	return 0;
}

int
qa_card_open(const char *name, struct qa_card **out, struct err *e)
{
	char path[4096];

	*out = NULL;
	if (paths_find_conf("qa", name, path, sizeof path, e) != 0)
		return -1;
	return qa_card_load(path, out, e);
}

void
qa_card_free(struct qa_card **c)
{
	if (c == NULL || *c == NULL)
		return;
	for (size_t i = 0; i < (*c)->nitems; i++)
		free((*c)->items[i].text);
	free((*c)->items);
	free((*c)->name);
	free((*c)->file);
	free(*c);
	*c = NULL;
}

static const char *const result_names[] = {
	[QA_UNSET] = "unset", [QA_PASS] = "pass", [QA_FAIL] = "fail", [QA_NA] = "na",
};

const char *
qa_result_name(enum qa_result r)
{
	return (unsigned)r < sizeof result_names / sizeof result_names[0] ? result_names[r] : "?";
}

int
qa_result_parse(const char *name)
{
	for (size_t i = 0; i < sizeof result_names / sizeof result_names[0]; i++)
		if (strcmp(name, result_names[i]) == 0)
			return (int)i;
	return -1;
}

int
qa_card_total(const struct qa_card *c, const enum qa_result *results, struct qa_total *t,
	      struct err *e)
{
	*t = (struct qa_total){ 0 };
	for (size_t i = 0; i < c->nitems; i++) {
		switch (results[i]) {
		case QA_UNSET:
			return err_set(e, "item %zu (%s) is not scored yet", i + 1, c->items[i].id);
		case QA_PASS:
			t->points += c->items[i].weight;
			t->possible += c->items[i].weight;
			break;
		case QA_FAIL:
			t->possible += c->items[i].weight;
			t->critical_failed |= c->items[i].critical;
			break;
		case QA_NA:
			break;
		}
	}
	if (t->possible == 0)
		return err_set(e, "every item is marked not applicable: nothing to score");
	t->percent = t->points * 100 / t->possible;
	t->passed = !t->critical_failed && t->percent >= c->pass_mark;
	return 0;
}
