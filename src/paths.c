#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

int
paths_dirname(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	size_t n;

	if (slash == NULL)
		return snprintf(buf, len, ".") < (int)len ? 0 : -1;
	n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= len)
		return -1;
	memcpy(buf, path, n);
	buf[n] = '\0';
	return 0;
}

int
paths_mkdir_p(const char *dir, mode_t mode, struct err *e)
{
	char tmp[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof tmp)
		return err_set(e, "bad directory name");
	memcpy(tmp, dir, n + 1);
	for (char *p = tmp + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(tmp, mode) != 0 && errno != EEXIST)
				return err_set(e, "cannot create %s: %s", tmp, strerror(errno));
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

int
paths_xdg(const char *env, const char *fallback, const char *leaf, char *buf, size_t len)
{
	const char *base = getenv(env), *home = getenv("HOME");
	int n;

	if (base != NULL && base[0] == '/')
		n = snprintf(buf, len, "%s/arrears/%s", base, leaf);
	else if (home != NULL && *home != '\0')
		n = snprintf(buf, len, "%s/%s/arrears/%s", home, fallback, leaf);
	else
		return -1;
	return n > 0 && (size_t)n < len ? 0 : -1;
}

/* Source-tree layout: themes/ at the top, everything else under data/. */
static int
try_dir(const char *root, const char *kind, int source_tree, const char *name, char *buf,
	size_t len)
{
	int n;

	if (source_tree && strcmp(kind, "themes") != 0)
		n = snprintf(buf, len, "%s/data/%s/%s", root, kind, name);
	else
		n = snprintf(buf, len, "%s/%s/%s", root, kind, name);
	return n > 0 && (size_t)n < len && access(buf, R_OK) == 0 ? 0 : -1;
}

int
paths_find_data(const char *kind, const char *name, char *buf, size_t len, struct err *e)
{
	const char *env = getenv("ARREARS_DATADIR");

	if (strchr(name, '/') != NULL) {
		if (snprintf(buf, len, "%s", name) >= (int)len || access(buf, R_OK) != 0)
			return err_set(e, "%s: %s", name, strerror(errno));
		return 0;
	}
	if (env != NULL && *env != '\0' &&
	    (try_dir(env, kind, 0, name, buf, len) == 0 || try_dir(env, kind, 1, name, buf, len) == 0))
		return 0;
	if (try_dir(PKGDATADIR, kind, 0, name, buf, len) == 0)
		return 0;
	if (try_dir(SRCDIR, kind, 1, name, buf, len) == 0)
		return 0;
	return err_set(e, "no %s file '%s' (looked in $ARREARS_DATADIR and the installed data)",
		       kind, name);
}

int
paths_find_data_dir(const char *kind, char *buf, size_t len, struct err *e)
{
	size_t n;

	/* a directory is found as a file named "." in it */
	if (paths_find_data(kind, ".", buf, len, e) != 0)
		return -1;
	if ((n = strlen(buf)) >= 2 && strcmp(buf + n - 2, "/.") == 0)
		buf[n - 2] = '\0';
	return 0;
}

char *
paths_conf_stem(const char *path, char *buf, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base != NULL ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
		n -= 5;
	snprintf(buf, len, "%.*s", (int)n, base);
	return buf;
}

int
paths_find_conf(const char *kind, const char *name, char *buf, size_t len, struct err *e)
{
	char file[256];
	size_t n = strlen(name);

	if ((size_t)snprintf(file, sizeof file, "%s%s", name,
			     strchr(name, '/') == NULL && (n < 5 || strcmp(name + n - 5, ".conf") != 0)
				     ? ".conf" : "") >= sizeof file)
		return err_set(e, "%s: name too long", name);
	return paths_find_data(kind, file, buf, len, e);
}
