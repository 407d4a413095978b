/* blobs.c - content-addressed blob files. An upload grows in partial/USER.SHA (one per user,
 * so nobody can spoil another's upload), each chunk fsync'd before it is acknowledged; the
 * chunk that completes it has the whole file hashed, and only a match is renamed into place. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blobs.h"
#include "paths.h"

struct blobs {
	char dir[1024];
};

int
blobs_name_valid(const char *name)
{
	return name != NULL && strlen(name) == 64 && strspn(name, "0123456789abcdef") == 64;
}

int
blobs_open(const char *dir, struct blobs **out, struct err *e)
{
	struct blobs *b;
	char partial[1100];

	*out = NULL;
	if (strlen(dir) >= sizeof b->dir - 80)
		return err_set(e, "blob_dir: too long");
	snprintf(partial, sizeof partial, "%s/partial", dir);
	if (paths_mkdir_p(partial, 0700, e) != 0)
		return err_prefix(e, "blob_dir");
	if ((b = calloc(1, sizeof *b)) == NULL)
		abort();
	snprintf(b->dir, sizeof b->dir, "%s", dir);
	*out = b;
	return 0;
}

void
blobs_free(struct blobs **b)
{
	if (b == NULL || *b == NULL)
		return;
	free(*b);
	*b = NULL;
}

static void
final_path(const struct blobs *b, const char *sha, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%.2s/%s", b->dir, sha, sha);
}

static void
partial_path(const struct blobs *b, const char *user, const char *sha, char *buf, size_t len)
{
	snprintf(buf, len, "%s/partial/%s.%s", b->dir, user, sha);
}

int
blobs_status(struct blobs *b, const char *user, const char *sha, int64_t *held, int *complete,
	     struct err *e)
{
	char path[1200];
	struct stat st;

	*held = 0;
	*complete = 0;
	final_path(b, sha, path, sizeof path);
	if (stat(path, &st) == 0) {
		*held = (int64_t)st.st_size;
		*complete = 1;
		return 0;
	}
	if (errno != ENOENT)
		return err_set(e, "%s: %s", path, strerror(errno));
	partial_path(b, user, sha, path, sizeof path);
	if (stat(path, &st) == 0)
		*held = (int64_t)st.st_size;
	else if (errno != ENOENT)
		return err_set(e, "%s: %s", path, strerror(errno));
	return 0;
}

/* The SHA-256 of the open file fd, as hex. */
static int
hash_fd(int fd, char hex[65], struct err *e)
{
	crypto_hash_sha256_state st;
	unsigned char buf[65536], d[crypto_hash_sha256_BYTES];
	off_t off = 0;
	ssize_t n;

	crypto_hash_sha256_init(&st);
	while ((n = pread(fd, buf, sizeof buf, off)) > 0) {
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
		off += n;
	}
	if (n < 0)
		return err_set(e, "reading an upload: %s", strerror(errno));
	crypto_hash_sha256_final(&st, d);
	sodium_bin2hex(hex, 65, d, sizeof d);
	return 0;
}

static int
fsync_dir(const char *dir, struct err *e)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return err_set(e, "%s: %s", dir, strerror(errno));
	rc = fsync(fd);
	close(fd);
	return rc == 0 ? 0 : err_set(e, "%s: %s", dir, strerror(errno));
}

/* Moves a checked upload into place: the rename, then both directories, reach the disk before
 * the client is told the blob is stored. */
static int
promote(struct blobs *b, const char *partial, const char *sha, struct err *e)
{
	char dir[1100], path[1200], pdir[1100];

	snprintf(dir, sizeof dir, "%s/%.2s", b->dir, sha);
	snprintf(pdir, sizeof pdir, "%s/partial", b->dir);
	final_path(b, sha, path, sizeof path);
	if (paths_mkdir_p(dir, 0700, e) != 0)
		return -1;
	if (rename(partial, path) != 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	return fsync_dir(dir, e) != 0 || fsync_dir(pdir, e) != 0 ? -1 : 0;
}

int
blobs_put(struct blobs *b, const char *user, const char *sha, int64_t size, int64_t offset,
	  const void *data, size_t len, int64_t *held, struct err *e)
{
	char path[1200], hex[65];
	struct stat st;
	int fd, complete, rc = -1;

	if (blobs_status(b, user, sha, held, &complete, e) != 0)
		return -1;
	if (complete)
		return BLOBS_COMPLETE;
	partial_path(b, user, sha, path, sizeof path);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	/* one writer at a time per upload, even with several server threads */
	if (flock(fd, LOCK_EX) != 0 || fstat(fd, &st) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	*held = (int64_t)st.st_size;
	if (offset != *held) {
		rc = BLOBS_BAD_OFFSET;
		goto out;
	}
	if (offset + (int64_t)len > size) {
		rc = BLOBS_TOO_LONG;
		goto out;
	}
	if (len > 0 && pwrite(fd, data, len, (off_t)offset) != (ssize_t)len) {
		err_set(e, "%s: %s", path, strerror(errno));
		if (ftruncate(fd, (off_t)offset) != 0)	/* a short write must not count */
			unlink(path);
		goto out;
	}
	if (fsync(fd) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	*held = offset + (int64_t)len;
	if (*held < size) {
		rc = BLOBS_PARTIAL;
		goto out;
	}
	if (hash_fd(fd, hex, e) != 0)
		goto out;
	if (strcmp(hex, sha) != 0) {
		/* the bytes are not what the evidence names: nothing of them is kept */
		unlink(path);
		*held = 0;
		rc = BLOBS_MISMATCH;
		goto out;
	}
	rc = promote(b, path, sha, e) == 0 ? BLOBS_COMPLETE : -1;
out:
	close(fd);
	return rc;
}

int
blobs_open_read(struct blobs *b, const char *sha, int *fd, int64_t *size, struct err *e)
{
	char path[1200];
	struct stat st;

	final_path(b, sha, path, sizeof path);
	if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 1 : err_set(e, "%s: %s", path, strerror(errno));
	if (fstat(*fd, &st) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		close(*fd);
		*fd = -1;
		return -1;
	}
	*size = (int64_t)st.st_size;
	return 0;
}
