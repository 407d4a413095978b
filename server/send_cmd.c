/* send_cmd.c - `arrearsd send-test` (an admin checking a provider's settings) and
 * `arrearsd dispatch failures|replay` (the dead letters, seen and sent again). */
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "dead_letter.h"
#include "send.h"
#include "send_cmd.h"

#define TEST_SUBJECT "arrears: test message"
#define TEST_TEXT "This is a test message from arrearsd, sent by an administrator to check " \
		  "the provider's settings. No reply is needed."

static int
usage_error(const char *what)
{
	fprintf(stderr, "arrearsd: %s\n"
			"usage: arrearsd [-c FILE] send-test --email ADDRESS | --sms NUMBER "
			"[--subject S] [--text T] [--id ID]\n"
			"       arrearsd [-c FILE] dispatch failures | dispatch replay ID...|--all\n",
		what);
	return 2;
}

/* Sends m and says how it went; 0 sent, 1 not. */
static int
send_report(struct sender *s, const struct send_message *m)
{
	char why[512] = "";
	struct err e;
	int rc = sender_send(s, m, why, sizeof why, &e);

	if (rc == 0) {
		printf("%s: sent to %s\n", m->dispatch_id, m->to);
		return 0;
	}
	if (rc < 0)
		printf("%s: not sent: %s\n", m->dispatch_id, e.msg);
	else
		printf("%s: failed %s: %s (kept as a dead letter)\n", m->dispatch_id,
		       rc == 2 ? "for good" : "for now", why);
	return 1;
}

int
send_cmd_test(const struct server_config *c, int argc, char **argv)
{
	struct send_message m = { .subject = TEST_SUBJECT, .body = TEST_TEXT };
	unsigned char rnd[8];
	char id[32], hex[sizeof rnd * 2 + 1];
	struct sender *s = NULL;
	struct err e;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;

		if (arg == NULL)
			return usage_error("send-test: an option without its value");
		if (strcmp(argv[i], "--email") == 0 || strcmp(argv[i], "--sms") == 0) {
			if (m.to != NULL)
				return usage_error("send-test: one of --email or --sms");
			m.channel = argv[i][2] == 'e' ? SEND_EMAIL : SEND_SMS;
			m.to = arg;
		} else if (strcmp(argv[i], "--subject") == 0) {
			m.subject = arg;
		} else if (strcmp(argv[i], "--text") == 0) {
			m.body = arg;
		} else if (strcmp(argv[i], "--id") == 0) {
			m.dispatch_id = arg;
		} else {
			fprintf(stderr, "arrearsd: send-test: unexpected '%s'\n", argv[i]);
			return 2;
		}
		i++;
	}
	if (m.to == NULL)
		return usage_error("send-test: --email ADDRESS or --sms NUMBER");
	if ((m.channel == SEND_EMAIL ? c->smtp_url : c->sms_url)[0] == '\0') {
		fprintf(stderr, "arrearsd: send-test: %s is not configured (set %s)\n",
			m.channel == SEND_EMAIL ? "email" : "SMS",
			m.channel == SEND_EMAIL ? "smtp_url" : "sms_url");
		return 2;
	}
	if (m.dispatch_id == NULL) {
		randombytes_buf(rnd, sizeof rnd);
		snprintf(id, sizeof id, "test-%s", sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd));
		m.dispatch_id = id;
	}
	if (sender_open(c, &s, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return 2;
	}
	rc = send_report(s, &m);
	sender_free(&s);
	return rc;
}

static int
failure_print(void *ctx, const struct dead_letter *d)
{
	char first[32], last[32];

	printf("%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", d->id, send_channel_name(d->channel), d->to,
	       d->for_good ? "for good" : "for now", d->attempts,
	       time_format_rfc3339(d->first_failed, first, sizeof first),
	       time_format_rfc3339(d->last_failed, last, sizeof last), d->reason);
	(*(long *)ctx)++;
	return 0;
}

static int
cmd_failures(const char *spool)
{
	long n = 0;
	struct err e;

	printf("id\tchannel\tto\toutcome\tattempts\tfirst_failed\tlast_failed\treason\n");
	if (dead_letter_scan(spool, failure_print, &n, &e) != 0) {
		fprintf(stderr, "arrearsd: dispatch failures: %s\n", e.msg);
		return 1;
	}
	fprintf(stderr, "arrearsd: %ld dead letter%s in %s\n", n, n == 1 ? "" : "s", spool);
	return 0;
}

struct replay {
	struct sender *sender;
	long sent, kept;
};

static int
replay_one(void *ctx, const struct dead_letter *d)
{
	struct replay *r = ctx;
	struct send_message m = { .channel = d->channel, .to = d->to, .subject = d->subject,
				  .body = d->body, .dispatch_id = d->id };

	if (send_report(r->sender, &m) == 0)
		r->sent++;
	else
		r->kept++;
	return 0;
}

static int
cmd_replay(const struct server_config *c, const char *spool, int argc, char **argv)
{
	struct replay r = { 0 };
	struct dead_letter d;
	struct err e;
	int all = argc == 1 && strcmp(argv[0], "--all") == 0, rc = 0;

	if (argc < 1)
		return usage_error("dispatch replay: which dead letters: ID... or --all");
	if (sender_open(c, &r.sender, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return 2;
	}
	if (all) {
		rc = dead_letter_scan(spool, replay_one, &r, &e);
	} else {
		for (int i = 0; i < argc && rc >= 0; i++) {
			if ((rc = dead_letter_load(spool, argv[i], &d, &e)) == 1) {
				fprintf(stderr, "arrearsd: dispatch replay: no dead letter %s\n",
					argv[i]);
				r.kept++;
				rc = 0;
				continue;
			}
			if (rc == 0)
				replay_one(&r, &d);
			dead_letter_clear(&d);
		}
	}
	sender_free(&r.sender);
	if (rc < 0) {
		fprintf(stderr, "arrearsd: dispatch replay: %s\n", e.msg);
		return 1;
	}
	fprintf(stderr, "arrearsd: %ld sent, %ld still dead letters\n", r.sent, r.kept);
	return r.kept > 0 ? 1 : 0;
}

int
send_cmd_dispatch(const struct server_config *c, int argc, char **argv)
{
	char spool[CONF_PATH_LEN];
	struct err e;

	if (argc < 2)
		return usage_error("dispatch: failures or replay");
	if (dead_letter_spool_path(c, spool, sizeof spool, &e) != 0) {
		fprintf(stderr, "arrearsd: %s\n", e.msg);
		return 2;
	}
	if (strcmp(argv[1], "failures") == 0 && argc == 2)
		return cmd_failures(spool);
	if (strcmp(argv[1], "replay") == 0)
		return cmd_replay(c, spool, argc - 2, argv + 2);
	return usage_error("dispatch: failures or replay");
}
