/* fuzz_wire - libFuzzer target for the protocol codec (src/wire.c): the input is a body as it
 * arrives on the wire, read the way arrearsd reads a push and the client reads the answers.
 * Whatever decodes must encode again and decode to the same thing. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A decoded account or change that does not survive its own encoding is a codec bug. */
static void
change_roundtrip(const struct wire_change *c)
{
	struct wire_change again = { 0 };
	json_t *j;
	struct err e;

	if ((j = wire_change_encode(c, &e)) == NULL)
		return;	/* only text that is not UTF-8, which the parser already refused */
	if (wire_change_decode(j, "$", &again, &e) != 0) {
		fprintf(stderr, "fuzz_wire: a decoded change does not decode again: %s\n", e.msg);
		abort();
	}
	if (again.seq != c->seq || again.op != c->op ||
	    strcmp(again.account_id, c->account_id) != 0)
		abort();
	wire_account_clear(&again.acct);
	json_decref(j);
}

static void
batch_read(const json_t *j)
{
	const json_t *items;
	struct wire_head *heads = NULL;
	size_t nheads = 0;
	struct err e;
	char path[40];

	if (wire_heads_decode(j, 1000, &heads, &nheads, &e) == 0)
		free(heads);
	if ((items = wire_batch_items(j, 1000, &e)) == NULL)
		return;
	for (size_t i = 0; i < json_array_size(items); i++) {
		struct event ev = { 0 };
		struct wire_attachment att;
		json_t *again;

		snprintf(path, sizeof path, "$.events[%zu]", i);
		if (wire_event_decode(json_array_get(items, i), path, &ev, &e) != 0)
			continue;
		wire_attachment_decode(ev.body, &att, &e);
		if ((again = wire_event_encode(&ev, &e)) != NULL) {
			struct event ev2 = { 0 };

			if (wire_event_decode(again, path, &ev2, &e) != 0 ||
			    strcmp(ev2.id, ev.id) != 0 || strcmp(ev2.body, ev.body) != 0) {
				fprintf(stderr, "fuzz_wire: event %s does not survive encoding\n", ev.id);
				abort();
			}
			free(ev2.body);
			json_decref(again);
		}
		free(ev.body);
	}
}

static void
answers_read(const json_t *j)
{
	struct wire_event_result *res = NULL;
	const json_t *changes = json_object_get(j, "changes");
	char code[64], msg[256];
	size_t n = 0;
	struct err e;

	if (wire_results_decode(j, &res, &n, &e) == 0)
		free(res);
	wire_error_decode(j, code, sizeof code, msg, sizeof msg, &e);
	for (size_t i = 0; i < json_array_size(changes); i++) {
		struct wire_change c = { 0 };

		if (wire_change_decode(json_array_get(changes, i), "$.changes[]", &c, &e) != 0)
			continue;
		change_roundtrip(&c);
		wire_account_clear(&c.acct);
	}
}

/* A cursor's text without the leading zeros of its two numbers. */
static const char *
cursor_canonical(const char *s, char *buf, size_t len)
{
	size_t n = 0;

	for (int part = 0; part < 2 && n + 1 < len; part++) {
		while (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
			s++;
		while (*s != '\0' && *s != '.' && n + 1 < len)
			buf[n++] = *s++;
		if (*s == '.' && part == 0 && n + 1 < len)
			buf[n++] = *s++;
	}
	buf[n] = '\0';
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wire_cursor cur;
	char *text, buf[WIRE_CURSOR_LEN];
	json_t *j;
	struct err e;

	/* the same bytes as a cursor (a query argument is a C string) and as an attachment body */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	if (wire_cursor_parse(text, &cur, &e) == 0 && cur.epoch != 0) {
		char canon[WIRE_CURSOR_LEN];

		/* what was accepted is exactly what was written, never a number cut to fit */
		if (strcmp(wire_cursor_format(&cur, buf, sizeof buf),
			   cursor_canonical(text, canon, sizeof canon)) != 0) {
			fprintf(stderr, "fuzz_wire: cursor '%s' was read as %s\n", text, buf);
			abort();
		}
	}
	if (wire_attachment_decode(text, &(struct wire_attachment){ 0 }, &e) == 0)
		wire_mime_valid(text);
	free(text);
	if ((j = wire_parse((const char *)data, size, 32, &e)) == NULL)
		return 0;
	batch_read(j);
	answers_read(j);
	json_decref(j);
	return 0;
}
