/* sync_http.h - one request of the sync client over libcurl: the server's certificate always
 * verified, TLS 1.2 or newer, a JSON answer parsed, retried with backoff on no answer, 429 and
 * 503 (every request of v1 is safe to repeat). Internal to the client (src/sync*.c). */
#ifndef ARREARS_SYNC_HTTP_H
#define ARREARS_SYNC_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sync.h"

/* One exchange with the server; status 0 means no answer came. */
struct reply {
	long status;
	long retry_after;
	int64_t upload_offset;	/* the Upload-Offset header of a blob answer, -1 when none */
	json_t *body;		/* owned; NULL when not JSON */
};

/* What a request sends: a JSON text, or raw bytes (an attachment chunk). */
struct payload {
	const char *data;
	size_t len;
	const char *type;	/* Content-Type */
};

/* method and path at base, with an optional body: SYNC_OK with the answer in r (whatever its
 * status; free r->body), SYNC_UNREACHABLE when the attempts ran out, SYNC_FAILED when the
 * server is not trusted. */
int request_payload(const struct sync_conf *c, const char *base, const char *method,
		    const char *path, const char *token, const struct payload *body,
		    struct reply *r, struct err *e);

/* request_payload with a JSON text body (or none). */
int request(const struct sync_conf *c, const char *base, const char *method, const char *path,
	    const char *token, const char *body, struct reply *r, struct err *e);

/* Sets e to the message of an error answer (or its status) after what; returns -1. */
int answer_error(const struct reply *r, const char *what, struct err *e);

#endif
