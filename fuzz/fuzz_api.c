/* fuzz_api - libFuzzer target for arrearsd's request handling (server/api.c) over a real store
 * in memory: the first byte picks the route, the rest is the body (or, for a pull, the query
 * arguments since and limit, one per line). Every answer must be a well-formed reply. */
#include "config.h"

#include <ftw.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "import.h"
#include "server.h"
#include "store.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct server_config conf;
static struct server_store *store;
static struct api *api;
static char bearer[128];
static char blob_dir[] = "/tmp/fuzz_api_blobs.XXXXXX";

static int
remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* The uploads of a run are thrown away with it. */
static void
blob_dir_remove(void)
{
	nftw(blob_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char book_csv[] =
	"account_id,name,balance,past_due,due_date,assignee,product,currency,phone,phone_kind,"
	"email,timezone,state,flags\n"
	"A0000001,Chloe Thomas,1630.63,260.90,2026-10-20,ann,card,USD,+1 404-555-7043,landline,,"
	"America/New_York,GA,\n"
	"A0000002,Jurgen Harris,8542.28,1366.76,2026-10-20,ann,auto,USD,+1 214-555-3477,mobile,"
	"c2@example.com,America/Chicago,TX,\n";

static void
die(const char *what, const struct err *e)
{
	fprintf(stderr, "fuzz_api: %s: %s\n", what, e ? e->msg : "failed");
	exit(1);
}

static const char *
no_query(void *ctx, const char *key)
{
	return NULL;
}

/* Query arguments: the input's lines after the first, in the order of names. */
static const char *const query_names[] = { "since", "limit", "offset", "by", "as_of" };
#define NQUERY (sizeof query_names / sizeof query_names[0])

struct query {
	const char *value[NQUERY];
};

static const char *
query_arg(void *ctx, const char *key)
{
	struct query *q = ctx;

	for (size_t i = 0; i < NQUERY; i++)
		if (strcmp(key, query_names[i]) == 0)
			return q->value[i];
	return NULL;
}

static void
reply_check(struct api_reply *rp)
{
	if (rp->status < 200 || rp->status > 599)
		abort();
	/* the sender owns the descriptor of a file body */
	if (rp->has_file)
		close(rp->file_fd);
	if (rp->status >= 400 && (rp->body == NULL ||
				  !json_is_string(json_object_get(rp->body, "error"))))
		abort();
	json_decref(rp->body);
	rp->body = NULL;
}

/* A book with one agent, two of her accounts, and her token; the password hash is libsodium's
 * cheapest so that a fuzzed login with her name stays fast. */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct server_user u = { .role = ROLE_AGENT };
	struct import_report r;
	struct api_request rq = { .method = "POST", .path = "/v1/session", .addr = "127.0.0.1",
				  .query = no_query };
	struct api_reply rp = { 0 };
	char csv[] = "/tmp/fuzz_api.XXXXXX";
	const char *login = "{\"user\":\"ann\",\"password\":\"pass-of-ann\",\"device\":\"d1\"}";
	const char *token;
	struct err e;
	FILE *f;
	int fd;

	if (sodium_init() < 0 || conf_load(&conf, NULL, &e) != 0)
		die("init", NULL);
	snprintf(conf.database, sizeof conf.database, ":memory:");
	if (mkdtemp(blob_dir) == NULL)
		die("blob directory", NULL);
	atexit(blob_dir_remove);
	snprintf(conf.blob_dir, sizeof conf.blob_dir, "%s", blob_dir);
	if (server_store_open(&conf, SERVER_STORE_INIT, &store, &e) != 0)
		die("store", &e);
	snprintf(u.name, sizeof u.name, "ann");
	snprintf(u.team, sizeof u.team, "t1");
	if (crypto_pwhash_str(u.pwhash, "pass-of-ann", 11, crypto_pwhash_OPSLIMIT_MIN,
			      crypto_pwhash_MEMLIMIT_MIN) != 0 ||
	    store->ops->begin(store, &e) != 0 || store->ops->user_add(store, &u, &e) != 0 ||
	    store->ops->commit(store, &e) != 0)
		die("user", &e);
	if ((fd = mkstemp(csv)) < 0 || (f = fdopen(fd, "w")) == NULL ||
	    fputs(book_csv, f) == EOF || fclose(f) != 0)
		die("book", NULL);
	if (import_accounts(store, csv, NULL, &r, NULL, NULL, &e) != 0)
		die("import", &e);
	unlink(csv);
	api = api_new(store, &conf);
	rq.body = login;
	rq.body_len = strlen(login);
	api_handle(api, &rq, &rp);
	if (rp.status != 200 || (token = json_string_value(json_object_get(rp.body, "token"))) == NULL)
		die("login", NULL);
	snprintf(bearer, sizeof bearer, "Bearer %s", token);
	json_decref(rp.body);
	return 0;
}

/* With prefix set, the input's first line completes the path. */
static const struct {
	const char *method, *path;
	int auth, prefix;
} routes[] = {
	{ "POST", "/v1/session", 0, 0 },
	{ "POST", "/v1/events", 1, 0 },
	{ "GET", "/v1/changes", 1, 0 },
	{ "DELETE", "/v1/session", 0, 0 },
	{ "GET", "/v1/accounts/", 1, 1 },
	{ "GET", "/v1/reports/aging", 1, 0 },
	{ "HEAD", "/v1/blobs/", 1, 1 },
	{ "PUT", "/v1/blobs/", 1, 1 },
	{ "GET", "/v1/blobs/", 1, 1 },
	{ "PATCH", "/v1/events", 1, 0 },
	{ "GET", "/v2/", 1, 1 },
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct api_request rq = { .addr = "127.0.0.1", .query = query_arg };
	struct api_reply rp = { 0 };
	struct query q = { 0 };
	char *text, *line, *path = NULL;
	size_t r, n = 0;

	if (size < 1)
		return 0;
	r = data[0] % (sizeof routes / sizeof routes[0]);
	if ((text = malloc(size)) == NULL)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	rq.method = routes[r].method;
	rq.path = routes[r].path;
	/* a DELETE gets the input as its token: revoking the real one would end the coverage of
	 * every authenticated route for the rest of the run */
	rq.authorization = routes[r].auth ? bearer : text;
	rq.body = text;
	rq.body_len = size - 1;
	rq.query_ctx = &q;
	if (strcmp(rq.method, "GET") == 0 || strcmp(rq.method, "HEAD") == 0 || routes[r].prefix) {
		/* the body is the rest after the first line; each further line is a query value */
		line = text;
		for (char *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
			*nl = '\0';
			if (n < NQUERY)
				q.value[n++] = nl + 1;
		}
		if (routes[r].prefix) {
			if ((path = malloc(strlen(routes[r].path) + strlen(text) + 1)) == NULL)
				abort();
			strcpy(path, routes[r].path);
			strcat(path, text);
			rq.path = path;
			rq.body = n > 0 ? q.value[0] : "";
			rq.body_len = strlen(rq.body);
		}
	}
	api_handle(api, &rq, &rp);
	reply_check(&rp);
	free(path);
	free(text);
	return 0;
}
