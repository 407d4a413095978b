/* dead_letter.h - messages a provider did not take, kept for the admin to see and replay.
 * One JSON-lines file per message in a 0700 spool directory, named by its dispatch id.
 * TODO(store): this belongs in the book once the store interface has operations for it. */
#ifndef ARREARS_SERVER_DEAD_LETTER_H
#define ARREARS_SERVER_DEAD_LETTER_H

#include <stdint.h>

#include "err.h"
#include "send.h"
#include "server.h"

struct dead_letter {
	char id[128];			/* the dispatch id */
	enum send_channel channel;
	char *to, *subject, *body;	/* owned; subject is "" for an SMS */
	int for_good;			/* 1: the provider refused it for good; 0: for now */
	char reason[512];		/* the provider's words, last attempt */
	int64_t first_failed, last_failed;
	int attempts;			/* failed attempts kept so far */
};

/* The spool of c: spool_dir, or the book's path with ".spool" added. */
int dead_letter_spool_path(const struct server_config *c, char *buf, size_t len, struct err *e);

/* Makes dir (0700) when missing; refuses one that is not a directory or that others may
 * enter (the messages hold personal data). */
int dead_letter_dir_prepare(const char *dir, struct err *e);

/* Keeps m's failure (outcome 1 for now, 2 for good) at time now: written to a temporary
 * 0600 file, fsync'd and renamed over any earlier entry of the same dispatch id, whose first
 * failure time and attempt count it carries on. */
int dead_letter_put(const char *dir, const struct send_message *m, int outcome, const char *why,
		    int64_t now, struct err *e);

/* Forgets the entry of dispatch id; no entry is not an error. */
int dead_letter_remove(const char *dir, const char *id, struct err *e);

/* Reads the entry of dispatch id into d (clear it with dead_letter_clear). 0, 1 when there is
 * none, -1 with e naming the file when it cannot be read or is not an entry. */
int dead_letter_load(const char *dir, const char *id, struct dead_letter *d, struct err *e);

/* Calls fn on every entry, oldest first failure first (then by id); stops when fn returns
 * non-zero and returns that. -1 with e naming the first file that is not an entry. */
typedef int (*dead_letter_fn)(void *ctx, const struct dead_letter *d);
int dead_letter_scan(const char *dir, dead_letter_fn fn, void *ctx, struct err *e);

void dead_letter_clear(struct dead_letter *d);

/* "email" or "sms". */
const char *send_channel_name(enum send_channel c);

#endif
