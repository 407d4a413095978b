/* verify.h - the audit of the evidence a book holds (`arrearsd verify`): every device's hash
 * chain recomputed with the client's own code (src/evidence.c), contiguous counters, each
 * device's recorded head at its chain's end, no event id twice, and every signed head still
 * naming the stored event and verifying against its key. Reads only; prints nothing. */
#ifndef ARREARS_SERVER_VERIFY_H
#define ARREARS_SERVER_VERIFY_H

#include <stdint.h>

#include "err.h"
#include "store.h"

struct verify_summary {
	int64_t events, devices, signed_heads;
	int64_t problems;
	char first[320];	/* the first problem, "" when none */
};

/* Audits the book behind st. Each problem goes to report(ctx, text), where text names the
 * device, the seq and the event id; a device's chain is followed up to its first break only.
 * Returns 0 when everything holds, 1 when something is broken (out says how much and what
 * first), -1 when the book could not be read (e says why). */
int verify_book(struct server_store *st, void (*report)(void *ctx, const char *text), void *ctx,
		struct verify_summary *out, struct err *e);

#endif
