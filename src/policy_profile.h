/* policy_profile.h - policy profiles as data: libconfig texts compiled in from data/policy,
 * where a profile may inherit another and only tighten it. */
#ifndef ARREARS_POLICY_PROFILE_H
#define ARREARS_POLICY_PROFILE_H

#include "err.h"
#include "policy.h"

#define POLICY_MAX_PROFILES 16
#define POLICY_DEFAULT_PROFILE "us-regf"

/* A set of parsed profiles; owns its items. */
struct policy_profiles {
	struct policy_profile items[POLICY_MAX_PROFILES];
	int n;
};

/* Fills set with every built-in profile. 0, or -1 with "file:line: problem" in e. */
int policy_profiles_load(struct policy_profiles *set, struct err *e);

/* Parses one profile text called name, read from file (named in errors), and adds it to set.
 * `inherits` names a profile in set or a built-in one, which is loaded first. 0 or -1. */
int policy_profile_parse(struct policy_profiles *set, const char *name, const char *file,
    const char *text, struct err *e);

/* The profile called name in set, or NULL; borrowed from set. */
const struct policy_profile *policy_profiles_find(const struct policy_profiles *set,
    const char *name);

#endif
