/* api.h - protocol v1 over the store: routes, roles, and JSON in and out. Knows nothing of
 * HTTP plumbing (http.c), so the handlers can be driven directly. */
#ifndef ARREARS_SERVER_API_H
#define ARREARS_SERVER_API_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "server.h"
#include "store.h"

struct api_request {
	const char *method;
	const char *path;
	const char *authorization;	/* the Authorization header, or NULL */
	const char *signature;		/* the X-Arrears-Signature header, or NULL */
	const char *addr;		/* the client's numeric address */
	const char *body;
	size_t body_len;
	/* a query argument by name, or NULL */
	const char *(*query)(void *ctx, const char *key);
	void *query_ctx;
};

struct api_reply {
	int status;
	json_t *body;		/* owned; NULL for no body */
	int64_t retry_after;	/* seconds, 0 = no header */
	char allow[64];		/* Allow header for 405, "" when none */
	int challenge;		/* send WWW-Authenticate: Bearer */
	char upload_offset[24];	/* Upload-Offset header of a blob, "" when none */
	char upload_length[24];	/* Upload-Length header of a blob, "" when none */
	int has_file;		/* the body is file_size bytes of file_fd (the sender closes it) */
	int file_fd;
	int64_t file_size;
	char content_type[128];	/* of a file body */
};

struct api;

/* An API over a store and configuration (both borrowed, and outliving it). */
struct api *api_new(struct server_store *store, const struct server_config *conf);
void api_free(struct api **a);

/* Answers one request: rp gets a status and a JSON body (an error body on failure). */
void api_handle(struct api *a, const struct api_request *rq, struct api_reply *rp);

/* Fills rp with an error answer. */
void api_error(struct api_reply *rp, int status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
