/* payments.h - POST /v1/payments: payment notifications from the gateway, authenticated by
 * their signature rather than a token (docs/PROTOCOL.md "POST /v1/payments"). */
#ifndef ARREARS_SERVER_PAYMENTS_H
#define ARREARS_SERVER_PAYMENTS_H

#include "api.h"
#include "server.h"
#include "store.h"

/* The device of the book's chain of gateway payment events. Its owner is "", a name no user
 * can have, so no login can push onto it. */
#define GATEWAY_DEVICE "gateway"

/* Answers one notification: verifies the signature and time, reads the body, records the
 * payment once by reference with its event, and fills rp; every refusal is logged. */
void payments_notify(struct server_store *st, const struct server_config *c,
		     const struct api_request *rq, struct api_reply *rp);

#endif
