/* seal.h - sealed personal data in the client cache: each value is sealed on its own with
 * libsodium's secretbox (XSalsa20-Poly1305, a fresh random nonce per value) under a key that
 * lives in its own 0600 file beside the cache, never in it. The store registers SQL functions
 * seal() and unseal() on its connection, so SQL that writes or reads a sealed column says so
 * where it names the column, and everything above the store sees plain text. */
#ifndef ARREARS_SEAL_H
#define ARREARS_SEAL_H

#include <stddef.h>

#include "err.h"

struct seal;
struct sqlite3;

/* Bytes a sealed value has beyond its plain text: a format byte, the nonce and the MAC. */
#define SEAL_OVERHEAD 41
/* Hex digits of seal_check's text, with its NUL. */
#define SEAL_CHECK_HEX 65

/* The key file of a cache: "<cache>.seal". 0, or -1 when it does not fit. */
int seal_key_path(const char *cache, char *buf, size_t len);

/* Loads the key at key_path into a new *out; when the file is missing and create is set, makes
 * a random key and writes it (0600, under a temporary name, fsync'd, renamed). Returns 0, 1
 * when the file is missing and create is not set, -1 when it is unreadable, readable by
 * others, or not a key (e names the file). */
int seal_load(const char *key_path, int create, struct seal **out, struct err *e);

/* A random key kept only in memory, for a cache that is itself only in memory. */
struct seal *seal_ephemeral(void);

/* Wipes the key and frees it; accepts NULL and sets *s to NULL. */
void seal_free(struct seal **s);

/* The key file the key came from ("" for an ephemeral key). Borrowed. */
const char *seal_key_file(const struct seal *s);

/* A keyed hash that tells this key apart from any other without revealing it, kept in the
 * cache so a wrong key file is named as such instead of failing value by value. */
void seal_check(const struct seal *s, char out[SEAL_CHECK_HEX]);

/* Seals n bytes of p into out, which has room for n + SEAL_OVERHEAD bytes. One thread at a
 * time may seal with s (the nonces come from a pool in s). */
void seal_value(const struct seal *s, const void *p, size_t n, unsigned char *out);

/* Opens a sealed value of n bytes into out (room for n - SEAL_OVERHEAD bytes; *len gets the
 * plain length). 0, or -1 when it is not a sealed value or fails authentication. */
int seal_open_value(const struct seal *s, const unsigned char *c, size_t n, unsigned char *out,
		    size_t *len);

/* One value for seal_open_many: the sealed bytes in, the plain text out as a C string of at
 * most cap - 1 bytes (cut at a UTF-8 character boundary when longer). */
struct seal_job {
	const unsigned char *c;
	size_t n;
	char *out;
	size_t cap;
};

/* Opens every job (a job that does not open gets ""). Safe to call from several threads at
 * once. Returns -1 when all opened, else the index of the first job that did not. */
long seal_open_jobs(const struct seal *s, const struct seal_job *jobs, size_t n);

/* Registers on db the SQL functions seal(text) -> blob and unseal(blob, table, row) -> text;
 * unseal fails the statement with a message naming the table and row when a value is not
 * sealed or fails authentication. s must outlive db's use of them. 0 or -1. */
int seal_register(struct sqlite3 *db, const struct seal *s, struct err *e);

#endif
