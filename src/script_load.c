/* script_load.c - reading a call script from libconfig and proving it can be walked: every
 * reference resolves, every step is reachable, and every step has a way to an outcome. */
#include "config.h"

#include <libconfig.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_file.h"
#include "paths.h"
#include "script.h"
#include "xalloc.h"

static const char *const placeholders[] = {
	"agent", "debtor", "creditor", "account", "amount_due", "balance", "due_date", "dpd",
};

struct loader {
	const char *file;
	struct script *s;
	char (*next_ids)[32];	/* per answer, in step order: the id named by next, "" = none */
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

/* Checks that every {name} in text is a known placeholder. */
static int
check_placeholders(const struct loader *l, const config_setting_t *set, const char *text)
{
	for (const char *p = strchr(text, '{'); p != NULL; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		size_t n;
		bool known = false;

		if (end == NULL)
			return fail(l, line_of(set), "%s: '{' without a closing '}'",
				    config_setting_name(set));
		n = (size_t)(end - p - 1);
		for (size_t i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++)
			if (strlen(placeholders[i]) == n && strncmp(placeholders[i], p + 1, n) == 0)
				known = true;
		if (!known)
			return fail(l, line_of(set),
				    "%s: unknown placeholder {%.*s} (known: agent, debtor, creditor, "
				    "account, amount_due, balance, due_date, dpd)",
				    config_setting_name(set), (int)n, p + 1);
	}
	return 0;
}

/* A string member of group g: required, or NULL when absent and optional. */
static int
get_string(const struct loader *l, const config_setting_t *g, const char *key, bool required,
	   bool placeholders_ok, const char **out)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	*out = NULL;
	if (s == NULL)
		return required ? fail(l, line_of(g), "missing '%s'", key) : 0;
	if ((*out = config_setting_get_string(s)) == NULL)
		return fail(l, line_of(s), "%s: expected a string in double quotes", key);
	if (**out == '\0')
		return fail(l, line_of(s), "%s: is empty", key);
	if (placeholders_ok)
		return check_placeholders(l, s, *out);
	if (strchr(*out, '{') != NULL)
		return fail(l, line_of(s), "%s: placeholders are not allowed here", key);
	return 0;
}

static int
get_bool(const struct loader *l, const config_setting_t *g, const char *key, bool *out)
{
	const config_setting_t *s = config_setting_get_member(g, key);

	*out = false;
	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return fail(l, line_of(s), "%s: expected true or false", key);
	*out = config_setting_get_bool(s) != 0;
	return 0;
}

/* Refuses members of g not in keys, so a misspelt key is an error rather than ignored. */
static int
check_keys(const struct loader *l, const config_setting_t *g, const char *const *keys)
{
	for (int i = 0; i < config_setting_length(g); i++) {
		const config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		bool known = false;

		for (const char *const *k = keys; *k != NULL; k++)
			if (name != NULL && strcmp(name, *k) == 0)
				known = true;
		if (!known)
			return fail(l, line_of(m), "unknown setting '%s'", name ? name : "?");
	}
	return 0;
}

static int
copy_id(const struct loader *l, const config_setting_t *g, char *dst, size_t len)
{
	const char *id;

	if (get_string(l, g, "id", true, false, &id) != 0)
		return -1;
	if (strlen(id) >= len || strspn(id, "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(id))
		return fail(l, line_of(config_setting_get_member(g, "id")),
			    "id: '%s' must be at most %zu of a-z, 0-9, '_' and '-'", id, len - 1);
	snprintf(dst, len, "%s", id);
	return 0;
}

static int
parse_checkpoint(const struct loader *l, const config_setting_t *g, struct script_checkpoint *c)
{
	static const char *const keys[] = { "id", "label", "type", "verifies", NULL };
	const char *label, *type;

	if (!config_setting_is_group(g))
		return fail(l, line_of(g), "a checkpoint is a group { id = ...; label = ...; }");
	c->line = line_of(g);
	if (check_keys(l, g, keys) != 0 || copy_id(l, g, c->id, sizeof c->id) != 0 ||
	    get_string(l, g, "label", true, false, &label) != 0 ||
	    get_string(l, g, "type", true, false, &type) != 0 ||
	    get_bool(l, g, "verifies", &c->verifies) != 0)
		return -1;
	if (strcmp(type, "mandatory") == 0)
		c->type = CHECKPOINT_MANDATORY;
	else if (strcmp(type, "gate") == 0)
		c->type = CHECKPOINT_GATE;
	else
		return fail(l, line_of(config_setting_get_member(g, "type")),
			    "type: '%s' is not mandatory or gate", type);
	c->label = xstrdup(label);
	return 0;
}

static int
parse_answer(const struct loader *l, const config_setting_t *g, struct script_answer *a,
	     char next_id[32])
{
	static const char *const keys[] = { "text", "next", "outcome", NULL };
	const char *text, *next, *outcome;

	if (!config_setting_is_group(g))
		return fail(l, line_of(g), "an answer is a group { text = ...; next = ...; }");
	a->line = line_of(g);
	if (check_keys(l, g, keys) != 0 || get_string(l, g, "text", true, true, &text) != 0 ||
	    get_string(l, g, "next", false, false, &next) != 0 ||
	    get_string(l, g, "outcome", false, false, &outcome) != 0)
		return -1;
	if ((next == NULL) == (outcome == NULL))
		return fail(l, a->line, "an answer needs either 'next' (a step) or 'outcome'");
	a->text = xstrdup(text);
	a->next = -1;
	a->outcome = OUTCOME_NONE;
	if (next != NULL)
		snprintf(next_id, 32, "%s", next);
	else if ((a->outcome = call_outcome_parse(outcome)) == OUTCOME_NONE)
		return fail(l, line_of(config_setting_get_member(g, "outcome")),
			    "outcome: '%s' is not an outcome code (see arrears-scripts(5))", outcome);
	return 0;
}

static int
parse_step(const struct loader *l, const config_setting_t *g, struct script_step *st,
	   char (*next_ids)[32])
{
	static const char *const keys[] = { "id", "prompt", "checkpoint", "disclosure", "answers",
					    NULL };
	const config_setting_t *answers;
	const char *prompt, *cp;

	if (!config_setting_is_group(g))
		return fail(l, line_of(g), "a step is a group { id = ...; prompt = ...; }");
	st->line = line_of(g);
	st->checkpoint = -1;
	if (check_keys(l, g, keys) != 0 || copy_id(l, g, st->id, sizeof st->id) != 0 ||
	    get_string(l, g, "prompt", true, true, &prompt) != 0 ||
	    get_string(l, g, "checkpoint", false, false, &cp) != 0 ||
	    get_bool(l, g, "disclosure", &st->disclosure) != 0)
		return -1;
	st->prompt = xstrdup(prompt);
	if (cp != NULL && (st->checkpoint = script_checkpoint_find(l->s, cp)) < 0)
		return fail(l, line_of(config_setting_get_member(g, "checkpoint")),
			    "checkpoint: no checkpoint '%s'", cp);
	answers = config_setting_get_member(g, "answers");
	if (answers == NULL || !config_setting_is_list(answers) || config_setting_length(answers) == 0)
		return fail(l, answers ? line_of(answers) : st->line,
			    "step '%s' needs a list of answers ( { ... }, ... )", st->id);
	st->nanswers = (size_t)config_setting_length(answers);
	st->answers = xcalloc(st->nanswers, sizeof *st->answers);
	for (size_t i = 0; i < st->nanswers; i++)
		if (parse_answer(l, config_setting_get_elem(answers, (unsigned)i), &st->answers[i],
				 next_ids[i]) != 0)
			return -1;
	return 0;
}

/* Every step must be reachable from the start, and from every step some path of answers must
 * end the call: a loop (say, "repeat the offer") is fine as long as it has a way out. */
static int
check_graph(const struct loader *l)
{
	const struct script *s = l->s;
	bool *seen = xcalloc(s->nsteps, sizeof *seen), *exits = xcalloc(s->nsteps, sizeof *exits);
	size_t *stack = xcalloc(s->nsteps, sizeof *stack), top = 0;
	int rc = 0;

	seen[s->start] = true;
	stack[top++] = (size_t)s->start;
	while (top > 0) {
		const struct script_step *st = &s->steps[stack[--top]];
		for (size_t i = 0; i < st->nanswers; i++) {
			int n = st->answers[i].next;
			if (n >= 0 && !seen[n]) {
				seen[n] = true;
				stack[top++] = (size_t)n;
			}
		}
	}
	for (bool changed = true; changed;) {
		changed = false;
		for (size_t k = 0; k < s->nsteps; k++) {
			for (size_t i = 0; !exits[k] && i < s->steps[k].nanswers; i++) {
				int n = s->steps[k].answers[i].next;
				if (n < 0 || exits[n])
					exits[k] = changed = true;
			}
		}
	}
	for (size_t k = 0; k < s->nsteps && rc == 0; k++) {
		if (!seen[k])
			rc = fail(l, s->steps[k].line, "step '%s' cannot be reached from the start ('%s')",
				  s->steps[k].id, s->steps[s->start].id);
		else if (!exits[k])
			rc = fail(l, s->steps[k].line,
				  "no path from step '%s' reaches an outcome: it is in, or leads into, "
				  "a cycle with no way out", s->steps[k].id);
	}
	free(seen);
	free(exits);
	free(stack);
	return rc;
}

/* Rules that span steps and checkpoints. */
static int
check_rules(const struct loader *l, const config_setting_t *root)
{
	struct script *s = l->s;

	s->verify = -1;
	for (size_t c = 0; c < s->ncheckpoints; c++) {
		bool held = false;

		for (size_t k = 0; k < c; k++)
			if (strcmp(s->checkpoints[k].id, s->checkpoints[c].id) == 0)
				return fail(l, s->checkpoints[c].line, "checkpoint '%s' is defined twice",
					    s->checkpoints[c].id);
		if (s->checkpoints[c].verifies) {
			if (s->verify >= 0)
				return fail(l, s->checkpoints[c].line,
					    "only one checkpoint may verify the right party ('%s' does already)",
					    s->checkpoints[s->verify].id);
			s->verify = (int)c;
		}
		for (size_t k = 0; k < s->nsteps; k++)
			held = held || s->steps[k].checkpoint == (int)c;
		if (s->checkpoints[c].type == CHECKPOINT_GATE && !held)
			return fail(l, s->checkpoints[c].line,
				    "gate '%s' is not held by any step, so it would lock nothing",
				    s->checkpoints[c].id);
	}
	for (size_t k = 0; k < s->nsteps; k++)
		if (s->steps[k].disclosure && s->verify < 0)
			return fail(l, s->steps[k].line,
				    "step '%s' is a disclosure step, but no checkpoint verifies the right "
				    "party (verifies = true)", s->steps[k].id);
	if (s->steps[s->start].disclosure)
		return fail(l, line_of(config_setting_get_member(root, "start")),
			    "start: step '%s' is a disclosure step; nothing may be disclosed before "
			    "right-party verification", s->steps[s->start].id);
	return 0;
}

static int
parse_root(struct loader *l, const config_setting_t *root)
{
	static const char *const keys[] = { "name", "start", "checkpoints", "steps", NULL };
	struct script *s = l->s;
	const config_setting_t *cps, *steps;
	const char *name, *start;
	size_t nanswers = 0, off = 0;

	if (check_keys(l, root, keys) != 0 || get_string(l, root, "name", true, false, &name) != 0 ||
	    get_string(l, root, "start", true, false, &start) != 0)
		return -1;
	s->name = xstrdup(name);
	cps = config_setting_get_member(root, "checkpoints");
	if (cps != NULL) {
		if (!config_setting_is_list(cps))
			return fail(l, line_of(cps), "checkpoints: expected a list ( { ... }, ... )");
		s->ncheckpoints = (size_t)config_setting_length(cps);
		s->checkpoints = xcalloc(s->ncheckpoints, sizeof *s->checkpoints);
		for (size_t i = 0; i < s->ncheckpoints; i++)
			if (parse_checkpoint(l, config_setting_get_elem(cps, (unsigned)i),
					     &s->checkpoints[i]) != 0)
				return -1;
	}
	steps = config_setting_get_member(root, "steps");
	if (steps == NULL || !config_setting_is_list(steps) || config_setting_length(steps) == 0)
		return fail(l, steps ? line_of(steps) : 1, "steps: expected a list of steps ( { ... } )");
	s->nsteps = (size_t)config_setting_length(steps);
	s->steps = xcalloc(s->nsteps, sizeof *s->steps);
	for (size_t k = 0; k < s->nsteps; k++) {
		const config_setting_t *a = config_setting_get_member(
			config_setting_get_elem(steps, (unsigned)k), "answers");
		nanswers += a != NULL && config_setting_is_list(a) ? (size_t)config_setting_length(a) : 0;
	}
	l->next_ids = xcalloc(nanswers, sizeof *l->next_ids);
	for (size_t k = 0; k < s->nsteps; k++) {
		if (parse_step(l, config_setting_get_elem(steps, (unsigned)k), &s->steps[k],
			       l->next_ids + off) != 0)
			return -1;
		for (size_t j = 0; j < k; j++)
			if (strcmp(s->steps[j].id, s->steps[k].id) == 0)
				return fail(l, s->steps[k].line, "step '%s' is defined twice", s->steps[k].id);
		off += s->steps[k].nanswers;
	}
	/* Resolve next only now: an answer may name a step defined further down. */
	off = 0;
	for (size_t k = 0; k < s->nsteps; k++)
		for (size_t i = 0; i < s->steps[k].nanswers; i++, off++) {
			struct script_answer *a = &s->steps[k].answers[i];
			if (l->next_ids[off][0] != '\0' &&
			    (a->next = script_step_find(s, l->next_ids[off])) < 0)
				return fail(l, a->line, "next: no step '%s'", l->next_ids[off]);
		}
	if ((s->start = script_step_find(s, start)) < 0)
		return fail(l, line_of(config_setting_get_member(root, "start")), "start: no step '%s'",
			    start);
	return check_rules(l, root) != 0 ? -1 : check_graph(l);
}

int
script_load(const char *path, struct script **out, struct err *e)
{
	struct loader l = { .file = path, .e = e };
	config_t cfg;
	int rc;

	*out = NULL;
	if (conf_file_read(&cfg, path, "the script", e) != 0)
		return -1;
	l.s = xcalloc(1, sizeof *l.s);
	l.s->file = xstrdup(path);
	paths_conf_stem(path, l.s->id, sizeof l.s->id);
	rc = parse_root(&l, config_root_setting(&cfg));
	free(l.next_ids);
	config_destroy(&cfg);
	if (rc != 0) {
		script_free(&l.s);
		return -1;
	}
	*out = l.s;
	return 0;
}

int
script_open(const char *name, struct script **out, struct err *e)
{
	char path[4096];

	*out = NULL;
	if (paths_find_conf("scripts", name, path, sizeof path, e) != 0)
		return -1;
	return script_load(path, out, e);
}

void
script_free(struct script **s)
{
	if (s == NULL || *s == NULL)
		return;
	for (size_t k = 0; k < (*s)->nsteps; k++) {
		for (size_t i = 0; i < (*s)->steps[k].nanswers; i++)
			free((*s)->steps[k].answers[i].text);
		free((*s)->steps[k].answers);
		free((*s)->steps[k].prompt);
	}
	for (size_t c = 0; c < (*s)->ncheckpoints; c++)
		free((*s)->checkpoints[c].label);
	free((*s)->steps);
	free((*s)->checkpoints);
	free((*s)->name);
	free((*s)->file);
	free(*s);
	*s = NULL;
}
