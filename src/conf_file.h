/* conf_file.h - reading a libconfig file with errors that name where they are. */
#ifndef ARREARS_CONF_FILE_H
#define ARREARS_CONF_FILE_H

#include <libconfig.h>

#include "err.h"

/* Initialises cfg and reads path into it. On failure fills e with "PATH: cannot read WHAT"
 * (what may be NULL) when the file cannot be opened, or "FILE:LINE: message" for a syntax
 * error (FILE being an @include'd file when the error is there), leaves cfg destroyed and
 * returns -1; on success the caller owns cfg and calls config_destroy. */
int conf_file_read(config_t *cfg, const char *path, const char *what, struct err *e);

#endif
