/* arrears.c - the command: the workstation by default, subcommands for batch work. This is the
 * composition root, the one file that sees both libarrears and ui/. */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "commands.h"
#include "settings.h"
#include "store.h"
#include "ui.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: arrears [--config FILE] [--cache FILE] [COMMAND [ARGS]]\n"
		"       arrears --dump-keys | --help | --version\n"
		"\n"
		"With no command, opens the workstation on the cache.\n"
		"\n"
		"commands:\n"
		"  demo [--accounts N] [--seed S] [--as-of DATE]   write a demo book into a new cache\n"
		"  export accounts|events                        print the book as CSV, evidence as JSON lines\n"
		"  policy eval [--profile NAME]                  decide contacts read as JSON on stdin\n"
		"  policy profiles                               list the contact-policy profiles\n"
		"  audit verify|export --account ID --format F   check the evidence chains, export evidence\n"
		"  attach ACCOUNT FILE [--note TEXT]             record a photo or letter as evidence\n"
		"  login [--server URL] --user NAME              log in to arrearsd (password on stdin)\n"
		"  sync [--upload-limit BYTES]                   pull the book's changes, push evidence\n"
		"  logout                                        revoke the token and forget it\n"
		"  report aging [--by F] [--since D] [--format F] accounts and money by aging band\n"
		"  reassign --to AGENT ACCOUNT...                leads: move cases to another agent\n"
		"  edit ACCOUNT name|zones VALUE                 correct the debtor's name or time zones\n"
		"  conflicts [ACCOUNT]                           list edits the server kept beside a value\n"
		"  resolve ACCOUNT CONFLICT current|edit         keep the current value or take the edit\n"
		"  strategy check [DIR]                          check strategies and templates\n"
		"  strategy show [--as-of D] [--message] ACCOUNT an account's segment and step\n"
		"  dump-config                                   print every option and its value\n"
		"  version                                       print the version\n"
		"\n"
		"See arrears(1) and arrears.conf(5).\n");
}

/* Loads settings for any command: --config, or the default path when it exists. */
int
settings_for(const struct global_opts *g, struct settings *s, struct err *e)
{
	char path[4096];

	settings_default(s);
	if (g->config_path != NULL) {
		if (settings_load(s, g->config_path, 1, e) != 0)
			return -1;
	} else if (settings_default_path(path, sizeof path) == 0) {
		if (settings_load(s, path, 0, e) != 0)
			return -1;
	}
	for (int i = 0; i < s->nwarnings; i++)
		fprintf(stderr, "arrears: warning: %s\n", s->warnings[i]);
	if (g->cache_path != NULL)
		snprintf(s->cache, sizeof s->cache, "%s", g->cache_path);
	else if (s->cache[0] == '\0' && settings_default_cache(s->cache, sizeof s->cache) != 0)
		return err_set(e, "cannot tell where the cache goes: set HOME, XDG_DATA_HOME or --cache");
	return 0;
}

static int
run_workstation(const struct global_opts *g)
{
	struct settings cfg;
	struct store *store = NULL;
	enum store_failure why;
	struct err e = { "" };
	int rc;

	if (settings_for(g, &cfg, &e) != 0 || ui_check_settings(&cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	if (store_open(cfg.cache, STORE_OPEN_EXISTING, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return (int)why;
	}
	rc = ui_run(store, &cfg, &e);
	store_close(&store);
	if (rc != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 1;
	}
	return 0;
}

static int
dump_config(const struct global_opts *g)
{
	struct settings cfg;
	struct err e = { "" };
	char *text;

	if (settings_for(g, &cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		return 2;
	}
	settings_dump(&cfg, &text);
	fputs(text, stdout);
	free(text);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "cache", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "dump-keys", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	struct global_opts g = { 0 };
	const char *cmd;
	int opt;

	setlocale(LC_ALL, "");
	if (sodium_init() < 0) {
		fprintf(stderr, "arrears: libsodium failed to initialise\n");
		return 1;
	}
	/* '+' stops at the first non-option: the rest belongs to the subcommand */
	while ((opt = getopt_long(argc, argv, "+c:C:hVK", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			g.config_path = optarg;
			break;
		case 'C':
			g.cache_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("arrears %s\n", PACKAGE_VERSION);
			return 0;
		case 'K':
			ui_keys_dump(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc)
		return run_workstation(&g);
	cmd = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 1;
	if (strcmp(cmd, "demo") == 0)
		return cmd_demo(argc, argv, &g);
	if (strcmp(cmd, "export") == 0)
		return cmd_export(argc, argv, &g);
	if (strcmp(cmd, "policy") == 0)
		return cmd_policy(argc, argv, &g);
	if (strcmp(cmd, "audit") == 0)
		return cmd_audit(argc, argv, &g);
	if (strcmp(cmd, "attach") == 0)
		return cmd_attach(argc, argv, &g);
	if (strcmp(cmd, "login") == 0)
		return cmd_login(argc, argv, &g);
	if (strcmp(cmd, "sync") == 0)
		return cmd_sync(argc, argv, &g);
	if (strcmp(cmd, "logout") == 0)
		return cmd_logout(argc, argv, &g);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc, argv, &g);
	if (strcmp(cmd, "reassign") == 0)
		return cmd_reassign(argc, argv, &g);
	if (strcmp(cmd, "edit") == 0)
		return cmd_edit(argc, argv, &g);
	if (strcmp(cmd, "conflicts") == 0)
		return cmd_conflicts(argc, argv, &g);
	if (strcmp(cmd, "resolve") == 0)
		return cmd_resolve(argc, argv, &g);
	if (strcmp(cmd, "strategy") == 0)
		return cmd_strategy(argc, argv, &g);
	if (strcmp(cmd, "dump-config") == 0)
		return dump_config(&g);
	if (strcmp(cmd, "version") == 0) {
		printf("arrears %s\n", PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, "arrears: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}
