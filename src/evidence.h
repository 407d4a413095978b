/* evidence.h - the tamper-evident event log: append to a device's hash chain, and verify. */
#ifndef ARREARS_EVIDENCE_H
#define ARREARS_EVIDENCE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

struct store;

/* What a caller says about a new event; the log adds seq, prev_hash and hash. */
struct event_draft {
	const char *id;		/* UUID, or NULL for a fresh random one */
	const char *device;
	const char *user;
	const char *account_id;
	const char *kind;
	int64_t at;		/* device clock */
	const char *body;	/* JSON object text */
};

/* Writes a random version-4 UUID into buf (at least 37 bytes). */
void evidence_uuid(char buf[37]);

struct evidence_writer;

/* A writer appends many events of one device with its statements prepared once and the chain
 * head kept in memory (reloaded when another writer got there first). */
struct evidence_writer *evidence_writer_new(struct store *s, const char *device, struct err *e);
void evidence_writer_free(struct evidence_writer **w);

/* Appends an event to the writer's device chain inside the caller's transaction; the body is
 * stored in canonical form. out (if not NULL) gets the stored event; free its body. */
int evidence_writer_append(struct evidence_writer *w, const struct event_draft *d,
			   struct event *out, struct err *e);

/* Appends one event inside the caller's transaction (a writer for a single event). */
int evidence_append(struct store *s, const struct event_draft *d, struct event *out,
		    struct err *e);

/* Appends one event in its own transaction: committed (and so on disk, synchronous=FULL)
 * when this returns 0, which is when the UI may say "saved". */
int evidence_record(struct store *s, const struct event_draft *d, struct event *out,
		    struct err *e);

/* The hex SHA-256 of the canonical form of ev (with its prev_hash); buf of 65 bytes. */
int evidence_hash(const struct event *ev, char buf[65], struct err *e);

/* A walk over device chains in (device, seq) order, as evidence_verify and arrearsd verify
 * make it; zero it to start. */
struct chain_walk {
	char device[40];	/* the device of the previous event */
	int64_t next_seq;	/* the seq its next event must have */
	char prev[65];		/* the hash its next event must point at */
	int64_t events, devices;
};

/* Checks ev as the next event of the walk: a device's first event must be seq 1 on the
 * all-zero hash, every later one the next link, and every hash the event's own (evidence_hash).
 * 0 when it fits, 1 when not, with problem (naming device and seq) filled. */
int evidence_chain_step(struct chain_walk *w, const struct event *ev, char *problem,
			size_t len);

struct verify_report {
	int64_t events;
	int64_t devices;
	char first_bad[40];	/* id of the first bad event, "" when intact */
	char problem[256];
};

/* Walks every device chain. Returns 0 when intact, 1 when broken (report says where), -1 on
 * error. */
int evidence_verify(struct store *s, struct verify_report *r, struct err *e);

#endif
