/* callgen - a scripted call for the oversight sync tests, made through casework on a cache's
 * own device chain as the workstation makes it: the us-early script, the recording notice
 * skipped, the disclosure waived, closed with a callback. Prints the call's id.
 *   callgen CACHE USER ACCOUNT */
#include "config.h"

#include <stdio.h>

#include "casework.h"
#include "clock.h"
#include "contactability.h"
#include "script.h"
#include "store.h"

int
main(int argc, char **argv)
{
	struct store *s = NULL;
	struct script *script = NULL;
	struct casework_call *c = NULL;
	enum store_failure why;
	struct casework cw = { .user = NULL };
	struct script_vars v = { .agent = "Agent" };
	char device[37];
	struct err e;
	int64_t t = clock_now();
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: callgen CACHE USER ACCOUNT\n");
		return 2;
	}
	if (store_open(argv[1], STORE_OPEN_EXISTING, &s, &why, &e) != 0 ||
	    contactability_device_id(s, device, &e) != 0 || script_open("us-early", &script, &e) != 0)
		goto out;
	cw.store = s;
	cw.device = device;
	cw.user = argv[2];
	cw.role = "agent";
	/* the steps of check_qa.c's breach call: speaking, rpc, verified, the disclosure waived,
	 * the reason asked, a callback */
	if ((c = casework_call_start(&cw, argv[3], script, &v, "mobile", t, &e)) == NULL ||
	    casework_call_answer(c, 0, t += 10, &e) != 0 || casework_call_tick(c, 1, t += 10, &e) != 0 ||
	    casework_call_answer(c, 0, t += 10, &e) != 0 ||
	    casework_call_waive(c, 2, "debtor talked over it", t += 10, &e) != 0 ||
	    casework_call_answer(c, 0, t += 10, &e) != 0 || casework_call_tick(c, 3, t += 10, &e) != 0 ||
	    casework_call_answer(c, 1, t += 10, &e) != 0 || casework_call_answer(c, 2, t += 10, &e) != 0 ||
	    casework_call_close(c, OUTCOME_CALLBACK, t + 86400, t, &e) != 0)
		goto out;
	printf("%s\n", casework_call_id(c));
	rc = 0;
out:
	if (rc != 0)
		fprintf(stderr, "callgen: %s\n", e.msg);
	casework_call_free(&c);
	script_free(&script);
	store_close(&s);
	return rc;
}
