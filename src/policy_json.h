/* policy_json.h - the JSON form of policy facts and decisions (`arrears policy eval`, and the
 * server's wire format). Unknown fields are errors, named by their JSON path. */
#ifndef ARREARS_POLICY_JSON_H
#define ARREARS_POLICY_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"
#include "policy.h"

/* Decodes the facts object v found at JSON path `path` (e.g. "$" or "$[2]") into f, which then
 * owns an allocated history. profile receives the optional "profile" field, "" when absent.
 * 0, or -1 with e naming the path: "$.consumer.flags[2]: unknown flag 'x'". */
int policy_json_facts_decode(const json_t *v, const char *path, struct policy_facts *f,
    char *profile, size_t profile_len, struct err *e);

/* Frees the history that policy_json_facts_decode allocated and empties f. */
void policy_json_facts_clear(struct policy_facts *f);

/* {"decision": ..., "reasons": [...], "next_allowed_at": ...}; a new reference. */
json_t *policy_json_decision_encode(const struct policy_decision *d);

#endif
