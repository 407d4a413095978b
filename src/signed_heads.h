/* signed_heads.h - the chain heads this cache signed at each push (migration 004), checked
 * again for `arrears audit verify`. */
#ifndef ARREARS_SIGNED_HEADS_H
#define ARREARS_SIGNED_HEADS_H

#include <stdint.h>

#include "err.h"

struct store;

struct signed_heads_report {
	int64_t heads;		/* checked */
	int64_t last_seq;	/* the newest signed link of this device, 0 when none */
	char public_key[65];	/* of the newest head, "" when none */
	char problem[640];	/* the first bad head, "" when all are good */
};

/* Checks every signed head: the signature against its public key, the hash against the
 * event the cache holds at that link, and the newest head's key against the device's key file
 * when key_public (hex) is not NULL. 0 when all are good, 1 when one is not (r->problem says which),
 * -1 on error. */
int signed_heads_verify(struct store *s, const char *key_public, struct signed_heads_report *r,
			struct err *e);

#endif
