/* paylink.h - signed, expiring payment links: BASE/pay?a=ACCOUNT&m=CENTS&c=CUR&x=EXPIRES&s=MAC,
 * where MAC is HMAC-SHA256 under a 32-byte key of a canonical encoding of the four fields
 * (docs/PROTOCOL.md "Payment links"). Pure: no clock, no files, no network. */
#ifndef ARREARS_PAYLINK_H
#define ARREARS_PAYLINK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

#define PAYLINK_KEY_BYTES 32

struct paylink {
	char account[ACCOUNT_ID_LEN];	/* letters, digits, '.', '_', '-' */
	int64_t amount;			/* cents, more than 0 */
	char currency[4];		/* three capital letters */
	int64_t expires;		/* Unix seconds; the link is refused from then on */
};

/* Why a link was refused; the message in the struct err says more. */
enum paylink_verdict {
	PAYLINK_OK = 0,
	PAYLINK_MALFORMED,	/* not a link of this shape, or a field out of range */
	PAYLINK_TAMPERED,	/* the MAC does not cover these fields under this key */
	PAYLINK_EXPIRED		/* authentic, but expired at the time given */
};

/* Writes the link of p under key into buf: 0, or -1 with e filled (a bad field, buf too small). */
int paylink_make(const unsigned char key[PAYLINK_KEY_BYTES], const char *base,
		 const struct paylink *p, char *buf, size_t len, struct err *e);

/* Checks a link made by paylink_make (any base) at time now: PAYLINK_OK with out filled, or
 * the verdict with e naming the reason. The MAC is compared in constant time, and checked
 * before the expiry so that an expired answer means the link is authentic. */
enum paylink_verdict paylink_verify(const unsigned char key[PAYLINK_KEY_BYTES], const char *link,
				    int64_t now, struct paylink *out, struct err *e);

/* Whether s is an account id a link may carry (1 to 23 of A-Z a-z 0-9 . _ -). */
int paylink_account_valid(const char *s);

#endif
