/* cmd_attach.c - `arrears attach ACCOUNT FILE [--note TEXT] [--name NAME] [--mime TYPE]`:
 * records a photo or letter as evidence on an account; the next `arrears sync` uploads it. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "clock.h"
#include "commands.h"
#include "settings.h"
#include "store.h"

static const char usage_text[] =
	"usage: arrears attach ACCOUNT FILE [--note TEXT] [--name NAME] [--mime TYPE]\n";

int
cmd_attach(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "note", required_argument, NULL, 'n' },
		{ "name", required_argument, NULL, 'N' },
		{ "mime", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct attach_request r = { .note = NULL };
	struct settings cfg;
	struct store *store = NULL;
	enum store_failure why;
	struct event ev;
	struct err e = { "" };
	int opt;

	optind = 0;	/* 0 re-reads the option string: main's '+' must not carry over */
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (opt == 'n')
			r.note = optarg;
		else if (opt == 'N')
			r.name = optarg;
		else if (opt == 'm')
			r.mime = optarg;
		else {
			fputs(usage_text, stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fputs(usage_text, stderr);
		return 2;
	}
	r.account_id = argv[optind];
	r.file = argv[optind + 1];
	if (settings_for(g, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	if (store_open(cfg.cache, STORE_OPEN_EXISTING, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return (int)why;
	}
	r.user = cfg.user;
	r.at = clock_now();
	if (attach_add(store, &r, &ev, &e) != 0) {
		store_close(&store);
		fprintf(stderr, "arrears attach: %s\n", e.msg);
		return 1;
	}
	store_close(&store);
	printf("attached %s to %s as event %s; the next sync uploads it\n", r.file, r.account_id,
	       ev.id);
	free(ev.body);
	return 0;
}
