/* mail_message.h - one plain-text email as RFC 5322 text, ready for SMTP's DATA. */
#ifndef ARREARS_SERVER_MAIL_MESSAGE_H
#define ARREARS_SERVER_MAIL_MESSAGE_H

#include <stdio.h>
#include <time.h>

#include "err.h"

struct mail_parts {
	const char *from;	/* "addr@host" or "Display Name <addr@host>", ASCII */
	const char *to;		/* addr@host */
	const char *subject;	/* UTF-8 */
	const char *body;	/* UTF-8, with any line ends */
	const char *id;		/* the dispatch id: the Message-ID is <ID@the sender's domain> */
	time_t date;
};

/* Builds the message: Date, From, To, Subject (RFC 2047 encoded words when it is not plain
 * ASCII), Message-ID, MIME-Version, a text/plain UTF-8 body in quoted-printable, every line
 * ended by CRLF. Returns an owned string, or NULL with e when the subject or body is not valid
 * UTF-8 or a header value holds a line break. */
char *mail_message_build(const struct mail_parts *p, struct err *e);

/* Writes "Subject: " and text as one header field, folded: unchanged when it is short,
 * printable ASCII, else as base64 encoded words of at most 75 characters that never split a
 * UTF-8 character. 0, or -1 when text is not valid UTF-8. */
int mail_subject_write(FILE *out, const char *text);

/* Writes text quoted-printable (RFC 2045): lines of at most 76 characters with soft breaks,
 * every line end as CRLF, trailing blanks encoded, the last line ended. 0, or -1 when text is
 * not valid UTF-8. */
int mail_qp_write(FILE *out, const char *text);

/* 1 when addr is a plain addr-spec we can hand to RCPT TO: printable ASCII without blanks,
 * angle brackets or commas, one '@' with something on each side. */
int mail_address_valid(const char *addr);

/* The addr-spec of a From value ("Name <a@b>" gives a@b), copied into buf; -1 when there is
 * none or it does not fit. */
int mail_from_address(const char *from, char *buf, size_t len);

#endif
