/* send_file.c - the file sink: each message one JSON line appended to a file. A recipient in
 * the reserved .invalid domain (RFC 2606) is refused for good, so tests can see a failure. */
#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "send_file.h"

struct sender {
	char path[1024];
};

int
sender_open(const char *spec, struct sender **out, struct err *e)
{
	struct sender *s;

	*out = NULL;
	if (spec[0] == '\0')
		return 0;
	if (strncmp(spec, "file:", 5) != 0 || spec[5] == '\0')
		return err_set(e, "sender: '%s' is not file:PATH", spec);
	if ((s = calloc(1, sizeof *s)) == NULL)
		abort();
	if ((size_t)snprintf(s->path, sizeof s->path, "%s", spec + 5) >= sizeof s->path) {
		free(s);
		return err_set(e, "sender: path too long");
	}
	*out = s;
	return 0;
}

void
sender_close(struct sender **s)
{
	if (s == NULL || *s == NULL)
		return;
	free(*s);
	*s = NULL;
}

static bool
refused(const char *to)
{
	size_t n = strlen(to);
	return n >= 8 && strcmp(to + n - 8, ".invalid") == 0;
}

int
sender_send(struct sender *s, const struct send_message *m, char *why, size_t whylen,
	    struct err *e)
{
	json_t *j;
	FILE *f;
	char *line;
	int rc = 0;

	if (refused(m->to)) {
		snprintf(why, whylen, "recipient refused");
		return 2;
	}
	j = json_pack("{s:s, s:s, s:s, s:s}", "channel", m->channel == SEND_SMS ? "sms" : "email",
		      "to", m->to, "body", m->body, "dispatch_id", m->dispatch_id);
	if (j == NULL)
		return err_set(e, "sender: a message that is not UTF-8");
	if (m->subject != NULL)
		json_object_set_new(j, "subject", json_string(m->subject));
	line = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);
	if (line == NULL)
		abort();
	if ((f = fopen(s->path, "a")) == NULL) {
		rc = err_set(e, "sender: cannot open %s", s->path);
	} else {
		int bad = fprintf(f, "%s\n", line) < 0;

		if (fclose(f) != 0 || bad)
			rc = err_set(e, "sender: cannot write %s", s->path);
	}
	free(line);
	return rc;
}
