#include "config.h"

#include <libconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "theme.h"

static const char *const role_names[ROLE_COUNT] = {
#define X(id, name, mono) [ROLE_##id] = name,
	THEME_ROLES(X)
#undef X
};

static const attr_t role_mono[ROLE_COUNT] = {
#define X(id, name, mono) [ROLE_##id] = mono,
	THEME_ROLES(X)
#undef X
};

static const char *const colour_names[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"brightblack", "brightred", "brightgreen", "brightyellow",
	"brightblue", "brightmagenta", "brightcyan", "brightwhite",
};

static const struct {
	const char *name;
	attr_t attr;
} attr_names[] = {
	{.name = "normal", .attr = A_NORMAL},
	{.name = "bold", .attr = A_BOLD},
	{.name = "dim", .attr = A_DIM},
	{.name = "underline", .attr = A_UNDERLINE},
	{.name = "reverse", .attr = A_REVERSE},
	{.name = "standout", .attr = A_STANDOUT},
	{.name = "italic", .attr = A_ITALIC},
	{.name = "blink", .attr = A_BLINK},
};

bool
theme_no_color(void)
{
	const char *v = getenv("NO_COLOR");

	return v != NULL && v[0] != '\0';
}

void
theme_builtin(struct theme *t)
{
	int r;

	t->path[0] = '\0';
	for (r = 0; r < ROLE_COUNT; r++) {
		t->style[r] = (struct style){.fg = -1, .bg = -1, .attrs = role_mono[r]};
		t->attr[r] = role_mono[r];
	}
}

enum role
theme_band_role(int band)
{
	static const enum role roles[] = {
		ROLE_BAND_CURRENT, ROLE_BAND_1_30, ROLE_BAND_31_60,
		ROLE_BAND_61_90, ROLE_BAND_91_120, ROLE_BAND_120_PLUS,
	};
	int last = (int)(sizeof roles / sizeof roles[0]) - 1;

	return roles[band < 0 ? 0 : band > last ? last : band];
}

/* "default", a name of the 16 ANSI colours, or "colorN" for 0..255. 0 or -1. */
static int
parse_colour(const char *s, short *out)
{
	char *end;
	long n;
	int i;

	if (strcmp(s, "default") == 0) {
		*out = -1;
		return 0;
	}
	for (i = 0; i < 16; i++) {
		if (strcmp(s, colour_names[i]) == 0) {
			*out = (short)i;
			return 0;
		}
	}
	if (strncmp(s, "color", 5) == 0 && s[5] != '\0') {
		n = strtol(s + 5, &end, 10);
		if (*end == '\0' && n >= 0 && n <= 255) {
			*out = (short)n;
			return 0;
		}
	}
	return -1;
}

/* Space-separated attribute words. Returns 0, or -1 with the bad word in bad. */
static int
parse_attrs(const char *s, attr_t *out, char *bad, size_t badlen)
{
	char copy[128], *tok, *save = NULL;
	size_t i;

	*out = A_NORMAL;
	snprintf(copy, sizeof copy, "%s", s);
	for (tok = strtok_r(copy, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
			if (strcmp(tok, attr_names[i].name) == 0)
				break;
		if (i == sizeof attr_names / sizeof attr_names[0]) {
			snprintf(bad, badlen, "%s", tok);
			return -1;
		}
		*out |= attr_names[i].attr;
	}
	return 0;
}

static int
find_role(const char *name)
{
	int r;

	for (r = 0; r < ROLE_COUNT; r++)
		if (strcmp(role_names[r], name) == 0)
			return r;
	return -1;
}

/* Reads one role group: { fg = "..."; bg = "..."; attrs = "..."; }. */
static int
read_role(const char *file, config_setting_t *g, struct style *st, struct err *e)
{
	const char *role = config_setting_name(g);
	int line = config_setting_source_line(g);
	config_setting_t *m;
	char bad[64];
	int i;

	if (!config_setting_is_group(g))
		return err_set(e, "%s:%d: %s: expected a group { fg = ...; bg = ...; attrs = ...; }",
			       file, line, role);
	*st = (struct style){.fg = -1, .bg = -1, .attrs = A_NORMAL};
	for (i = 0; (m = config_setting_get_elem(g, i)) != NULL; i++) {
		const char *key = config_setting_name(m);
		const char *val = config_setting_get_string(m);

		line = config_setting_source_line(m);
		if (val == NULL)
			return err_set(e, "%s:%d: %s.%s: expected a string", file, line, role, key);
		if (strcmp(key, "fg") == 0 || strcmp(key, "bg") == 0) {
			if (parse_colour(val, key[0] == 'f' ? &st->fg : &st->bg) == -1)
				return err_set(e, "%s:%d: %s.%s: unknown colour '%s'", file, line,
					       role, key, val);
		} else if (strcmp(key, "attrs") == 0) {
			if (parse_attrs(val, &st->attrs, bad, sizeof bad) == -1)
				return err_set(e, "%s:%d: %s.attrs: unknown attribute '%s'", file,
					       line, role, bad);
		} else {
			return err_set(e, "%s:%d: %s: unknown setting '%s' (fg, bg, attrs)", file,
				       line, role, key);
		}
	}
	return 0;
}

/* The first readable candidate for name, in the order theme.h documents. 0 or -1. */
static int
find_file(const char *name, char *out, size_t len)
{
	const char *dirs[] = {getenv("ARREARS_DATADIR"), PKGDATADIR, SRCDIR};
	size_t i;

	if (strchr(name, '/') != NULL) {
		snprintf(out, len, "%s", name);
		return access(out, R_OK);
	}
	for (i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
		if (dirs[i] == NULL || dirs[i][0] == '\0')
			continue;
		snprintf(out, len, "%s/themes/%s.conf", dirs[i], name);
		if (access(out, R_OK) == 0)
			return 0;
	}
	return -1;
}

int
theme_load(struct theme *t, const char *name, struct err *e)
{
	config_t cf;
	config_setting_t *root, *g;
	int i, r, rc = -1;

	theme_builtin(t);
	if (find_file(name, t->path, sizeof t->path) == -1)
		return err_set(e, "theme '%s': no such theme (looked for themes/%s.conf in "
			       "$ARREARS_DATADIR, %s and %s)", name, name, PKGDATADIR, SRCDIR);
	config_init(&cf);
	if (config_read_file(&cf, t->path) != CONFIG_TRUE) {
		if (config_error_type(&cf) == CONFIG_ERR_FILE_IO)
			err_set(e, "%s: cannot read theme", t->path);
		else
			err_set(e, "%s:%d: %s", t->path, config_error_line(&cf),
				config_error_text(&cf));
		goto out;
	}
	root = config_root_setting(&cf);
	for (i = 0; (g = config_setting_get_elem(root, i)) != NULL; i++) {
		r = find_role(config_setting_name(g));
		if (r == -1) {
			err_set(e, "%s:%d: unknown role '%s'", t->path,
				config_setting_source_line(g), config_setting_name(g));
			goto out;
		}
		if (read_role(t->path, g, &t->style[r], e) == -1)
			goto out;
	}
	rc = 0;
out:
	config_destroy(&cf);
	return rc;
}

/* A colour the terminal lacks falls back: a bright one to its dark twin, others to default. */
static short
fit_colour(short c, attr_t *extra)
{
	if (c < COLORS)
		return c;
	if (c >= 8 && c < 16) {
		*extra |= A_BOLD;
		return (short)(c - 8);
	}
	return -1;
}

void
theme_apply(struct theme *t, bool mono)
{
	int r;

	if (mono || !has_colors()) {
		for (r = 0; r < ROLE_COUNT; r++)
			t->attr[r] = t->style[r].attrs;
		return;
	}
	start_color();
	use_default_colors();
	for (r = 0; r < ROLE_COUNT; r++) {
		attr_t extra = A_NORMAL;
		short fg = fit_colour(t->style[r].fg, &extra);
		short bg = fit_colour(t->style[r].bg, &extra);

		/* Pair 0 is the terminal's own; each role gets the pair after its index. */
		if (r + 1 < COLOR_PAIRS && init_pair((short)(r + 1), fg, bg) == OK)
			t->attr[r] = t->style[r].attrs | extra | COLOR_PAIR(r + 1);
		else
			t->attr[r] = t->style[r].attrs | extra;
	}
}
