/* contact_facts.h - the pure parts of turning stored records into contact-policy facts, shared
 * by the workstation (contactability.c, over its cache) and the server's runs (over the book):
 * zone lists, attempt bodies, and which channels a kind of contact point takes. */
#ifndef ARREARS_CONTACT_FACTS_H
#define ARREARS_CONTACT_FACTS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "policy.h"

/* History read per account: the longest window a rule counts is 30 local dates (us-ma, work
 * numbers), plus slack for zones on either side of UTC. */
#define CONTACT_HISTORY_DAYS 35

/* Splits a ';'-separated zone list into zones; returns how many. A name too long to store
 * becomes "", which no database knows, so the engine still says TIMEZONE_UNKNOWN (policy.h). */
int contact_zones_split(const char *list, char zones[POLICY_MAX_ZONES][POLICY_ZONE_LEN]);

/* Reads an attempt event's body, e.g. {"channel":"call","direction":"outbound",
 * "contact":"mobile","result":"no_answer"}, logged at `at`. False for a body the engine could
 * not count (no known channel or result). */
bool contact_attempt_decode(const char *body, int64_t at, struct policy_attempt *a);

#endif
