#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "settings.h"
#include "store.h"
#include "text.h"
#include "when.h"

/* How sync stands, for the status bar: under way, offline, failed, or when it last ended well;
 * then what is owed to the server and what it rejected. */
static void
sync_text(const struct app *a, char *buf, size_t len)
{
	const struct sync_summary *st = &a->synced;
	char when[64], dead[32] = "";

	if (a->sync != NULL) {
		const char *p = sync_job_progress(a->sync);

		snprintf(when, sizeof when, "syncing%s%s", p[0] != '\0' ? ": " : "...", p);
	} else if (st->offline_since != 0) {
		char at[40];

		snprintf(when, sizeof when, "offline since %s",
			 when_near(a->zone, clock_now(), st->offline_since, at, sizeof at));
	} else if (st->problem[0] != '\0') {
		snprintf(when, sizeof when, "sync failed");
	} else if (st->last_sync == 0) {
		snprintf(when, sizeof when, "never synced");
	} else {
		char ago[32];

		snprintf(when, sizeof when, "synced %s",
			 sync_status_ago(clock_now(), st->last_sync, ago, sizeof ago));
	}
	if (st->dead > 0)
		snprintf(dead, sizeof dead, ", %lld rejected", (long long)st->dead);
	snprintf(buf, len, "%s | %lld pending%s", when, (long long)st->pending, dead);
}

/* The left part of the bar, fullest first: a message that would not fit beside one of them is
 * worth more than the cache's name and the role, so those give way before it is cut. */
static void
status_left(const struct app *a, int form, const char *sync, char *buf, size_t len)
{
	const char *path = store_path(a->store), *base = strrchr(path, '/');
	const char *user = a->cfg->user[0] != '\0' ? a->cfg->user : "-";

	if (form == 0)
		snprintf(buf, len, " %s (%s) | %s | %s", user,
			 a->cfg->role[0] != '\0' ? a->cfg->role : "-",
			 base != NULL ? base + 1 : path, sync);
	else if (form == 1)
		snprintf(buf, len, " %s | %s", user, sync);
	else
		snprintf(buf, len, " %s", sync);
}

void
status_draw(struct app *a)
{
	char left[256], sync[128];
	int cols = getmaxx(a->status), lw, cw, form = 0;

	when_clock(a->zone, clock_now(), a->clock, sizeof a->clock);
	cw = text_width(a->clock) + 1;
	sync_text(a, sync, sizeof sync);
	do
		status_left(a, form, sync, left, sizeof left);
	while (a->message[0] != '\0' && ++form < 3 &&
	       text_width(left) + 3 + text_width(a->message) > cols - cw);
	lw = text_width(left);
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
