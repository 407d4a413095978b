/* bulkgen - a long offline shift for the fault tests: appends COUNT notes to a cache's own
 * device chain, spread over the given accounts, in one transaction (notegen commits each note,
 * which is too slow for the tens of thousands a push must take long enough to interrupt).
 *   bulkgen CACHE USER COUNT ACCOUNT... */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "contactability.h"
#include "evidence.h"
#include "store.h"

int
main(int argc, char **argv)
{
	struct store *s = NULL;
	struct evidence_writer *w = NULL;
	enum store_failure why;
	char device[37], body[64];
	struct err e = { .msg = "" };
	int64_t now = clock_now();
	long n;
	int rc = 1, naccts = argc - 4;

	if (argc < 5 || (n = strtol(argv[3], NULL, 10)) < 1) {
		fprintf(stderr, "usage: bulkgen CACHE USER COUNT ACCOUNT...\n");
		return 2;
	}
	if (store_open(argv[1], STORE_OPEN_EXISTING, &s, &why, &e) != 0 ||
	    contactability_device_id(s, device, &e) != 0 || store_begin(s, &e) != 0)
		goto out;
	if ((w = evidence_writer_new(s, device, &e)) == NULL)
		goto fail;
	for (long i = 0; i < n; i++) {
		struct event_draft d = { .device = device, .user = argv[2],
					 .account_id = argv[4 + i % naccts], .kind = "note",
					 .at = now + i, .body = body };

		snprintf(body, sizeof body, "{\"text\":\"shift note %ld\"}", i + 1);
		if (evidence_writer_append(w, &d, NULL, &e) != 0)
			goto fail;
	}
	evidence_writer_free(&w);
	if (store_commit(s, &e) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	evidence_writer_free(&w);
	store_rollback(s);
out:
	if (rc != 0)
		fprintf(stderr, "bulkgen: %s\n", e.msg);
	store_close(&s);
	return rc;
}
