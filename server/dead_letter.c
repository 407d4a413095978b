/* dead_letter.c - the dead-letter spool (dead_letter.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "dead_letter.h"
#include "xalloc.h"

#define SPOOL_NAME_LEN 128
#define SAFE_ID_MAX 100

const char *
send_channel_name(enum send_channel c)
{
	return c == SEND_SMS ? "sms" : "email";
}

/* The file name of dispatch id: the id itself when it is short and of safe characters (a
 * UUID is), else its BLAKE2b in hex, so any id maps to one file inside dir. */
static void
file_name(const char *id, char name[SPOOL_NAME_LEN])
{
	size_t n = strlen(id);
	int safe = n > 0 && n <= SAFE_ID_MAX && strspn(id, "abcdefghijklmnopqrstuvwxyz"
						     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;

	if (safe) {
		snprintf(name, SPOOL_NAME_LEN, "%s.json", id);
	} else {
		unsigned char h[16];
		char hex[sizeof h * 2 + 1];

		crypto_generichash(h, sizeof h, (const unsigned char *)id, n, NULL, 0);
		snprintf(name, SPOOL_NAME_LEN, "h-%s.json", sodium_bin2hex(hex, sizeof hex, h, sizeof h));
	}
}

int
dead_letter_spool_path(const struct server_config *c, char *buf, size_t len, struct err *e)
{
	int n;

	if (c->spool_dir[0] != '\0')
		n = snprintf(buf, len, "%s", c->spool_dir);
	else
		n = snprintf(buf, len, "%s.spool", c->database);
	return n < 0 || (size_t)n >= len ? err_set(e, "spool_dir: too long") : 0;
}

int
dead_letter_dir_prepare(const char *dir, struct err *e)
{
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(e, "%s: cannot make the dead-letter spool: %s", dir, strerror(errno));
	if (lstat(dir, &st) != 0)
		return err_set(e, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(e, "%s: the dead-letter spool is not a directory", dir);
	if ((st.st_mode & 077) != 0)
		return err_set(e, "%s: open to others (mode %03o); the dead-letter spool holds "
				  "personal data and must be 0700", dir, (unsigned)(st.st_mode & 0777));
	return 0;
}

void
dead_letter_clear(struct dead_letter *d)
{
	free(d->to);
	free(d->subject);
	free(d->body);
	memset(d, 0, sizeof *d);
}

static int
load_path(const char *path, struct dead_letter *d, struct err *e)
{
	const char *id, *channel, *to, *subject = "", *body, *outcome, *reason, *first, *last;
	json_error_t je;
	json_int_t attempts;
	json_t *doc;
	int rc = -1;

	memset(d, 0, sizeof *d);
	if ((doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je)) == NULL)
		return err_set(e, "%s:%d: %s", path, je.line, je.text);
	if (json_unpack_ex(doc, &je, JSON_STRICT, "{s:s, s:s, s:s, s?s, s:s, s:s, s:s, s:s, s:s, "
			   "s:I}", "id", &id, "channel", &channel, "to", &to, "subject", &subject,
			   "body", &body, "outcome", &outcome, "reason", &reason, "first_failed",
			   &first, "last_failed", &last, "attempts", &attempts) != 0) {
		err_set(e, "%s: not a dead letter: %s", path, je.text);
		goto out;
	}
	if ((strcmp(channel, "email") != 0 && strcmp(channel, "sms") != 0) ||
	    (strcmp(outcome, "for now") != 0 && strcmp(outcome, "for good") != 0) ||
	    strlen(id) >= sizeof d->id || attempts < 1 || attempts > 1000000 ||
	    time_parse_rfc3339(first, &d->first_failed, e) != 0 ||
	    time_parse_rfc3339(last, &d->last_failed, e) != 0) {
		err_set(e, "%s: not a dead letter: a bad channel, outcome, id, time or count", path);
		goto out;
	}
	snprintf(d->id, sizeof d->id, "%s", id);
	snprintf(d->reason, sizeof d->reason, "%s", reason);
	d->channel = strcmp(channel, "sms") == 0 ? SEND_SMS : SEND_EMAIL;
	d->for_good = strcmp(outcome, "for good") == 0;
	d->attempts = (int)attempts;
	d->to = xstrdup(to);
	d->subject = xstrdup(subject);
	d->body = xstrdup(body);
	rc = 0;
out:
	json_decref(doc);
	return rc;
}

int
dead_letter_load(const char *dir, const char *id, struct dead_letter *d, struct err *e)
{
	char name[SPOOL_NAME_LEN], path[4096];

	file_name(id, name);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 1;
	if (load_path(path, d, e) != 0)
		return -1;
	if (strcmp(d->id, id) != 0) {
		dead_letter_clear(d);
		return err_set(e, "%s: holds another dispatch id", path);
	}
	return 0;
}

/* Writes text and a newline (one JSON document per line) to dir/name through a temporary
 * file: 0600, fsync'd, renamed, the directory fsync'd, so a crash leaves the old entry or
 * the new one, never half of one. */
static int
write_atomic(const char *dir, const char *name, const char *text, struct err *e)
{
	char tmp[4096], path[4096];
	size_t n = strlen(text);
	int fd, dfd, ok;

	snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0)
		return err_set(e, "%s: %s", tmp, strerror(errno));
	ok = write(fd, text, n) == (ssize_t)n && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
	if (close(fd) != 0 || !ok || rename(tmp, path) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		ok = fsync(dfd) == 0;
		close(dfd);
		if (ok)
			return 0;
	}
	return err_set(e, "%s: cannot sync the directory: %s", dir, strerror(errno));
}

int
dead_letter_put(const char *dir, const struct send_message *m, int outcome, const char *why,
		int64_t now, struct err *e)
{
	struct dead_letter old;
	char name[SPOOL_NAME_LEN], first[32], last[32];
	int64_t first_failed = now;
	int attempts = 1, rc;
	json_t *doc;
	char *text;

	if ((rc = dead_letter_load(dir, m->dispatch_id, &old, e)) < 0)
		return -1;
	if (rc == 0) {
		first_failed = old.first_failed;
		attempts = old.attempts + 1;
		dead_letter_clear(&old);
	}
	doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i}", "id", m->dispatch_id,
			"channel", send_channel_name(m->channel), "to", m->to, "subject",
			m->channel == SEND_EMAIL && m->subject ? m->subject : "", "body", m->body,
			"outcome", outcome == 2 ? "for good" : "for now", "reason", why,
			"first_failed", time_format_rfc3339(first_failed, first, sizeof first),
			"last_failed", time_format_rfc3339(now, last, sizeof last), "attempts",
			attempts);
	if (doc == NULL)
		return err_set(e, "dead letter %s: a value is not valid UTF-8", m->dispatch_id);
	text = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(doc);
	if (text == NULL)
		return err_set(e, "out of memory writing a dead letter");
	file_name(m->dispatch_id, name);
	rc = write_atomic(dir, name, text, e);
	sodium_memzero(text, strlen(text));
	free(text);
	return rc;
}

int
dead_letter_remove(const char *dir, const char *id, struct err *e)
{
	char name[SPOOL_NAME_LEN], path[4096];

	file_name(id, name);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (unlink(path) != 0 && errno != ENOENT)
		return err_set(e, "%s: %s", path, strerror(errno));
	return 0;
}

static int
by_first_failed(const void *a, const void *b)
{
	const struct dead_letter *x = a, *y = b;

	if (x->first_failed != y->first_failed)
		return x->first_failed < y->first_failed ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
dead_letter_scan(const char *dir, dead_letter_fn fn, void *ctx, struct err *e)
{
	struct dead_letter *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if ((d = opendir(dir)) == NULL)
		return errno == ENOENT ? 0 : err_set(e, "%s: %s", dir, strerror(errno));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char path[4096];

		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((all = reallocarray(all, cap, sizeof *all)) == NULL)
				abort();
		}
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (load_path(path, &all[n], e) != 0)
			rc = -1;
		else
			n++;
	}
	closedir(d);
	if (rc == 0 && n > 0)	/* qsort must not be handed NULL, even for no items */
		qsort(all, n, sizeof *all, by_first_failed);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = fn(ctx, &all[i]);
		dead_letter_clear(&all[i]);
	}
	free(all);
	return rc;
}
