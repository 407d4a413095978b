/* first_paint.c - time from exec to the first painted queue, and peak RSS, over N runs.
 *
 * Runs arrears on a pseudo-terminal of 100x30 with ARREARS_BENCH_EXIT_AFTER_PAINT=1, which
 * makes it exit right after its first full paint (cache opened, queue loaded and ranked,
 * screen drawn and flushed). The time is taken on the monotonic clock from fork to reaping;
 * peak RSS comes from the child's rusage. A benchmark, not a test: see bench/first_paint.sh.
 */
#include "config.h"

#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One run: returns its wall time in ms and stores the child's peak RSS in KiB, or -1. */
static double
run_once(const char *arrears, const char *cache, long *rss_kib)
{
	struct winsize ws = {.ws_row = 30, .ws_col = 100};
	struct rusage ru;
	char buf[65536];
	double t0 = now_ms();
	int master, status;
	pid_t pid;

	pid = forkpty(&master, NULL, NULL, &ws);
	if (pid == -1) {
		perror("forkpty");
		return -1;
	}
	if (pid == 0) {
		setenv("ARREARS_BENCH_EXIT_AFTER_PAINT", "1", 1);
		if (getenv("TERM") == NULL)
			setenv("TERM", "xterm-256color", 1);
		execl(arrears, "arrears", "--cache", cache, (char *)NULL);
		_exit(127);
	}
	/* Drain the screen output so the child never blocks on a full terminal. */
	while (read(master, buf, sizeof buf) > 0 || errno == EINTR)
		continue;
	if (wait4(pid, &status, 0, &ru) == -1) {
		perror("wait4");
		return -1;
	}
	close(master);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "first_paint: arrears failed (status %d)\n", status);
		return -1;
	}
	*rss_kib = ru.ru_maxrss;
	return now_ms() - t0;
}

int
main(int argc, char **argv)
{
	double *ms;
	long rss, peak = 0;
	int runs, i;

	if (argc < 3) {
		fprintf(stderr, "usage: first_paint ARREARS CACHE [RUNS]\n");
		return 2;
	}
	runs = argc > 3 ? atoi(argv[3]) : 10;
	if (runs < 1 || (ms = calloc((size_t)runs, sizeof *ms)) == NULL)
		return 2;
	/* One unmeasured run warms the page cache, as a collector's second start would be. */
	if (run_once(argv[1], argv[2], &rss) < 0)
		return 1;
	for (i = 0; i < runs; i++) {
		if ((ms[i] = run_once(argv[1], argv[2], &rss)) < 0)
			return 1;
		if (rss > peak)
			peak = rss;
	}
	qsort(ms, (size_t)runs, sizeof *ms, cmp_double);
	printf("first paint: runs %d  min %.1f ms  median %.1f ms  max %.1f ms\n", runs, ms[0],
	       ms[runs / 2], ms[runs - 1]);
	printf("peak RSS: %.1f MiB\n", peak / 1024.0);
	free(ms);
	return 0;
}
