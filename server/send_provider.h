/* send_provider.h - the two providers behind sender_send (send.c): each takes one message and
 * answers as sender_send does (0 sent, 1 for now, 2 for good, -1 local error). */
#ifndef ARREARS_SERVER_SEND_PROVIDER_H
#define ARREARS_SERVER_SEND_PROVIDER_H

#include <stddef.h>
#include <stdint.h>

#include "send.h"

struct smtp;
struct sms;

/* Email through libcurl's SMTP: the URL, TLS mode, login and sender of c, checked here. */
int smtp_open(const struct server_config *c, struct smtp **out, struct err *e);
int smtp_send(struct smtp *s, const struct send_message *m, int64_t now, char *why,
	      size_t whylen, struct err *e);
void smtp_free(struct smtp **s);

/* SMS as an HTTP POST of the filled sms_body, retried with backoff inside the call. */
int sms_open(const struct server_config *c, struct sms **out, struct err *e);
int sms_send(struct sms *s, const struct send_message *m, char *why, size_t whylen,
	     struct err *e);
void sms_free(struct sms **s);

/* Copies text into why for an operator to read: at most whylen - 1 bytes, control characters
 * (a provider's CRLF, say) and non-ASCII bytes (a reply in some legacy charset, which would
 * not go into a JSON dead letter) as spaces. */
void send_why(char *why, size_t whylen, const char *text);

#endif
