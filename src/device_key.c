/* device_key.c - Ed25519 device keys over libsodium's crypto_sign. The secret key lives only in
 * its own file, written like the token file, and in memory while a push is signed. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "device_key.h"

/* The signed text starts with a label, so a device signature can never be replayed as the
 * signature of anything else this key might sign one day. */
#define HEAD_LABEL "arrears-head-v1"

int
device_key_path(const char *cache, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.key", cache);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

void
device_key_wipe(struct device_key *k)
{
	sodium_memzero(k, sizeof *k);
}

void
device_key_public_hex(const struct device_key *k, char out[DEVICE_KEY_HEX])
{
	sodium_bin2hex(out, DEVICE_KEY_HEX, k->pk, sizeof k->pk);
}

static int
key_write(const char *path, const struct device_key *k, struct err *e)
{
	char tmp[4200], hex[2 * sizeof k->sk + 2];
	int fd, ok;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	sodium_bin2hex(hex, sizeof hex - 1, k->sk, sizeof k->sk);
	strcat(hex, "\n");
	unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		sodium_memzero(hex, sizeof hex);
		return err_set(e, "%s: %s", tmp, strerror(errno));
	}
	ok = fchmod(fd, 0600) == 0 && write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) &&
	     fsync(fd) == 0;
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0 || !ok || rename(tmp, path) != 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
key_read(const char *path, int fd, struct device_key *k, struct err *e)
{
	char hex[2 * sizeof k->sk + 8];
	struct stat st;
	ssize_t n;
	size_t len;
	int rc = -1;

	if (fstat(fd, &st) != 0)
		return err_set(e, "%s: %s", path, strerror(errno));
	if ((st.st_mode & 077) != 0)
		return err_set(e, "%s: readable by others (mode %03o); it must be 0600", path,
			       (unsigned)(st.st_mode & 0777));
	n = read(fd, hex, sizeof hex - 1);
	if (n < 0) {
		err_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	hex[n] = '\0';
	hex[strcspn(hex, "\r\n")] = '\0';
	if (strlen(hex) != 2 * sizeof k->sk ||
	    sodium_hex2bin(k->sk, sizeof k->sk, hex, strlen(hex), NULL, &len, NULL) != 0 ||
	    len != sizeof k->sk) {
		err_set(e, "%s: not a device key (128 hex characters expected)", path);
		goto out;
	}
	/* the secret key carries its public half; check it rather than trust the file */
	if (crypto_sign_ed25519_sk_to_pk(k->pk, k->sk) != 0) {
		err_set(e, "%s: not a device key", path);
		goto out;
	}
	rc = 0;
out:
	sodium_memzero(hex, sizeof hex);
	return rc;
}

int
device_key_load(const char *cache, int create, struct device_key *k, struct err *e)
{
	char path[4096];
	int fd, rc;

	memset(k, 0, sizeof *k);
	if (device_key_path(cache, path, sizeof path) != 0)
		return err_set(e, "cache path too long");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		rc = key_read(path, fd, k, e);
		close(fd);
		if (rc != 0)
			device_key_wipe(k);
		return rc;
	}
	if (errno != ENOENT)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (!create)
		return 1;
	crypto_sign_keypair(k->pk, k->sk);
	if (key_write(path, k, e) != 0) {
		device_key_wipe(k);
		return -1;
	}
	return 0;
}

/* The text a head signature covers; -1 when the parts are not what the protocol allows (a
 * device id with a space would make two heads sign the same text). */
static int
head_text(const char *device, int64_t seq, const char *hash, char *buf, size_t len,
	  struct err *e)
{
	int n;

	if (device == NULL || device[0] == '\0' || strlen(device) > 39 ||
	    strpbrk(device, " \t\r\n") != NULL)
		return err_set(e, "head: the device id must be 1 to 39 bytes without spaces");
	if (seq < 1)
		return err_set(e, "head: seq must be 1 or more");
	if (hash == NULL || strlen(hash) != 64 || strspn(hash, "0123456789abcdef") != 64)
		return err_set(e, "head: the hash must be 64 lowercase hex characters");
	n = snprintf(buf, len, HEAD_LABEL " %s %lld %s", device, (long long)seq, hash);
	return n < 0 || (size_t)n >= len ? err_set(e, "head: too long") : 0;
}

int
device_key_sign_head(const struct device_key *k, const char *device, int64_t seq,
		     const char *hash, char sig[DEVICE_SIG_HEX], struct err *e)
{
	unsigned char raw[crypto_sign_BYTES];
	char text[160];

	if (head_text(device, seq, hash, text, sizeof text, e) != 0)
		return -1;
	crypto_sign_detached(raw, NULL, (const unsigned char *)text, strlen(text), k->sk);
	sodium_bin2hex(sig, DEVICE_SIG_HEX, raw, sizeof raw);
	return 0;
}

/* Lowercase hex of exactly 2 * n characters into out. */
static int
hex_exact(const char *hex, unsigned char *out, size_t n)
{
	size_t len;

	return hex != NULL && strlen(hex) == 2 * n && strspn(hex, "0123456789abcdef") == 2 * n &&
			       sodium_hex2bin(out, n, hex, 2 * n, NULL, &len, NULL) == 0 && len == n
		       ? 0
		       : -1;
}

int
device_key_verify_head(const char *public_hex, const char *device, int64_t seq,
		       const char *hash, const char *sig_hex, struct err *e)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	char text[160];

	if (hex_exact(public_hex, pk, sizeof pk) != 0)
		return err_set(e, "the public key is not 64 lowercase hex characters");
	if (hex_exact(sig_hex, sig, sizeof sig) != 0)
		return err_set(e, "the signature is not 128 lowercase hex characters");
	if (head_text(device, seq, hash, text, sizeof text, e) != 0)
		return -1;
	if (crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text), pk) != 0)
		return err_set(e, "the signature of %s #%lld does not verify against the device's key",
			       device, (long long)seq);
	return 0;
}
