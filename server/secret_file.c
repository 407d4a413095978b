/* secret_file.c - provider secrets read from files only their owner can read. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret_file.h"

int
secret_file_read(const char *path, char *buf, size_t len, struct err *e)
{
	char raw[4096];
	struct stat st;
	ssize_t n;
	size_t line;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err_set(e, "%s: not a regular file", path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		err_set(e, "%s: readable by others (mode %03o); a secret file must be 0600", path,
			(unsigned)(st.st_mode & 0777));
		goto out;
	}
	if ((n = read(fd, raw, sizeof raw - 1)) < 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	raw[n] = '\0';
	line = strcspn(raw, "\r\n");
	if (line == 0) {
		err_set(e, "%s: empty", path);
		goto out;
	}
	if (strspn(raw + line, "\r\n") != (size_t)n - line || strlen(raw) != (size_t)n) {
		err_set(e, "%s: must hold one line", path);
		goto out;
	}
	if (line >= len) {
		err_set(e, "%s: longer than %zu bytes", path, len - 1);
		goto out;
	}
	memcpy(buf, raw, line);
	buf[line] = '\0';
	rc = 0;
out:
	sodium_memzero(raw, sizeof raw);
	close(fd);
	return rc;
}
