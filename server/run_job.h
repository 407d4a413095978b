/* run_job.h - one strategy run with everything it needs opened for it: its own connection to
 * the book, the strategy data and the configured sender. `arrearsd run` and the schedule of
 * `arrearsd serve` both start runs through here. */
#ifndef ARREARS_SERVER_RUN_JOB_H
#define ARREARS_SERVER_RUN_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "run.h"
#include "server.h"

struct run_job {
	const char *book;	/* a book name or path; NULL for the config's run_book */
	const char *version;	/* NULL, or the book version to load (NAME.vV.conf) */
	int64_t at;
	bool dry_run;
};

/* Runs j under configuration c. Problems of the strategy data go to problem(ctx, text).
 * 0, or -1 with e. */
int run_job(const struct server_config *c, const struct run_job *j,
	    void (*report)(void *ctx, const struct run_line *l),
	    void (*problem)(void *ctx, const char *text), void *ctx, struct run_totals *t,
	    int *book_version, struct err *e);

/* The first time at or after `after` whose UTC time of day is `minute` (0..1439). */
int64_t run_next_time(int minute, int64_t after);

#endif
