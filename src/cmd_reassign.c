/* cmd_reassign.c - `arrears reassign --to AGENT ACCOUNT...`: a lead moves cases to another
 * agent, as the board's r does; the next `arrears sync` pushes the events and the server
 * decides. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework.h"
#include "clock.h"
#include "commands.h"
#include "contactability.h"
#include "reassign.h"
#include "settings.h"
#include "store.h"

static const char usage_text[] = "usage: arrears reassign --to AGENT ACCOUNT...\n";

int
cmd_reassign(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char *to = NULL;
	char (*ids)[ACCOUNT_ID_LEN] = NULL, device[37], role[16];
	struct settings cfg;
	struct store *store = NULL;
	enum store_failure why;
	struct casework cw;
	struct err e = { "" };
	int opt, n, rc = 1;

	optind = 0;	/* 0 re-reads the option string: main's '+' must not carry over */
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt != 't') {
			fputs(usage_text, stderr);
			return 2;
		}
		to = optarg;
	}
	if (to == NULL || (n = argc - optind) < 1) {
		fputs(usage_text, stderr);
		return 2;
	}
	if ((ids = calloc((size_t)n, sizeof *ids)) == NULL)
		abort();
	for (int i = 0; i < n; i++) {
		if (strlen(argv[optind + i]) >= ACCOUNT_ID_LEN) {
			fprintf(stderr, "arrears reassign: '%.40s' is not an account id\n",
				argv[optind + i]);
			free(ids);
			return 2;
		}
		snprintf(ids[i], ACCOUNT_ID_LEN, "%s", argv[optind + i]);
	}
	if (settings_for(g, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		free(ids);
		return 2;
	}
	if (store_open(cfg.cache, STORE_OPEN_EXISTING, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		free(ids);
		return (int)why;
	}
	cw = (struct casework){ .store = store, .device = device, .user = cfg.user, .role = role };
	if (reassign_role(store, cfg.role, role, sizeof role, &e) != 0 ||
	    contactability_device_id(store, device, &e) == -1 ||
	    reassign_cases(&cw, (const char (*)[ACCOUNT_ID_LEN])ids, (size_t)n, to, clock_now(),
			   &e) != 0) {
		fprintf(stderr, "arrears reassign: %s\n", e.msg);
		goto out;
	}
	printf("%d case%s reassigned to %s; the next sync pushes %s\n", n, n == 1 ? "" : "s", to,
	       n == 1 ? "it" : "them");
	rc = 0;
out:
	store_close(&store);
	free(ids);
	return rc;
}
