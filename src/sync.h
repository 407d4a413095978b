/* sync.h - the client side of protocol v1 (docs/PROTOCOL.md): log in, pull the book's changes
 * into the cache, push this device's evidence from the outbox, log out. libcurl underneath,
 * with the server's certificate always verified. */
#ifndef ARREARS_SYNC_H
#define ARREARS_SYNC_H

#include <stdint.h>

#include "err.h"

struct store;
struct sync_report;

/* How to reach the server; every member is borrowed. */
struct sync_conf {
	const char *server;		/* base URL, https:// only; NULL = the one saved at login */
	const char *ca_file;		/* "" or NULL: the system's CA store */
	const char *pinned_public_key;	/* "" or NULL: no pin; else as CURLOPT_PINNEDPUBLICKEY */
	int max_attempts;		/* per request, at least 1 */
	long connect_timeout_s;
	long timeout_s;			/* a whole request */
	int64_t upload_limit;		/* attachment bytes sent in one sync at most; 0: no limit */
	/* Called after each page pulled and each batch pushed with the report so far, so a
	 * caller can show progress; NULL: none. It must not touch the store. */
	void (*progress)(void *ctx, const struct sync_report *r);
	void *progress_ctx;
};

/* What a sync ended with; the values are the exit codes of `arrears sync`. */
enum sync_status {
	SYNC_OK = 0,
	SYNC_FAILED = 1,		/* a local error or an answer the client cannot use */
	SYNC_UNREACHABLE = 2,		/* no answer (or only 429/503): nothing was lost */
	SYNC_LOGIN_NEEDED = 3,		/* no token, or the server refused it (or the password) */
	SYNC_REJECTED = 4		/* some events were rejected: they are in dead_letters; or
					 * some attachments were refused: marked failed */
};

struct sync_report {
	int64_t upserted, removed;	/* accounts pulled */
	int pages;
	int refreshed;			/* the cursor was of another epoch: the book was pulled anew */
	int64_t accepted, duplicates, rejected;
	int64_t pending;		/* outbox rows left */
	int64_t blobs_done, blobs_failed, blobs_waiting;	/* attachments this run / left */
	int64_t blob_bytes;		/* attachment bytes sent this run */
	int64_t calls_fetched;		/* call events new to review_events (qa, leads) */
};

/* Fills c with the defaults: no server, system CAs, 4 attempts, 10 s to connect, 60 s a
 * request. */
void sync_conf_default(struct sync_conf *c);

/* Logs user in at c->server (required here), keeps the token in the token file (0600) and the
 * server and user in sync_state. Returns an enum sync_status; e says why when not SYNC_OK. */
int sync_login(struct store *s, const struct sync_conf *c, const char *user,
	       const char *password, struct err *e);

/* Pull then push, as docs/PROTOCOL.md "Client" describes. Returns an enum sync_status. */
int sync_run(struct store *s, const struct sync_conf *c, struct sync_report *r, struct err *e);

/* Revokes the token at the server (when reachable) and deletes the token file. Returns an enum
 * sync_status; the token file is gone whenever this returns SYNC_OK or SYNC_UNREACHABLE. */
int sync_logout(struct store *s, const struct sync_conf *c, struct err *e);

/* The token file of a cache: "<cache>.token". 0, or -1 when it does not fit. */
int sync_token_path(const char *cache, char *buf, size_t len);

/* Milliseconds to wait before retry number `attempt` (1 = the first retry): the server's
 * Retry-After when it sent one (retry_after_s > 0), else 500 ms doubling per retry, capped at
 * 30 s; plus up to a quarter more from `jitter` (any 32-bit random value), so clients that
 * failed together do not come back together, and never sooner than Retry-After. -1 when the
 * server asks for more than the cap: the caller gives up rather than hang. Pure. */
int64_t sync_backoff_ms(int attempt, long retry_after_s, uint32_t jitter);

#endif
