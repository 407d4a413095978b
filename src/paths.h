/* paths.h - file system helpers: directories, XDG locations, shipped data files. */
#ifndef ARREARS_PATHS_H
#define ARREARS_PATHS_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* Writes the directory part of path ("." when none). 0 or -1 when it does not fit. */
int paths_dirname(const char *path, char *buf, size_t len);

/* Creates dir and its missing parents with mode. 0 or -1. */
int paths_mkdir_p(const char *dir, mode_t mode, struct err *e);

/* $XDG_<kind>_HOME (or $HOME/fallback) joined with "arrears/<leaf>". 0 or -1. */
int paths_xdg(const char *env, const char *fallback, const char *leaf, char *buf, size_t len);

/* Finds a shipped data file, e.g. ("themes", "mono.conf"): $ARREARS_DATADIR, then the
 * installed data directory, then the source tree; a name with a '/' is taken as a path.
 * 0 with buf filled, or -1 with the places tried in e. */
int paths_find_data(const char *kind, const char *name, char *buf, size_t len, struct err *e);

/* The name a data file is known by: path without its directory and its ".conf". Returns buf. */
char *paths_conf_stem(const char *path, char *buf, size_t len);

/* Finds a shipped data file of kind by name, as paths_find_data does, adding ".conf" to a
 * bare name ("us-early" or "us-early.conf"). 0 or -1. */
int paths_find_conf(const char *kind, const char *name, char *buf, size_t len, struct err *e);

/* Finds a shipped data directory, e.g. "templates", as paths_find_data finds a file. 0 or -1. */
int paths_find_data_dir(const char *kind, char *buf, size_t len, struct err *e);

#endif
