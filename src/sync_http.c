/* sync_http.c - one request of the sync client (sync_http.h). */
#include "config.h"

#include <curl/curl.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sync_http.h"
#include "wire.h"

#define MAX_ANSWER (64L * 1024 * 1024)
#define BACKOFF_BASE_MS 500
#define BACKOFF_CAP_MS 30000
#define JSON_DEPTH 32

struct answer {
	char *data;
	size_t len;
	int too_big;
};

int64_t
sync_backoff_ms(int attempt, long retry_after_s, uint32_t jitter)
{
	int64_t ms;

	if (retry_after_s > 0) {
		if (retry_after_s > BACKOFF_CAP_MS / 1000)
			return -1;
		ms = (int64_t)retry_after_s * 1000;
	} else {
		ms = BACKOFF_BASE_MS;
		for (int i = 1; i < attempt && ms < BACKOFF_CAP_MS; i++)
			ms *= 2;
		if (ms > BACKOFF_CAP_MS)
			ms = BACKOFF_CAP_MS;
	}
	return ms + (int64_t)(jitter % (uint32_t)(ms / 4 + 1));
}

static size_t
answer_write(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb;
	char *p;

	if (a->len + n > (size_t)MAX_ANSWER) {
		a->too_big = 1;
		return 0;
	}
	if ((p = realloc(a->data, a->len + n + 1)) == NULL)
		return 0;
	memcpy(p + a->len, ptr, n);
	a->data = p;
	a->len += n;
	a->data[a->len] = '\0';
	return n;
}

/* Keeps the Upload-Offset header of a blob answer. */
static size_t
header_seen(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct reply *r = ctx;
	size_t n = size * nmemb;
	static const char name[] = "upload-offset:";

	if (n > sizeof name - 1 && strncasecmp(ptr, name, sizeof name - 1) == 0) {
		char num[32];
		size_t k = n - (sizeof name - 1) < sizeof num - 1 ? n - (sizeof name - 1) : sizeof num - 1;
		char *end;
		long long v;

		memcpy(num, ptr + sizeof name - 1, k);
		num[k] = '\0';
		v = strtoll(num, &end, 10);
		if (end != num && v >= 0)
			r->upload_offset = v;
	}
	return n;
}

/* Failures no retry can mend: the server is not the one the configuration trusts. */
static int
trust_failure(CURLcode cc)
{
	return cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_PINNEDPUBKEYNOTMATCH ||
	       cc == CURLE_SSL_CACERT_BADFILE || cc == CURLE_SSL_CERTPROBLEM ||
	       cc == CURLE_UNSUPPORTED_PROTOCOL || cc == CURLE_URL_MALFORMAT;
}

/* One attempt: method and path at base, with an optional JSON body. 0 when an answer came
 * (any status), -1 when none did, -2 when none can (a certificate not trusted, a bad URL);
 * e says why. */
static int
http_once(const struct sync_conf *c, const char *base, const char *method, const char *path,
	  const char *token, const struct payload *body, struct reply *r, struct err *e)
{
	CURL *h;
	struct curl_slist *hdrs = NULL;
	struct answer a = { 0 };
	char url[2048], auth[256] = "", errbuf[CURL_ERROR_SIZE] = "";
	curl_off_t retry_after = 0;
	CURLcode cc;
	int rc = -1;

	memset(r, 0, sizeof *r);
	r->upload_offset = -1;
	if ((size_t)snprintf(url, sizeof url, "%s%s", base, path) >= sizeof url)
		return err_set(e, "server URL too long");
	if ((h = curl_easy_init()) == NULL)
		return err_set(e, "libcurl failed to initialise");
	hdrs = curl_slist_append(hdrs, "Accept: application/json");
	if (body != NULL) {
		char ctype[160];

		snprintf(ctype, sizeof ctype, "Content-Type: %s", body->type);
		hdrs = curl_slist_append(hdrs, ctype);
	}
	if (token != NULL) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		hdrs = curl_slist_append(hdrs, auth);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (c->ca_file != NULL && c->ca_file[0] != '\0')
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	if (c->pinned_public_key != NULL && c->pinned_public_key[0] != '\0')
		curl_easy_setopt(h, CURLOPT_PINNEDPUBLICKEY, c->pinned_public_key);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, c->connect_timeout_s);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
	if (body != NULL) {
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, header_seen);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, answer_write);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		if (a.too_big)
			err_set(e, "%s %s: the answer is over %ld bytes", method, path, MAX_ANSWER);
		else
			err_set(e, "%s: %s", base, errbuf[0] ? errbuf : curl_easy_strerror(cc));
		if (trust_failure(cc))
			rc = -2;
		goto out;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
	curl_easy_getinfo(h, CURLINFO_RETRY_AFTER, &retry_after);
	r->retry_after = (long)retry_after;
	if (a.len > 0)
		r->body = wire_parse(a.data, a.len, JSON_DEPTH, NULL);
	rc = 0;
out:
	free(a.data);
	curl_slist_free_all(hdrs);
	sodium_memzero(auth, sizeof auth);
	curl_easy_cleanup(h);
	return rc;
}

static void
sleep_ms(int64_t ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int
answer_error(const struct reply *r, const char *what, struct err *e)
{
	char code[40], msg[200];

	if (r->body != NULL && wire_error_decode(r->body, code, sizeof code, msg, sizeof msg, NULL) == 0)
		return err_set(e, "%s: %ld %s: %s", what, r->status, code, msg);
	return err_set(e, "%s: status %ld", what, r->status);
}

/* Retried: pushes are idempotent by event id, the rest only read. */
int
request_payload(const struct sync_conf *c, const char *base, const char *method,
		const char *path, const char *token, const struct payload *body, struct reply *r,
		struct err *e)
{
	for (int attempt = 1;; attempt++) {
		int64_t wait;
		int got = http_once(c, base, method, path, token, body, r, e);

		if (got == -2)
			return SYNC_FAILED;
		if (got == 0 && r->status != 429 && r->status != 503)
			return SYNC_OK;
		if (got == 0)
			answer_error(r, path, e);
		wait = sync_backoff_ms(attempt, got == 0 ? r->retry_after : 0, randombytes_random());
		json_decref(r->body);
		r->body = NULL;
		if (attempt >= c->max_attempts || wait < 0)
			return SYNC_UNREACHABLE;
		sleep_ms(wait);
	}
}

int
request(const struct sync_conf *c, const char *base, const char *method, const char *path,
	const char *token, const char *body, struct reply *r, struct err *e)
{
	struct payload p = { .data = body, .len = body ? strlen(body) : 0,
			     .type = "application/json" };

	return request_payload(c, base, method, path, token, body ? &p : NULL, r, e);
}
