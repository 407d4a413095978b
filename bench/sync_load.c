/* sync_load - a load tool for arrearsd on loopback (a measurement, never a test):
 *   sync_load gen DIR CLIENTS BATCHES EVENTS USER_PREFIX DEVICE_PREFIX
 *     writes DIR/C/B.json: for client C (1..CLIENTS), BATCHES push bodies of EVENTS chained
 *     notes each by user USER_PREFIX<C> on device DEVICE_PREFIX<C>, on account A<C> (7 digits)
 *   sync_load login URL CACERT CLIENTS USER_PREFIX PASSWORD DEVICE_PREFIX > TOKENS
 *     logs the users in, all at once, and prints one token a line
 *   sync_load push URL CACERT DIR TOKENS CLIENTS MAX_SECONDS
 *     one thread a client, each POSTing its bodies in order over one kept-alive connection;
 *     prints requests, events, seconds, events/s and request latency percentiles
 *   sync_load pull URL CACERT TOKENS CLIENTS MAX_SECONDS
 *     each client pulls its whole scope (GET /v1/changes, pages of 1000) at once with the
 *     others, as a floor does at the start of a shift; prints accounts, pages and page latency
 * URL may be several, separated by commas (instances of one book): client C uses the
 * ((C - 1) mod n)th. Bounded: at most 1000 clients, and nothing is started after
 * MAX_SECONDS. */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "evidence.h"
#include "wire.h"

#define MAX_CLIENTS 1000
#define MAX_URLS 8
#define LOGIN_WAVE 8

struct buf {
	char *data;
	size_t len;
};

struct client {
	int id;
	const char *url, *cacert, *dir;
	char token[128];
	const char *user_prefix, *password, *device_prefix;
	double deadline;
	double start, interval;	/* paced: batch b is due at start + (b - 1) * interval */
	double *lat;		/* seconds of each request */
	size_t nlat, cap;
	long accepted;		/* events accepted (push), accounts pulled (pull) */
	char error[256];
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
collect(char *p, size_t size, size_t n, void *ctx)
{
	struct buf *b = ctx;

	if ((b->data = realloc(b->data, b->len + size * n + 1)) == NULL)
		abort();
	memcpy(b->data + b->len, p, size * n);
	b->len += size * n;
	b->data[b->len] = '\0';
	return size * n;
}

/* Only loopback: this tool makes load, and load is for one's own machine. */
static int
url_loopback(const char *url)
{
	return strncmp(url, "https://127.0.0.1:", 18) == 0 || strncmp(url, "https://[::1]:", 14) == 0 ||
	       strncmp(url, "https://localhost:", 18) == 0;
}

/* Splits a comma-separated list of URLs in place into urls (MAX_URLS at most). */
static int
urls_split(char *list, char **urls)
{
	int n = 0;

	for (char *p = strtok(list, ","); p != NULL && n < MAX_URLS; p = strtok(NULL, ","))
		urls[n++] = p;
	return n;
}

static int
file_read(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	b->data = NULL;
	b->len = 0;
	if (f == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		collect(chunk, 1, n, b);
	fclose(f);
	return b->data != NULL ? 0 : -1;
}

static int
gen(int argc, char **argv)
{
	const char *dir = argv[2];
	long clients = strtol(argv[3], NULL, 10), batches = strtol(argv[4], NULL, 10);
	long events = strtol(argv[5], NULL, 10);
	char path[4096], body[64];
	struct err e;

	if (clients < 1 || clients > MAX_CLIENTS || batches < 1 || batches > 100000 || events < 1 ||
	    events > 100000) {
		fprintf(stderr, "sync_load: gen: CLIENTS 1..%d, BATCHES and EVENTS 1..100000\n",
			MAX_CLIENTS);
		return 2;
	}
	for (long c = 1; c <= clients; c++) {
		char prev[65] = "0000000000000000000000000000000000000000000000000000000000000000";
		struct event *evs = calloc((size_t)events, sizeof *evs);
		int64_t seq = 1;

		snprintf(path, sizeof path, "%s/%ld", dir, c);
		if (evs == NULL || (mkdir(path, 0755) != 0 && errno != EEXIST)) {
			fprintf(stderr, "sync_load: %s: %s\n", path, strerror(errno));
			return 1;
		}
		for (long b = 1; b <= batches; b++) {
			json_t *batch;
			FILE *f;

			for (long i = 0; i < events; i++, seq++) {
				struct event *ev = &evs[i];

				free(ev->body);
				memset(ev, 0, sizeof *ev);
				evidence_uuid(ev->id);
				snprintf(ev->device, sizeof ev->device, "%s%ld", argv[7], c);
				snprintf(ev->user, sizeof ev->user, "%s%ld", argv[6], c);
				snprintf(ev->account_id, sizeof ev->account_id, "A%07ld", c);
				snprintf(ev->kind, sizeof ev->kind, "note");
				ev->at = 1795000000 + seq * 60;
				ev->seq = seq;
				snprintf(body, sizeof body, "{\"text\":\"call back after lunch, note %lld\"}",
					 (long long)seq);
				if ((ev->body = strdup(body)) == NULL)
					abort();
				snprintf(ev->prev_hash, sizeof ev->prev_hash, "%s", prev);
				if (evidence_hash(ev, ev->hash, &e) != 0) {
					fprintf(stderr, "sync_load: %s\n", e.msg);
					return 1;
				}
				snprintf(prev, sizeof prev, "%s", ev->hash);
			}
			snprintf(path, sizeof path, "%s/%ld/%ld.json", dir, c, b);
			if ((batch = wire_batch_encode(evs, (size_t)events, &e)) == NULL ||
			    (f = fopen(path, "w")) == NULL || json_dumpf(batch, f, JSON_COMPACT) != 0 ||
			    fclose(f) != 0) {
				fprintf(stderr, "sync_load: %s: cannot write\n", path);
				return 1;
			}
			json_decref(batch);
		}
		for (long i = 0; i < events; i++)
			free(evs[i].body);
		free(evs);
	}
	return 0;
}

static CURL *
handle_new(const struct client *c, struct buf *reply, struct curl_slist **hdrs)
{
	CURL *h = curl_easy_init();
	char auth[160];

	if (h == NULL)
		abort();
	*hdrs = curl_slist_append(NULL, "Content-Type: application/json");
	if (c->token[0] != '\0') {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
		*hdrs = curl_slist_append(*hdrs, auth);
	}
	curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, reply);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	return h;
}

/* POSTs body to path; the status, or -1 with c->error set. */
static long
post(CURL *h, struct client *c, const char *path, const struct buf *body, struct buf *reply)
{
	char url[512];
	long status = -1;
	CURLcode rc;

	snprintf(url, sizeof url, "%s%s", c->url, path);
	free(reply->data);
	reply->data = NULL;
	reply->len = 0;
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data);
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	if ((rc = curl_easy_perform(h)) != CURLE_OK) {
		snprintf(c->error, sizeof c->error, "%.150s: %s", url, curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	return status;
}

static void *
login_one(void *arg)
{
	struct client *c = arg;
	struct curl_slist *hdrs;
	struct buf reply = { 0 }, body = { 0 };
	CURL *h = handle_new(c, &reply, &hdrs);
	json_t *req, *ans;
	const char *tok;
	char user[64], device[64];
	long status;

	snprintf(user, sizeof user, "%s%d", c->user_prefix, c->id);
	snprintf(device, sizeof device, "%s%d", c->device_prefix, c->id);
	req = json_pack("{s:s, s:s, s:s}", "user", user, "password", c->password, "device", device);
	body.data = json_dumps(req, JSON_COMPACT);
	body.len = strlen(body.data);
	status = post(h, c, "/v1/session", &body, &reply);
	if (status == 200 && (ans = json_loads(reply.data, 0, NULL)) != NULL) {
		if ((tok = json_string_value(json_object_get(ans, "token"))) != NULL)
			snprintf(c->token, sizeof c->token, "%s", tok);
		json_decref(ans);
	}
	if (c->token[0] == '\0' && c->error[0] == '\0')
		snprintf(c->error, sizeof c->error, "login %s: status %ld: %.100s", user, status,
			 reply.data ? reply.data : "");
	json_decref(req);
	free(body.data);
	free(reply.data);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return NULL;
}

/* Counts the "accepted" results of an answer without a full decode (cheap beside the wait). */
static long
count_accepted(const char *s)
{
	long n = 0;

	while (s != NULL && (s = strstr(s, "\"accepted\"")) != NULL) {
		n++;
		s += 10;
	}
	return n;
}

static void
lat_add(struct client *c, double seconds)
{
	if (c->nlat == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		if ((c->lat = realloc(c->lat, c->cap * sizeof *c->lat)) == NULL)
			abort();
	}
	c->lat[c->nlat++] = seconds;
}

static void *
push_one(void *arg)
{
	struct client *c = arg;
	struct curl_slist *hdrs;
	struct buf reply = { 0 };
	CURL *h = handle_new(c, &reply, &hdrs);
	char path[4096];

	for (long b = 1; now_s() < c->deadline; b++) {
		struct buf body;
		double t0;
		long status;

		snprintf(path, sizeof path, "%s/%d/%ld.json", c->dir, c->id, b);
		if (file_read(path, &body) != 0)
			break;	/* this client's bodies are all sent */
		t0 = now_s();
		if (c->interval > 0) {
			/* open loop: wait for the batch's due time, and count a late start as
			 * latency, so a slow server cannot hide its queue by slowing the clients */
			double due = c->start + (double)(b - 1) * c->interval;

			if (due > t0) {
				struct timespec ts = { (time_t)(due - t0),
						       (long)((due - t0 - (double)(time_t)(due - t0)) * 1e9) };

				nanosleep(&ts, NULL);
			}
			t0 = due;
		}
		status = post(h, c, "/v1/events", &body, &reply);
		lat_add(c, now_s() - t0);
		free(body.data);
		if (status != 200) {
			if (c->error[0] == '\0')
				snprintf(c->error, sizeof c->error, "push %.100s: status %ld: %.100s", path,
					 status, reply.data ? reply.data : "");
			break;
		}
		c->accepted += count_accepted(reply.data);
	}
	free(reply.data);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return NULL;
}

/* Pulls the client's whole scope page by page; c->accepted counts the changes. */
static void *
pull_one(void *arg)
{
	struct client *c = arg;
	struct curl_slist *hdrs;
	struct buf reply = { 0 };
	CURL *h = handle_new(c, &reply, &hdrs);
	char cursor[64] = "", url[512];

	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	while (now_s() < c->deadline) {
		json_t *page;
		long status = -1;
		double t0 = now_s();
		CURLcode rc;

		snprintf(url, sizeof url, "%s/v1/changes?since=%s&limit=1000", c->url, cursor);
		free(reply.data);
		reply.data = NULL;
		reply.len = 0;
		curl_easy_setopt(h, CURLOPT_URL, url);
		if ((rc = curl_easy_perform(h)) != CURLE_OK) {
			snprintf(c->error, sizeof c->error, "pull: %s", curl_easy_strerror(rc));
			break;
		}
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		lat_add(c, now_s() - t0);
		if (status != 200 || (page = json_loads(reply.data, 0, NULL)) == NULL) {
			snprintf(c->error, sizeof c->error, "pull: status %ld: %.100s", status,
				 reply.data ? reply.data : "");
			break;
		}
		c->accepted += (long)json_array_size(json_object_get(page, "changes"));
		snprintf(cursor, sizeof cursor, "%s",
			 json_string_value(json_object_get(page, "cursor")) ?
				 json_string_value(json_object_get(page, "cursor")) : "");
		if (!json_is_true(json_object_get(page, "more"))) {
			json_decref(page);
			break;
		}
		json_decref(page);
	}
	free(reply.data);
	curl_slist_free_all(hdrs);
	curl_easy_cleanup(h);
	return NULL;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
run(struct client *cs, int n, void *(*fn)(void *))
{
	pthread_t *t = calloc((size_t)n, sizeof *t);
	int failed = 0;

	if (t == NULL)
		abort();
	for (int i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, fn, &cs[i]) != 0)
			abort();
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		if (cs[i].error[0] != '\0') {
			fprintf(stderr, "sync_load: client %d: %s\n", cs[i].id, cs[i].error);
			failed = 1;
		}
	}
	free(t);
	return failed;
}

int
main(int argc, char **argv)
{
	struct client *cs;
	char *urls[MAX_URLS];
	long n;
	int rc = 0, nurls;

	if (argc == 8 && strcmp(argv[1], "gen") == 0)
		return gen(argc, argv);
	if (!((argc == 8 && strcmp(argv[1], "login") == 0) ||
	      ((argc == 8 || argc == 9) && strcmp(argv[1], "push") == 0) ||
	      (argc == 7 && strcmp(argv[1], "pull") == 0))) {
		fprintf(stderr, "usage: sync_load gen DIR CLIENTS BATCHES EVENTS USER_PREFIX DEVICE_PREFIX\n"
				"       sync_load login URL CACERT CLIENTS USER_PREFIX PASSWORD DEVICE_PREFIX\n"
				"       sync_load push URL CACERT DIR TOKENS CLIENTS MAX_SECONDS [INTERVAL_MS]\n"
				"       sync_load pull URL CACERT TOKENS CLIENTS MAX_SECONDS\n"
				"(URL may be several, comma-separated; with INTERVAL_MS each client sends a\n"
				" batch every INTERVAL_MS, starts spread over one interval, latency counted\n"
				" from each batch's due time)\n");
		return 2;
	}
	nurls = urls_split(argv[2], urls);
	for (int u = 0; u < nurls; u++)
		if (!url_loopback(urls[u])) {
			fprintf(stderr, "sync_load: %s: only https on loopback (127.0.0.1, ::1, "
					"localhost)\n", urls[u]);
			return 2;
		}
	if (nurls == 0) {
		fprintf(stderr, "sync_load: no URL\n");
		return 2;
	}
	n = strtol(argv[strcmp(argv[1], "push") == 0 ? 6 : strcmp(argv[1], "pull") == 0 ? 5 : 4],
		   NULL, 10);
	if (n < 1 || n > MAX_CLIENTS) {
		fprintf(stderr, "sync_load: CLIENTS must be 1..%d\n", MAX_CLIENTS);
		return 2;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0 || (cs = calloc((size_t)n, sizeof *cs)) == NULL)
		return 1;
	for (long i = 0; i < n; i++) {
		cs[i].id = (int)i + 1;
		cs[i].url = urls[i % nurls];
		cs[i].cacert = argv[3];
	}
	if (strcmp(argv[1], "login") == 0) {
		for (long i = 0; i < n; i++) {
			cs[i].user_prefix = argv[5];
			cs[i].password = argv[6];
			cs[i].device_prefix = argv[7];
		}
		/* in waves: each login hashes a password for a tenth of a second or more, and 50 at
		 * once would queue past the server's idle timeout on a busy machine */
		for (long i = 0; i < n; i += LOGIN_WAVE)
			rc |= run(cs + i, (int)(n - i < LOGIN_WAVE ? n - i : LOGIN_WAVE), login_one);
		if (rc == 0) {
			for (long i = 0; i < n; i++)
				printf("%s\n", cs[i].token);
		}
	} else {
		int pull = strcmp(argv[1], "pull") == 0;
		FILE *tf = fopen(argv[pull ? 4 : 5], "r");
		double secs = strtod(argv[pull ? 6 : 7], NULL), t0, elapsed, *all;
		double interval = argc == 9 ? strtod(argv[8], NULL) / 1e3 : 0;
		long events = 0, total = 0, k = 0;

		if (tf == NULL || secs <= 0 || secs > 3600 || interval < 0 || interval > 600) {
			fprintf(stderr, "sync_load: %s: cannot read, or MAX_SECONDS not 0..3600, or "
					"INTERVAL_MS not 0..600000\n", argv[pull ? 4 : 5]);
			rc = 1;
			goto out;
		}
		for (long i = 0; i < n; i++) {
			if (fgets(cs[i].token, sizeof cs[i].token, tf) == NULL) {
				fprintf(stderr, "sync_load: %s: fewer than %ld tokens\n",
					argv[pull ? 4 : 5], n);
				fclose(tf);
				rc = 1;
				goto out;
			}
			cs[i].token[strcspn(cs[i].token, "\n")] = '\0';
			cs[i].dir = pull ? NULL : argv[4];
		}
		fclose(tf);
		t0 = now_s();
		for (long i = 0; i < n; i++) {
			cs[i].deadline = t0 + secs;
			cs[i].interval = interval;
			cs[i].start = t0 + interval * (double)i / (double)n;
		}
		rc = run(cs, (int)n, pull ? pull_one : push_one);
		elapsed = now_s() - t0;
		for (long i = 0; i < n; i++) {
			total += (long)cs[i].nlat;
			events += cs[i].accepted;
		}
		if ((all = calloc((size_t)total + 1, sizeof *all)) == NULL)
			abort();
		for (long i = 0; i < n; i++)
			for (size_t j = 0; j < cs[i].nlat; j++)
				all[k++] = cs[i].lat[j];
		qsort(all, (size_t)total, sizeof *all, cmp_double);
		printf("clients %ld, requests %ld, %s %ld, seconds %.2f, %s/s %.0f, "
		       "latency ms p50 %.1f p99 %.1f max %.1f\n", n, total,
		       pull ? "accounts pulled" : "events accepted", events, elapsed,
		       pull ? "accounts" : "events", (double)events / elapsed, total ? all[total / 2] * 1e3 : 0.0,
		       total ? all[(size_t)((double)(total - 1) * 0.99)] * 1e3 : 0.0,
		       total ? all[total - 1] * 1e3 : 0.0);
		free(all);
		for (long i = 0; i < n; i++)
			free(cs[i].lat);
	}
out:
	free(cs);
	curl_global_cleanup();
	return rc;
}
