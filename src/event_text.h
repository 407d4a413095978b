/* event_text.h - one line of words for an event, for the timeline and exports. */
#ifndef ARREARS_EVENT_TEXT_H
#define ARREARS_EVENT_TEXT_H

#include <stddef.h>

#include "model.h"

/* Describes ev (kind and body) in one line, e.g. "call to mobile: voicemail". Returns buf. */
char *event_describe(const struct event *ev, char *buf, size_t len);

/* Reorders events (newest first) so that each call's events (those naming it in "call") stand
 * together where its newest one is, still newest first: the attempt with the outcome on top,
 * the answers, checkpoints and promise under it (event_describe indents them), the start last. */
void events_group_calls(struct event *evs, size_t n);

/* Writes the body's fields as "key: value" lines for the detail pane. Returns buf. */
char *event_detail(const struct event *ev, char *buf, size_t len);

#endif
