/* webhook_sig.h - signatures of payment gateway notifications: the header
 * `X-Arrears-Signature: t=UNIX,v1=HEX` where v1 is HMAC-SHA256(secret, "T.BODY"), the scheme of
 * common gateways (docs/PROTOCOL.md "POST /v1/payments"). Pure: the time is an argument. */
#ifndef ARREARS_WEBHOOK_SIG_H
#define ARREARS_WEBHOOK_SIG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define WEBHOOK_TOLERANCE_DEFAULT 300	/* seconds either side of now */
#define WEBHOOK_HEADER_LEN 96		/* "t=" 19 digits ",v1=" 64 hex and the NUL, rounded up */

enum webhook_verdict {
	WEBHOOK_OK = 0,
	WEBHOOK_MALFORMED,	/* no header, or not of the shape above */
	WEBHOOK_FORGED,		/* no v1 is the body's HMAC under the secret */
	WEBHOOK_STALE		/* signed, but t is further from now than the tolerance */
};

/* Writes the header value for body signed at t into out (WEBHOOK_HEADER_LEN bytes): what a
 * gateway sends; for tests and tools. */
void webhook_sign(const unsigned char *secret, size_t secret_len, int64_t t, const char *body,
		  size_t body_len, char out[WEBHOOK_HEADER_LEN]);

/* Checks a header value (NULL when absent) against body at time now: WEBHOOK_OK, or the
 * verdict with e saying why (never the secret). Every v1 in the header is tried, in constant
 * time each; the signature is checked before the time, so WEBHOOK_STALE means authentic. */
enum webhook_verdict webhook_verify(const unsigned char *secret, size_t secret_len,
				    const char *header, const char *body, size_t body_len,
				    int64_t now, int tolerance, struct err *e);

#endif
