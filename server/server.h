/* server.h - arrearsd's configuration, its log, and the pieces serve puts together. */
#ifndef ARREARS_SERVER_SERVER_H
#define ARREARS_SERVER_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "paylink.h"

#define CONF_PATH_LEN 1024
#define WEBHOOK_SECRET_MIN 16
#define WEBHOOK_SECRET_MAX 128

struct server_config {
	char listen[64];		/* numeric IPv4 or IPv6 address */
	int port;			/* 0: any free port (the log says which) */
	char store[16];			/* "sqlite" or "postgresql" */
	char database[CONF_PATH_LEN];	/* the SQLite book */
	char conninfo[CONF_PATH_LEN];	/* libpq connection string of the PostgreSQL book */
	char tls_cert[CONF_PATH_LEN];
	char tls_key[CONF_PATH_LEN];
	char tls_priorities[256];
	char log[CONF_PATH_LEN];	/* empty: standard error */
	int token_lifetime;		/* seconds */
	int max_body;			/* bytes of a request body */
	int max_json_depth;
	int max_batch;			/* events in one push */
	int page_limit;			/* changes in one page, at most */
	int login_free_tries;		/* failures of one user before the waits start */
	int address_free_tries;		/* failures from one address before the waits start */
	int connection_limit;
	int timeout;			/* seconds of an idle connection */
	int threads;			/* workers, each with its own store */
	char blob_dir[CONF_PATH_LEN];	/* attachments; empty: DATABASE.blobs beside the book */
	int max_blob;			/* bytes of one attachment, at most */
	int require_signed_heads;	/* 1: refuse pushes of devices without a registered key */
	char run_at[8];			/* "HH:MM" UTC: serve runs the strategies daily; "" never */
	char run_book[64];		/* the strategy book of runs */
	char profile[16];		/* contact-policy profile of the book's accounts */
	char sender[CONF_PATH_LEN];	/* how runs send messages: "file:PATH"; "" none */
	char pay_link[256];		/* {pay_link} of message templates */

	/* message providers (send.h); a channel whose URL is empty is not configured */
	char smtp_url[512];		/* smtp://host:port or smtps://host:port */
	char smtp_tls[16];		/* "try": STARTTLS when offered; "required" */
	char smtp_user[256];		/* empty: no AUTH */
	char smtp_password_file[CONF_PATH_LEN];
	char smtp_from[256];
	char smtp_ca_file[CONF_PATH_LEN];
	char sms_url[512];
	char sms_auth_header_file[CONF_PATH_LEN];
	char sms_body[1024];		/* JSON template with {to}, {text}, {id} */
	char sms_ca_file[CONF_PATH_LEN];
	int sms_retries;		/* further attempts after a 429, 5xx or no answer */
	int sms_backoff_ms;		/* the first wait; each later one doubles */
	int send_timeout;		/* seconds of one attempt, either channel */
	char spool_dir[CONF_PATH_LEN];	/* dead letters; empty: DATABASE.spool beside the book */
	char paylink_key_file[CONF_PATH_LEN];	/* 64 hex: the key payment links are signed with */
	char webhook_secret_file[CONF_PATH_LEN];	/* the secret shared with the gateway */
	char paylink_base[512];		/* URL payment links start with */
	int webhook_tolerance;		/* seconds a notification's time may be off */
	/* Read from the two files by conf_secrets_load, never from the config text or a dump. */
	unsigned char paylink_key[PAYLINK_KEY_BYTES];
	int has_paylink_key;
	unsigned char webhook_secret[WEBHOOK_SECRET_MAX];
	size_t webhook_secret_len;	/* 0: no secret, POST /v1/payments is not served */
};

/* The minute of the day of a run_at value ("02:00" -> 120), or -1 for "" or a bad one. */
int conf_run_minute(const char *run_at);

/* Fills c with the defaults, then reads the libconfig file path over them (when path is not
 * NULL). Relative paths in the file are taken from the file's directory. Errors name
 * file:line. */
int conf_load(struct server_config *c, const char *path, struct err *e);

/* Reads the secrets named by paylink_key_file and webhook_secret_file (those set) into c.
 * A file group or others may read or write is refused, naming it. Errors name the file. */
int conf_secrets_load(struct server_config *c, struct err *e);

/* Writes every option with its help text, as a commented config file, to f. */
void conf_dump(const struct server_config *c, void *f);

/* Sends log lines to path (appending) or, for NULL or "", to standard error. */
int log_open(const char *path, struct err *e);

/* One timestamped line in the log; never a secret (no password, token or hash). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs the HTTPS server until SIGINT or SIGTERM. 0, or -1 when it cannot start. */
int serve_run(const struct server_config *c, struct err *e);

#endif
