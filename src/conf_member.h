/* conf_member.h - typed members of a libconfig group, each problem recorded as
 * "file:line: name: message" in a problem list, for loaders that report every error. */
#ifndef ARREARS_CONF_MEMBER_H
#define ARREARS_CONF_MEMBER_H

#include <dirent.h>
#include <libconfig.h>
#include <stdbool.h>
#include <stdint.h>

#include "problems.h"

/* Where problems go and which file they are in (borrowed). */
struct conf_where {
	const char *file;
	struct problems *p;
};

/* Records "file:line: message" and returns -1. */
int conf_fail(const struct conf_where *w, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The source line of a setting. */
int conf_line(const config_setting_t *s);

/* Records a problem for each member of group not named in allowed (NULL-terminated), naming
 * what the group is ("segment"). 0, or -1 when any is unknown. */
int conf_known_members(const struct conf_where *w, const config_setting_t *group,
		       const char *what, const char *const *allowed);

/* A string member: *out is NULL when it is missing and optional. 0 or -1. */
int conf_string(const struct conf_where *w, const config_setting_t *group, const char *name,
		bool required, const char **out);

/* An integer member in lo..hi; *out is left alone when it is missing and optional. 0 or -1. */
int conf_int(const struct conf_where *w, const config_setting_t *group, const char *name,
	     bool required, int lo, int hi, int *out);

/* An amount member, "12.50" or a whole number, in cents; *out is left alone when missing.
 * Floating point is refused, since amounts are never binary fractions. 0 or -1. */
int conf_amount(const struct conf_where *w, const config_setting_t *group, const char *name,
		int64_t *out);

/* A member that is an array of strings; *out is NULL when it is missing. 0 or -1. */
int conf_string_array(const struct conf_where *w, const config_setting_t *group,
		      const char *name, const config_setting_t **out);

/* The NAME.conf entries of dir (no dot files) in byte order, as scandir gives them: free
 * each entry and the array. The count, or -1 when dir cannot be read. */
int conf_dir_scan(const char *dir, struct dirent ***names);

#endif
