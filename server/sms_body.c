/* sms_body.c - filling the SMS body template (sms_body.h). Values are never pasted raw: each
 * is encoded as a JSON string by jansson and its quotes dropped. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms_body.h"

#define NAME_MAX_LEN 16

/* The JSON string escape of v, without its quotes; owned, or NULL when v is not UTF-8. */
static char *
escaped(const char *v)
{
	json_t *s = json_string(v);
	char *text, *inner;
	size_t n;

	if (s == NULL)
		return NULL;
	text = json_dumps(s, JSON_ENCODE_ANY);
	json_decref(s);
	if (text == NULL)
		return NULL;
	n = strlen(text);
	inner = strndup(text + 1, n - 2);
	free(text);
	return inner;
}

/* When p starts a placeholder "{name}" (lower-case letters and '_'), copies the name and
 * returns its length with the braces; else 0. */
static size_t
placeholder(const char *p, char name[NAME_MAX_LEN])
{
	size_t n = 0;

	if (p[0] != '{')
		return 0;
	while ((p[1 + n] >= 'a' && p[1 + n] <= 'z') || p[1 + n] == '_')
		if (++n >= NAME_MAX_LEN)
			return 0;
	if (n == 0 || p[1 + n] != '}')
		return 0;
	memcpy(name, p + 1, n);
	name[n] = '\0';
	return n + 2;
}

char *
sms_body_fill(const char *tmpl, const char *to, const char *text, const char *id,
	      struct err *e)
{
	const char *names[] = { "to", "text", "id" };
	const char *values[] = { to, text, id };
	char *esc[3] = { NULL }, *out = NULL;
	size_t len = 0;
	FILE *f = NULL;

	for (int i = 0; i < 3; i++)
		if ((esc[i] = escaped(values[i] ? values[i] : "")) == NULL) {
			err_set(e, "the %s is not valid UTF-8", names[i]);
			goto out;
		}
	if ((f = open_memstream(&out, &len)) == NULL) {
		err_set(e, "out of memory filling sms_body");
		goto out;
	}
	for (const char *p = tmpl; *p != '\0';) {
		char name[NAME_MAX_LEN];
		size_t n = placeholder(p, name);
		int k;

		if (n == 0) {
			fputc(*p++, f);
			continue;
		}
		for (k = 0; k < 3 && strcmp(name, names[k]) != 0; k++)
			;
		if (k == 3) {
			err_set(e, "sms_body: unknown placeholder {%s} (only {to}, {text}, {id})",
				name);
			fclose(f);
			f = NULL;
			free(out);
			out = NULL;
			goto out;
		}
		fputs(esc[k], f);
		p += n;
	}
	if (fclose(f) != 0) {
		free(out);
		out = NULL;
		err_set(e, "out of memory filling sms_body");
	}
	f = NULL;
out:
	for (int i = 0; i < 3; i++)
		free(esc[i]);
	return out;
}

int
sms_body_check(const char *tmpl, struct err *e)
{
	json_error_t je;
	json_t *doc;
	char *filled;

	if (strstr(tmpl, "{to}") == NULL || strstr(tmpl, "{text}") == NULL)
		return err_set(e, "sms_body: the template must hold {to} and {text}");
	filled = sms_body_fill(tmpl, "+15550100", "a \"quoted\"\nline \\ \xc3\xa9", "id", e);
	if (filled == NULL)
		return -1;
	doc = json_loads(filled, JSON_REJECT_DUPLICATES, &je);
	free(filled);
	if (doc == NULL)
		return err_set(e, "sms_body: not JSON once filled (column %d: %s); put each "
				  "placeholder inside a string", je.column, je.text);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return err_set(e, "sms_body: must be a JSON object");
	}
	json_decref(doc);
	return 0;
}
