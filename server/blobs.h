/* blobs.h - attachments stored by content on the server's disk: resumable uploads kept per
 * user until complete, checked against their SHA-256 name, then moved into DIR/ab/abcd...
 * (docs/PROTOCOL.md "Attachments"). No SQL here: who may see a blob is the store's business. */
#ifndef ARREARS_SERVER_BLOBS_H
#define ARREARS_SERVER_BLOBS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct blobs;

enum blobs_put_result {
	BLOBS_PARTIAL,		/* stored; more is owed */
	BLOBS_COMPLETE,		/* the blob is whole and its hash checked (or was already) */
	BLOBS_BAD_OFFSET,	/* the chunk does not start where the upload ends */
	BLOBS_TOO_LONG,		/* the chunk goes past the declared size */
	BLOBS_MISMATCH		/* complete, but the bytes do not hash to the name: discarded */
};

/* Opens (creating, 0700) the blob directory dir and its partial/ directory. */
int blobs_open(const char *dir, struct blobs **out, struct err *e);
void blobs_free(struct blobs **b);

/* Whether name is a blob name: 64 lowercase hex characters. */
int blobs_name_valid(const char *name);

/* Bytes held of blob sha for user: the whole size when complete (*complete set), else what
 * user's upload holds (0 when none). */
int blobs_status(struct blobs *b, const char *user, const char *sha, int64_t *held,
		 int *complete, struct err *e);

/* Writes len bytes at offset of user's upload of sha (declared size `size`), fsync'd before
 * it returns; *held gets the bytes now held. Returns an enum blobs_put_result, or -1 on an I/O
 * failure. */
int blobs_put(struct blobs *b, const char *user, const char *sha, int64_t size, int64_t offset,
	      const void *data, size_t len, int64_t *held, struct err *e);

/* Opens a complete blob for reading: 0 with *fd (the caller's) and *size, 1 when it is not
 * complete (or absent), -1 on an I/O failure. */
int blobs_open_read(struct blobs *b, const char *sha, int *fd, int64_t *size, struct err *e);

#endif
