/* sync_job.c - a sync in a child process, reporting over a pipe; see sync_job.h.
 *
 * The child writes lines: "P <progress text>" any number of times, then one
 * "R <status> <pulled> <pushed> <rejected> <pending> <message>". A child that dies without the
 * R line (a crash, a signal) is reported as a failed sync with how it ended. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "store.h"
#include "sync.h"
#include "sync_job.h"
#include "sync_status.h"

#define LINE_MAX_LEN 1024

struct sync_job {
	pid_t pid;
	int fd;
	char buf[LINE_MAX_LEN];		/* a line not yet complete */
	size_t used;
	char progress[256];
	bool ended;			/* the R line was read */
	struct sync_job_result res;
};

/* Writes all of text to fd; a parent gone (EPIPE) is not the child's problem. */
static void
put(int fd, const char *text)
{
	size_t len = strlen(text), off = 0;
	ssize_t n;

	while (off < len) {
		n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		off += (size_t)n;
	}
}

/* One protocol line from a message: newlines would split it. */
static void
flatten(char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

static void
child_progress(void *ctx, const struct sync_report *r)
{
	char line[128];

	snprintf(line, sizeof line, "P pulled %" PRId64 " accounts, pushed %" PRId64 " events\n",
		 r->upserted + r->removed, r->accepted + r->duplicates + r->rejected);
	put(*(int *)ctx, line);
}

/* The child: never returns. It must not touch anything of the parent's (curses, the parent's
 * cache connection): it opens its own and leaves with _exit, so no atexit handler of the
 * parent's runs twice. */
static void
child_run(int fd, const char *path, const struct sync_conf *conf)
{
	struct sigaction dfl = {.sa_handler = SIG_DFL}, ign = {.sa_handler = SIG_IGN};
	struct sync_conf c = *conf;
	struct sync_report r = {0};
	struct store *s = NULL;
	enum store_failure why;
	struct err e = {""}, e2 = {""};
	char line[LINE_MAX_LEN];
	int rc = SYNC_FAILED, null;

	/* The parent's handlers write to its wake-up pipe; the child wants the defaults, and
	 * a closed pipe is a parent that quit, not a reason to die mid-transaction. */
	sigemptyset(&dfl.sa_mask);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGHUP, &dfl, NULL);
	/* C-c in the terminal is meant for the workstation, which the child outlives anyway. */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGPIPE, &ign, NULL);
	/* Nothing may reach the terminal that curses is drawing on. */
	if ((null = open("/dev/null", O_RDWR)) != -1) {
		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (null > STDERR_FILENO)
			close(null);
	}
	c.progress = child_progress;
	c.progress_ctx = &fd;
	if (store_open(path, STORE_OPEN_EXISTING, &s, &why, &e) == 0) {
		rc = sync_run(s, &c, &r, &e);
		if (rc == SYNC_OK)
			e.msg[0] = '\0';
		if (sync_status_note(s, rc, e.msg, clock_now(), &e2) != 0 && rc == SYNC_OK) {
			rc = SYNC_FAILED;
			snprintf(e.msg, sizeof e.msg, "%s", e2.msg);
		}
		store_close(&s);
	}
	flatten(e.msg);
	snprintf(line, sizeof line, "R %d %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 " %s\n",
		 rc, r.upserted + r.removed, r.accepted + r.duplicates, r.rejected, r.pending,
		 e.msg);
	put(fd, line);
	_exit(0);
}

int
sync_job_start(const char *path, const struct sync_conf *c, struct sync_job **out,
	       struct err *e)
{
	struct sync_job *j;
	int fds[2];

	*out = NULL;
	if ((j = calloc(1, sizeof *j)) == NULL)
		return err_set(e, "out of memory");
	if (pipe(fds) == -1) {
		free(j);
		return err_set(e, "sync: pipe: %s", strerror(errno));
	}
	j->pid = fork();
	if (j->pid == -1) {
		close(fds[0]);
		close(fds[1]);
		free(j);
		return err_set(e, "sync: fork: %s", strerror(errno));
	}
	if (j->pid == 0) {
		close(fds[0]);
		child_run(fds[1], path, c);
	}
	close(fds[1]);
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	j->fd = fds[0];
	*out = j;
	return 0;
}

int
sync_job_fd(const struct sync_job *j)
{
	return j->fd;
}

const char *
sync_job_progress(const struct sync_job *j)
{
	return j->progress;
}

/* Acts on one complete line from the child. */
static void
line_take(struct sync_job *j, char *line)
{
	struct sync_job_result *r = &j->res;
	int consumed = 0;

	if (line[0] == 'P' && line[1] == ' ') {
		snprintf(j->progress, sizeof j->progress, "%s", line + 2);
		return;
	}
	if (line[0] == 'R' &&
	    sscanf(line, "R %d %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64 " %n", &r->status,
		   &r->pulled, &r->pushed, &r->rejected, &r->pending, &consumed) == 5 &&
	    consumed > 0) {
		snprintf(r->message, sizeof r->message, "%s", line + consumed);
		j->ended = true;
	}
}

/* The child is gone: reaps it, and makes up the result when it left none. */
static void
reap(struct sync_job *j)
{
	int st = 0;

	while (waitpid(j->pid, &st, 0) == -1 && errno == EINTR)
		continue;
	j->pid = -1;
	if (j->ended)
		return;
	memset(&j->res, 0, sizeof j->res);
	j->res.status = SYNC_FAILED;
	if (WIFSIGNALED(st))
		snprintf(j->res.message, sizeof j->res.message,
			 "the sync process was killed by signal %d", WTERMSIG(st));
	else
		snprintf(j->res.message, sizeof j->res.message,
			 "the sync process ended without a result");
}

int
sync_job_read(struct sync_job *j, struct sync_job_result *res)
{
	ssize_t n;
	char *nl;

	for (;;) {
		if (j->pid == -1) {
			*res = j->res;
			return 0;
		}
		n = read(j->fd, j->buf + j->used, sizeof j->buf - 1 - j->used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;	/* EAGAIN: nothing more for now */
		if (n == 0) {
			reap(j);
			continue;
		}
		j->used += (size_t)n;
		j->buf[j->used] = '\0';
		while ((nl = strchr(j->buf, '\n')) != NULL) {
			*nl = '\0';
			line_take(j, j->buf);
			j->used -= (size_t)(nl + 1 - j->buf);
			memmove(j->buf, nl + 1, j->used + 1);
		}
		/* A line longer than the buffer is no line of ours: drop it. */
		if (j->used == sizeof j->buf - 1)
			j->used = 0;
	}
}

void
sync_job_free(struct sync_job **j)
{
	if (*j == NULL)
		return;
	close((*j)->fd);
	free(*j);
	*j = NULL;
}
