/* send_file.c - the file sink (send_file.h). */
#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "send_file.h"

static bool
refused(const char *to)
{
	size_t n = strlen(to);
	return n >= 8 && strcmp(to + n - 8, ".invalid") == 0;
}

int
file_sink_send(const char *path, const struct send_message *m, char *why, size_t whylen,
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
	if ((f = fopen(path, "a")) == NULL) {
		rc = err_set(e, "sender: cannot open %s", path);
	} else {
		int bad = fprintf(f, "%s\n", line) < 0;

		if (fclose(f) != 0 || bad)
			rc = err_set(e, "sender: cannot write %s", path);
	}
	free(line);
	return rc;
}
