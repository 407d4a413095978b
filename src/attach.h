/* attach.h - attachments on the client: a file recorded as an `attachment` event (evidence,
 * durable at once) with a copy kept beside the cache by its SHA-256, and the queue of blobs
 * the server is still owed (docs/PROTOCOL.md "Attachments"). */
#ifndef ARREARS_ATTACH_H
#define ARREARS_ATTACH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

struct store;

struct attach_request {
	const char *account_id;
	const char *file;	/* the file to attach */
	const char *name;	/* as recorded; NULL: the file's base name */
	const char *mime;	/* NULL: guessed from the name */
	const char *note;	/* NULL or "": none */
	const char *user;
	int64_t at;		/* device clock */
};

/* One blob the server is still owed. */
struct attach_pending {
	char sha256[65];
	int64_t size;
};

/* The hex SHA-256 and size of the file at path (crypto_hash_sha256, streamed). 0 or -1. */
int attach_sha256_file(const char *path, char hex[65], int64_t *size, struct err *e);

/* The media type for a file name by its extension; application/octet-stream when unknown.
 * Borrowed, static. */
const char *attach_mime_guess(const char *name);

/* Where the cache keeps its copy of a blob: "<cache>.blobs/<sha256>". 0, or -1 when it does
 * not fit. */
int attach_blob_path(const char *cache, const char *sha, char *buf, size_t len);

/* Copies the file beside the cache (fsync'd) and, in one transaction, records the attachment
 * event and queues its blob. out (if not NULL) gets the event; free its body. 0 or -1, e naming
 * the file or field at fault. */
int attach_add(struct store *s, const struct attach_request *r, struct event *out,
	       struct err *e);

/* The distinct blobs still owed whose attachment events the server has (they left the outbox
 * and did not go to dead_letters), into a new array (*out, free()). 0 or -1. */
int attach_pending_list(struct store *s, struct attach_pending **out, size_t *n,
			struct err *e);

/* Marks every attachment of blob sha "uploaded" or "failed" (with why). 0 or -1. */
int attach_mark(struct store *s, const char *sha, const char *state, const char *why,
		struct err *e);

#endif
