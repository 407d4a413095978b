/* verify.c - `arrearsd verify`: the audit of the book's evidence. The chains are recomputed
 * with evidence_chain_step, the very code that verifies a client's cache, so server and client
 * cannot disagree about what an intact chain is. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_key.h"
#include "evidence.h"
#include "verify.h"

/* Where an event id was seen, to find ids stored twice after the walk. */
struct seen {
	char id[40];
	char device[40];
	int64_t seq;
};

struct audit {
	struct server_store *st;
	void (*report)(void *ctx, const char *text);
	void *ctx;
	struct verify_summary *sum;
	struct err *e;
	struct chain_walk walk;
	char device[40];	/* the device being walked */
	int broken;		/* its chain broke: the rest of it is not followed */
	int has_head;		/* the book records a head for it */
	int64_t head_seq;
	char head_hash[65];
	struct seen *ids;
	size_t n, cap;
};

static void
problem(struct audit *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(struct audit *a, const char *fmt, ...)
{
	char text[sizeof a->sum->first];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (a->sum->problems++ == 0)
		memcpy(a->sum->first, text, sizeof text);
	a->report(a->ctx, text);
}

/* The end of a device's events: its recorded head must be the chain's last link, else events
 * were added or removed behind the server's back. */
static void
device_end(struct audit *a)
{
	int64_t last = a->walk.next_seq - 1;

	if (a->broken)
		return;
	if (!a->has_head)
		problem(a, "device %s: events up to seq %lld but no recorded chain head", a->device,
			(long long)last);
	else if (a->head_seq != last || strcmp(a->head_hash, a->walk.prev) != 0)
		problem(a, "device %s: the recorded head is seq %lld but the chain ends at seq %lld "
			"(events removed, or the head moved, behind the server's back)", a->device,
			(long long)a->head_seq, (long long)last);
}

static int
device_start(struct audit *a, const char *device)
{
	char owner[32];
	int rc;

	snprintf(a->device, sizeof a->device, "%s", device);
	a->broken = 0;
	a->sum->devices++;
	/* read while the scan's statement is open, so from the same snapshot as the events */
	rc = a->st->ops->device_head(a->st, device, owner, &a->head_seq, a->head_hash, a->e);
	if (rc < 0)
		return -1;
	a->has_head = rc == 0;
	return 0;
}

static int
on_event(void *ctx, const struct event *ev)
{
	struct audit *a = ctx;
	char why[256];

	if (a->sum->events == 0 || strcmp(a->device, ev->device) != 0) {
		if (a->sum->events > 0)
			device_end(a);
		if (device_start(a, ev->device) != 0)
			return -1;
	}
	a->sum->events++;
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;
		struct seen *p = realloc(a->ids, cap * sizeof *p);

		if (p == NULL)
			return err_set(a->e, "out of memory after %zu events", a->n);
		a->ids = p;
		a->cap = cap;
	}
	memcpy(a->ids[a->n].id, ev->id, sizeof ev->id);
	memcpy(a->ids[a->n].device, ev->device, sizeof ev->device);
	a->ids[a->n].seq = ev->seq;
	a->n++;
	if (!a->broken && evidence_chain_step(&a->walk, ev, why, sizeof why) != 0) {
		problem(a, "%s (event %s)", why, ev->id);
		a->broken = 1;
	}
	return 0;
}

static int
seen_cmp(const void *x, const void *y)
{
	return strcmp(((const struct seen *)x)->id, ((const struct seen *)y)->id);
}

static int
on_signed_head(void *ctx, const struct server_signed_head *h)
{
	struct audit *a = ctx;
	struct err he;

	a->sum->signed_heads++;
	if (h->event_hash[0] == '\0')
		problem(a, "device %s seq %lld: a signed head names an event the book does not hold",
			h->device, (long long)h->seq);
	else if (strcmp(h->hash, h->event_hash) != 0)
		problem(a, "device %s seq %lld: the signed head names another hash than the stored "
			"event's", h->device, (long long)h->seq);
	else if (device_key_verify_head(h->public_key, h->device, h->seq, h->hash, h->signature,
					&he) != 0)
		problem(a, "device %s seq %lld: signed head: %s", h->device, (long long)h->seq,
			he.msg);
	return 0;
}

int
verify_book(struct server_store *st, void (*report)(void *ctx, const char *text), void *ctx,
	    struct verify_summary *out, struct err *e)
{
	struct audit a = { .st = st, .report = report, .ctx = ctx, .sum = out, .e = e };
	int rc = -1;

	memset(out, 0, sizeof *out);
	if (st->ops->events_scan(st, true, on_event, &a, e) != 0)
		goto out;
	if (out->events > 0)
		device_end(&a);
	/* an id is the idempotency key forever; the store's own constraint is not taken on trust */
	if (a.n > 1)
		qsort(a.ids, a.n, sizeof *a.ids, seen_cmp);
	for (size_t i = 1; i < a.n; i++)
		if (strcmp(a.ids[i - 1].id, a.ids[i].id) == 0)
			problem(&a, "event %s is stored twice: device %s seq %lld and device %s seq %lld",
				a.ids[i].id, a.ids[i - 1].device, (long long)a.ids[i - 1].seq,
				a.ids[i].device, (long long)a.ids[i].seq);
	if (st->ops->signed_heads_scan(st, NULL, on_signed_head, &a, e) != 0)
		goto out;
	rc = out->problems > 0;
out:
	free(a.ids);
	return rc;
}
