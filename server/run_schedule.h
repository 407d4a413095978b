/* run_schedule.h - the daily run of `arrearsd serve`: with run_at set, a thread starts a
 * strategy run (run_job.h) every day at that time (UTC), and again when the earliest message
 * it deferred may go. */
#ifndef ARREARS_SERVER_RUN_SCHEDULE_H
#define ARREARS_SERVER_RUN_SCHEDULE_H

#include "err.h"
#include "server.h"

struct run_schedule;

/* Starts the schedule of c; *out is NULL when run_at is empty. 0, or -1 with e. */
int run_schedule_start(const struct server_config *c, struct run_schedule **out,
		       struct err *e);

/* Stops the thread (waiting for a run under way to end) and sets *s to NULL; accepts NULL. */
void run_schedule_stop(struct run_schedule **s);

#endif
