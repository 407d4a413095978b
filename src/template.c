/* template.c - reading and checking message templates, and filling them from an account. */
#include "config.h"

#include <ctype.h>
#include <libconfig.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conf_file.h"
#include "conf_member.h"
#include "money.h"
#include "sms.h"
#include "template.h"
#include "xalloc.h"

static const char *const channel_names[CHANNEL_COUNT] = {
	[CHANNEL_SMS] = "sms", [CHANNEL_EMAIL] = "email", [CHANNEL_LETTER] = "letter",
};
static const char *const tier_names[TIER_COUNT] = {
	[TIER_FRIENDLY] = "friendly", [TIER_SECOND] = "second", [TIER_FINAL] = "final",
};

/* Every placeholder: where its value is, and how long it can plausibly be, for the SMS cap.
 * opt_out has no field: it is the language's text for the channel. */
static const struct placeholder {
	const char *name;
	size_t offset, longest;
} placeholders[] = {
	{ "name", offsetof(struct template_values, name), 40 },
	{ "account", offsetof(struct template_values, account), 4 },
	{ "balance", offsetof(struct template_values, balance), 16 },
	{ "past_due", offsetof(struct template_values, past_due), 16 },
	{ "due_date", offsetof(struct template_values, due_date), 10 },
	{ "dpd", offsetof(struct template_values, dpd), 4 },
	{ "pay_link", offsetof(struct template_values, pay_link), 40 },
	{ "agent", offsetof(struct template_values, agent), 24 },
	{ "opt_out", 0, 0 },
};

const char *
channel_name(enum channel c)
{
	return (unsigned)c < CHANNEL_COUNT ? channel_names[c] : "?";
}

const char *
tier_name(enum tier t)
{
	return (unsigned)t < TIER_COUNT ? tier_names[t] : "?";
}

int
channel_parse(const char *name)
{
	for (int i = 0; i < CHANNEL_COUNT; i++)
		if (strcmp(name, channel_names[i]) == 0)
			return i;
	return -1;
}

int
tier_parse(const char *name)
{
	for (int i = 0; i < TIER_COUNT; i++)
		if (strcmp(name, tier_names[i]) == 0)
			return i;
	return -1;
}

/* Writes text to out (which may be NULL, to check only) with each {placeholder} replaced by
 * its value in v, or by its longest plausible value when v is NULL; "{{" is a brace. Returns
 * 0, or -1 with why filled ("unknown placeholder {x}"). */
static int
expand(const struct template_lang *l, enum channel ch, const char *text,
       const struct template_values *v, FILE *out, char *why, size_t whylen)
{
	for (const char *s = text; *s != '\0'; s++) {
		const char *end;
		size_t n, i;

		if (*s != '{') {
			if (out != NULL)
				fputc(*s, out);
			continue;
		}
		if (s[1] == '{') {
			if (out != NULL)
				fputc('{', out);
			s++;
			continue;
		}
		for (end = s + 1; islower((unsigned char)*end) || *end == '_'; end++)
			;
		n = (size_t)(end - s - 1);
		if (*end != '}' || n == 0) {
			snprintf(why, whylen, "'{' at \"%.12s\" starts no placeholder (write {{ for a brace)",
				 s);
			return -1;
		}
		for (i = 0; i < sizeof placeholders / sizeof placeholders[0]; i++)
			if (strlen(placeholders[i].name) == n && memcmp(placeholders[i].name, s + 1, n) == 0)
				break;
		if (i == sizeof placeholders / sizeof placeholders[0]) {
			snprintf(why, whylen, "unknown placeholder {%.*s}", (int)n, s + 1);
			return -1;
		}
		if (placeholders[i].longest == 0) {
			if (l->opt_out[ch] == NULL) {
				snprintf(why, whylen, "{opt_out} has no text for %s", channel_names[ch]);
				return -1;
			}
			if (out != NULL)
				fputs(l->opt_out[ch], out);
		} else if (out != NULL && v != NULL) {
			fputs((const char *)v + placeholders[i].offset, out);
		} else if (out != NULL) {
			for (size_t k = 0; k < placeholders[i].longest; k++)
				fputc('x', out);
		}
		s = end;
	}
	return 0;
}

/* expand into a new string. */
static char *
expand_new(const struct template_lang *l, enum channel ch, const char *text,
	   const struct template_values *v, char *why, size_t whylen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	if (f == NULL)
		abort();
	rc = expand(l, ch, text, v, f, why, whylen);
	if (fclose(f) != 0)
		abort();
	if (rc != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *
template_fill(const struct template_lang *l, enum channel ch, const char *text,
	      const struct template_values *v)
{
	char why[128];
	char *s = expand_new(l, ch, text, v, why, sizeof why);

	if (s == NULL)
		abort();	/* the loader refused every text that does not expand */
	return s;
}

void
template_values_of(const struct account *a, int32_t today, const char *pay_link,
		   struct template_values *v)
{
	char amount[32];
	size_t n = strlen(a->id);

	*v = (struct template_values){ 0 };
	snprintf(v->name, sizeof v->name, "%s", a->name);
	snprintf(v->account, sizeof v->account, "%s", a->id + (n > 4 ? n - 4 : 0));
	snprintf(v->balance, sizeof v->balance, "%s %s",
		 money_format(a->total, amount, sizeof amount, 1), a->currency);
	snprintf(v->past_due, sizeof v->past_due, "%s %s",
		 money_format(a->past_due, amount, sizeof amount, 1), a->currency);
	if (a->due_date > 0)
		date_format(a->due_date, v->due_date, sizeof v->due_date);
	snprintf(v->dpd, sizeof v->dpd, "%d", account_dpd(a->due_date, today));
	snprintf(v->pay_link, sizeof v->pay_link, "%s", pay_link != NULL ? pay_link : "");
	snprintf(v->agent, sizeof v->agent, "%s", a->assignee);
}

/* Checks a subject or body: placeholders, and for the body of an electronic message the
 * opt-out text and (SMS) the segment cap, all with the longest plausible values. */
static int
check_text(const struct conf_where *w, const struct template_lang *l, const struct template *t,
	   const char *what, const char *text, int line)
{
	struct sms_measure m;
	char why[160];
	char *longest = expand_new(l, t->channel, text, NULL, why, sizeof why);
	int rc = 0;

	if (longest == NULL)
		return conf_fail(w, line, "%s: %s", what, why);
	if (strcmp(what, "body") == 0 && l->opt_out[t->channel] != NULL &&
	    strstr(longest, l->opt_out[t->channel]) == NULL)
		rc = conf_fail(w, line,
			       "body: an %s message must carry the opt-out text (write {opt_out})",
			       channel_names[t->channel]);
	else if (t->channel == CHANNEL_SMS && strcmp(what, "body") == 0) {
		if (sms_measure(longest, &m) != 0)
			rc = conf_fail(w, line, "body: not valid UTF-8");
		else if (m.segments > (size_t)l->sms_max_segments)
			rc = conf_fail(w, line,
				       "body: %zu SMS segments (%s, %zu characters with the longest "
				       "values) is over the cap of %d",
				       m.segments, sms_encoding_name(m.encoding), m.chars,
				       l->sms_max_segments);
	}
	free(longest);
	return rc;
}

static int
parse_template(const struct conf_where *w, struct template_lang *l,
	       const config_setting_t *set, struct template *t)
{
	static const char *const known[] = { "id", "channel", "tier", "subject", "body", NULL };
	const config_setting_t *m;
	const char *s;
	int c, rc = 0;

	t->line = conf_line(set);
	t->refused = true;
	if (config_setting_type(set) != CONFIG_TYPE_GROUP)
		return conf_fail(w, t->line, "templates: each template must be a group { id = ...; }");
	rc |= conf_known_members(w, set, "template", known);
	if (conf_string(w, set, "id", true, &s) != 0)
		return -1;
	if (*s == '\0' || strlen(s) >= TEMPLATE_ID_LEN)
		return conf_fail(w, t->line, "id: \"%s\" must be 1-%d bytes", s, TEMPLATE_ID_LEN - 1);
	snprintf(t->id, sizeof t->id, "%s", s);
	if (conf_string(w, set, "channel", true, &s) != 0)
		return -1;
	if ((c = channel_parse(s)) < 0)
		return conf_fail(w, conf_line(config_setting_get_member(set, "channel")),
				 "channel: \"%s\" is not sms, email or letter", s);
	t->channel = (enum channel)c;
	if (conf_string(w, set, "tier", true, &s) != 0)
		rc = -1;
	else if ((c = tier_parse(s)) < 0)
		rc = conf_fail(w, conf_line(config_setting_get_member(set, "tier")),
			       "tier: \"%s\" is not friendly, second or final", s);
	else
		t->tier = (enum tier)c;
	if (conf_string(w, set, "subject", t->channel == CHANNEL_EMAIL, &s) != 0) {
		rc = -1;
	} else if (s != NULL && t->channel != CHANNEL_EMAIL) {
		rc = conf_fail(w, conf_line(config_setting_get_member(set, "subject")),
			       "subject: only an email has one");
	} else if (s != NULL) {
		t->subject = xstrdup(s);
		rc |= check_text(w, l, t, "subject",
				 s, conf_line(config_setting_get_member(set, "subject")));
	}
	if (conf_string(w, set, "body", true, &s) != 0)
		return -1;
	m = config_setting_get_member(set, "body");
	if (*s == '\0')
		return conf_fail(w, conf_line(m), "body: must not be empty");
	t->body = xstrdup(s);
	rc |= check_text(w, l, t, "body", s, conf_line(m));
	t->refused = rc != 0;
	return rc;
}

static int
parse_opt_out(const struct conf_where *w, struct template_lang *l, const config_setting_t *root)
{
	static const char *const known[] = { "sms", "email", NULL };
	const config_setting_t *g = config_setting_get_member(root, "opt_out");
	int rc = 0;

	if (g == NULL)
		return conf_fail(w, 1, "opt_out: missing (the opt-out texts of sms and email)");
	if (config_setting_type(g) != CONFIG_TYPE_GROUP)
		return conf_fail(w, conf_line(g), "opt_out: must be a group { sms = ...; email = ...; }");
	rc |= conf_known_members(w, g, "opt_out", known);
	for (int ch = CHANNEL_SMS; ch <= CHANNEL_EMAIL; ch++) {
		const char *s;

		if (conf_string(w, g, channel_names[ch], true, &s) != 0) {
			rc = -1;
		} else if (*s == '\0' || strchr(s, '{') != NULL) {
			rc = conf_fail(w, conf_line(config_setting_get_member(g, channel_names[ch])),
				       "%s: the opt-out text must be plain, non-empty text",
				       channel_names[ch]);
		}
		/* even a refused text is kept, so the templates are still checked against it */
		l->opt_out[ch] = xstrdup(s != NULL ? s : "");
	}
	return rc;
}

static int
parse_lang(const struct conf_where *w, struct template_lang *l, const config_setting_t *root)
{
	static const char *const known[] = { "opt_out", "sms_max_segments", "templates", NULL };
	const config_setting_t *list;
	int rc = 0;

	rc |= conf_known_members(w, root, "top-level", known);
	rc |= parse_opt_out(w, l, root);
	l->sms_max_segments = 1;
	rc |= conf_int(w, root, "sms_max_segments", true, 1, 10, &l->sms_max_segments);
	if ((list = config_setting_get_member(root, "templates")) == NULL)
		return conf_fail(w, 1, "templates: missing");
	if (config_setting_type(list) != CONFIG_TYPE_LIST)
		return conf_fail(w, conf_line(list), "templates: must be a list ( { ... }, ... )");
	l->n = (size_t)config_setting_length(list);
	if ((l->t = calloc(l->n + 1, sizeof *l->t)) == NULL)
		abort();
	for (size_t i = 0; i < l->n; i++) {
		struct template *t = &l->t[i];

		if (parse_template(w, l, config_setting_get_elem(list, (unsigned)i), t) != 0)
			rc = -1;
		if (t->id[0] == '\0')
			continue;
		for (size_t k = 0; k < i; k++)
			if (strcmp(l->t[k].id, t->id) == 0 && l->t[k].channel == t->channel) {
				rc = conf_fail(w, t->line, "id: %s template \"%s\" is already on line %d",
					       channel_names[t->channel], t->id, l->t[k].line);
				break;
			}
	}
	return rc;
}

static bool
lang_code_ok(const char *s, size_t n)
{
	if (n < 2 || n > 7)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && s[i] != '-')
			return false;
	return true;
}

int
template_set_load(const char *dir, struct template_set **out, struct problems *p)
{
	struct template_set *set = calloc(1, sizeof *set);
	size_t before = p->n;
	struct dirent **names;
	int n;

	if (set == NULL)
		abort();
	*out = set;
	if ((n = conf_dir_scan(dir, &names)) < 0)
		return problems_add(p, "%s: cannot read the templates directory", dir);
	if (n == 0)
		problems_add(p, "%s: no templates (LANG.conf files)", dir);
	if ((set->langs = calloc((size_t)n + 1, sizeof *set->langs)) == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		struct template_lang *l = &set->langs[set->n];
		size_t len = strlen(names[i]->d_name) - 5;
		struct conf_where w = { .p = p };
		struct err e = { "" };
		config_t cfg;

		if (asprintf(&l->file, "%s/%s", dir, names[i]->d_name) < 0)
			abort();
		w.file = l->file;
		set->n++;
		if (!lang_code_ok(names[i]->d_name, len))
			problems_add(p, "%s: the file name must be a language code, like en.conf",
				     l->file);
		snprintf(l->code, sizeof l->code, "%.*s", (int)(len < 7 ? len : 7), names[i]->d_name);
		if (conf_file_read(&cfg, l->file, "the templates", &e) != 0) {
			problems_add(p, "%s", e.msg);
			continue;
		}
		parse_lang(&w, l, config_root_setting(&cfg));
		config_destroy(&cfg);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return p->n == before ? 0 : -1;
}

void
template_set_free(struct template_set **s)
{
	if (s == NULL || *s == NULL)
		return;
	for (size_t i = 0; i < (*s)->n; i++) {
		struct template_lang *l = &(*s)->langs[i];

		for (size_t k = 0; k < l->n; k++) {
			free(l->t[k].subject);
			free(l->t[k].body);
		}
		free(l->t);
		for (int c = 0; c < CHANNEL_COUNT; c++)
			free(l->opt_out[c]);
		free(l->file);
	}
	free((*s)->langs);
	free(*s);
	*s = NULL;
}

const struct template_lang *
template_lang_find(const struct template_set *s, const char *code)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->langs[i].code, code) == 0)
			return &s->langs[i];
	return NULL;
}

const struct template *
template_find(const struct template_lang *l, const char *id, enum channel ch)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->t[i].channel == ch && strcmp(l->t[i].id, id) == 0)
			return &l->t[i];
	return NULL;
}
