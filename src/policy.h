/* policy.h - the contact-policy engine: one pure function of (profile, facts) -> decision.
 * It never reads the clock, the cache or the network; `now` is facts.at. Rules and their
 * sources are in docs/POLICY.md. */
#ifndef ARREARS_POLICY_H
#define ARREARS_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define POLICY_MAX_ZONES 8	/* per list: consumer zones, contact zones */
#define POLICY_ZONE_LEN 64
#define POLICY_MAX_RANGES 8	/* consumer-stated inconvenient ranges */
#define POLICY_MAX_CAPS 8	/* jurisdiction caps per profile */
#define POLICY_NONE INT64_MIN	/* an absent time: no verification, no consent, no next time */

/* Every reason code, in the order the output lists them. PERMANENT reasons last until the facts
 * change; the others pass with time, so they have a next allowed time. */
#define POLICY_REASONS(X)                          \
	X(TIMEZONE_UNKNOWN, true)                  \
	X(OUTSIDE_HOURS, false)                    \
	X(CONSUMER_INCONVENIENT_TIME, false)       \
	X(CALL_FREQUENCY_7IN7, false)              \
	X(CONVERSATION_COOLOFF, false)             \
	X(STATE_FREQUENCY, false)                  \
	X(CEASE, true)                             \
	X(ATTORNEY, true)                          \
	X(BANKRUPTCY, true)                        \
	X(DECEASED, true)                          \
	X(BREATHING_SPACE, true)                   \
	X(DISPUTE_UNVERIFIED, true)                \
	X(WORKPLACE_PROHIBITED, true)              \
	X(WORK_EMAIL, true)                        \
	X(NO_AUTODIAL_CONSENT, true)               \
	X(NO_SMS_CONSENT, true)                    \
	X(OPTED_OUT, true)                         \
	X(NO_OPT_OUT_NOTICE, true)                 \
	X(VULNERABLE_SPECIALIST_ONLY, true)

enum policy_reason {
#define POLICY_REASON_ENUM(name, permanent) POLICY_##name,
	POLICY_REASONS(POLICY_REASON_ENUM)
#undef POLICY_REASON_ENUM
	POLICY_REASON_COUNT
};

/* A set of reasons, one bit per enum policy_reason. */
typedef uint32_t policy_reasons;
#define POLICY_BIT(r) ((policy_reasons)1 << (r))

enum policy_channel {
	POLICY_CALL,
	POLICY_SMS,
	POLICY_EMAIL,
	POLICY_LETTER,
	POLICY_VISIT,
	POLICY_NOTICE,
	POLICY_CHANNEL_COUNT
};

enum policy_result {
	POLICY_NO_ANSWER,
	POLICY_VOICEMAIL,
	POLICY_BUSY,
	POLICY_NOT_CONNECTED,
	POLICY_CONVERSATION,
	POLICY_WRONG_PARTY,
	POLICY_SENT,
	POLICY_RESULT_COUNT
};

enum policy_role {
	POLICY_AGENT,
	POLICY_SPECIALIST,
	POLICY_LEAD,
	POLICY_ROLE_COUNT
};

/* Which numbers a cap is about: personal (mobile, landline) or work. */
enum policy_scope {
	POLICY_SCOPE_ANY,
	POLICY_SCOPE_PERSONAL,
	POLICY_SCOPE_WORK
};

/* What a cap counts: contacts that reached someone's phone or inbox (counted calls, sent texts
 * and emails), or every outbound attempt whatever its result. */
enum policy_basis {
	POLICY_BASIS_COUNTED,
	POLICY_BASIS_ALL
};

/* A jurisdiction cap: attempts on `channels` to a `to` number are blocked once `max` past
 * outbound attempts on `counts` channels fall on the last `days` local dates (D included). */
struct policy_cap {
	unsigned channels;	/* bit per enum policy_channel */
	enum policy_scope to;
	unsigned counts;	/* bit per enum policy_channel */
	enum policy_basis basis;
	int days;
	int max;
};

/* A jurisdiction's rules as data, loaded from data/policy/NAME.conf (policy_profile.h). */
struct policy_profile {
	char name[16];
	char inherits[16];	/* "" for a base profile */
	int window_start, window_end;	/* minutes of the local day, [start, end) */
	unsigned window_days;	/* bit per wday, 1 << 0 = Sunday */
	unsigned window_channels;	/* bit per enum policy_channel */
	int max_calls;		/* counted calls allowed in frequency_days local dates */
	int frequency_days;
	int cooloff_days;	/* local dates a conversation blocks calls, its own date included */
	bool us_consent;	/* TCPA consent and electronic opt-out notice rules apply */
	struct policy_cap caps[POLICY_MAX_CAPS];
	int ncaps;
};

/* One prior attempt on the debt. */
struct policy_attempt {
	int64_t at;
	enum policy_channel channel;
	enum policy_result result;
	bool inbound;
	enum contact_kind contact_kind;	/* CONTACT_WORK or a personal kind (the default) */
};

/* A consumer-stated inconvenient range in minutes of the day, [from, to), wrapping past
 * midnight when from > to; from == to is empty. */
struct policy_range {
	int from, to;
};

/* Everything the engine knows about one attempt. A zone name that cannot be stored (too long)
 * is stored as "", which no database knows, so it still yields TIMEZONE_UNKNOWN. */
struct policy_facts {
	int64_t at;		/* the attempt, i.e. now */
	enum policy_channel channel;
	bool autodialed;
	enum policy_role role;
	char zones[POLICY_MAX_ZONES][POLICY_ZONE_LEN];	/* consumer's candidate zones */
	int nzones;
	unsigned flags;		/* enum account_flag */
	int64_t dispute_verified_at;	/* POLICY_NONE: verification not sent */
	struct policy_range inconvenient[POLICY_MAX_RANGES];
	int ninconvenient;
	unsigned opted_out;	/* bit per enum policy_channel */
	int64_t callback_given_at;	/* POLICY_NONE: no callback consent */
	enum contact_kind contact_kind;
	char contact_zones[POLICY_MAX_ZONES][POLICY_ZONE_LEN];
	int ncontact_zones;
	unsigned consent;	/* enum consent_flag: autodial, sms, employer prohibits */
	bool opt_out_notice;
	struct policy_attempt *history;	/* any order; owned by whoever filled the facts */
	size_t nhistory;
};

struct policy_decision {
	bool allowed;
	policy_reasons reasons;
	int64_t next_allowed_at;	/* a whole minute, or POLICY_NONE for null */
};

/* A memo of zone offsets per UTC day, so ranking a large queue does not reload zone files.
 * Owned by the caller and reused across evaluations; not shared between threads. */
struct policy_tzcache;

/* An empty cache; aborts on out-of-memory. */
struct policy_tzcache *policy_tzcache_new(void);

/* Frees *c (NULL is fine) and clears the pointer. */
void policy_tzcache_free(struct policy_tzcache **c);

/* The reasons that block facts->at, without searching for a next time: the queue's fast path.
 * cache may be NULL. */
policy_reasons policy_check(const struct policy_profile *p, const struct policy_facts *f,
    struct policy_tzcache *cache);

/* The full decision for facts->at, including next_allowed_at. cache may be NULL. */
void policy_decide(const struct policy_profile *p, const struct policy_facts *f,
    struct policy_tzcache *cache, struct policy_decision *out);

/* The code of a reason, e.g. "OUTSIDE_HOURS"; borrowed, static. */
const char *policy_reason_name(enum policy_reason r);

/* Whether a reason lasts until the facts change (rule 8, unknown zone). */
bool policy_reason_permanent(enum policy_reason r);

/* Names as the JSON and the profiles spell them ("call", "no_answer", "specialist"). The name is
 * borrowed and static; the parse functions return -1 for an unknown name. */
const char *policy_channel_name(enum policy_channel c);
int policy_channel_parse(const char *name);
int policy_result_parse(const char *name);
int policy_role_parse(const char *name);

#endif
