#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "clock.h"
#include "server.h"

static FILE *log_file;
/* request threads and the main thread may log at once; a line is never interleaved */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int
log_open(const char *path, struct err *e)
{
	FILE *f;

	if (path == NULL || *path == '\0') {
		log_file = NULL;
		return 0;
	}
	if ((f = fopen(path, "a")) == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	setvbuf(f, NULL, _IOLBF, 0);
	log_file = f;
	return 0;
}

void
log_msg(const char *fmt, ...)
{
	FILE *out = log_file ? log_file : stderr;
	char at[32];
	va_list ap;

	pthread_mutex_lock(&log_lock);
	fprintf(out, "%s arrearsd: ", time_format_rfc3339(clock_now(), at, sizeof at));
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
	pthread_mutex_unlock(&log_lock);
}
