/* sync_job.h - one sync in the background: a child process runs sync_run (src/sync.c) over its
 * own cache connection and libcurl handles and reports over a pipe, which the caller polls with
 * whatever else it waits for (the workstation: its keys). docs/ARCHITECTURE.md says why a
 * process and not a curl multi handle in the UI loop. */
#ifndef ARREARS_SYNC_JOB_H
#define ARREARS_SYNC_JOB_H

#include <stdint.h>

#include "err.h"

struct sync_conf;
struct sync_job;

/* How the sync ended. */
struct sync_job_result {
	int status;			/* an enum sync_status */
	int64_t pulled, pushed, rejected, pending;
	char message[512];		/* why, when status is not SYNC_OK; else "" */
};

/* Starts a sync of the cache at path with c (copied; its strings are read in the child). The
 * child records how it ended (sync_status_note) before it reports. 0, or -1 with e filled. */
int sync_job_start(const char *path, const struct sync_conf *c, struct sync_job **out,
		   struct err *e);

/* The pipe to poll for POLLIN; reading it is sync_job_read's. */
int sync_job_fd(const struct sync_job *j);

/* Takes what the child wrote so far, never waiting for more: 1 while it runs, 0 once it has
 * ended (res filled; the child is reaped). */
int sync_job_read(struct sync_job *j, struct sync_job_result *res);

/* The child's last progress line ("pulled 120 accounts, pushed 3 events"), "" before the
 * first. Borrowed until the next sync_job_read. */
const char *sync_job_progress(const struct sync_job *j);

/* Closes the pipe and frees j, clearing the pointer; accepts NULL. A child still running is
 * left to finish on its own (its work is committed step by step) and is not waited for, so
 * quitting never hangs on the network. */
void sync_job_free(struct sync_job **j);

#endif
