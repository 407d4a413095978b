/* devices.c - `arrearsd device heads` re-verifies every stored signed head against the key it
 * was accepted with and against the event the book holds at that link, so an auditor can tell
 * which device wrote which chain; `arrearsd device reset-key` lets a device register a new
 * key (a lost or replaced laptop). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "device_key.h"
#include "devices.h"
#include "store.h"

struct heads_walk {
	long good, bad;
};

static int
head_print(void *ctx, const struct server_signed_head *h)
{
	struct heads_walk *w = ctx;
	struct err e = { "" };
	char at[32];
	const char *verdict = "ok";

	if (device_key_verify_head(h->public_key, h->device, h->seq, h->hash, h->signature, &e) != 0)
		verdict = e.msg;
	else if (strcmp(h->event_hash, h->hash) != 0)
		verdict = h->event_hash[0] == '\0' ? "no event at this link in the book"
						   : "the book's event at this link has another hash";
	if (strcmp(verdict, "ok") == 0)
		w->good++;
	else
		w->bad++;
	printf("%s\t%lld\t%.16s\t%s\t%s\tkey %.16s\t%s\n", h->device, (long long)h->seq, h->hash,
	       h->pushed_by, time_format_rfc3339(h->received_at, at, sizeof at), h->public_key,
	       verdict);
	return 0;
}

static int
cmd_heads(struct server_store *st, const char *device)
{
	struct heads_walk w = { 0 };
	struct err e;

	printf("device\tseq\thash\tpushed_by\treceived_at\tkey\tverdict\n");
	if (st->ops->signed_heads_scan(st, device, head_print, &w, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return 1;
	}
	fprintf(stderr, "arrearsd: %ld signed heads verified, %ld bad\n", w.good, w.bad);
	return w.bad > 0 ? 1 : 0;
}

static int
cmd_reset(struct server_store *st, const char *device)
{
	struct err e;
	int rc;

	if (st->ops->begin(st, &e) != 0 || (rc = st->ops->device_key_reset(st, device, &e)) < 0 ||
	    st->ops->commit(st, &e) != 0) {
		st->ops->rollback(st);
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return 1;
	}
	if (rc == 1) {
		fprintf(stderr, "arrearsd: device %s has no registered key\n", device);
		return 1;
	}
	log_msg("device key reset: device %s", device);
	printf("arrearsd: the key of device %s is forgotten; its next login registers a new one\n",
	       device);
	return 0;
}

int
devices_cmd(const struct server_config *c, int argc, char **argv)
{
	struct server_store *st = NULL;
	struct err e;
	int rc;

	if (!((argc == 2 || argc == 3) && strcmp(argv[1], "heads") == 0) &&
	    !(argc == 3 && strcmp(argv[1], "reset-key") == 0)) {
		fprintf(stderr, "usage: arrearsd [-c FILE] device heads [DEVICE]\n"
				"       arrearsd [-c FILE] device reset-key DEVICE\n");
		return 2;
	}
	if (server_store_open(c, SERVER_STORE_OPEN, &st, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return 1;
	}
	rc = strcmp(argv[1], "heads") == 0 ? cmd_heads(st, argc == 3 ? argv[2] : NULL)
					   : cmd_reset(st, argv[2]);
	server_store_close(&st);
	return rc;
}
