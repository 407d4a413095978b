/* send_file.h - the sender a run is given, opened from the `sender` option of arrearsd.conf.
 * This branch knows one kind: "file:PATH", a sink that appends each message to PATH as one JSON
 * line (tests, and trying a run without a provider). The providers of send.h add theirs here. */
#ifndef ARREARS_SERVER_SEND_FILE_H
#define ARREARS_SERVER_SEND_FILE_H

#include <stddef.h>

#include "err.h"
#include "send.h"

/* Opens the sender spec names; "" gives NULL (a run without a sender sends nothing and says
 * so). 0, or -1 with e naming the spec. */
int sender_open(const char *spec, struct sender **out, struct err *e);

/* Closes a sender and sets *s to NULL; accepts NULL. */
void sender_close(struct sender **s);

#endif
