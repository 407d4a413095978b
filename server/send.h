/* send.h - delivering one message through a provider (SMTP email, HTTP SMS). */
#ifndef ARREARS_SERVER_SEND_H
#define ARREARS_SERVER_SEND_H

#include <stddef.h>

#include "err.h"
#include "server.h"

struct sender;
enum send_channel { SEND_EMAIL, SEND_SMS };
struct send_message {
	enum send_channel channel;
	const char *to;			/* an address or an E.164-ish number */
	const char *subject;		/* email only */
	const char *body;
	const char *dispatch_id;	/* the dispatch event's id: an idempotency key for providers */
};
/* 0 sent; 1 failed for now (retry later); 2 failed for good (e.g. refused recipient);
 * -1 with e on a local error. why gets the provider's reason on 1 and 2. */
int sender_send(struct sender *s, const struct send_message *m, char *why, size_t whylen,
		struct err *e);

/* Every failure (1 or 2) is also kept in the dead-letter spool under its dispatch_id, and a
 * later success of the same dispatch_id removes it (dead_letter.h), so a caller that retries a
 * "for now" never leaves a stale entry behind. */

/* Opens the providers c configures (smtp_url, sms_url) and the dead-letter spool: reads the
 * secret files (0600 checked) and checks the SMS body template. A channel left unconfigured
 * is refused by sender_send, not here. */
int sender_open(const struct server_config *c, struct sender **out, struct err *e);

/* Closes the providers' connections and wipes the secrets; accepts NULL, clears *s. */
void sender_free(struct sender **s);

#endif
