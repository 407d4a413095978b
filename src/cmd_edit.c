/* cmd_edit.c - `arrears edit`, `arrears conflicts` and `arrears resolve`: correcting a
 * debtor's name or time zones, listing the conflicts a pull brought, and choosing a side, as
 * the account and sync views do; the next `arrears sync` pushes the events. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "casework.h"
#include "clock.h"
#include "commands.h"
#include "conflicts.h"
#include "contactability.h"
#include "settings.h"
#include "store.h"

/* Opens the cache for a command; the exit code on failure, 0 when open. */
static int
open_cache(const struct global_opts *g, struct settings *cfg, struct store **store)
{
	enum store_failure why;
	struct err e = { "" };

	if (settings_for(g, cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	if (store_open(cfg->cache, STORE_OPEN_EXISTING, store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return (int)why;
	}
	return 0;
}

static int
field_of(const char *s)
{
	char wire[24];

	snprintf(wire, sizeof wire, "party.%s", s);
	return wire_field_parse(strncmp(s, "party.", 6) == 0 ? s : wire);
}

int
cmd_edit(int argc, char **argv, const struct global_opts *g)
{
	struct settings cfg;
	struct store *store = NULL;
	struct casework cw;
	char device[37];
	struct err e = { "" };
	int field, rc;

	if (argc != 4 || (field = field_of(argv[2])) < 0) {
		fputs("usage: arrears edit ACCOUNT name|zones VALUE\n", stderr);
		return 2;
	}
	if ((rc = open_cache(g, &cfg, &store)) != 0)
		return rc;
	cw = (struct casework){ .store = store, .device = device, .user = cfg.user,
				.role = cfg.role };
	rc = 1;
	if (contactability_device_id(store, device, &e) == -1 ||
	    casework_field_edit(&cw, argv[1], (enum wire_field)field, argv[3], clock_now(), &e) != 0)
		fprintf(stderr, "arrears edit: %s\n", e.msg);
	else if (printf("%s of %s is now '%s'; the next sync pushes it\n",
			wire_field_name((enum wire_field)field), argv[1], argv[3]) > 0)
		rc = 0;
	store_close(&store);
	return rc;
}

int
cmd_conflicts(int argc, char **argv, const struct global_opts *g)
{
	struct settings cfg;
	struct store *store = NULL;
	struct conflict_row *rows;
	struct err e = { "" };
	char at[32];
	size_t n;
	int rc;

	if (argc > 2) {
		fputs("usage: arrears conflicts [ACCOUNT]\n", stderr);
		return 2;
	}
	if ((rc = open_cache(g, &cfg, &store)) != 0)
		return rc;
	if (conflicts_list(store, argc == 2 ? argv[1] : NULL, &rows, &n, &e) != 0) {
		fprintf(stderr, "arrears conflicts: %s\n", e.msg);
		store_close(&store);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t%s\t%s\tcurrent '%s'\tedit '%s'\tby %s at %s\n", rows[i].account,
		       wire_field_name(rows[i].field), rows[i].id, rows[i].current, rows[i].value,
		       rows[i].by, time_format_rfc3339(rows[i].at, at, sizeof at));
	free(rows);
	store_close(&store);
	return 0;
}

int
cmd_resolve(int argc, char **argv, const struct global_opts *g)
{
	struct settings cfg;
	struct store *store = NULL;
	struct casework cw;
	char device[37];
	struct err e = { "" };
	int rc;

	if (argc != 4 || (strcmp(argv[3], "current") != 0 && strcmp(argv[3], "edit") != 0)) {
		fputs("usage: arrears resolve ACCOUNT CONFLICT current|edit\n", stderr);
		return 2;
	}
	if ((rc = open_cache(g, &cfg, &store)) != 0)
		return rc;
	cw = (struct casework){ .store = store, .device = device, .user = cfg.user,
				.role = cfg.role };
	rc = 1;
	if (contactability_device_id(store, device, &e) == -1 ||
	    casework_conflict_resolve(&cw, argv[1], argv[2], strcmp(argv[3], "edit") == 0,
				      clock_now(), &e) != 0)
		fprintf(stderr, "arrears resolve: %s\n", e.msg);
	else if (printf("conflict %s resolved (%s kept); the next sync pushes it\n", argv[2],
			argv[3]) > 0)
		rc = 0;
	store_close(&store);
	return rc;
}
