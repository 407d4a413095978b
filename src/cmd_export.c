/* cmd_export.c - `arrears export accounts|events`: the cache as text on stdout. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "export.h"
#include "settings.h"
#include "store.h"

int
cmd_export(int argc, char **argv, const struct global_opts *g)
{
	struct settings cfg;
	struct store *store = NULL;
	enum store_failure why;
	struct err e = { "" };
	int rc;

	if (argc != 2 || (strcmp(argv[1], "accounts") != 0 && strcmp(argv[1], "events") != 0)) {
		fprintf(stderr, "usage: arrears export accounts|events\n");
		return 2;
	}
	if (settings_for(g, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	if (store_open(cfg.cache, STORE_READ_ONLY, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return (int)why;
	}
	rc = strcmp(argv[1], "accounts") == 0 ? export_accounts_csv(store, stdout, &e)
					      : export_events_jsonl(store, stdout, &e);
	store_close(&store);
	if (rc != 0 || fflush(stdout) != 0) {
		fprintf(stderr, "arrears export: %s\n", rc ? e.msg : "cannot write to standard output");
		return 1;
	}
	return 0;
}
