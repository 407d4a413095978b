#include "config.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_text.h"

static const char *
field(json_t *body, const char *key)
{
	const char *v = json_string_value(json_object_get(body, key));
	return v != NULL ? v : "?";
}

/* An integer field as text, "?" when absent. */
static const char *
size_text(json_t *body, char *buf, size_t len)
{
	json_t *v = json_object_get(body, "size");

	if (!json_is_integer(v))
		return "?";
	snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	return buf;
}

/* Whether ev happened inside a call and reads as a line under it (the call's start and its
 * attempt are the call's own lines). */
static bool
under_call(const struct event *ev, json_t *body)
{
	return json_object_get(body, "call") != NULL && strcmp(ev->kind, "call_start") != 0 &&
	       strcmp(ev->kind, "attempt") != 0;
}

char *
event_describe(const struct event *ev, char *buf, size_t len)
{
	json_t *body = json_loads(ev->body, 0, NULL);
	char num[24];
	size_t indent;

	if (body == NULL) {
		snprintf(buf, len, "%s (unreadable body)", ev->kind);
		return buf;
	}
	indent = under_call(ev, body) && len > 2 ? 2 : 0;
	memset(buf, ' ', indent);
	buf += indent;
	len -= indent;
	if (strcmp(ev->kind, "attempt") == 0)
		snprintf(buf, len, "%s %s %s: %s", field(body, "direction"), field(body, "channel"),
			 field(body, "contact"), field(body, "result"));
	else if (strcmp(ev->kind, "ptp") == 0)
		snprintf(buf, len, "promise to pay %s by %s (%s)", field(body, "amount"),
			 field(body, "due_on"), field(body, "method"));
	else if (strcmp(ev->kind, "ptp_status") == 0)
		snprintf(buf, len, "promise %s", field(body, "state"));
	else if (strcmp(ev->kind, "payment") == 0)
		snprintf(buf, len, "payment %s received (ref %s)", field(body, "amount"),
			 field(body, "reference"));
	else if (strcmp(ev->kind, "note") == 0)
		snprintf(buf, len, "note: %s", field(body, "text"));
	else if (strcmp(ev->kind, "attachment") == 0)
		snprintf(buf, len, "attachment %s (%s, %s bytes)%s%s", field(body, "name"),
			 field(body, "mime"), size_text(body, num, sizeof num),
			 json_object_get(body, "note") ? ": " : "",
			 json_object_get(body, "note") ? field(body, "note") : "");
	else if (strcmp(ev->kind, "callback") == 0)
		snprintf(buf, len, "callback requested for %s", field(body, "due_at"));
	else if (strcmp(ev->kind, "call_start") == 0)
		snprintf(buf, len, "call to %s started (script %s)", field(body, "contact"),
			 field(body, "script"));
	else if (strcmp(ev->kind, "call_answer") == 0)
		snprintf(buf, len, "%s: %s", field(body, "step"), field(body, "answer"));
	else if (strcmp(ev->kind, "checkpoint") == 0 && json_object_get(body, "waived") != NULL)
		snprintf(buf, len, "checkpoint %s waived: %s", field(body, "label"), field(body, "waived"));
	else if (strcmp(ev->kind, "checkpoint") == 0)
		snprintf(buf, len, "checkpoint %s done", field(body, "label"));
	else if (strcmp(ev->kind, "ptp_approval") == 0)
		snprintf(buf, len, "promise %s by a lead", field(body, "decision"));
	else if (strcmp(ev->kind, "qa_score") == 0)
		snprintf(buf, len, "QA review: %lld%% %s", (long long)json_integer_value(
				 json_object_get(body, "percent")),
			 json_is_true(json_object_get(body, "passed")) ? "pass" : "fail");
	else if (strcmp(ev->kind, "dispute") == 0 || strcmp(ev->kind, "cease") == 0 ||
		 strcmp(ev->kind, "vulnerable") == 0)
		snprintf(buf, len, "%s %s%s%s", ev->kind, field(body, "state"),
			 json_object_get(body, "reason") ? ": " : "",
			 json_object_get(body, "reason") ? field(body, "reason") : "");
	else
		snprintf(buf, len, "%s", ev->kind);
	json_decref(body);
	return buf - indent;
}

void
events_group_calls(struct event *evs, size_t n)
{
	char (*call)[40] = calloc(n + 1, sizeof *call);
	struct event *out = calloc(n + 1, sizeof *out);
	bool *moved = calloc(n + 1, sizeof *moved);
	size_t k = 0;

	if (call == NULL || out == NULL || moved == NULL)
		abort();
	for (size_t i = 0; i < n; i++) {
		json_t *body = json_loads(evs[i].body, 0, NULL);
		const char *id = json_string_value(json_object_get(body, "call"));

		snprintf(call[i], sizeof call[i], "%s", id != NULL ? id : "");
		json_decref(body);
	}
	/* A call's events go where its newest one is, in their own order after it. */
	for (size_t i = 0; i < n; i++) {
		if (moved[i])
			continue;
		for (size_t j = i; j < n; j++) {
			if (j != i && (call[i][0] == '\0' || strcmp(call[i], call[j]) != 0))
				continue;
			out[k++] = evs[j];
			moved[j] = true;
		}
	}
	memcpy(evs, out, n * sizeof *evs);
	free(call);
	free(out);
	free(moved);
}

char *
event_detail(const struct event *ev, char *buf, size_t len)
{
	json_t *body = json_loads(ev->body, 0, NULL), *value;
	const char *key;
	size_t off = 0;
	int n;

	n = snprintf(buf, len, "kind: %s\nuser: %s\ndevice: %s #%lld\nid: %s\nhash: %.16s...\n",
		     ev->kind, ev->user, ev->device, (long long)ev->seq, ev->id, ev->hash);
	off = n > 0 && (size_t)n < len ? (size_t)n : len - 1;
	if (body == NULL)
		return buf;
	json_object_foreach(body, key, value) {
		char *text = json_is_string(value) ? NULL : json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
		n = snprintf(buf + off, len - off, "%s: %s\n", key,
			     text != NULL ? text : json_string_value(value));
		free(text);
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
	json_decref(body);
	return buf;
}
