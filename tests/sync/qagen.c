/* qagen - writes a push batch of one event of a given kind for the QA server test:
 *   qagen DEVICE USER ACCOUNT KIND
 * A qa_score gets a review body, anything else a note's. Hashed as the client does. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "evidence.h"
#include "wire.h"

int
main(int argc, char **argv)
{
	struct event ev = { .seq = 1, .at = 1795000000 };
	struct err e;
	json_t *batch;
	char body[] = "{\"call\":\"6f1c2a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6\",\"card\":\"default\","
		      "\"passed\":true,\"percent\":90}";
	char note[] = "{\"text\":\"a note\"}";

	if (argc != 5) {
		fprintf(stderr, "usage: qagen DEVICE USER ACCOUNT KIND\n");
		return 2;
	}
	evidence_uuid(ev.id);
	snprintf(ev.device, sizeof ev.device, "%s", argv[1]);
	snprintf(ev.user, sizeof ev.user, "%s", argv[2]);
	snprintf(ev.account_id, sizeof ev.account_id, "%s", argv[3]);
	snprintf(ev.kind, sizeof ev.kind, "%s", argv[4]);
	ev.body = strcmp(argv[4], "qa_score") == 0 ? body : note;
	memset(ev.prev_hash, '0', 64);
	if (evidence_hash(&ev, ev.hash, &e) != 0 || (batch = wire_batch_encode(&ev, 1, &e)) == NULL) {
		fprintf(stderr, "qagen: %s\n", e.msg);
		return 1;
	}
	json_dumpf(batch, stdout, JSON_COMPACT);
	putchar('\n');
	json_decref(batch);
	return 0;
}
