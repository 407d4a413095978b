/* send_smtp.c - email through SMTP with libcurl: STARTTLS when offered (or required), AUTH
 * when a login is configured, one RCPT per message. The SMTP dialogue is watched through
 * libcurl's debug callback, only to tell which command a refusal answered and to keep the
 * server's words for the dead letter; nothing of it is logged. */
#include "config.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_message.h"
#include "secret_file.h"
#include "send_provider.h"
#include "xalloc.h"

struct smtp {
	CURL *curl;
	char url[512];
	int tls_required;
	char user[256];
	char password[512];
	char from[256];
	char from_addr[256];
	char ca_file[1024];
	long timeout;
};

/* What the dialogue showed: the command last sent and the server's last complete reply, up to
 * the first refusal. */
struct dialogue {
	char command[16];	/* "RCPT", "DATA", "end of data", ... */
	char reply[256];
	int code;
};

struct upload {
	const char *text;
	size_t len, off;
};

int
smtp_open(const struct server_config *c, struct smtp **out, struct err *e)
{
	struct smtp *s;

	if (strncmp(c->smtp_url, "smtp://", 7) != 0 && strncmp(c->smtp_url, "smtps://", 8) != 0)
		return err_set(e, "smtp_url: '%s' is not smtp://HOST:PORT or smtps://HOST:PORT",
			       c->smtp_url);
	if (strcmp(c->smtp_tls, "try") != 0 && strcmp(c->smtp_tls, "required") != 0)
		return err_set(e, "smtp_tls: '%s' is not try or required", c->smtp_tls);
	s = xcalloc(1, sizeof *s);
	if (c->smtp_user[0] != '\0') {
		if (c->smtp_password_file[0] == '\0') {
			free(s);
			return err_set(e, "smtp_user is set: smtp_password_file must name its "
					  "password");
		}
		if (secret_file_read(c->smtp_password_file, s->password, sizeof s->password,
				     e) != 0) {
			free(s);
			return err_prefix(e, "smtp_password_file");
		}
	}
	if (mail_from_address(c->smtp_from, s->from_addr, sizeof s->from_addr) != 0 ||
	    strpbrk(c->smtp_from, "\r\n") != NULL) {
		sodium_memzero(s->password, sizeof s->password);
		free(s);
		return err_set(e, "smtp_from: '%s' is not addr@host or Name <addr@host>",
			       c->smtp_from);
	}
	if ((s->curl = curl_easy_init()) == NULL) {
		free(s);
		return err_set(e, "libcurl cannot start");
	}
	snprintf(s->url, sizeof s->url, "%s", c->smtp_url);
	s->tls_required = strcmp(c->smtp_tls, "required") == 0;
	snprintf(s->user, sizeof s->user, "%s", c->smtp_user);
	snprintf(s->from, sizeof s->from, "%s", c->smtp_from);
	snprintf(s->ca_file, sizeof s->ca_file, "%s", c->smtp_ca_file);
	s->timeout = c->send_timeout;
	*out = s;
	return 0;
}

void
smtp_free(struct smtp **s)
{
	if (*s == NULL)
		return;
	curl_easy_cleanup((*s)->curl);
	sodium_memzero((*s)->password, sizeof (*s)->password);
	free(*s);
	*s = NULL;
}

static size_t
upload_read(char *buf, size_t size, size_t nmemb, void *ctx)
{
	struct upload *u = ctx;
	size_t n = size * nmemb;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->text + u->off, n);
	u->off += n;
	return n;
}

static int
dialogue_seen(CURL *c, curl_infotype type, char *data, size_t size, void *ctx)
{
	struct dialogue *d = ctx;
	size_t n;

	(void)c;
	if (d->code >= 400)
		return 0;	/* the refusal is kept, not the QUIT that follows it */
	if (type == CURLINFO_HEADER_OUT) {
		static const char *const verbs[] = { "EHLO", "HELO", "STARTTLS", "AUTH", "MAIL",
						     "RCPT", "DATA", "RSET", "QUIT" };
		char verb[16];

		/* data is not NUL-terminated: the verb is up to a blank or the line end */
		for (n = 0; n < size && n < sizeof verb - 1 && data[n] != ' ' &&
			    data[n] != '\r' && data[n] != '\n'; n++)
			;
		memcpy(verb, data, n);
		verb[n] = '\0';
		/* any other line is an AUTH exchange's credentials: never kept */
		snprintf(d->command, sizeof d->command, "AUTH");
		for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
			if (strcmp(verb, verbs[i]) == 0)
				snprintf(d->command, sizeof d->command, "%s", verb);
	} else if (type == CURLINFO_DATA_OUT) {
		snprintf(d->command, sizeof d->command, "end of data");
	} else if (type == CURLINFO_HEADER_IN && size >= 4 && data[3] != '-' &&
		   data[0] >= '1' && data[0] <= '5') {
		/* the last line of a reply ("250 OK", not "250-SIZE") */
		n = size < sizeof d->reply ? size : sizeof d->reply - 1;
		memcpy(d->reply, data, n);
		d->reply[n] = '\0';
		d->reply[strcspn(d->reply, "\r\n")] = '\0';
		d->code = atoi(d->reply);
	}
	return 0;
}

/* Sorts a failed transfer: 4xx for now; 5xx to RCPT or to the end of the data is about this
 * message, so for good; a 5xx elsewhere (MAIL FROM, AUTH, STARTTLS) is this server's
 * configuration, and no answer at all is the network: both for now, the reason kept. */
static int
judge(CURLcode rc, const struct dialogue *d, const char *errbuf, int tls_required, char *why,
      size_t whylen)
{
	char text[512];

	if (rc == CURLE_USE_SSL_FAILED && tls_required) {
		send_why(why, whylen, "the SMTP server offers no STARTTLS and smtp_tls is required");
		return 1;
	}
	if (d->code >= 400 && d->code <= 599) {
		snprintf(text, sizeof text, "%s: %s", d->command, d->reply);
		send_why(why, whylen, text);
		if (d->code >= 500 && (strcmp(d->command, "RCPT") == 0 ||
				       strcmp(d->command, "end of data") == 0))
			return 2;
		return 1;
	}
	snprintf(text, sizeof text, "%s", *errbuf ? errbuf : curl_easy_strerror(rc));
	send_why(why, whylen, text);
	return 1;
}

int
smtp_send(struct smtp *s, const struct send_message *m, int64_t now, char *why,
	  size_t whylen, struct err *e)
{
	struct mail_parts parts = { .from = s->from, .to = m->to,
				    .subject = m->subject ? m->subject : "", .body = m->body,
				    .id = m->dispatch_id, .date = (time_t)now };
	struct dialogue d = { .command = "connect" };
	struct curl_slist *rcpt = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", from[300], to[300];
	struct upload u = { 0 };
	char *text;
	CURLcode rc;

	if (!mail_address_valid(m->to)) {
		snprintf(errbuf, sizeof errbuf, "'%s' is not an email address", m->to);
		send_why(why, whylen, errbuf);
		return 2;
	}
	if ((text = mail_message_build(&parts, e)) == NULL)
		return -1;
	u.text = text;
	u.len = strlen(text);
	snprintf(from, sizeof from, "<%s>", s->from_addr);
	snprintf(to, sizeof to, "<%s>", m->to);
	rcpt = curl_slist_append(rcpt, to);

	curl_easy_reset(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
	curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->curl, CURLOPT_USE_SSL,
			 (long)(s->tls_required ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (s->ca_file[0] != '\0')
		curl_easy_setopt(s->curl, CURLOPT_CAINFO, s->ca_file);
	if (s->user[0] != '\0') {
		curl_easy_setopt(s->curl, CURLOPT_USERNAME, s->user);
		curl_easy_setopt(s->curl, CURLOPT_PASSWORD, s->password);
	}
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->curl, CURLOPT_READFUNCTION, upload_read);
	curl_easy_setopt(s->curl, CURLOPT_READDATA, &u);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u.len);
	curl_easy_setopt(s->curl, CURLOPT_CONNECTTIMEOUT, s->timeout);
	curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, s->timeout);
	curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(s->curl, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGFUNCTION, dialogue_seen);
	curl_easy_setopt(s->curl, CURLOPT_DEBUGDATA, &d);
	rc = curl_easy_perform(s->curl);
	curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, NULL);
	curl_slist_free_all(rcpt);
	sodium_memzero(text, u.len);
	free(text);
	if (rc == CURLE_OK)
		return 0;
	return judge(rc, &d, errbuf, s->tls_required, why, whylen);
}
