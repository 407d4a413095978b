/* notegen - offline work for the sync tests: adds notes to an account of a cache through
 * casework, on the cache's own device chain, as a real session would.
 *   notegen CACHE USER ACCOUNT COUNT */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "casework.h"
#include "clock.h"
#include "contactability.h"
#include "store.h"

int
main(int argc, char **argv)
{
	struct store *s = NULL;
	enum store_failure why;
	struct casework cw = { .user = NULL };
	char device[37], text[64];
	struct err e;
	long n;
	int rc = 1;

	if (argc != 5 || (n = strtol(argv[4], NULL, 10)) < 1) {
		fprintf(stderr, "usage: notegen CACHE USER ACCOUNT COUNT\n");
		return 2;
	}
	if (store_open(argv[1], STORE_OPEN_EXISTING, &s, &why, &e) != 0 ||
	    contactability_device_id(s, device, &e) != 0)
		goto out;
	cw.store = s;
	cw.device = device;
	cw.user = argv[2];
	cw.role = "agent";
	for (long i = 0; i < n; i++) {
		snprintf(text, sizeof text, "offline note %ld", i + 1);
		if (casework_note_add(&cw, argv[3], text, clock_now() + i, &e) != 0)
			goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "notegen: %s\n", e.msg);
	store_close(&s);
	return rc;
}
