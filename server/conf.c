#include "config.h"

#include <libconfig.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf_file.h"
#include "secret_file.h"
#include "server.h"
#include "webhook_sig.h"

enum conf_type {
	CONF_STRING,
	CONF_CHOICE,	/* a string, one of choices */
	CONF_PATH,	/* a string; relative to the config file's directory */
	CONF_INT,
	CONF_CLOCK	/* a string: "" or HH:MM (UTC) */
};

/* One row per option: the table drives loading, validation, --dump-config and the man page. */
struct conf_def {
	const char *name;
	enum conf_type type;
	size_t offset, size;
	int min, max;
	const char *const *choices;	/* CONF_CHOICE: NULL-terminated */
	const char *help;
};

static const char *const store_choices[] = { "sqlite", "postgresql", NULL };

#define F(field) offsetof(struct server_config, field), sizeof(((struct server_config *)0)->field)

static const struct conf_def defs[] = {
	{ .name = "listen", .type = CONF_STRING, F(listen),
	  .help = "numeric address to listen on (IPv4 or IPv6)" },
	{ .name = "port", .type = CONF_INT, F(port), .min = 0, .max = 65535,
	  .help = "TCP port; 0 picks a free one and logs it" },
	{ .name = "store", .type = CONF_CHOICE, F(store), .choices = store_choices,
	  .help = "where the book is kept: sqlite (the file `database`) or postgresql (`conninfo`)" },
	{ .name = "database", .type = CONF_PATH, F(database),
	  .help = "the book when store is sqlite: a SQLite file" },
	{ .name = "conninfo", .type = CONF_STRING, F(conninfo),
	  .help = "the book when store is postgresql: a libpq connection string" },
	{ .name = "tls_cert", .type = CONF_PATH, F(tls_cert),
	  .help = "PEM certificate chain of the server" },
	{ .name = "tls_key", .type = CONF_PATH, F(tls_key),
	  .help = "PEM private key of the certificate" },
	{ .name = "tls_priorities", .type = CONF_STRING, F(tls_priorities),
	  .help = "GnuTLS priority string; the default allows TLS 1.2 and 1.3 only" },
	{ .name = "log", .type = CONF_PATH, F(log),
	  .help = "log file; empty means standard error" },
	{ .name = "token_lifetime", .type = CONF_INT, F(token_lifetime), .min = 60,
	  .max = 30 * 86400, .help = "seconds a login token stays valid" },
	{ .name = "max_body", .type = CONF_INT, F(max_body), .min = 1024, .max = 256 << 20,
	  .help = "largest request body in bytes (larger: 413)" },
	{ .name = "max_json_depth", .type = CONF_INT, F(max_json_depth), .min = 4, .max = 512,
	  .help = "deepest JSON nesting accepted" },
	{ .name = "max_batch", .type = CONF_INT, F(max_batch), .min = 1, .max = 100000,
	  .help = "most events in one push" },
	{ .name = "page_limit", .type = CONF_INT, F(page_limit), .min = 1, .max = 100000,
	  .help = "most changes in one page" },
	{ .name = "login_free_tries", .type = CONF_INT, F(login_free_tries), .min = 1, .max = 1000,
	  .help = "failed logins of one user before each further one is made to wait" },
	{ .name = "address_free_tries", .type = CONF_INT, F(address_free_tries), .min = 1,
	  .max = 100000, .help = "failed logins from one address before waits start" },
	{ .name = "connection_limit", .type = CONF_INT, F(connection_limit), .min = 1,
	  .max = 100000, .help = "most simultaneous connections" },
	{ .name = "timeout", .type = CONF_INT, F(timeout), .min = 1, .max = 3600,
	  .help = "seconds before an idle connection is closed" },
	{ .name = "threads", .type = CONF_INT, F(threads), .min = 1, .max = 256,
	  .help = "worker threads answering requests, each with its own database connection" },
	{ .name = "blob_dir", .type = CONF_PATH, F(blob_dir),
	  .help = "directory of attachments; empty means the book's path with .blobs added" },
	{ .name = "max_blob", .type = CONF_INT, F(max_blob), .min = 0, .max = 2147483647,
	  .help = "largest attachment in bytes (larger: refused)" },
	{ .name = "require_signed_heads", .type = CONF_INT, F(require_signed_heads), .min = 0,
	  .max = 1, .help = "1 (default) refuses pushes from devices that have registered no key" },
	{ .name = "run_at", .type = CONF_CLOCK, F(run_at),
	  .help = "HH:MM (UTC): serve starts a strategy run every day at this time; empty: never" },
	{ .name = "run_book", .type = CONF_STRING, F(run_book),
	  .help = "the strategy book runs use (a name in the strategies directory, or a path)" },
	{ .name = "profile", .type = CONF_STRING, F(profile),
	  .help = "the contact-policy profile runs apply to the book's accounts" },
	{ .name = "sender", .type = CONF_STRING, F(sender),
	  .help = "how runs send messages: file:PATH appends them to PATH; empty: none" },
	{ .name = "pay_link", .type = CONF_STRING, F(pay_link),
	  .help = "the payment link that fills {pay_link} in messages" },
	{ .name = "smtp_url", .type = CONF_STRING, F(smtp_url),
	  .help = "email provider: smtp://HOST:PORT or smtps://HOST:PORT; empty: no email" },
	{ .name = "smtp_tls", .type = CONF_STRING, F(smtp_tls),
	  .help = "for smtp://: try (STARTTLS when the server offers it) or required" },
	{ .name = "smtp_user", .type = CONF_STRING, F(smtp_user),
	  .help = "SMTP login; empty: no authentication" },
	{ .name = "smtp_password_file", .type = CONF_PATH, F(smtp_password_file),
	  .help = "file (0600) holding the SMTP password on one line" },
	{ .name = "smtp_from", .type = CONF_STRING, F(smtp_from),
	  .help = "sender: addr@host or \"Name <addr@host>\"; its domain ends each Message-ID" },
	{ .name = "smtp_ca_file", .type = CONF_PATH, F(smtp_ca_file),
	  .help = "PEM certificates to trust for SMTP TLS; empty: the system's" },
	{ .name = "sms_url", .type = CONF_STRING, F(sms_url),
	  .help = "SMS provider: the https:// URL messages are POSTed to; empty: no SMS" },
	{ .name = "sms_auth_header_file", .type = CONF_PATH, F(sms_auth_header_file),
	  .help = "file (0600) holding one header line sent with each SMS, e.g. Authorization: ..." },
	{ .name = "sms_body", .type = CONF_STRING, F(sms_body),
	  .help = "JSON body template; {to}, {text} and {id} are replaced by JSON-escaped values" },
	{ .name = "sms_ca_file", .type = CONF_PATH, F(sms_ca_file),
	  .help = "PEM certificates to trust for the SMS provider; empty: the system's" },
	{ .name = "sms_retries", .type = CONF_INT, F(sms_retries), .min = 0, .max = 10,
	  .help = "further attempts of one SMS after a 429, a 5xx or no answer" },
	{ .name = "sms_backoff_ms", .type = CONF_INT, F(sms_backoff_ms), .min = 1, .max = 60000,
	  .help = "milliseconds before the first further attempt; each later wait doubles" },
	{ .name = "send_timeout", .type = CONF_INT, F(send_timeout), .min = 1, .max = 600,
	  .help = "seconds one attempt to a provider may take" },
	{ .name = "spool_dir", .type = CONF_PATH, F(spool_dir),
	  .help = "dead letters (0700); empty means the book's path with .spool added" },
	{ .name = "paylink_key_file", .type = CONF_PATH, F(paylink_key_file),
	  .help = "file (mode 0600) holding the 32-byte payment link key as 64 hex characters;"
		  " empty: no links" },
	{ .name = "paylink_base", .type = CONF_STRING, F(paylink_base),
	  .help = "URL payment links start with (BASE/pay?...)" },
	{ .name = "webhook_secret_file", .type = CONF_PATH, F(webhook_secret_file),
	  .help = "file (mode 0600) holding the secret shared with the payment gateway;"
		  " empty: POST /v1/payments is not served" },
	{ .name = "webhook_tolerance", .type = CONF_INT, F(webhook_tolerance), .min = 1,
	  .max = 3600, .help = "seconds a gateway notification's signed time may differ from now" },
};

#define NDEFS (sizeof defs / sizeof defs[0])

static void
conf_defaults(struct server_config *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->listen, sizeof c->listen, "127.0.0.1");
	c->port = 8443;
	snprintf(c->store, sizeof c->store, "sqlite");
	snprintf(c->database, sizeof c->database, "arrearsd.db");
	snprintf(c->tls_cert, sizeof c->tls_cert, "arrearsd.crt");
	snprintf(c->tls_key, sizeof c->tls_key, "arrearsd.key");
	snprintf(c->tls_priorities, sizeof c->tls_priorities,
		 "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2:%%SERVER_PRECEDENCE");
	c->token_lifetime = 12 * 3600;
	c->max_body = 4 << 20;
	c->max_json_depth = 32;
	c->max_batch = 1000;
	c->page_limit = 5000;
	c->login_free_tries = 5;
	c->address_free_tries = 50;
	c->connection_limit = 256;
	c->timeout = 30;
	c->threads = 4;
	c->max_blob = 32 << 20;
	/* a stolen token must not push evidence under a fresh device that signs nothing */
	c->require_signed_heads = 1;
	snprintf(c->run_book, sizeof c->run_book, "default");
	snprintf(c->profile, sizeof c->profile, "us-regf");
	snprintf(c->smtp_tls, sizeof c->smtp_tls, "try");
	snprintf(c->sms_body, sizeof c->sms_body,
		 "{\"to\": \"{to}\", \"text\": \"{text}\", \"ref\": \"{id}\"}");
	c->sms_retries = 3;
	c->sms_backoff_ms = 1000;
	c->send_timeout = 30;
	c->webhook_tolerance = WEBHOOK_TOLERANCE_DEFAULT;
}

int
conf_run_minute(const char *run_at)
{
	int h, m;
	char end;

	if (strlen(run_at) != 5 || run_at[2] != ':' ||
	    sscanf(run_at, "%2d:%2d%c", &h, &m, &end) != 2 || h < 0 || h > 23 || m < 0 || m > 59 ||
	    strspn(run_at, "0123456789:") != 5)
		return -1;
	return h * 60 + m;
}

static int
set_path(char *dst, size_t len, const char *value, const char *file)
{
	const char *slash = file ? strrchr(file, '/') : NULL;
	int n;

	if (value[0] == '/' || value[0] == '\0' || slash == NULL)
		n = snprintf(dst, len, "%s", value);
	else
		n = snprintf(dst, len, "%.*s/%s", (int)(slash - file), file, value);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int
choice_check(const struct conf_def *d, const char *v, const char *path, int line, struct err *e)
{
	char list[128] = "";

	for (size_t i = 0; d->choices[i] != NULL; i++) {
		if (strcmp(v, d->choices[i]) == 0)
			return 0;
		snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
			 i == 0 ? "" : d->choices[i + 1] == NULL ? " or " : ", ", d->choices[i]);
	}
	return err_set(e, "%s:%d: %s: '%s' is not %s", path, line, d->name, v, list);
}

int
conf_load(struct server_config *c, const char *path, struct err *e)
{
	config_t cfg;
	config_setting_t *root;
	int ret = -1;

	conf_defaults(c);
	if (path == NULL)
		return 0;
	if (conf_file_read(&cfg, path, NULL, e) != 0)
		return -1;
	root = config_root_setting(&cfg);
	for (int i = 0; i < config_setting_length(root); i++) {
		config_setting_t *set = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(set);
		int line = (int)config_setting_source_line(set);
		const struct conf_def *d = NULL;
		char *field;

		for (size_t k = 0; k < NDEFS; k++)
			if (strcmp(defs[k].name, name) == 0)
				d = &defs[k];
		if (d == NULL) {
			err_set(e, "%s:%d: %s: no such option", path, line, name);
			goto out;
		}
		field = (char *)c + d->offset;
		if (d->type == CONF_INT) {
			int v;
			if (config_setting_type(set) != CONFIG_TYPE_INT) {
				err_set(e, "%s:%d: %s: must be a whole number", path, line, name);
				goto out;
			}
			v = config_setting_get_int(set);
			if (v < d->min || v > d->max) {
				err_set(e, "%s:%d: %s: %d is outside %d..%d", path, line, name, v,
					d->min, d->max);
				goto out;
			}
			*(int *)(void *)field = v;
		} else {
			const char *v = config_setting_get_string(set);
			int bad;
			if (v == NULL) {
				err_set(e, "%s:%d: %s: must be a string", path, line, name);
				goto out;
			}
			if (d->type == CONF_PATH)
				bad = set_path(field, d->size, v, path);
			else
				bad = snprintf(field, d->size, "%s", v) >= (int)d->size;
			if (bad) {
				err_set(e, "%s:%d: %s: too long", path, line, name);
				goto out;
			}
			if (d->type == CONF_CHOICE && choice_check(d, v, path, line, e) != 0)
				goto out;
			if (d->type == CONF_CLOCK && v[0] != '\0' && conf_run_minute(v) < 0) {
				err_set(e, "%s:%d: %s: '%s' is not HH:MM (00:00 to 23:59)", path, line,
					name, v);
				goto out;
			}
		}
	}
	if (strcmp(c->store, "postgresql") == 0 && c->conninfo[0] == '\0') {
		err_set(e, "%s: store = \"postgresql\" needs conninfo, a libpq connection string",
			path);
		goto out;
	}
	ret = 0;
out:
	config_destroy(&cfg);
	return ret;
}

/* A string in libconfig's syntax, so a dump reads back (sms_body holds quotes). */
static void
string_dump(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int
conf_secrets_load(struct server_config *c, struct err *e)
{
	char buf[WEBHOOK_SECRET_MAX + 1];
	size_t len;
	int ret = -1;

	if (c->paylink_key_file[0] != '\0') {
		if (secret_file_read(c->paylink_key_file, buf, 2 * PAYLINK_KEY_BYTES + 1, e) != 0)
			goto out;
		len = strlen(buf);
		if (len != 2 * PAYLINK_KEY_BYTES ||
		    sodium_hex2bin(c->paylink_key, sizeof c->paylink_key, buf, len, NULL, NULL,
				   NULL) != 0) {
			err_set(e, "%s: must hold %d hex characters (openssl rand -hex %d)",
				c->paylink_key_file, 2 * PAYLINK_KEY_BYTES, PAYLINK_KEY_BYTES);
			goto out;
		}
		c->has_paylink_key = 1;
	}
	if (c->webhook_secret_file[0] != '\0') {
		if (secret_file_read(c->webhook_secret_file, buf, sizeof buf, e) != 0)
			goto out;
		len = strlen(buf);
		if (len < WEBHOOK_SECRET_MIN) {
			err_set(e, "%s: the secret must be %d to %d bytes", c->webhook_secret_file,
				WEBHOOK_SECRET_MIN, WEBHOOK_SECRET_MAX);
			goto out;
		}
		memcpy(c->webhook_secret, buf, len);
		c->webhook_secret_len = len;
	}
	ret = 0;
out:
	sodium_memzero(buf, sizeof buf);
	return ret;
}

void
conf_dump(const struct server_config *c, void *f)
{
	FILE *out = f;

	for (size_t k = 0; k < NDEFS; k++) {
		const char *field = (const char *)c + defs[k].offset;

		fprintf(out, "# %s\n", defs[k].help);
		if (defs[k].type == CONF_INT) {
			fprintf(out, "%s = %d;\n", defs[k].name, *(const int *)(const void *)field);
		} else {
			fprintf(out, "%s = ", defs[k].name);
			string_dump(out, field);
			fputs(";\n", out);
		}
	}
}
