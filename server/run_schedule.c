/* run_schedule.c - one thread that sleeps until the next run is due and runs it. It has its
 * own connection to the book (run_job opens one per run) and takes the write lock like any
 * writer; the HTTP workers go on answering meanwhile. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "run_job.h"
#include "run_schedule.h"

struct run_schedule {
	const struct server_config *conf;
	int minute;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
};

static void
ignore_line(void *ctx, const struct run_line *l)
{
	(void)ctx;
	(void)l;
}

static void
log_problem(void *ctx, const char *text)
{
	(void)ctx;
	log_msg("run: %s", text);
}

/* Waits until the clock says `when` (or a stop); true when it is time. */
static bool
wait_until(struct run_schedule *s, int64_t when)
{
	struct timespec deadline;
	int64_t left = when - clock_now();
	bool go;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += left > 0 ? (time_t)left : 0;
	pthread_mutex_lock(&s->lock);
	while (!s->stop &&
	       pthread_cond_timedwait(&s->wake, &s->lock, &deadline) != ETIMEDOUT)
		;
	go = !s->stop;
	pthread_mutex_unlock(&s->lock);
	return go;
}

static void *
schedule_main(void *arg)
{
	struct run_schedule *s = arg;
	int64_t last = 0, retry = 0;

	for (;;) {
		/* The clock may be frozen (ARREARS_NOW), so the next run is counted from the last
		 * one too, never from "now" alone: a run never repeats its own slot. */
		int64_t from = clock_now() > last ? clock_now() : last + 1;
		int64_t next = run_next_time(s->minute, from);
		struct run_job j = { 0 };
		struct run_totals t;
		struct err e;
		int version;

		if (retry > last && retry < next)
			next = retry;
		if (!wait_until(s, next))
			break;
		last = next;
		j.at = clock_now() > next ? clock_now() : next;
		if (run_job(s->conf, &j, ignore_line, log_problem, NULL, &t, &version, &e) != 0) {
			log_msg("run: %s", e.msg);
			retry = 0;
			continue;
		}
		log_msg("run: book %s v%d, %zu accounts: %zu sent, %zu deferred, %zu failed, %zu due",
			s->conf->run_book, version, t.accounts, t.sent, t.deferred, t.failed, t.due);
		retry = t.next_at;
	}
	return NULL;
}

int
run_schedule_start(const struct server_config *c, struct run_schedule **out, struct err *e)
{
	struct run_schedule *s;
	int minute = conf_run_minute(c->run_at);

	*out = NULL;
	if (c->run_at[0] == '\0')
		return 0;
	if (minute < 0)
		return err_set(e, "run_at: '%s' is not HH:MM", c->run_at);
	if ((s = calloc(1, sizeof *s)) == NULL)
		abort();
	s->conf = c;
	s->minute = minute;
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->wake, NULL);
	if (pthread_create(&s->thread, NULL, schedule_main, s) != 0) {
		free(s);
		return err_set(e, "cannot start the run schedule's thread");
	}
	log_msg("strategy runs daily at %s UTC", c->run_at);
	*out = s;
	return 0;
}

void
run_schedule_stop(struct run_schedule **sp)
{
	struct run_schedule *s = *sp;

	if (s == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	s->stop = true;
	pthread_cond_signal(&s->wake);
	pthread_mutex_unlock(&s->lock);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->wake);
	free(s);
	*sp = NULL;
}
