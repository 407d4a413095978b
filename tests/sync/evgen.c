/* evgen - writes a push batch of chained events for the sync tests and benches:
 *   evgen DEVICE USER ACCOUNT COUNT [FIRST_SEQ PREV_HASH]
 * Notes, unless EVGEN_KIND and EVGEN_BODY (JSON text) name another kind and its body.
 * The events are hashed with the same canonical form the client uses (evidence_hash). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "wire.h"

int
main(int argc, char **argv)
{
	struct event *evs;
	json_t *batch;
	struct err e;
	long count;
	int64_t seq = 1;
	const char *prev = "0000000000000000000000000000000000000000000000000000000000000000";
	char body[128];
	const char *kind = getenv("EVGEN_KIND");

	if (argc != 5 && argc != 7) {
		fprintf(stderr, "usage: evgen DEVICE USER ACCOUNT COUNT [FIRST_SEQ PREV_HASH]\n");
		return 2;
	}
	count = strtol(argv[4], NULL, 10);
	if (argc == 7) {
		seq = strtoll(argv[5], NULL, 10);
		prev = argv[6];
	}
	if (count < 1 || (evs = calloc((size_t)count, sizeof *evs)) == NULL)
		return 2;
	for (long i = 0; i < count; i++) {
		struct event *ev = &evs[i];

		evidence_uuid(ev->id);
		snprintf(ev->device, sizeof ev->device, "%s", argv[1]);
		snprintf(ev->user, sizeof ev->user, "%s", argv[2]);
		snprintf(ev->account_id, sizeof ev->account_id, "%s", argv[3]);
		snprintf(ev->kind, sizeof ev->kind, "%s", kind ? kind : "note");
		ev->at = 1795000000 + i * 60;
		ev->seq = seq + i;
		snprintf(body, sizeof body, "{\"text\":\"note %ld\"}", i + 1);
		ev->body = strdup(kind && getenv("EVGEN_BODY") ? getenv("EVGEN_BODY") : body);
		snprintf(ev->prev_hash, sizeof ev->prev_hash, "%s", i == 0 ? prev : evs[i - 1].hash);
		if (evidence_hash(ev, ev->hash, &e) != 0) {
			fprintf(stderr, "evgen: %s\n", e.msg);
			return 1;
		}
	}
	if ((batch = wire_batch_encode(evs, (size_t)count, &e)) == NULL) {
		fprintf(stderr, "evgen: %s\n", e.msg);
		return 1;
	}
	json_dumpf(batch, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(batch);
	for (long i = 0; i < count; i++)
		free(evs[i].body);
	free(evs);
	return 0;
}
