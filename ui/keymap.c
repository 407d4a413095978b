#include "config.h"

#include <curses.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keymap.h"
#include "settings.h"
#include "ui.h"

struct action_row {
	const char *name;
	enum keyctx ctx;
	const char *keys;
	const char *hint;
	const char *help;
};

static const struct action_row actions[ACTION_COUNT] = {
	[ACTION_NONE] = {.name = "none", .ctx = KEYCTX_GLOBAL, .keys = "", .hint = "", .help = ""},
#define ACTION(id, n, c, k, h, hl) \
	[ACTION_##id] = {.name = n, .ctx = c, .keys = k, .hint = h, .help = hl},
#include "actions.def"
#undef ACTION
};

static const char *const ctx_names[KEYCTX_COUNT] = {
	[KEYCTX_GLOBAL] = "global",
	[KEYCTX_QUEUE] = "queue",
	[KEYCTX_ACCOUNT] = "account",
	[KEYCTX_TIMELINE] = "timeline",
	[KEYCTX_HELP] = "help",
	[KEYCTX_SCRIPT] = "script",
	[KEYCTX_AGING] = "aging",
	[KEYCTX_SYNC] = "sync",
	[KEYCTX_BOARD] = "board",
	[KEYCTX_QA] = "qa",
};

/* Named keys, as written in actions.def and arrears.conf. The first name of a key is the one
 * shown back to the user. */
static const struct {
	const char *name;
	int key;
} named_keys[] = {
	{.name = "Enter", .key = '\n'},
	{.name = "Esc", .key = 27},
	{.name = "Tab", .key = '\t'},
	{.name = "Space", .key = ' '},
	{.name = "Backspace", .key = KEYMAP_FUNC | KEY_BACKSPACE},
	{.name = "BTab", .key = KEYMAP_FUNC | KEY_BTAB},
	{.name = "Up", .key = KEYMAP_FUNC | KEY_UP},
	{.name = "Down", .key = KEYMAP_FUNC | KEY_DOWN},
	{.name = "Left", .key = KEYMAP_FUNC | KEY_LEFT},
	{.name = "Right", .key = KEYMAP_FUNC | KEY_RIGHT},
	{.name = "PgUp", .key = KEYMAP_FUNC | KEY_PPAGE},
	{.name = "PgDn", .key = KEYMAP_FUNC | KEY_NPAGE},
	{.name = "Home", .key = KEYMAP_FUNC | KEY_HOME},
	{.name = "End", .key = KEYMAP_FUNC | KEY_END},
	{.name = "Delete", .key = KEYMAP_FUNC | KEY_DC},
	{.name = "Insert", .key = KEYMAP_FUNC | KEY_IC},
};

const char *
action_name(enum action a)
{
	return actions[a].name;
}

const char *
action_hint(enum action a)
{
	return actions[a].hint;
}

const char *
action_help(enum action a)
{
	return actions[a].help;
}

enum keyctx
action_context(enum action a)
{
	return actions[a].ctx;
}

const char *
keyctx_name(enum keyctx c)
{
	return ctx_names[c];
}

int
keymap_parse_key(const char *spec, int *key)
{
	size_t i;
	char *end;
	long f;

	for (i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++) {
		if (strcasecmp(spec, named_keys[i].name) == 0) {
			*key = named_keys[i].key;
			return 0;
		}
	}
	if ((spec[0] == 'F' || spec[0] == 'f') && spec[1] >= '1' && spec[1] <= '9') {
		f = strtol(spec + 1, &end, 10);
		if (*end != '\0' || f < 1 || f > 12)
			return -1;
		*key = KEYMAP_FUNC | KEY_F(f);
		return 0;
	}
	/* C-x, or ^X as curses and tig write it. */
	if (((spec[0] == 'C' && spec[1] == '-') || (spec[0] == '^' && spec[1] != '\0')) &&
	    spec[spec[0] == '^' ? 2 : 3] == '\0') {
		/* Control keys exist for letters only; C-m, C-i and C-j would alias Enter and
		 * Tab. */
		char c = spec[spec[0] == '^' ? 1 : 2] | 0x20;

		if (c < 'a' || c > 'z' || c == 'm' || c == 'i' || c == 'j')
			return -1;
		*key = c & 0x1f;
		return 0;
	}
	/* One printable ASCII character; the rest is easier to read by name. */
	if (spec[0] > ' ' && spec[0] < 127 && spec[1] == '\0') {
		*key = (unsigned char)spec[0];
		return 0;
	}
	return -1;
}

char *
keymap_key_name(int key, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof named_keys / sizeof named_keys[0]; i++) {
		if (named_keys[i].key == key) {
			snprintf(buf, len, "%s", named_keys[i].name);
			return buf;
		}
	}
	if (key & KEYMAP_FUNC) {
		int code = key & ~KEYMAP_FUNC;

		if (code > KEY_F0 && code <= KEY_F(12))
			snprintf(buf, len, "F%d", code - KEY_F0);
		else
			snprintf(buf, len, "<%d>", code);
	} else if (key > 0 && key < 32) {
		snprintf(buf, len, "C-%c", key + 'a' - 1);
	} else {
		snprintf(buf, len, "%c", key);
	}
	return buf;
}

static void
unbind_action(struct keymap *km, enum action act)
{
	int i, j = 0;

	for (i = 0; i < km->n; i++)
		if (km->b[i].action != act)
			km->b[j++] = km->b[i];
	km->n = j;
}

/* Binds key to act, taking it from any action of the same context so one key means one
 * thing wherever it is pressed. */
static int
bind_key(struct keymap *km, int key, enum action act)
{
	int i, j = 0;

	for (i = 0; i < km->n; i++) {
		const struct binding *b = &km->b[i];

		if (b->key == key && action_context(b->action) == action_context(act))
			continue;
		km->b[j++] = *b;
	}
	km->n = j;
	if (km->n == KEYMAP_MAX)
		return -1;
	km->b[km->n++] = (struct binding){.key = key, .action = act};
	return 0;
}

/* Binds every key of a space-separated spec list to act. Returns 0, or -1 with the bad key
 * copied into bad. */
static int
bind_list(struct keymap *km, const char *list, enum action act, char *bad, size_t badlen)
{
	char copy[64], *tok, *save = NULL;
	int key;

	snprintf(copy, sizeof copy, "%s", list);
	for (tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		if (keymap_parse_key(tok, &key) == -1 || bind_key(km, key, act) == -1) {
			snprintf(bad, badlen, "%s", tok);
			return -1;
		}
	}
	return 0;
}

static enum action
action_by_name(const char *name)
{
	int a;

	for (a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
		if (strcmp(actions[a].name, name) == 0)
			return a;
	return ACTION_NONE;
}

int
keymap_init(struct keymap *km, const struct settings *cfg, struct err *e)
{
	const char *file = cfg->source[0] != '\0' ? cfg->source : "arrears.conf";
	bool seen[ACTION_COUNT] = {false};
	char bad[64];
	int a, i;

	km->n = 0;
	for (a = ACTION_NONE + 1; a < ACTION_COUNT; a++) {
		/* The built-in table is checked by make check (ui_keys_dump), so a bad default
		 * is a broken invariant, not a user error. */
		if (bind_list(km, actions[a].keys, a, bad, sizeof bad) == -1)
			abort();
	}
	for (i = 0; i < cfg->nkeys; i++) {
		const struct key_binding *kb = &cfg->keys[i];
		enum action act = action_by_name(kb->action);

		if (act == ACTION_NONE)
			return err_set(e, "%s:%d: keys: unknown action '%s'", file, kb->line,
				       kb->action);
		if (kb->key[0] == '\0' || strspn(kb->key, " ") == strlen(kb->key))
			return err_set(e, "%s:%d: keys: %s: no key given", file, kb->line,
				       kb->action);
		/* A list in the config arrives as one entry per key: the first drops the
		 * defaults, the rest add to it. */
		if (!seen[act])
			unbind_action(km, act);
		seen[act] = true;
		if (bind_list(km, kb->key, act, bad, sizeof bad) == -1)
			return err_set(e, "%s:%d: keys: %s: cannot parse key '%s'", file,
				       kb->line, kb->action, bad);
	}
	return 0;
}

enum action
keymap_lookup(const struct keymap *km, enum keyctx ctx, int key)
{
	enum action global = ACTION_NONE;
	int i;

	for (i = 0; i < km->n; i++) {
		if (km->b[i].key != key)
			continue;
		if (action_context(km->b[i].action) == ctx)
			return km->b[i].action;
		if (action_context(km->b[i].action) == KEYCTX_GLOBAL)
			global = km->b[i].action;
	}
	return global;
}

char *
keymap_keys_of(const struct keymap *km, enum action act, char *buf, size_t len)
{
	char name[16];
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < km->n && used < len; i++) {
		if (km->b[i].action != act)
			continue;
		keymap_key_name(km->b[i].key, name, sizeof name);
		used += snprintf(buf + used, len - used, "%s%s", used > 0 ? " " : "", name);
	}
	return buf;
}

void
ui_keys_dump(FILE *out)
{
	int a;

	for (a = ACTION_NONE + 1; a < ACTION_COUNT; a++)
		fprintf(out, "%s\t%s\t%s\t%s\n", ctx_names[actions[a].ctx], actions[a].name,
			actions[a].keys, actions[a].help);
}
