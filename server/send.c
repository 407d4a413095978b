/* send.c - sender_send (send.h): the message to its provider, and every failure into the
 * dead-letter spool so the admin can see and replay it (dead_letter.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dead_letter.h"
#include "send.h"
#include "send_file.h"
#include "server.h"
#include "send_provider.h"
#include "xalloc.h"

struct sender {
	struct smtp *smtp;	/* NULL: email not configured */
	struct sms *sms;	/* NULL: SMS not configured */
	char file[CONF_PATH_LEN];	/* the file sink of `sender = "file:PATH"`: every channel */
	char spool[CONF_PATH_LEN];
};

void
send_why(char *why, size_t whylen, const char *text)
{
	size_t i;

	if (why == NULL || whylen == 0)
		return;
	for (i = 0; i + 1 < whylen && text[i] != '\0'; i++) {
		unsigned char ch = (unsigned char)text[i];

		why[i] = ch < 0x20 || ch >= 0x7f ? ' ' : (char)ch;
	}
	why[i] = '\0';
}

int
sender_open(const struct server_config *c, struct sender **out, struct err *e)
{
	struct sender *s = xcalloc(1, sizeof *s);

	if (c->sender[0] != '\0' &&
	    (strncmp(c->sender, "file:", 5) != 0 || c->sender[5] == '\0' ||
	     (size_t)snprintf(s->file, sizeof s->file, "%s", c->sender + 5) >= sizeof s->file)) {
		free(s);
		return err_set(e, "sender: '%s' is not file:PATH", c->sender);
	}
	if (dead_letter_spool_path(c, s->spool, sizeof s->spool, e) != 0 ||
	    dead_letter_dir_prepare(s->spool, e) != 0 ||
	    (c->smtp_url[0] != '\0' && smtp_open(c, &s->smtp, e) != 0) ||
	    (c->sms_url[0] != '\0' && sms_open(c, &s->sms, e) != 0)) {
		sender_free(&s);
		return -1;
	}
	*out = s;
	return 0;
}

void
sender_free(struct sender **s)
{
	if (*s == NULL)
		return;
	smtp_free(&(*s)->smtp);
	sms_free(&(*s)->sms);
	free(*s);
	*s = NULL;
}

int
sender_send(struct sender *s, const struct send_message *m, char *why, size_t whylen,
	    struct err *e)
{
	char reason[512] = "";
	int rc;

	if (m->to == NULL || m->body == NULL || m->dispatch_id == NULL || m->dispatch_id[0] == '\0')
		return err_set(e, "a message needs a recipient, a body and a dispatch id");
	if (s->file[0] != '\0')
		rc = file_sink_send(s->file, m, reason, sizeof reason, e);
	else if (m->channel == SEND_EMAIL && s->smtp == NULL)
		return err_set(e, "email is not configured (smtp_url)");
	else if (m->channel == SEND_SMS && s->sms == NULL)
		return err_set(e, "SMS is not configured (sms_url)");
	else
		rc = m->channel == SEND_EMAIL ? smtp_send(s->smtp, m, clock_now(), reason,
							  sizeof reason, e)
					      : sms_send(s->sms, m, reason, sizeof reason, e);
	if (rc < 0)
		return -1;
	send_why(why, whylen, reason);
	if (rc == 0) {
		/* sent: a dead letter of the same dispatch (a replay, a caller's retry) is done */
		if (dead_letter_remove(s->spool, m->dispatch_id, e) != 0)
			log_msg("dispatch %s: sent, but its dead letter stays: %s", m->dispatch_id,
				e->msg);
		return 0;
	}
	if (dead_letter_put(s->spool, m, rc, reason, clock_now(), e) != 0)
		return err_prefix(e, "failed %s (%s), and cannot be kept as a dead letter",
				  rc == 2 ? "for good" : "for now", reason);
	return rc;
}

