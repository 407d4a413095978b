#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "settings.h"
#include "store.h"
#include "text.h"
#include "when.h"

void
status_draw(struct app *a)
{
	const char *path = store_path(a->store), *base = strrchr(path, '/');
	char left[256];
	int cols = getmaxx(a->status), lw, cw;

	when_clock(a->zone, clock_now(), a->clock, sizeof a->clock);
	/* Sync arrives with the sync module; until then the workstation is always offline. */
	snprintf(left, sizeof left, " %s (%s) | %s | offline",
		 a->cfg->user[0] != '\0' ? a->cfg->user : "-",
		 a->cfg->role[0] != '\0' ? a->cfg->role : "-", base != NULL ? base + 1 : path);
	lw = text_width(left);
	cw = text_width(a->clock) + 1;
	wattrset(a->status, theme_attr(&a->theme, ROLE_STATUSBAR));
	text_put(a->status, 0, 0, cols - cw, left, TEXT_LEFT);
	if (a->message[0] != '\0' && lw + 3 < cols - cw) {
		wattrset(a->status, theme_attr(&a->theme,
					       a->message_error ? ROLE_ERROR : ROLE_STATUSBAR));
		text_put(a->status, 0, lw + 2, cols - cw - lw - 3, a->message, TEXT_LEFT);
		wattrset(a->status, theme_attr(&a->theme, ROLE_STATUSBAR));
	}
	text_put(a->status, 0, cols - cw, cw, a->clock, TEXT_LEFT);
}
