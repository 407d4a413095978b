/* cmd_sync.c - `arrears login`, `arrears sync` and `arrears logout`: the sync engine
 * (src/sync.c) driven from the command line; the exit codes are enum sync_status. */
#include "config.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "commands.h"
#include "settings.h"
#include "store.h"
#include "sync.h"

static void
conf_from(const struct settings *cfg, struct sync_conf *c)
{
	sync_conf_default(c);
	c->ca_file = cfg->ca_file;
	c->pinned_public_key = cfg->pinned_public_key;
}

/* Reads the password: prompted with echo off on a terminal, else the first line of stdin. */
static int
password_read(char *buf, size_t len)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), ok;

	if (tty) {
		fputs("password: ", stderr);
		fflush(stderr);
		if (tcgetattr(STDIN_FILENO, &old) != 0)
			return -1;
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	ok = fgets(buf, (int)len, stdin) != NULL;
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (!ok)
		return -1;
	buf[strcspn(buf, "\r\n")] = '\0';
	return buf[0] == '\0' ? -1 : 0;
}

/* Opens the cache the settings name; prints the failure and sets *rc when it cannot. */
static struct store *
open_cache(const struct global_opts *g, struct settings *cfg, enum store_mode mode, int *rc)
{
	struct store *store = NULL;
	enum store_failure why;
	struct err e = { "" };

	if (settings_for(g, cfg, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		*rc = 2;
		return NULL;
	}
	if (store_open(cfg->cache, mode, &store, &why, &e) != 0) {
		fprintf(stderr, "arrears: %s\n", e.msg);
		*rc = (int)why;
		return NULL;
	}
	return store;
}

int
cmd_login(int argc, char **argv, const struct global_opts *g)
{
	static const struct option longopts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *server = NULL, *user = NULL;
	struct settings cfg;
	struct sync_conf c;
	struct store *store;
	struct err e = { "" };
	char password[512];
	int opt, rc = 2;

	while ((opt = getopt_long(argc, argv, "s:u:", longopts, NULL)) != -1) {
		if (opt == 's')
			server = optarg;
		else if (opt == 'u')
			user = optarg;
		else
			goto usage;
	}
	if (optind != argc || user == NULL)
		goto usage;
	if ((store = open_cache(g, &cfg, STORE_CREATE, &rc)) == NULL)
		return rc;
	conf_from(&cfg, &c);
	c.server = server != NULL ? server : cfg.server;
	if (password_read(password, sizeof password) != 0) {
		fprintf(stderr, "arrears login: no password given\n");
		store_close(&store);
		return 2;
	}
	rc = sync_login(store, &c, user, password, &e);
	sodium_memzero(password, sizeof password);
	store_close(&store);
	if (rc != SYNC_OK)
		fprintf(stderr, "arrears login: %s\n", e.msg);
	return rc;
usage:
	fprintf(stderr, "usage: arrears login [--server URL] --user NAME\n");
	return 2;
}

int
cmd_sync(int argc, char **argv, const struct global_opts *g)
{
	struct settings cfg;
	struct sync_conf c;
	struct sync_report r;
	struct store *store;
	struct err e = { "" };
	long long limit = 0;
	char *end;
	int rc = 2;

	/* --upload-limit BYTES: a metered link sends at most that much of attachments a run */
	if (argc == 3 && strcmp(argv[1], "--upload-limit") == 0) {
		limit = strtoll(argv[2], &end, 10);
		if (argv[2][0] == '\0' || *end != '\0' || limit < 1) {
			fprintf(stderr, "arrears sync: --upload-limit: '%s' is not a number of bytes "
				"(1 or more)\n", argv[2]);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: arrears sync [--upload-limit BYTES]\n");
		return 2;
	}
	if ((store = open_cache(g, &cfg, STORE_OPEN_EXISTING, &rc)) == NULL)
		return rc;
	conf_from(&cfg, &c);
	c.upload_limit = limit;
	rc = sync_run(store, &c, &r, &e);
	store_close(&store);
	printf("pulled %lld accounts, %lld removed, in %d pages%s; pushed %lld events "
	       "(%lld duplicates, %lld rejected); %lld waiting\n",
	       (long long)r.upserted, (long long)r.removed, r.pages,
	       r.refreshed ? " (the server's book is new: pulled afresh)" : "",
	       (long long)r.accepted, (long long)r.duplicates, (long long)r.rejected,
	       (long long)r.pending);
	if (r.blobs_done > 0 || r.blobs_failed > 0 || r.blobs_waiting > 0 || r.blob_bytes > 0)
		printf("attachments: %lld uploaded (%lld bytes sent), %lld failed, %lld waiting\n",
		       (long long)r.blobs_done, (long long)r.blob_bytes, (long long)r.blobs_failed,
		       (long long)r.blobs_waiting);
	if (r.calls_fetched > 0)
		printf("call records: %lld new events to review\n", (long long)r.calls_fetched);
	if (rc != SYNC_OK)
		fprintf(stderr, "arrears sync: %s\n", e.msg);
	return rc;
}

int
cmd_logout(int argc, char **argv, const struct global_opts *g)
{
	struct settings cfg;
	struct sync_conf c;
	struct store *store;
	struct err e = { "" };
	int rc = 2;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: arrears logout\n");
		return 2;
	}
	if ((store = open_cache(g, &cfg, STORE_OPEN_EXISTING, &rc)) == NULL)
		return rc;
	conf_from(&cfg, &c);
	rc = sync_logout(store, &c, &e);
	store_close(&store);
	if (rc != SYNC_OK)
		fprintf(stderr, "arrears logout: %s\n", e.msg);
	return rc;
}
