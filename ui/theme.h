/* theme.h - semantic roles and the themes (themes/NAME.conf) that style them. Views name a
 * role, never a colour; only theme.c turns roles into colour pairs. */
#ifndef ARREARS_UI_THEME_H
#define ARREARS_UI_THEME_H

#include <curses.h>
#include <limits.h>
#include <stdbool.h>

#include "err.h"

/* X(ID, name in the theme file, attributes when there is no colour) */
#define THEME_ROLES(X)                                   \
	X(STATUSBAR, "statusbar", A_REVERSE)             \
	X(TITLE, "title", A_BOLD | A_REVERSE)            \
	X(HEADER, "header", A_BOLD | A_UNDERLINE)        \
	X(SELECTED, "selected", A_REVERSE)               \
	X(ROW, "row", A_NORMAL)                          \
	X(ROW_DIM, "row_dim", A_DIM)                     \
	X(LABEL, "label", A_BOLD)                        \
	X(BAND_CURRENT, "band_current", A_NORMAL)        \
	X(BAND_1_30, "band_1_30", A_NORMAL)              \
	X(BAND_31_60, "band_31_60", A_NORMAL)            \
	X(BAND_61_90, "band_61_90", A_BOLD)              \
	X(BAND_91_120, "band_91_120", A_BOLD)            \
	X(BAND_120_PLUS, "band_120_plus", A_BOLD | A_UNDERLINE) \
	X(FLAG, "flag", A_BOLD)                          \
	X(PTP_BROKEN, "ptp_broken", A_BOLD | A_UNDERLINE) \
	X(PTP_DUE, "ptp_due", A_BOLD)                    \
	X(CALLBACK_DUE, "callback_due", A_BOLD)          \
	X(POLICY_OK, "policy_ok", A_NORMAL)              \
	X(POLICY_WARN, "policy_warn", A_BOLD)            \
	X(POLICY_BLOCKED, "policy_blocked", A_BOLD | A_UNDERLINE) \
	X(HELP, "help", A_NORMAL)                        \
	X(ERROR, "error", A_BOLD | A_REVERSE)

enum role {
#define X(id, name, mono) ROLE_##id,
	THEME_ROLES(X)
#undef X
	ROLE_COUNT
};

/* One role's style as the file gives it; colours are 0..255 or -1 for the terminal's own. */
struct style {
	short fg, bg;
	attr_t attrs;
};

struct theme {
	char path[PATH_MAX];	/* "" when only the built-in attributes are used */
	struct style style[ROLE_COUNT];
	attr_t attr[ROLE_COUNT];	/* what views draw with, set by theme_apply */
};

/* True when the screen must go without colour: NO_COLOR is set and not empty. */
bool theme_no_color(void);

/* Finds name (a theme name, or a path when it holds a '/') in $ARREARS_DATADIR/themes, the
 * installed themes, then the source tree's, and reads it over the built-in attributes. Needs
 * no terminal. Errors name the file and line. 0 or -1. */
int theme_load(struct theme *t, const char *name, struct err *e);

/* The built-in attributes only, for a mono screen when no mono theme file is found. */
void theme_builtin(struct theme *t);

/* Turns the styles into colour pairs and attributes for the current screen (after initscr;
 * colour is started here unless mono). */
void theme_apply(struct theme *t, bool mono);

/* What to draw a role with. */
static inline attr_t
theme_attr(const struct theme *t, enum role r)
{
	return t->attr[r];
}

/* The role of an aging band by index (bands beyond the sixth share the last role). */
enum role theme_band_role(int band);

#endif
