/* ui.h - the full-screen workstation; the only entry point arrears.c needs from ui/. */
#ifndef ARREARS_UI_H
#define ARREARS_UI_H

#include <stdio.h>

#include "err.h"

struct store;
struct settings;

/* Checks the settings' key bindings and theme before the screen is taken, so errors print
 * normally ("file:line: keys: unknown action 'x'"). 0 or -1. */
int ui_check_settings(const struct settings *cfg, struct err *e);

/* Runs the workstation until the user quits (or SIGTERM/SIGINT); the terminal is restored
 * whatever happens. Returns 0, or -1 with e filled. */
int ui_run(struct store *s, const struct settings *cfg, struct err *e);

/* Writes the default key bindings, one action a line: context, action, keys, help, separated
 * by tabs (for `arrears --dump-keys` and the man page check). */
void ui_keys_dump(FILE *out);

#endif
