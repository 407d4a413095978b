/* device_key.h - the device's Ed25519 key pair (libsodium crypto_sign): made on the first login,
 * its secret half kept in a 0600 file beside the cache, used to sign the chain head of every
 * push; and the check of such a signature, shared with arrearsd. */
#ifndef ARREARS_DEVICE_KEY_H
#define ARREARS_DEVICE_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define DEVICE_KEY_HEX 65	/* a public key as hex, with its NUL */
#define DEVICE_SIG_HEX 129	/* a signature as hex, with its NUL */

struct device_key {
	unsigned char pk[32];
	unsigned char sk[64];	/* libsodium's secret key (seed and public key) */
};

/* The key file of a cache: "<cache>.key". 0, or -1 when it does not fit. */
int device_key_path(const char *cache, char *buf, size_t len);

/* Loads the key pair of the cache at `cache` into k; when there is none and create is set,
 * makes one and writes it (0600, under a temporary name, fsync'd, renamed). Returns 0, 1 when
 * there is none and create is not set, -1 on a bad or unreadable file (e names it). */
int device_key_load(const char *cache, int create, struct device_key *k, struct err *e);

/* Clears the secret key from memory. */
void device_key_wipe(struct device_key *k);

/* The public key as 64 lowercase hex characters into out. */
void device_key_public_hex(const struct device_key *k, char out[DEVICE_KEY_HEX]);

/* Signs the chain head (device, seq, hash) as docs/PROTOCOL.md "Signed chain heads" says;
 * the signature goes to sig as hex. 0, or -1 when an argument is not what the protocol allows. */
int device_key_sign_head(const struct device_key *k, const char *device, int64_t seq,
			 const char *hash, char sig[DEVICE_SIG_HEX], struct err *e);

/* Checks a signed head against a public key (both hex). 0 when the signature is good, -1 with
 * the reason in e otherwise (malformed key or signature, or a signature that does not verify). */
int device_key_verify_head(const char *public_hex, const char *device, int64_t seq,
			   const char *hash, const char *sig_hex, struct err *e);

#endif
