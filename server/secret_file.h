/* secret_file.h - reading a provider secret (a password, an auth header) from a 0600 file. */
#ifndef ARREARS_SERVER_SECRET_FILE_H
#define ARREARS_SERVER_SECRET_FILE_H

#include <stddef.h>

#include "err.h"

/* Reads the first line of path into buf (without its line end). Refuses a file that is not
 * regular, that others may read (mode beyond 0600), that is empty or holds more than one
 * line, or one longer than len - 1; errors name the file. */
int secret_file_read(const char *path, char *buf, size_t len, struct err *e);

#endif
