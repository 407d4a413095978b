#include "config.h"

#include <ctype.h>
#include <stdio.h>

#include "app.h"
#include "text.h"

/* The help screen is generated from the action table and the live keymap, so it shows the
 * user's own bindings and can never disagree with them. */
struct help_view {
	int scroll, lines;
};

static void
put(struct view *v, WINDOW *w, int *line, enum role role, int x, const char *s)
{
	const struct help_view *hv = v->priv;
	int y = *line - hv->scroll;

	if (y >= 0 && y < v->rows) {
		wattrset(w, theme_attr(&v->app->theme, role));
		text_put(w, y, x, v->cols - x, s, TEXT_LEFT);
	}
}

static void
help_view_draw(struct view *v, WINDOW *w)
{
	struct help_view *hv = v->priv;
	char keys[64], buf[256];
	int c, act, line = 0, kw = v->cols >= 90 ? 18 : 14, nw = v->cols >= 90 ? 16 : 15;
	unsigned bit;
	size_t used = 0;

	for (c = 0; c < KEYCTX_COUNT; c++) {
		bool any = false;

		for (act = ACTION_NONE + 1; act < ACTION_COUNT; act++) {
			if (action_context(act) != (enum keyctx)c)
				continue;
			if (!any) {
				snprintf(buf, sizeof buf, "%c%s keys",
					 toupper((unsigned char)keyctx_name(c)[0]),
					 keyctx_name(c) + 1);
				put(v, w, &line, ROLE_HEADER, 1, buf);
				line++;
				any = true;
			}
			keymap_keys_of(&v->app->keymap, act, keys, sizeof keys);
			put(v, w, &line, ROLE_LABEL, 2, keys[0] != '\0' ? keys : "(unbound)");
			put(v, w, &line, ROLE_HELP, 2 + kw, action_name(act));
			put(v, w, &line, ROLE_HELP, 2 + kw + nw, action_help(act));
			line++;
		}
		if (any)
			line++;
	}
	put(v, w, &line, ROLE_HEADER, 1, "Flags in the queue");
	line++;
	buf[0] = '\0';
	for (bit = 1; bit < 1u << AFLAG_COUNT_ && used < sizeof buf; bit <<= 1)
		used += snprintf(buf + used, sizeof buf - used, "%c %s  ", view_flag_letter(bit),
				 account_flag_name(bit));
	put(v, w, &line, ROLE_FLAG, 2, buf);
	line++;
	hv->lines = line;
}

static unsigned
help_view_handle(struct view *v, enum action act, int key)
{
	struct help_view *hv = v->priv;
	return view_page_scroll(act, hv->lines, v->rows, &hv->scroll);
}

static void
help_view_title(struct view *v, char *buf, size_t len)
{
	snprintf(buf, len, " Help: key bindings");
}

const struct view_ops view_help_ops = {
	.name = "help",
	.ctx = KEYCTX_HELP,
	.private_size = sizeof(struct help_view),
	.draw = help_view_draw,
	.handle = help_view_handle,
	.title = help_view_title,
};
