/* strategy_load.c - reading a strategy book from libconfig and checking all of it: segment
 * rules, every segment's strategy, steps in dpd order, templates that exist. */
#include "config.h"

#include <ctype.h>
#include <libconfig.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_file.h"
#include "conf_member.h"
#include "paths.h"
#include "strategy.h"

#define DPD_LIMIT 100000

struct loader {
	struct conf_where w;
	const struct template_set *ts;
	struct strategy_book *b;
};

static bool
id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= SEGMENT_ID_LEN)
		return false;
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' &&
		    *s != '-')
			return false;
	return true;
}

/* An optional array of condition names ("dispute", "promise_open") into their bits. */
static int
parse_facts(const struct loader *l, const config_setting_t *group, const char *name,
	    unsigned *out)
{
	const config_setting_t *a;
	int rc = 0;

	if (conf_string_array(&l->w, group, name, &a) != 0)
		return -1;
	for (int i = 0; a != NULL && i < config_setting_length(a); i++) {
		const char *s = config_setting_get_string_elem(a, i);
		unsigned bit = strategy_fact_parse(s);

		if (bit == 0)
			rc = conf_fail(&l->w, conf_line(a),
				       "%s: \"%s\" is not a condition (an account flag such as "
				       "dispute or cease, or promise_open, promise_kept, "
				       "promise_partial, promise_broken)",
				       name, s);
		*out |= bit;
	}
	return rc;
}

static int
parse_products(const struct loader *l, const config_setting_t *group, unsigned *out)
{
	const config_setting_t *a;
	int rc = 0;

	if (conf_string_array(&l->w, group, "products", &a) != 0)
		return -1;
	for (int i = 0; a != NULL && i < config_setting_length(a); i++) {
		const char *s = config_setting_get_string_elem(a, i);
		int p = 0;

		while (p < PRODUCT_COUNT && strcmp(s, product_name((enum product)p)) != 0)
			p++;
		if (p == PRODUCT_COUNT)
			rc = conf_fail(&l->w, conf_line(a),
				       "products: \"%s\" is not card, personal loan, auto or bnpl",
				       s);
		else
			*out |= 1u << p;
	}
	return rc;
}

/* A min/max pair must not be the wrong way round. */
static int
check_range(const struct loader *l, const config_setting_t *set, const char *what,
	    int64_t lo, int64_t hi)
{
	char name[32];

	if (lo <= hi)
		return 0;
	snprintf(name, sizeof name, "%s_min", what);
	return conf_fail(&l->w, conf_line(config_setting_get_member(set, name)),
			 "%s_min is above %s_max: no account can match", what, what);
}

static int
parse_segment(const struct loader *l, const config_setting_t *set, struct segment *s)
{
	static const char *const known[] = { "id",	      "dpd_min",      "dpd_max",
					     "balance_min",   "balance_max",  "past_due_min",
					     "past_due_max", "risk_min",     "risk_max",
					     "products",      "if_any",	      "unless",
					     NULL };
	const char *id;
	int rc = 0;

	*s = (struct segment){ .dpd_max = INT_MAX, .balance_min = INT64_MIN,
			       .balance_max = INT64_MAX, .past_due_min = INT64_MIN,
			       .past_due_max = INT64_MAX, .risk_max = 1000,
			       .line = conf_line(set) };
	if (config_setting_type(set) != CONFIG_TYPE_GROUP)
		return conf_fail(&l->w, s->line, "segments: each segment must be a group { id = ...; }");
	rc |= conf_known_members(&l->w, set, "segment", known);
	if (conf_string(&l->w, set, "id", true, &id) != 0)
		return -1;
	if (!id_ok(id))
		return conf_fail(&l->w, s->line,
				 "id: \"%s\" must be 1-%d lower-case letters, digits, '_' or '-'", id,
				 SEGMENT_ID_LEN - 1);
	snprintf(s->id, sizeof s->id, "%s", id);
	s->catch_all = config_setting_length(set) == 1;
	rc |= conf_int(&l->w, set, "dpd_min", false, 0, DPD_LIMIT, &s->dpd_min);
	rc |= conf_int(&l->w, set, "dpd_max", false, 0, DPD_LIMIT, &s->dpd_max);
	rc |= conf_amount(&l->w, set, "balance_min", &s->balance_min);
	rc |= conf_amount(&l->w, set, "balance_max", &s->balance_max);
	rc |= conf_amount(&l->w, set, "past_due_min", &s->past_due_min);
	rc |= conf_amount(&l->w, set, "past_due_max", &s->past_due_max);
	rc |= conf_int(&l->w, set, "risk_min", false, 0, 1000, &s->risk_min);
	rc |= conf_int(&l->w, set, "risk_max", false, 0, 1000, &s->risk_max);
	rc |= parse_products(l, set, &s->products);
	rc |= parse_facts(l, set, "if_any", &s->if_any);
	rc |= parse_facts(l, set, "unless", &s->unless);
	if (rc == 0)
		rc |= check_range(l, set, "dpd", s->dpd_min, s->dpd_max) |
		      check_range(l, set, "balance", s->balance_min, s->balance_max) |
		      check_range(l, set, "past_due", s->past_due_min, s->past_due_max) |
		      check_range(l, set, "risk", s->risk_min, s->risk_max);
	return rc;
}

/* The template a message step names must exist for its channel in every language. */
static int
check_template(const struct loader *l, const struct step *st)
{
	int ch = step_action_channel(st->action), rc = 0;

	for (size_t i = 0; i < l->ts->n; i++) {
		const struct template_lang *lang = &l->ts->langs[i];

		if (template_find(lang, st->template_id, (enum channel)ch) == NULL)
			rc = conf_fail(&l->w, st->line, "template: no %s template \"%s\" in %s",
				       channel_name((enum channel)ch), st->template_id, lang->file);
	}
	return rc;
}

static int
parse_step(const struct loader *l, const config_setting_t *set, struct step *st)
{
	static const char *const known[] = { "at_dpd", "action", "template", "wait_days",
					     "if_any", "unless", NULL };
	const char *s;
	int a, rc = 0;

	st->line = conf_line(set);
	st->at_dpd = -1;
	if (config_setting_type(set) != CONFIG_TYPE_GROUP)
		return conf_fail(&l->w, st->line, "steps: each step must be a group { at_dpd = ...; }");
	rc |= conf_known_members(&l->w, set, "step", known);
	rc |= conf_int(&l->w, set, "at_dpd", true, 0, DPD_LIMIT, &st->at_dpd);
	rc |= conf_int(&l->w, set, "wait_days", false, 1, 365, &st->wait_days);
	rc |= parse_facts(l, set, "if_any", &st->if_any);
	rc |= parse_facts(l, set, "unless", &st->unless);
	if (conf_string(&l->w, set, "action", true, &s) != 0)
		return -1;
	if ((a = step_action_parse(s)) < 0)
		return conf_fail(&l->w, conf_line(config_setting_get_member(set, "action")),
				 "action: \"%s\" is not sms, email, call, letter, visit or agency", s);
	st->action = (enum step_action)a;
	if (conf_string(&l->w, set, "template", false, &s) != 0)
		return -1;
	if (step_action_channel(st->action) < 0) {
		if (s != NULL)
			rc = conf_fail(&l->w, conf_line(config_setting_get_member(set, "template")),
				       "template: a %s step sends no message", step_action_name(st->action));
		return rc;
	}
	if (s == NULL)
		return conf_fail(&l->w, st->line, "template: missing (a %s step sends one)",
				 step_action_name(st->action));
	if (*s == '\0' || strlen(s) >= TEMPLATE_ID_LEN)
		return conf_fail(&l->w, st->line, "template: \"%s\" is not a template id", s);
	snprintf(st->template_id, sizeof st->template_id, "%s", s);
	return rc | check_template(l, st);
}

/* The steps of one arm, in rising at_dpd order; then when each starts, waits included. */
static int
parse_plan(const struct loader *l, const config_setting_t *group, struct plan *plan)
{
	const config_setting_t *list = config_setting_get_member(group, "steps");
	const struct step *prev = NULL;
	int rc = 0;

	if (list == NULL)
		return conf_fail(&l->w, conf_line(group), "steps: missing (write steps = (); for none)");
	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return conf_fail(&l->w, conf_line(list), "steps: must be a list ( { ... }, ... )");
	plan->n = (size_t)config_setting_length(list);
	if ((plan->steps = calloc(plan->n + 1, sizeof *plan->steps)) == NULL)
		abort();
	for (size_t i = 0; i < plan->n; i++) {
		struct step *st = &plan->steps[i];

		rc |= parse_step(l, config_setting_get_elem(list, (unsigned)i), st);
		if (st->at_dpd < 0)
			continue;
		if (prev != NULL && st->at_dpd <= prev->at_dpd)
			rc = conf_fail(&l->w, st->line,
				       "at_dpd: %d does not come after %d (line %d); steps go in "
				       "rising dpd order",
				       st->at_dpd, prev->at_dpd, prev->line);
		st->start = st->at_dpd;
		if (prev != NULL && prev->start + prev->wait_days > st->start)
			st->start = prev->start + prev->wait_days;
		prev = st;
	}
	return rc;
}

static int
parse_strategy(const struct loader *l, const config_setting_t *set)
{
	static const char *const known[] = { "segment", "steps", "challenger", NULL };
	static const char *const known_challenger[] = { "share", "steps", NULL };
	struct strategy_book *b = l->b;
	const config_setting_t *ch;
	struct strategy *s;
	const char *seg;
	size_t i;
	int rc = 0;

	if (config_setting_type(set) != CONFIG_TYPE_GROUP)
		return conf_fail(&l->w, conf_line(set),
				 "strategies: each strategy must be a group { segment = ...; }");
	rc |= conf_known_members(&l->w, set, "strategy", known);
	if (conf_string(&l->w, set, "segment", true, &seg) != 0)
		return -1;
	for (i = 0; i < b->n && strcmp(b->segments[i].id, seg) != 0; i++)
		;
	if (i == b->n)
		return conf_fail(&l->w, conf_line(set), "segment: \"%s\" is not a segment of this file",
				 seg);
	s = &b->strategies[i];
	if (s->line != 0)
		return conf_fail(&l->w, conf_line(set),
				 "segment: \"%s\" already has a strategy on line %d", seg, s->line);
	s->line = conf_line(set);
	rc |= parse_plan(l, set, &s->champion);
	if ((ch = config_setting_get_member(set, "challenger")) == NULL)
		return rc;
	if (config_setting_type(ch) != CONFIG_TYPE_GROUP)
		return conf_fail(&l->w, conf_line(ch),
				 "challenger: must be a group { share = ...; steps = (...); }");
	s->has_challenger = true;
	rc |= conf_known_members(&l->w, ch, "challenger", known_challenger);
	rc |= conf_int(&l->w, ch, "share", true, 0, 100, &s->share);
	rc |= parse_plan(l, ch, &s->challenger);
	return rc;
}

/* Reads a list member and calls parse on each element. */
static int
each(const struct loader *l, const config_setting_t *root, const char *name,
     int (*parse)(const struct loader *, const config_setting_t *, size_t))
{
	const config_setting_t *list = config_setting_get_member(root, name);
	int rc = 0;

	if (list == NULL)
		return conf_fail(&l->w, 1, "%s: missing", name);
	if (config_setting_type(list) != CONFIG_TYPE_LIST || config_setting_length(list) == 0)
		return conf_fail(&l->w, conf_line(list), "%s: must be a list of groups ( { ... }, ... )",
				 name);
	for (int i = 0; i < config_setting_length(list); i++)
		rc |= parse(l, config_setting_get_elem(list, (unsigned)i), (size_t)i);
	return rc;
}

static int
segment_at(const struct loader *l, const config_setting_t *set, size_t i)
{
	struct strategy_book *b = l->b;
	struct segment *s = &b->segments[i];
	int rc = parse_segment(l, set, s);

	for (size_t k = 0; k < i && s->id[0] != '\0'; k++) {
		if (strcmp(b->segments[k].id, s->id) == 0) {
			rc = conf_fail(&l->w, s->line, "id: \"%s\" is already used on line %d", s->id,
				       b->segments[k].line);
			s->id[0] = '\0';	/* so its strategy is not looked for as well */
		}
		else if (b->segments[k].catch_all)
			rc = conf_fail(&l->w, s->line,
				       "segment \"%s\" can never match: \"%s\" on line %d has no "
				       "conditions and catches every account first",
				       s->id, b->segments[k].id, b->segments[k].line);
	}
	return rc;
}

static int
strategy_at(const struct loader *l, const config_setting_t *set, size_t i)
{
	(void)i;
	return parse_strategy(l, set);
}

static int
parse_root(const struct loader *l, const config_setting_t *root)
{
	static const char *const known[] = { "version", "language", "segments", "strategies",
					     NULL };
	struct strategy_book *b = l->b;
	const config_setting_t *segs = config_setting_get_member(root, "segments");
	const char *lang;
	int rc = 0;

	rc |= conf_known_members(&l->w, root, "top-level", known);
	rc |= conf_int(&l->w, root, "version", true, 1, INT_MAX, &b->version);
	if (conf_string(&l->w, root, "language", false, &lang) != 0) {
		rc = -1;
	} else {
		snprintf(b->language, sizeof b->language, "%s", lang != NULL ? lang : "en");
		if (l->ts->n > 0 && template_lang_find(l->ts, b->language) == NULL)
			rc = conf_fail(&l->w, lang != NULL ? conf_line(config_setting_get_member(root, "language")) : 1,
				       "language: no templates in \"%s\"", b->language);
	}
	if (segs != NULL && config_setting_type(segs) == CONFIG_TYPE_LIST) {
		b->n = (size_t)config_setting_length(segs);
		if ((b->segments = calloc(b->n + 1, sizeof *b->segments)) == NULL ||
		    (b->strategies = calloc(b->n + 1, sizeof *b->strategies)) == NULL)
			abort();
	}
	if (each(l, root, "segments", segment_at) != 0)
		rc = -1;
	if (b->n > 0 && !b->segments[b->n - 1].catch_all)
		rc = conf_fail(&l->w, b->segments[b->n - 1].line,
			       "segments: the last segment must have no conditions, to catch every "
			       "account the others leave");
	if (each(l, root, "strategies", strategy_at) != 0)
		rc = -1;
	for (size_t i = 0; i < b->n; i++)
		if (b->strategies[i].line == 0 && b->segments[i].id[0] != '\0')
			rc = conf_fail(&l->w, b->segments[i].line, "segment \"%s\" has no strategy",
				       b->segments[i].id);
	return rc;
}

int
strategy_book_load(const char *path, const struct template_set *ts,
		   struct strategy_book **out, struct problems *p)
{
	struct loader l = { .w = { .file = path, .p = p }, .ts = ts };
	struct err e = { "" };
	config_t cfg;
	int rc;

	*out = NULL;
	if (conf_file_read(&cfg, path, "the strategy", &e) != 0)
		return problems_add(p, "%s", e.msg);
	if ((l.b = calloc(1, sizeof *l.b)) == NULL || (l.b->file = strdup(path)) == NULL)
		abort();
	paths_conf_stem(path, l.b->name, sizeof l.b->name);
	rc = parse_root(&l, config_root_setting(&cfg));
	config_destroy(&cfg);
	if (rc != 0) {
		strategy_book_free(&l.b);
		return -1;
	}
	*out = l.b;
	return 0;
}

int
strategy_dir_check(const char *dir, const struct template_set *ts, size_t *nbooks,
		   struct problems *p)
{
	struct dirent **names;
	size_t before = p->n;
	int n;

	*nbooks = 0;
	if ((n = conf_dir_scan(dir, &names)) < 0)
		return problems_add(p, "%s: cannot read the strategies directory", dir);
	if (n == 0)
		problems_add(p, "%s: no strategy books (NAME.conf files)", dir);
	for (int i = 0; i < n; i++) {
		struct strategy_book *b = NULL;
		char *path;

		if (asprintf(&path, "%s/%s", dir, names[i]->d_name) < 0)
			abort();
		strategy_book_load(path, ts, &b, p);
		strategy_book_free(&b);
		free(path);
		free(names[i]);
	}
	free(names);
	*nbooks = (size_t)n;
	return p->n == before ? 0 : -1;
}

void
strategy_book_free(struct strategy_book **b)
{
	if (b == NULL || *b == NULL)
		return;
	for (size_t i = 0; i < (*b)->n; i++) {
		free((*b)->strategies[i].champion.steps);
		free((*b)->strategies[i].challenger.steps);
	}
	free((*b)->strategies);
	free((*b)->segments);
	free((*b)->file);
	free(*b);
	*b = NULL;
}

int
strategy_open(const char *name, struct template_set **ts, struct strategy_book **out,
	      struct problems *p, struct err *e)
{
	char tdir[4096], file[128], path[4096];

	*ts = NULL;
	*out = NULL;
	if ((size_t)snprintf(file, sizeof file, "%s.conf", name) >= sizeof file)
		return err_set(e, "strategy book name too long");
	if (paths_find_data_dir("templates", tdir, sizeof tdir, e) != 0 ||
	    paths_find_data("strategies", file, path, sizeof path, e) != 0)
		return -1;
	if (template_set_load(tdir, ts, p) == 0 && strategy_book_load(path, *ts, out, p) == 0)
		return 0;
	template_set_free(ts);
	return err_set(e, "the strategy data has problems (%zu); see arrears strategy check", p->n);
}
