/* send_sms.c - SMS through a provider's HTTP API: the filled sms_body POSTed with the
 * configured auth header and the dispatch id as Idempotency-Key, so a retry the provider
 * already took is not sent twice. 429, 5xx and no answer are retried with doubling waits
 * inside the call; other answers are final. */
#include "config.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "secret_file.h"
#include "send_provider.h"
#include "sms_body.h"
#include "xalloc.h"

#define ANSWER_KEEP 300		/* bytes of a provider's answer kept for the reason */
#define WAIT_CAP_MS 30000

struct sms {
	CURL *curl;
	char url[512];
	char auth_header[1024];
	char body[1024];
	char ca_file[1024];
	int retries, backoff_ms;
	long timeout;
};

struct answer {
	char text[ANSWER_KEEP + 1];
	size_t len;
};

/* http:// only to this machine (a local relay); anything leaving it must be https://. */
static int
url_ok(const char *url, struct err *e)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL;
	int ok = 0;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		ok = strcmp(scheme, "https") == 0 ||
		     (strcmp(scheme, "http") == 0 &&
		      (strcmp(host, "127.0.0.1") == 0 || strcmp(host, "[::1]") == 0 ||
		       strcmp(host, "localhost") == 0));
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok ? 0 : err_set(e, "sms_url: '%s' is not an https:// URL (http:// is for this "
				   "machine only)", url);
}

int
sms_open(const struct server_config *c, struct sms **out, struct err *e)
{
	struct sms *s;
	const char *colon;

	if (url_ok(c->sms_url, e) != 0 || sms_body_check(c->sms_body, e) != 0)
		return -1;
	s = xcalloc(1, sizeof *s);
	if (c->sms_auth_header_file[0] != '\0') {
		if (secret_file_read(c->sms_auth_header_file, s->auth_header, sizeof s->auth_header,
				     e) != 0) {
			free(s);
			return err_prefix(e, "sms_auth_header_file");
		}
		colon = strchr(s->auth_header, ':');
		if (colon == NULL || colon == s->auth_header ||
		    strcspn(s->auth_header, " \t") < (size_t)(colon - s->auth_header)) {
			sodium_memzero(s->auth_header, sizeof s->auth_header);
			free(s);
			return err_set(e, "sms_auth_header_file: %s: not a header line "
					  "(Name: value)", c->sms_auth_header_file);
		}
	}
	if ((s->curl = curl_easy_init()) == NULL) {
		sodium_memzero(s->auth_header, sizeof s->auth_header);
		free(s);
		return err_set(e, "libcurl cannot start");
	}
	snprintf(s->url, sizeof s->url, "%s", c->sms_url);
	snprintf(s->body, sizeof s->body, "%s", c->sms_body);
	snprintf(s->ca_file, sizeof s->ca_file, "%s", c->sms_ca_file);
	s->retries = c->sms_retries;
	s->backoff_ms = c->sms_backoff_ms;
	s->timeout = c->send_timeout;
	*out = s;
	return 0;
}

void
sms_free(struct sms **s)
{
	if (*s == NULL)
		return;
	curl_easy_cleanup((*s)->curl);
	sodium_memzero((*s)->auth_header, sizeof (*s)->auth_header);
	free(*s);
	*s = NULL;
}

static size_t
answer_keep(char *ptr, size_t size, size_t nmemb, void *ctx)
{
	struct answer *a = ctx;
	size_t n = size * nmemb, k = n;

	if (k > ANSWER_KEEP - a->len)
		k = ANSWER_KEEP - a->len;
	memcpy(a->text + a->len, ptr, k);
	a->len += k;
	a->text[a->len] = '\0';
	return n;
}

/* 1 when E.164-ish: an optional '+' and 6 to 15 digits. */
static int
number_valid(const char *to)
{
	size_t n;

	if (*to == '+')
		to++;
	n = strlen(to);
	return n >= 6 && n <= 15 && strspn(to, "0123456789") == n;
}

static void
wait_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* The wait before attempt k (1 is the first retry): the provider's Retry-After when it gave
 * one within the cap, else the backoff doubled k - 1 times, with up to a quarter of jitter
 * so many senders do not come back at once. */
static long
wait_before(const struct sms *s, int k, long retry_after_s)
{
	long ms = s->backoff_ms;

	if (retry_after_s > 0 && retry_after_s * 1000 <= WAIT_CAP_MS)
		return retry_after_s * 1000;
	for (int i = 1; i < k && ms < WAIT_CAP_MS; i++)
		ms *= 2;
	if (ms > WAIT_CAP_MS)
		ms = WAIT_CAP_MS;
	return ms + (long)randombytes_uniform((uint32_t)(ms / 4 + 1));
}

/* One POST. Returns the HTTP status, or 0 with errbuf filled when there was no answer. */
static long
post_once(struct sms *s, const char *body, struct curl_slist *headers, struct answer *a,
	  long *retry_after, char *errbuf)
{
	curl_off_t ra = 0;
	long status = 0;
	CURLcode rc;

	a->len = 0;
	a->text[0] = '\0';
	errbuf[0] = '\0';
	curl_easy_reset(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
	curl_easy_setopt(s->curl, CURLOPT_HTTPHEADER, headers);
	if (s->ca_file[0] != '\0')
		curl_easy_setopt(s->curl, CURLOPT_CAINFO, s->ca_file);
	curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, answer_keep);
	curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, a);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, s->timeout);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, s->timeout);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, NULL);
	if (rc != CURLE_OK) {
		if (errbuf[0] == '\0')
			snprintf(errbuf, CURL_ERROR_SIZE, "%s", curl_easy_strerror(rc));
		return 0;
	}
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(s->curl, CURLINFO_RETRY_AFTER, &ra);
	*retry_after = (long)ra;
	return status;
}

int
sms_send(struct sms *s, const struct send_message *m, char *why, size_t whylen,
	 struct err *e)
{
	struct curl_slist *headers = NULL;
	char errbuf[CURL_ERROR_SIZE], text[CURL_ERROR_SIZE + ANSWER_KEEP + 64], key[160];
	struct answer a;
	long status = 0, retry_after = 0;
	char *body;
	int rc = 1;

	if (!number_valid(m->to)) {
		snprintf(text, sizeof text, "'%s' is not a phone number (+ and 6 to 15 digits)",
			 m->to);
		send_why(why, whylen, text);
		return 2;
	}
	if ((body = sms_body_fill(s->body, m->to, m->body, m->dispatch_id, e)) == NULL)
		return -1;
	headers = curl_slist_append(headers, "Content-Type: application/json");
	headers = curl_slist_append(headers, "Expect:");
	if (s->auth_header[0] != '\0')
		headers = curl_slist_append(headers, s->auth_header);
	if (strpbrk(m->dispatch_id, "\r\n") == NULL &&
	    snprintf(key, sizeof key, "Idempotency-Key: %s", m->dispatch_id) < (int)sizeof key)
		headers = curl_slist_append(headers, key);
	for (int k = 0; k <= s->retries; k++) {
		if (k > 0)
			wait_ms(wait_before(s, k, retry_after));
		retry_after = 0;
		status = post_once(s, body, headers, &a, &retry_after, errbuf);
		if (status >= 200 && status <= 299) {
			rc = 0;
			break;
		}
		if (status == 0)
			snprintf(text, sizeof text, "no answer: %s", errbuf);
		else
			snprintf(text, sizeof text, "HTTP %ld: %s", status, a.text);
		if (status != 0 && status != 429 && status < 500) {
			/* a 3xx is a wrong sms_url, not this message: for now */
			rc = status >= 400 ? 2 : 1;
			break;
		}
	}
	if (rc != 0) {
		if (rc == 1 && (status == 0 || status == 429 || status >= 500))
			snprintf(text + strlen(text), sizeof text - strlen(text),
				 " (after %d attempts)", s->retries + 1);
		send_why(why, whylen, text);
	}
	curl_slist_free_all(headers);
	sodium_memzero(body, strlen(body));
	free(body);
	return rc;
}
