/* seal.c - field-by-field sealing of the cache's personal data with libsodium's secretbox. A
 * sealed value is a BLOB: a format byte, the 24-byte nonce, then the MAC and the cipher text;
 * plain text is a TEXT value, so SQL can tell the two apart with typeof(). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "seal.h"

#define SEAL_FORMAT 1
#define KEY_HEX (2 * crypto_secretbox_KEYBYTES)
/* What seal_check hashes: a label, so the check can never be mistaken for anything else. */
#define CHECK_LABEL "arrears-seal-check-v1"

_Static_assert(SEAL_OVERHEAD == 1 + crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES,
	       "SEAL_OVERHEAD is the format byte, the nonce and the MAC");

/* Nonces are random bytes from the system, drawn a page at a time: one getrandom() per nonce
 * was two thirds of the cost of sealing the demo book. The page is wiped in a forked child
 * (MADV_WIPEONFORK), so parent and child never hand out the same bytes; where the kernel
 * cannot promise that, every nonce comes from the system on its own. */
struct nonce_pool {
	size_t left;
	unsigned char bytes[4096 - sizeof(size_t)];
};

struct seal {
	unsigned char key[crypto_secretbox_KEYBYTES];
	char path[4096];
	struct nonce_pool *pool;	/* NULL: no pool */
};

int
seal_key_path(const char *cache, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.seal", cache);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static struct seal *
seal_alloc(const char *path)
{
	struct seal *s;

	/* libsodium must be ready before the first random byte; it is idempotent and cheap. */
	if (sodium_init() < 0 || (s = calloc(1, sizeof *s)) == NULL)
		abort();
	snprintf(s->path, sizeof s->path, "%s", path);
#ifdef MADV_WIPEONFORK
	s->pool = mmap(NULL, sizeof *s->pool, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);
	if (s->pool == MAP_FAILED)
		s->pool = NULL;
	else if (madvise(s->pool, sizeof *s->pool, MADV_WIPEONFORK) != 0) {
		munmap(s->pool, sizeof *s->pool);
		s->pool = NULL;
	}
#endif
	return s;
}

static void
nonce(const struct seal *s, unsigned char *out)
{
	struct nonce_pool *p = s->pool;
	unsigned char *from;

	if (p == NULL) {
		randombytes_buf(out, crypto_secretbox_NONCEBYTES);
		return;
	}
	if (p->left < crypto_secretbox_NONCEBYTES) {
		randombytes_buf(p->bytes, sizeof p->bytes);
		p->left = sizeof p->bytes;
	}
	from = p->bytes + sizeof p->bytes - p->left;
	memcpy(out, from, crypto_secretbox_NONCEBYTES);
	sodium_memzero(from, crypto_secretbox_NONCEBYTES);
	p->left -= crypto_secretbox_NONCEBYTES;
}

struct seal *
seal_ephemeral(void)
{
	struct seal *s = seal_alloc("");

	crypto_secretbox_keygen(s->key);
	return s;
}

void
seal_free(struct seal **s)
{
	if (s == NULL || *s == NULL)
		return;
	sodium_memzero((*s)->key, sizeof (*s)->key);
	if ((*s)->pool != NULL) {
		sodium_memzero((*s)->pool, sizeof *(*s)->pool);
		munmap((*s)->pool, sizeof *(*s)->pool);
	}
	free(*s);
	*s = NULL;
}

const char *
seal_key_file(const struct seal *s)
{
	return s->path;
}

static int
key_write(const struct seal *s, struct err *e)
{
	char tmp[4200], hex[KEY_HEX + 2];
	int fd, ok;

	snprintf(tmp, sizeof tmp, "%s.tmp", s->path);
	sodium_bin2hex(hex, KEY_HEX + 1, s->key, sizeof s->key);
	strcat(hex, "\n");
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		sodium_memzero(hex, sizeof hex);
		return err_set(e, "%s: %s", tmp, strerror(errno));
	}
	ok = fchmod(fd, 0600) == 0 && write(fd, hex, KEY_HEX + 1) == KEY_HEX + 1 && fsync(fd) == 0;
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0 || !ok || rename(tmp, s->path) != 0) {
		err_set(e, "%s: %s", s->path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
key_read(struct seal *s, int fd, struct err *e)
{
	char hex[KEY_HEX + 8];
	struct stat st;
	size_t len, got;
	ssize_t n;
	int rc = -1;

	if (fstat(fd, &st) != 0)
		return err_set(e, "%s: %s", s->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return err_set(e, "%s: not a regular file", s->path);
	if ((st.st_mode & 077) != 0)
		return err_set(e, "%s: readable by others (mode %03o); the seal key must be 0600",
			       s->path, (unsigned)(st.st_mode & 0777));
	if ((n = read(fd, hex, sizeof hex - 1)) < 0)
		return err_set(e, "%s: %s", s->path, strerror(errno));
	hex[n] = '\0';
	len = strcspn(hex, "\r\n");
	if (len != KEY_HEX || strspn(hex + len, "\r\n") != (size_t)n - len ||
	    sodium_hex2bin(s->key, sizeof s->key, hex, len, NULL, &got, NULL) != 0 ||
	    got != sizeof s->key)
		err_set(e, "%s: not a seal key (expected %d hex digits and a newline)", s->path,
			KEY_HEX);
	else
		rc = 0;
	sodium_memzero(hex, sizeof hex);
	return rc;
}

int
seal_load(const char *key_path, int create, struct seal **out, struct err *e)
{
	struct seal *s;
	int fd, rc;

	*out = NULL;
	if (strlen(key_path) >= sizeof s->path)
		return err_set(e, "%s: path too long", key_path);
	s = seal_alloc(key_path);
	if ((fd = open(key_path, O_RDONLY | O_CLOEXEC)) >= 0) {
		rc = key_read(s, fd, e);
		close(fd);
	} else if (errno != ENOENT) {
		rc = err_set(e, "%s: %s", key_path, strerror(errno));
	} else if (!create) {
		rc = 1;
	} else {
		crypto_secretbox_keygen(s->key);
		rc = key_write(s, e);
	}
	if (rc != 0)
		seal_free(&s);
	*out = s;
	return rc;
}

void
seal_check(const struct seal *s, char out[SEAL_CHECK_HEX])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof h, (const unsigned char *)CHECK_LABEL, strlen(CHECK_LABEL),
			   s->key, sizeof s->key);
	sodium_bin2hex(out, SEAL_CHECK_HEX, h, sizeof h);
}

void
seal_value(const struct seal *s, const void *p, size_t n, unsigned char *out)
{
	out[0] = SEAL_FORMAT;
	nonce(s, out + 1);
	crypto_secretbox_easy(out + 1 + crypto_secretbox_NONCEBYTES, p, n, out + 1, s->key);
}

int
seal_open_value(const struct seal *s, const unsigned char *c, size_t n, unsigned char *out,
		size_t *len)
{
	if (n < SEAL_OVERHEAD || c[0] != SEAL_FORMAT)
		return -1;
	if (crypto_secretbox_open_easy(out, c + 1 + crypto_secretbox_NONCEBYTES,
				       n - 1 - crypto_secretbox_NONCEBYTES, c + 1, s->key) != 0)
		return -1;
	*len = n - SEAL_OVERHEAD;
	return 0;
}

/* Opens one job; false when it does not open. */
static bool
job_open(const struct seal *s, const struct seal_job *j)
{
	unsigned char small[512], *buf = small;
	size_t len = 0, n;
	bool ok;

	if (j->n > sizeof small && (buf = malloc(j->n)) == NULL)
		abort();
	ok = j->c != NULL && seal_open_value(s, j->c, j->n, buf, &len) == 0;
	n = ok ? len : 0;
	if (n >= j->cap) {
		n = j->cap - 1;
		while (n > 0 && (buf[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(j->out, buf, n);
	j->out[n] = '\0';
	sodium_memzero(buf, len);
	if (buf != small)
		free(buf);
	return ok;
}

long
seal_open_jobs(const struct seal *s, const struct seal_job *jobs, size_t n)
{
	long bad = -1;

	for (size_t i = 0; i < n; i++)
		if (!job_open(s, &jobs[i]) && bad < 0)
			bad = (long)i;
	return bad;
}

/* Most values are short: they are handled on the stack, the rare long one on the heap. */
#define SMALL 1024

static void
sql_seal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct seal *s = sqlite3_user_data(ctx);
	const unsigned char *p;
	unsigned char small[SMALL], *buf = small;
	size_t n;

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	p = sqlite3_value_text(argv[0]);
	n = (size_t)sqlite3_value_bytes(argv[0]);
	if (p == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	if (n + SEAL_OVERHEAD > sizeof small && (buf = malloc(n + SEAL_OVERHEAD)) == NULL)
		abort();
	seal_value(s, p, n, buf);
	sqlite3_result_blob(ctx, buf, (int)(n + SEAL_OVERHEAD), SQLITE_TRANSIENT);
	if (buf != small)
		free(buf);
}

static void
sql_unseal(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const struct seal *s = sqlite3_user_data(ctx);
	const unsigned char *c;
	unsigned char small[SMALL], *buf = small;
	size_t n, len;
	char *msg;

	(void)argc;
	switch (sqlite3_value_type(argv[0])) {
	case SQLITE_NULL:
		sqlite3_result_null(ctx);
		return;
	case SQLITE_BLOB:
		break;
	default:
		msg = sqlite3_mprintf("%s row %s: value is not sealed (changed outside arrears?)",
				      sqlite3_value_text(argv[1]), sqlite3_value_text(argv[2]));
		goto fail;
	}
	c = sqlite3_value_blob(argv[0]);
	n = (size_t)sqlite3_value_bytes(argv[0]);
	if (n > sizeof small && (buf = malloc(n)) == NULL)
		abort();
	if (c == NULL || seal_open_value(s, c, n, buf, &len) != 0) {
		if (buf != small)
			free(buf);
		msg = sqlite3_mprintf("%s row %s: sealed value fails authentication (damaged, or "
				      "not sealed under %s)", sqlite3_value_text(argv[1]),
				      sqlite3_value_text(argv[2]),
				      s->path[0] ? s->path : "this session's key");
		goto fail;
	}
	sqlite3_result_text(ctx, (const char *)buf, (int)len, SQLITE_TRANSIENT);
	sodium_memzero(buf, len);
	if (buf != small)
		free(buf);
	return;
fail:
	if (msg == NULL) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	sqlite3_result_error(ctx, msg, -1);
	sqlite3_free(msg);
}

int
seal_register(struct sqlite3 *db, const struct seal *s, struct err *e)
{
	/* seal() draws a fresh nonce on every call, so it must never be taken as deterministic. */
	if (sqlite3_create_function(db, "seal", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY, (void *)s,
				    sql_seal, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "unseal", 3,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY,
				    (void *)s, sql_unseal, NULL, NULL) != SQLITE_OK)
		return err_set(e, "cannot register the seal functions: %s", sqlite3_errmsg(db));
	return 0;
}
