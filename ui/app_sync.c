/* app_sync.c - the workstation's side of a background sync: start it, take its reports between
 * keys, reload what it changed. The sync itself runs in a child (src/sync_job.c). */
#include "config.h"

#include <stdio.h>

#include "app.h"
#include "settings.h"
#include "store.h"
#include "sync.h"
#include "sync_job.h"

void
app_sync_start(struct app *a)
{
	struct sync_conf c;
	struct err e;

	if (a->sync != NULL) {
		app_message(a, true, "a sync is already running");
		return;
	}
	/* As `arrears sync` does: the server saved at login, the configured trust. */
	sync_conf_default(&c);
	c.ca_file = a->cfg->ca_file;
	c.pinned_public_key = a->cfg->pinned_public_key;
	if (sync_job_start(store_path(a->store), &c, &a->sync, &e) != 0) {
		app_message(a, true, "%s", e.msg);
		return;
	}
	app_message(a, false, "sync started");
}

int
app_sync_fd(const struct app *a)
{
	return a->sync != NULL ? sync_job_fd(a->sync) : -1;
}

bool
app_sync_poll(struct app *a, struct sync_job_result *r)
{
	if (a->sync == NULL)
		return false;
	a->dirty = true;	/* progress or the end: the status bar changes either way */
	if (sync_job_read(a->sync, r) != 0)
		return false;
	sync_job_free(&a->sync);
	return true;
}

void
app_sync_report(struct app *a, const struct sync_job_result *r)
{
	switch (r->status) {
	case SYNC_OK:
		app_message(a, false, "synced: pulled %lld, pushed %lld", (long long)r->pulled,
			    (long long)r->pushed);
		break;
	case SYNC_UNREACHABLE:
		app_message(a, true, "offline: %s; %lld events kept for the next sync", r->message,
			    (long long)r->pending);
		break;
	case SYNC_LOGIN_NEEDED:
		app_message(a, true, "login needed (arrears login): %s", r->message);
		break;
	case SYNC_REJECTED:
		app_message(a, true, "synced, but %lld events were rejected: see the sync view",
			    (long long)r->rejected);
		break;
	default:
		app_message(a, true, "sync failed: %s", r->message);
		break;
	}
}

void
app_sync_refresh(struct app *a)
{
	struct err e;

	if (sync_status_load(a->store, &a->synced, &e) != 0)
		snprintf(a->synced.problem, sizeof a->synced.problem, "%s", e.msg);
}
