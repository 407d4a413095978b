/* keymap.h - actions (from actions.def), key specs, and the bindings that map keys to actions. */
#ifndef ARREARS_UI_KEYMAP_H
#define ARREARS_UI_KEYMAP_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

struct settings;

/* Where an action applies; a screen looks its own context up first, then the global one. */
enum keyctx {
	KEYCTX_GLOBAL,
	KEYCTX_QUEUE,
	KEYCTX_ACCOUNT,
	KEYCTX_TIMELINE,
	KEYCTX_HELP,
	KEYCTX_SCRIPT,
	KEYCTX_AGING,
	KEYCTX_SYNC,
	KEYCTX_BOARD,
	KEYCTX_QA,
	KEYCTX_COUNT
};

enum action {
	ACTION_NONE,
#define ACTION(id, name, ctx, keys, hint, help) ACTION_##id,
#include "actions.def"
#undef ACTION
	ACTION_COUNT
};

/* A key as the loop reads it: a character, or a curses KEY_* code with KEYMAP_FUNC set so the two
 * ranges never collide. */
#define KEYMAP_FUNC (1 << 24)

#define KEYMAP_MAX 256

struct keymap {
	struct binding {
		int key;
		enum action action;
	} b[KEYMAP_MAX];
	int n;
};

/* Builds the default bindings, then applies cfg's keys group (each entry replaces the default
 * keys of its action). Errors read "file:line: keys: ...". 0 or -1. */
int keymap_init(struct keymap *km, const struct settings *cfg, struct err *e);

/* The action of key in ctx, falling back to the global context; ACTION_NONE when unbound. */
enum action keymap_lookup(const struct keymap *km, enum keyctx ctx, int key);

/* Parses one key spec ("q", "C-l", "PgDn") into a key. 0 or -1. */
int keymap_parse_key(const char *spec, int *key);

/* Writes the spec of key ("Enter", "C-l", "q") into buf. Returns buf. */
char *keymap_key_name(int key, char *buf, size_t len);

/* Writes the keys bound to act, space-separated, into buf ("" when none). Returns buf. */
char *keymap_keys_of(const struct keymap *km, enum action act, char *buf, size_t len);

/* The table's columns for one action. Borrowed strings. */
const char *action_name(enum action a);
const char *action_hint(enum action a);
const char *action_help(enum action a);
enum keyctx action_context(enum action a);
const char *keyctx_name(enum keyctx c);

#endif
