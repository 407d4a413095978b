/* sync_status.h - what the workstation shows about sync, read from the cache: events owed to the
 * server, dead letters with the server's reason, when the last sync ended and whether the last
 * attempt found the server gone; and the one decision a person takes here, retrying a dead
 * letter. No network: src/sync.c talks to the server, src/sync_job.c runs it in the background. */
#ifndef ARREARS_SYNC_STATUS_H
#define ARREARS_SYNC_STATUS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

struct store;

struct sync_summary {
	int64_t pending;	/* this device's events the server has not answered for */
	int64_t dead;		/* events the server rejected (dead letters) */
	int64_t last_sync;	/* when the last sync ended well, UTC seconds; 0: never */
	int64_t offline_since;	/* the first of the attempts since then that found no server; 0 */
	char problem[512];	/* why the last attempt failed, "" when it did not */
};

/* One event owed to the server or rejected by it. */
struct sync_item {
	char event_id[40];
	char account[ACCOUNT_ID_LEN];
	char kind[32];
	int64_t at;		/* when the event was recorded (device clock) */
	int attempts;		/* pushes that failed for the network or the server (outbox) */
	char reason[256];	/* the server's rejection (dead letters) or the last failure */
	int64_t rejected_at;	/* when the server rejected it (dead letters); else 0 */
};

/* Reads the counts and times into out. Cheap (indexed counts), so the status bar can ask after
 * every change. 0, or -1 with e filled. */
int sync_status_load(struct store *s, struct sync_summary *out, struct err *e);

/* Records the end of a sync attempt that returned status (an enum sync_status) with message
 * why: a good end clears the offline mark and the problem; SYNC_UNREACHABLE keeps the first
 * time the server was missed; any failure keeps why. 0, or -1 with e filled. */
int sync_status_note(struct store *s, int status, const char *why, int64_t now, struct err *e);

/* The events owed to the server, oldest first, at most max of them, in a new array the caller
 * frees (*items is NULL when there are none). Events recorded since the last sync count too:
 * sync queues them in the outbox as it starts. 0, or -1 with e filled. */
int sync_status_pending(struct store *s, size_t max, struct sync_item **items, size_t *n,
			struct err *e);

/* The dead letters, newest rejection first, with the server's reason; as sync_status_pending. */
int sync_status_dead(struct store *s, size_t max, struct sync_item **items, size_t *n,
		     struct err *e);

/* Puts a dead letter back in the outbox, so the next sync pushes it again (the event itself is
 * immutable; the server answers for it anew). 0, or -1 with e filled, also when event_id is no
 * dead letter. */
int sync_status_retry(struct store *s, const char *event_id, struct err *e);

/* "just now", "4m ago", "3h ago", "2d ago": how long before now t was. Pure. Returns buf. */
char *sync_status_ago(int64_t now, int64_t t, char *buf, size_t len);

#endif
