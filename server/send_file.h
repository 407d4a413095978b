/* send_file.h - the file sink, a provider for tests and for trying runs without a real one
 * (`sender = "file:PATH"` in arrearsd.conf): each message appended to PATH as one JSON line. A
 * recipient in the reserved .invalid domain (RFC 2606) is refused for good, so tests can see a
 * failure. */
#ifndef ARREARS_SERVER_SEND_FILE_H
#define ARREARS_SERVER_SEND_FILE_H

#include <stddef.h>

#include "err.h"
#include "send.h"

/* Appends m to the file at path: 0 written, 2 refused for good (why says so), -1 with e. */
int file_sink_send(const char *path, const struct send_message *m, char *why, size_t whylen,
		   struct err *e);

#endif
