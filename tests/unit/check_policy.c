/* check_policy.c - the policy engine as tables of (facts, now) -> (decision, reasons, next).
 * Every expectation was worked out by hand from the rules in docs/POLICY.md. Dates used:
 * 2026-02-10 is a Tuesday; New York is UTC-5 in February (EST), UTC-4 from 2026-03-08 07:00Z
 * to 2026-11-01 06:00Z; London is UTC+0 in winter and UTC+1 from 2026-03-29 01:00Z to
 * 2026-10-25 01:00Z. */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "policy.h"
#include "policy_json.h"
#include "policy_profile.h"

#define NY "America/New_York"
#define LA "America/Los_Angeles"
#define CHI "America/Chicago"
#define LDN "Europe/London"
#define R(x) POLICY_BIT(POLICY_##x)
#define NONE_YET 0	/* reasons: allowed */
#define MAX_HIST 12

struct hist {
	const char *at;
	enum policy_channel channel;
	enum policy_result result;
	bool inbound;
	enum contact_kind kind;
};

/* One row: the facts in readable form, then the expected answer. next NULL means null. */
struct row {
	const char *name;
	const char *profile;	/* NULL: us-regf */
	const char *at;
	enum policy_channel channel;
	const char *zones[3];
	const char *contact_zones[3];
	enum contact_kind kind;
	unsigned flags, consent, opted_out;
	bool autodialed, notice;
	enum policy_role role;
	const char *verified, *callback;
	struct policy_range inconvenient[2];
	int ninconvenient;
	struct hist history[MAX_HIST];
	policy_reasons want;
	const char *next;
};

#define H(t, ch, res) { .at = t, .channel = POLICY_##ch, .result = POLICY_##res }
#define HW(t, ch, res) \
	{ .at = t, .channel = POLICY_##ch, .result = POLICY_##res, .kind = CONTACT_WORK }
#define HIN(t, ch, res) { .at = t, .channel = POLICY_##ch, .result = POLICY_##res, .inbound = true }

/* Six counted calls on 4-9 February at 10:00 EST: one short of the weekly limit on the 10th. */
#define SIX_CALLS                                                                  \
	H("2026-02-04T15:00:00Z", CALL, NO_ANSWER), H("2026-02-05T15:00:00Z", CALL, NO_ANSWER), \
	    H("2026-02-06T15:00:00Z", CALL, VOICEMAIL), H("2026-02-07T15:00:00Z", CALL, NO_ANSWER), \
	    H("2026-02-08T15:00:00Z", CALL, WRONG_PARTY), H("2026-02-09T15:00:00Z", CALL, NO_ANSWER)

/* Six counted calls on 5-10 February (the last at 09:00 EST on the 10th). */
#define SIX_LATE_CALLS                                                             \
	H("2026-02-05T15:00:00Z", CALL, NO_ANSWER), H("2026-02-06T15:00:00Z", CALL, NO_ANSWER), \
	    H("2026-02-07T15:00:00Z", CALL, NO_ANSWER), H("2026-02-08T15:00:00Z", CALL, NO_ANSWER), \
	    H("2026-02-09T15:00:00Z", CALL, NO_ANSWER), H("2026-02-10T14:00:00Z", CALL, NO_ANSWER)

static const struct row rows[] = {
	/* Rule 2: the calling window, 08:00 <= t < 21:00 local, in every zone. */
	{ .name = "mid-morning call is allowed; next is the following minute",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .want = NONE_YET,
	  .next = "2026-02-10T15:01:00Z" },
	{ .name = "an allowed time with seconds still rounds up to the next whole minute",
	  .at = "2026-02-10T15:00:30Z", .zones = { NY }, .want = NONE_YET,
	  .next = "2026-02-10T15:01:00Z" },
	{ .name = "20:59 is allowed; the next allowed minute is 08:00 tomorrow",
	  .at = "2026-02-11T01:59:00Z", .zones = { NY }, .want = NONE_YET,
	  .next = "2026-02-11T13:00:00Z" },
	{ .name = "20:59:59 is still allowed",
	  .at = "2026-02-11T01:59:59Z", .zones = { NY }, .want = NONE_YET,
	  .next = "2026-02-11T13:00:00Z" },
	{ .name = "21:00 is blocked",
	  .at = "2026-02-11T02:00:00Z", .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-02-11T13:00:00Z" },
	{ .name = "07:59 is blocked until 08:00",
	  .at = "2026-02-10T12:59:00Z", .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-02-10T13:00:00Z" },
	{ .name = "07:59:30 is blocked until 08:00",
	  .at = "2026-02-10T12:59:30Z", .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-02-10T13:00:00Z" },
	{ .name = "08:00 sharp is allowed",
	  .at = "2026-02-10T13:00:00Z", .zones = { NY }, .want = NONE_YET,
	  .next = "2026-02-10T13:01:00Z" },
	{ .name = "a letter at 23:00 is exempt from the window",
	  .at = "2026-02-11T04:00:00Z", .channel = POLICY_LETTER, .kind = CONTACT_ADDRESS,
	  .zones = { NY }, .want = NONE_YET, .next = "2026-02-11T04:01:00Z" },
	{ .name = "a notice at 23:00 is exempt from the window",
	  .at = "2026-02-11T04:00:00Z", .channel = POLICY_NOTICE, .kind = CONTACT_ADDRESS,
	  .zones = { NY }, .want = NONE_YET, .next = "2026-02-11T04:01:00Z" },
	{ .name = "a text at 23:00 is outside hours",
	  .at = "2026-02-11T04:00:00Z", .channel = POLICY_SMS, .consent = CONSENT_SMS,
	  .notice = true, .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-02-11T13:00:00Z" },
	{ .name = "an email at 23:00 is outside hours",
	  .at = "2026-02-11T04:00:00Z", .channel = POLICY_EMAIL, .kind = CONTACT_EMAIL,
	  .notice = true, .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-02-11T13:00:00Z" },
	{ .name = "a visit at 23:00 is outside hours",
	  .at = "2026-02-11T04:00:00Z", .channel = POLICY_VISIT, .kind = CONTACT_ADDRESS,
	  .zones = { NY }, .want = R(OUTSIDE_HOURS), .next = "2026-02-11T13:00:00Z" },
	{ .name = "two consumer zones: 09:30 in New York but 06:30 in Los Angeles",
	  .at = "2026-02-10T14:30:00Z", .zones = { NY, LA }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-02-10T16:00:00Z" },
	{ .name = "the number's zone counts too",
	  .at = "2026-02-10T14:30:00Z", .zones = { NY }, .contact_zones = { LA },
	  .want = R(OUTSIDE_HOURS), .next = "2026-02-10T16:00:00Z" },
	{ .name = "two zones, 20:30 and 17:30, both inside",
	  .at = "2026-02-11T01:30:00Z", .zones = { NY, LA }, .want = NONE_YET,
	  .next = "2026-02-11T01:31:00Z" },
	{ .name = "two zones, 21:00 in New York: wait for 08:00 in Los Angeles",
	  .at = "2026-02-11T02:00:00Z", .zones = { NY, LA }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-02-11T16:00:00Z" },
	{ .name = "duplicate zones count once",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY, NY }, .contact_zones = { NY },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "only the number's zone: it is the primary zone",
	  .at = "2026-02-10T13:30:00Z", .contact_zones = { CHI }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-02-10T14:00:00Z" },

	/* Rule 1: unknown zones. */
	{ .name = "an unknown zone blocks and nothing else is evaluated",
	  .at = "2026-02-10T15:00:00Z", .zones = { "Mars/Olympus_Mons" },
	  .flags = AFLAG_CEASE, .want = R(TIMEZONE_UNKNOWN) },
	{ .name = "no zone at all", .at = "2026-02-10T15:00:00Z", .want = R(TIMEZONE_UNKNOWN) },
	{ .name = "an unknown zone on the number", .at = "2026-02-10T15:00:00Z",
	  .zones = { NY }, .contact_zones = { "Nowhere/Nope" }, .want = R(TIMEZONE_UNKNOWN) },
	{ .name = "a zone directory is not a zone", .at = "2026-02-10T15:00:00Z",
	  .zones = { "America" }, .want = R(TIMEZONE_UNKNOWN) },

	/* Rule 3: consumer-stated inconvenient ranges, in P. */
	{ .name = "inside a stated range 08:00-12:00",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .inconvenient = { { .from = 8 * 60, .to = 12 * 60 } }, .ninconvenient = 1,
	  .want = R(CONSUMER_INCONVENIENT_TIME), .next = "2026-02-10T17:00:00Z" },
	{ .name = "the range is half-open: 12:00 is fine",
	  .at = "2026-02-10T17:00:00Z", .zones = { NY },
	  .inconvenient = { { .from = 8 * 60, .to = 12 * 60 } }, .ninconvenient = 1,
	  .want = NONE_YET, .next = "2026-02-10T17:01:00Z" },
	{ .name = "a range wrapping midnight, 18:00-09:00, at 08:30",
	  .at = "2026-02-10T13:30:00Z", .zones = { NY },
	  .inconvenient = { { .from = 18 * 60, .to = 9 * 60 } }, .ninconvenient = 1,
	  .want = R(CONSUMER_INCONVENIENT_TIME), .next = "2026-02-10T14:00:00Z" },
	{ .name = "a range wrapping midnight, at 18:30, lasts until 09:00 tomorrow",
	  .at = "2026-02-10T23:30:00Z", .zones = { NY },
	  .inconvenient = { { .from = 18 * 60, .to = 9 * 60 } }, .ninconvenient = 1,
	  .want = R(CONSUMER_INCONVENIENT_TIME), .next = "2026-02-11T14:00:00Z" },
	{ .name = "ranges are read in the primary zone only",
	  .at = "2026-02-10T17:30:00Z", .zones = { LA, NY },
	  .inconvenient = { { .from = 9 * 60, .to = 10 * 60 } }, .ninconvenient = 1,
	  .want = R(CONSUMER_INCONVENIENT_TIME), .next = "2026-02-10T18:00:00Z" },
	{ .name = "a letter ignores stated ranges",
	  .at = "2026-02-10T15:00:00Z", .channel = POLICY_LETTER, .kind = CONTACT_ADDRESS,
	  .zones = { NY }, .inconvenient = { { .from = 8 * 60, .to = 12 * 60 } },
	  .ninconvenient = 1, .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "a range covering the whole window: never (null)",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .inconvenient = { { .from = 7 * 60, .to = 22 * 60 } }, .ninconvenient = 1,
	  .want = R(CONSUMER_INCONVENIENT_TIME) },

	/* Rules 4 and 5: seven counted calls in seven local dates. */
	{ .name = "the 7th call in 7 days is allowed",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .history = { SIX_CALLS },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "the 8th call in 7 days is blocked until the oldest leaves the window",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { SIX_CALLS, H("2026-02-10T14:00:00Z", CALL, NO_ANSWER) },
	  .want = R(CALL_FREQUENCY_7IN7), .next = "2026-02-11T13:00:00Z" },
	{ .name = "window edge: 23:59 local on D-7 is outside though its UTC date is D-6",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-04T04:59:00Z", CALL, NO_ANSWER), SIX_LATE_CALLS },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "window edge: 00:00 local on D-6 is inside",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-04T05:00:00Z", CALL, NO_ANSWER), SIX_LATE_CALLS },
	  .want = R(CALL_FREQUENCY_7IN7), .next = "2026-02-11T13:00:00Z" },
	{ .name = "calendar dates, not 168 hours: a call 167 hours ago on D-7 is out",
	  .at = "2026-02-10T19:00:00Z", .zones = { NY },
	  .history = { H("2026-02-03T20:00:00Z", CALL, NO_ANSWER), SIX_LATE_CALLS },
	  .want = NONE_YET, .next = "2026-02-10T19:01:00Z" },
	{ .name = "busy and not_connected calls do not count",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { SIX_CALLS, H("2026-02-09T16:00:00Z", CALL, BUSY),
	      H("2026-02-09T17:00:00Z", CALL, NOT_CONNECTED), H("2026-02-10T14:00:00Z", CALL, BUSY) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "inbound calls do not count",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { SIX_CALLS, HIN("2026-02-09T16:00:00Z", CALL, VOICEMAIL),
	      HIN("2026-02-10T14:00:00Z", CALL, NO_ANSWER) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "a call logged after the attempt does not count yet",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { SIX_CALLS, H("2026-02-10T16:00:00Z", CALL, NO_ANSWER) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "texts do not count towards 7-in-7",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { SIX_CALLS, H("2026-02-10T14:00:00Z", SMS, SENT) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "7-in-7 limits calls only: a text after 7 calls is fine",
	  .at = "2026-02-10T15:00:00Z", .channel = POLICY_SMS, .consent = CONSENT_SMS,
	  .notice = true, .zones = { NY },
	  .history = { SIX_CALLS, H("2026-02-10T14:00:00Z", CALL, NO_ANSWER) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },

	/* Rule 6: conversation cool-off. */
	{ .name = "a conversation 6 dates ago blocks until day 8",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-04T15:00:00Z", CALL, CONVERSATION) },
	  .want = R(CONVERSATION_COOLOFF), .next = "2026-02-11T13:00:00Z" },
	{ .name = "a conversation 6 days 23 hours ago is on day 8: allowed",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-03T16:00:00Z", CALL, CONVERSATION) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "a conversation an hour ago blocks for a week",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-10T14:00:00Z", CALL, CONVERSATION) },
	  .want = R(CONVERSATION_COOLOFF), .next = "2026-02-17T13:00:00Z" },
	{ .name = "wrong_party is no conversation",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-09T15:00:00Z", CALL, WRONG_PARTY) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "an inbound conversation starts the cool-off too",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { HIN("2026-02-09T15:00:00Z", CALL, CONVERSATION) },
	  .want = R(CONVERSATION_COOLOFF), .next = "2026-02-16T13:00:00Z" },
	{ .name = "the cool-off limits calls only",
	  .at = "2026-02-10T15:00:00Z", .channel = POLICY_SMS, .consent = CONSENT_SMS,
	  .notice = true, .zones = { NY },
	  .history = { H("2026-02-09T15:00:00Z", CALL, CONVERSATION) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },

	/* Rule 6's exception: the consumer asked to be called back. */
	{ .name = "callback consent given after the conversation lifts the cool-off",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .callback = "2026-02-09T15:10:00Z",
	  .history = { H("2026-02-09T15:00:00Z", CALL, CONVERSATION) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "a conversation since the consent voids it",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .callback = "2026-02-09T14:50:00Z",
	  .history = { H("2026-02-09T15:00:00Z", CALL, CONVERSATION) },
	  .want = R(CONVERSATION_COOLOFF), .next = "2026-02-16T13:00:00Z" },
	{ .name = "consent 6 dates old still lifts 7-in-7",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .callback = "2026-02-04T15:00:00Z",
	  .history = { SIX_CALLS, H("2026-02-10T14:00:00Z", CALL, NO_ANSWER) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "consent 7 dates old has lapsed",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .callback = "2026-02-03T15:00:00Z",
	  .history = { SIX_CALLS, H("2026-02-10T14:00:00Z", CALL, NO_ANSWER) },
	  .want = R(CALL_FREQUENCY_7IN7), .next = "2026-02-11T13:00:00Z" },
	{ .name = "consent given later today applies from that minute",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .callback = "2026-02-10T16:00:00Z",
	  .history = { SIX_CALLS, H("2026-02-10T14:00:00Z", CALL, NO_ANSWER) },
	  .want = R(CALL_FREQUENCY_7IN7), .next = "2026-02-10T16:00:00Z" },
	{ .name = "callback consent does not open the window",
	  .at = "2026-02-11T02:30:00Z", .zones = { NY }, .callback = "2026-02-09T15:10:00Z",
	  .history = { H("2026-02-09T15:00:00Z", CALL, CONVERSATION) },
	  .want = R(OUTSIDE_HOURS), .next = "2026-02-11T13:00:00Z" },

	/* Rule 8: permanent blocks have no next time. */
	{ .name = "cease blocks a call", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .flags = AFLAG_CEASE, .want = R(CEASE) },
	{ .name = "cease blocks a letter", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_LETTER, .kind = CONTACT_ADDRESS, .zones = { NY },
	  .flags = AFLAG_CEASE, .want = R(CEASE) },
	{ .name = "cease allows a notice", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_NOTICE, .kind = CONTACT_ADDRESS, .zones = { NY },
	  .flags = AFLAG_CEASE, .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "cease at night: both reasons, still no next time",
	  .at = "2026-02-11T04:00:00Z", .zones = { NY }, .flags = AFLAG_CEASE,
	  .want = R(CEASE) | R(OUTSIDE_HOURS) },
	{ .name = "attorney", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .flags = AFLAG_ATTORNEY, .want = R(ATTORNEY) },
	{ .name = "bankruptcy and deceased", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .flags = AFLAG_BANKRUPTCY | AFLAG_DECEASED, .want = R(BANKRUPTCY) | R(DECEASED) },
	{ .name = "dispute open, verification not sent", .at = "2026-02-10T15:00:00Z",
	  .zones = { NY }, .flags = AFLAG_DISPUTE, .want = R(DISPUTE_UNVERIFIED) },
	{ .name = "dispute open, verification sent before the attempt",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .flags = AFLAG_DISPUTE,
	  .verified = "2026-02-09T12:00:00Z", .want = NONE_YET,
	  .next = "2026-02-10T15:01:00Z" },
	{ .name = "dispute open, verification dated after the attempt",
	  .at = "2026-02-10T15:00:00Z", .zones = { NY }, .flags = AFLAG_DISPUTE,
	  .verified = "2026-02-10T15:00:01Z", .want = R(DISPUTE_UNVERIFIED) },
	{ .name = "vulnerable: an agent may not", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .flags = AFLAG_VULNERABLE, .want = R(VULNERABLE_SPECIALIST_ONLY) },
	{ .name = "vulnerable: a lead may not either", .at = "2026-02-10T15:00:00Z",
	  .zones = { NY }, .flags = AFLAG_VULNERABLE, .role = POLICY_LEAD,
	  .want = R(VULNERABLE_SPECIALIST_ONLY) },
	{ .name = "vulnerable: a specialist may", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .flags = AFLAG_VULNERABLE, .role = POLICY_SPECIALIST, .want = NONE_YET,
	  .next = "2026-02-10T15:01:00Z" },
	{ .name = "employer prohibits calls at work", .at = "2026-02-10T15:00:00Z",
	  .zones = { NY }, .kind = CONTACT_WORK, .consent = CONSENT_EMPLOYER_PROHIBITS,
	  .want = R(WORKPLACE_PROHIBITED) },
	{ .name = "a work email address", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_EMAIL, .kind = CONTACT_WORK_EMAIL, .notice = true, .zones = { NY },
	  .want = R(WORK_EMAIL) },
	{ .name = "opted out of texts", .at = "2026-02-10T15:00:00Z", .channel = POLICY_SMS,
	  .consent = CONSENT_SMS, .notice = true, .opted_out = 1u << POLICY_SMS,
	  .zones = { NY }, .want = R(OPTED_OUT) },
	{ .name = "a text to a mobile without SMS consent", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_SMS, .notice = true, .zones = { NY }, .want = R(NO_SMS_CONSENT) },
	{ .name = "a text to a landline needs no SMS consent", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_SMS, .kind = CONTACT_LANDLINE, .notice = true, .zones = { NY },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "a text without the opt-out notice", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_SMS, .consent = CONSENT_SMS, .zones = { NY },
	  .want = R(NO_OPT_OUT_NOTICE) },
	{ .name = "a text with neither consent nor notice", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_SMS, .zones = { NY },
	  .want = R(NO_SMS_CONSENT) | R(NO_OPT_OUT_NOTICE) },
	{ .name = "an email without the opt-out notice", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_EMAIL, .kind = CONTACT_EMAIL, .zones = { NY },
	  .want = R(NO_OPT_OUT_NOTICE) },
	{ .name = "an email with the opt-out notice", .at = "2026-02-10T15:00:00Z",
	  .channel = POLICY_EMAIL, .kind = CONTACT_EMAIL, .notice = true, .zones = { NY },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "an autodialed call to a mobile without consent", .at = "2026-02-10T15:00:00Z",
	  .autodialed = true, .zones = { NY }, .want = R(NO_AUTODIAL_CONSENT) },
	{ .name = "an autodialed call to a mobile with consent", .at = "2026-02-10T15:00:00Z",
	  .autodialed = true, .consent = CONSENT_AUTODIAL, .zones = { NY }, .want = NONE_YET,
	  .next = "2026-02-10T15:01:00Z" },
	{ .name = "an autodialed call to a landline", .at = "2026-02-10T15:00:00Z",
	  .autodialed = true, .kind = CONTACT_LANDLINE, .zones = { NY }, .want = NONE_YET,
	  .next = "2026-02-10T15:01:00Z" },

	/* Rule 7, Massachusetts: 2 per 7 dates to personal numbers, 2 per 30 to work. */
	{ .name = "MA: a third call to a personal number in 7 days",
	  .profile = "us-ma", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-05T15:00:00Z", CALL, NO_ANSWER),
	      H("2026-02-08T15:00:00Z", CALL, VOICEMAIL) },
	  .want = R(STATE_FREQUENCY), .next = "2026-02-12T13:00:00Z" },
	{ .name = "MA: a busy signal is not counted",
	  .profile = "us-ma", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-05T15:00:00Z", CALL, NO_ANSWER),
	      H("2026-02-08T15:00:00Z", CALL, BUSY) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "MA: a call and a sent text count together",
	  .profile = "us-ma", .at = "2026-02-10T15:00:00Z", .channel = POLICY_SMS,
	  .consent = CONSENT_SMS, .notice = true, .zones = { NY },
	  .history = { H("2026-02-05T15:00:00Z", CALL, NO_ANSWER),
	      H("2026-02-08T15:00:00Z", SMS, SENT) },
	  .want = R(STATE_FREQUENCY), .next = "2026-02-12T13:00:00Z" },
	{ .name = "MA: two work calls in 30 days block the work number",
	  .profile = "us-ma", .at = "2026-02-10T15:00:00Z", .kind = CONTACT_WORK,
	  .zones = { NY },
	  .history = { HW("2026-01-15T15:00:00Z", CALL, NO_ANSWER),
	      HW("2026-02-01T15:00:00Z", CALL, NO_ANSWER) },
	  .want = R(STATE_FREQUENCY), .next = "2026-02-14T13:00:00Z" },
	{ .name = "MA: work calls do not count against the personal number",
	  .profile = "us-ma", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { HW("2026-02-08T15:00:00Z", CALL, NO_ANSWER),
	      HW("2026-02-09T15:00:00Z", CALL, NO_ANSWER) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "MA: personal calls do not count against the work number",
	  .profile = "us-ma", .at = "2026-02-10T15:00:00Z", .kind = CONTACT_WORK,
	  .zones = { NY },
	  .history = { H("2026-02-08T15:00:00Z", CALL, NO_ANSWER),
	      H("2026-02-09T15:00:00Z", CALL, NO_ANSWER) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },

	/* Rule 7, New York City: 3 per 7 dates over calls, texts and emails, busy included. */
	{ .name = "NYC: a busy call, a text and an email make three",
	  .profile = "us-nyc", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-05T15:00:00Z", CALL, BUSY), H("2026-02-07T15:00:00Z", SMS, SENT),
	      H("2026-02-09T15:00:00Z", EMAIL, SENT) },
	  .want = R(STATE_FREQUENCY), .next = "2026-02-12T13:00:00Z" },
	{ .name = "NYC: letters are never counted",
	  .profile = "us-nyc", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-05T15:00:00Z", CALL, BUSY), H("2026-02-07T15:00:00Z", SMS, SENT),
	      H("2026-02-09T15:00:00Z", LETTER, SENT) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "NYC: inbound calls are not attempts",
	  .profile = "us-nyc", .at = "2026-02-10T15:00:00Z", .zones = { NY },
	  .history = { H("2026-02-05T15:00:00Z", CALL, NO_ANSWER),
	      H("2026-02-07T15:00:00Z", SMS, SENT), HIN("2026-02-09T15:00:00Z", CALL, VOICEMAIL) },
	  .want = NONE_YET, .next = "2026-02-10T15:01:00Z" },
	{ .name = "NYC: the cap applies to emails",
	  .profile = "us-nyc", .at = "2026-02-10T15:00:00Z", .channel = POLICY_EMAIL,
	  .kind = CONTACT_EMAIL, .notice = true, .zones = { NY },
	  .history = { H("2026-02-05T15:00:00Z", CALL, NOT_CONNECTED),
	      H("2026-02-07T15:00:00Z", SMS, SENT), H("2026-02-09T15:00:00Z", EMAIL, SENT) },
	  .want = R(STATE_FREQUENCY), .next = "2026-02-12T13:00:00Z" },

	/* UK: Monday to Saturday, 3 counted calls a day, 3-date cool-off, breathing space. */
	{ .name = "UK: Sunday noon is outside hours",
	  .profile = "uk-fca", .at = "2026-02-15T12:00:00Z", .zones = { LDN },
	  .want = R(OUTSIDE_HOURS), .next = "2026-02-16T08:00:00Z" },
	{ .name = "UK: Saturday noon is fine",
	  .profile = "uk-fca", .at = "2026-02-14T12:00:00Z", .zones = { LDN },
	  .want = NONE_YET, .next = "2026-02-14T12:01:00Z" },
	{ .name = "UK: Saturday 21:00 waits until Monday",
	  .profile = "uk-fca", .at = "2026-02-14T21:00:00Z", .zones = { LDN },
	  .want = R(OUTSIDE_HOURS), .next = "2026-02-16T08:00:00Z" },
	{ .name = "UK: a fourth counted call today",
	  .profile = "uk-fca", .at = "2026-02-10T12:00:00Z", .zones = { LDN },
	  .history = { H("2026-02-10T09:00:00Z", CALL, NO_ANSWER),
	      H("2026-02-10T10:00:00Z", CALL, VOICEMAIL), H("2026-02-10T11:00:00Z", CALL, NO_ANSWER) },
	  .want = R(STATE_FREQUENCY), .next = "2026-02-11T08:00:00Z" },
	{ .name = "UK: a busy call is not counted",
	  .profile = "uk-fca", .at = "2026-02-10T12:00:00Z", .zones = { LDN },
	  .history = { H("2026-02-10T09:00:00Z", CALL, NO_ANSWER),
	      H("2026-02-10T10:00:00Z", CALL, BUSY), H("2026-02-10T11:00:00Z", CALL, NO_ANSWER) },
	  .want = NONE_YET, .next = "2026-02-10T12:01:00Z" },
	{ .name = "UK: a conversation two dates ago still blocks",
	  .profile = "uk-fca", .at = "2026-02-10T12:00:00Z", .zones = { LDN },
	  .history = { H("2026-02-08T12:00:00Z", CALL, CONVERSATION) },
	  .want = R(CONVERSATION_COOLOFF), .next = "2026-02-11T08:00:00Z" },
	{ .name = "UK: a conversation three dates ago no longer does",
	  .profile = "uk-fca", .at = "2026-02-10T12:00:00Z", .zones = { LDN },
	  .history = { H("2026-02-07T12:00:00Z", CALL, CONVERSATION) },
	  .want = NONE_YET, .next = "2026-02-10T12:01:00Z" },
	{ .name = "UK: no TCPA consent or opt-out notice rules",
	  .profile = "uk-fca", .at = "2026-02-10T12:00:00Z", .channel = POLICY_SMS,
	  .zones = { LDN }, .want = NONE_YET, .next = "2026-02-10T12:01:00Z" },
	{ .name = "UK: breathing space",
	  .profile = "uk-fca", .at = "2026-02-10T12:00:00Z", .zones = { LDN },
	  .flags = AFLAG_BREATHING_SPACE, .want = R(BREATHING_SPACE) },
	{ .name = "UK: Saturday before BST starts, 21:00 waits for Monday 08:00 BST",
	  .profile = "uk-fca", .at = "2026-03-28T21:00:00Z", .zones = { LDN },
	  .want = R(OUTSIDE_HOURS), .next = "2026-03-30T07:00:00Z" },

	/* DST start and end days. */
	{ .name = "New York, DST starts: 07:59 EDT is blocked until 08:00 EDT",
	  .at = "2026-03-08T11:59:00Z", .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-03-08T12:00:00Z" },
	{ .name = "New York, DST starts: 08:30 EDT is allowed",
	  .at = "2026-03-08T12:30:00Z", .zones = { NY }, .want = NONE_YET,
	  .next = "2026-03-08T12:31:00Z" },
	{ .name = "New York, DST starts overnight: 21:00 EST waits for 08:00 EDT",
	  .at = "2026-03-08T02:00:00Z", .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-03-08T12:00:00Z" },
	{ .name = "New York, DST ends overnight: 22:00 EDT waits for 08:00 EST",
	  .at = "2026-11-01T02:00:00Z", .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-11-01T13:00:00Z" },
	{ .name = "New York, DST ends: 07:30 EST is blocked",
	  .at = "2026-11-01T12:30:00Z", .zones = { NY }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-11-01T13:00:00Z" },
	{ .name = "New York, DST ends: 20:59 EST is allowed",
	  .at = "2026-11-02T01:59:00Z", .zones = { NY }, .want = NONE_YET,
	  .next = "2026-11-02T13:00:00Z" },
	{ .name = "London, BST starts: 07:59 BST is blocked until 08:00 BST",
	  .at = "2026-03-29T06:59:00Z", .zones = { LDN }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-03-29T07:00:00Z" },
	{ .name = "London, BST ends overnight: 21:00 BST waits for 08:00 GMT",
	  .at = "2026-10-24T20:00:00Z", .zones = { LDN }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-10-25T08:00:00Z" },
	{ .name = "London, BST ends: 07:30 GMT is blocked",
	  .at = "2026-10-25T07:30:00Z", .zones = { LDN }, .want = R(OUTSIDE_HOURS),
	  .next = "2026-10-25T08:00:00Z" },
	{ .name = "New York, DST starts: 7-in-7 dates follow the local calendar",
	  .at = "2026-03-08T15:00:00Z", .zones = { NY },
	  .history = { H("2026-03-02T05:00:00Z", CALL, NO_ANSWER),
	      H("2026-03-03T15:00:00Z", CALL, NO_ANSWER), H("2026-03-04T15:00:00Z", CALL, NO_ANSWER),
	      H("2026-03-05T15:00:00Z", CALL, NO_ANSWER), H("2026-03-06T15:00:00Z", CALL, NO_ANSWER),
	      H("2026-03-07T15:00:00Z", CALL, NO_ANSWER), H("2026-03-08T13:00:00Z", CALL, NO_ANSWER) },
	  .want = R(CALL_FREQUENCY_7IN7), .next = "2026-03-09T12:00:00Z" },
};

static struct policy_profiles profiles;

static int64_t
parse_time(const char *s)
{
	int64_t t;
	struct err e;

	ck_assert_msg(time_parse_rfc3339(s, &t, &e) == 0, "bad time in table: %s", s);
	return t;
}

static void
facts_from_row(const struct row *r, struct policy_facts *f, struct policy_attempt *hist)
{
	*f = (struct policy_facts){
		.at = parse_time(r->at),
		.channel = r->channel,
		.autodialed = r->autodialed,
		.role = r->role,
		.flags = r->flags,
		.dispute_verified_at = r->verified != NULL ? parse_time(r->verified) : POLICY_NONE,
		.ninconvenient = r->ninconvenient,
		.opted_out = r->opted_out,
		.callback_given_at = r->callback != NULL ? parse_time(r->callback) : POLICY_NONE,
		.contact_kind = r->kind,
		.consent = r->consent,
		.opt_out_notice = r->notice,
		.history = hist,
	};
	for (int i = 0; i < 3 && r->zones[i] != NULL; i++)
		snprintf(f->zones[f->nzones++], POLICY_ZONE_LEN, "%s", r->zones[i]);
	for (int i = 0; i < 3 && r->contact_zones[i] != NULL; i++)
		snprintf(f->contact_zones[f->ncontact_zones++], POLICY_ZONE_LEN, "%s",
		    r->contact_zones[i]);
	memcpy(f->inconvenient, r->inconvenient, sizeof r->inconvenient);
	for (int i = 0; i < MAX_HIST && r->history[i].at != NULL; i++)
		hist[f->nhistory++] = (struct policy_attempt){
			.at = parse_time(r->history[i].at),
			.channel = r->history[i].channel,
			.result = r->history[i].result,
			.inbound = r->history[i].inbound,
			.contact_kind = r->history[i].kind,
		};
}

static void
reasons_text(policy_reasons rs, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int i = 0; i < POLICY_REASON_COUNT; i++)
		if (rs & POLICY_BIT(i))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s ", policy_reason_name(i));
}

static void
setup(void)
{
	struct err e;

	ck_assert_msg(policy_profiles_load(&profiles, &e) == 0, "%s", e.msg);
}

START_TEST(test_table)
{
	const struct row *r = &rows[_i];
	const struct policy_profile *p =
	    policy_profiles_find(&profiles, r->profile != NULL ? r->profile : "us-regf");
	struct policy_attempt hist[MAX_HIST];
	struct policy_facts f;
	struct policy_decision d;
	struct policy_tzcache *cache = policy_tzcache_new();
	char want[512], got[512], next[32] = "null";

	ck_assert_ptr_nonnull(p);
	facts_from_row(r, &f, hist);
	/* The same answer with and without the zone cache, and from the fast path. */
	for (int pass = 0; pass < 2; pass++) {
		policy_decide(p, &f, pass == 0 ? NULL : cache, &d);
		reasons_text(r->want, want, sizeof want);
		reasons_text(d.reasons, got, sizeof got);
		ck_assert_msg(d.reasons == r->want, "%s: reasons [%s], want [%s]", r->name, got, want);
		ck_assert_msg(d.allowed == (r->want == 0), "%s: decision", r->name);
		if (d.next_allowed_at != POLICY_NONE)
			time_format_rfc3339(d.next_allowed_at, next, sizeof next);
		ck_assert_msg(r->next != NULL ? strcmp(next, r->next) == 0 :
		    d.next_allowed_at == POLICY_NONE, "%s: next %s, want %s", r->name, next,
		    r->next != NULL ? r->next : "null");
		ck_assert_msg(policy_check(p, &f, cache) == r->want, "%s: fast path", r->name);
		for (int k = 0; k < POLICY_REASON_COUNT; k++)
			if ((d.reasons & POLICY_BIT(k)) && policy_reason_permanent(k))
				ck_assert_msg(d.next_allowed_at == POLICY_NONE, "%s: permanent", r->name);
	}
	policy_tzcache_free(&cache);
	ck_assert_ptr_null(cache);
}
END_TEST

/* Profiles: inheritance only tightens, and errors point at file:line. */
START_TEST(test_profiles_builtin)
{
	const struct policy_profile *ma = policy_profiles_find(&profiles, "us-ma");
	const struct policy_profile *uk = policy_profiles_find(&profiles, "uk-fca");

	ck_assert_int_eq(profiles.n, 4);
	ck_assert_ptr_nonnull(ma);
	ck_assert_str_eq(ma->inherits, "us-regf");
	ck_assert_int_eq(ma->window_start, 8 * 60);
	ck_assert_int_eq(ma->window_end, 21 * 60);
	ck_assert_int_eq(ma->max_calls, 7);
	ck_assert_int_eq(ma->ncaps, 2);
	ck_assert(ma->us_consent);
	ck_assert_ptr_nonnull(uk);
	ck_assert(!uk->us_consent);
	ck_assert_int_eq(uk->cooloff_days, 3);
	ck_assert_uint_eq(uk->window_days & 1u, 0);	/* no Sunday */
}
END_TEST

static const struct {
	const char *text;
	const char *error;
} bad_profiles[] = {
	{ .text = "inherits = \"us-regf\";\nwindow = { start = \"07:00\"; };\n",
	  .error = "test.conf:2: window.start: starts earlier than us-regf" },
	{ .text = "inherits = \"us-regf\";\n\nfrequency = { max_calls = 9; };\n",
	  .error = "test.conf:3: frequency.max_calls: allows more calls than us-regf" },
	{ .text = "inherits = \"us-regf\";\ncooloff_days = 3;\n",
	  .error = "test.conf:2: cooloff_days: is shorter than in us-regf" },
	{ .text = "inherits = \"us-regf\";\nus_consent = false;\n",
	  .error = "test.conf:2: us_consent: drops rules of us-regf" },
	{ .text = "inherits = \"us-regf\";\nwindow = {\n  days = [\"mon\", \"funday\"];\n};\n",
	  .error = "test.conf:3: window.days: unknown name 'funday'" },
	{ .text = "inherits = \"us-regf\";\ncolour = 1;\n",
	  .error = "test.conf:2: colour: unknown setting" },
	{ .text = "inherits = \"us-regf\";\ncaps = ( { channels = [\"call\"]; to = \"any\"; } );\n",
	  .error = "test.conf:2: caps[0]: a cap needs" },
	{ .text = "inherits = \"us-regf\"\nwindow = ;\n",
	  .error = "test.conf:2: syntax error" },
	{ .text = "inherits = \"us-texas\";\n", .error = "test.conf:1: no profile 'us-texas'" },
	{ .text = "cooloff_days = 7;\n", .error = "test.conf:1: a profile without inherits" },
};

START_TEST(test_profiles_bad)
{
	struct policy_profiles set = { 0 };
	struct err e = { { 0 } };

	ck_assert_int_eq(policy_profile_parse(&set, "test", "test.conf", bad_profiles[_i].text, &e),
	    -1);
	ck_assert_msg(strncmp(e.msg, bad_profiles[_i].error, strlen(bad_profiles[_i].error)) == 0,
	    "got '%s', want '%s...'", e.msg, bad_profiles[_i].error);
}
END_TEST

START_TEST(test_profile_tightens)
{
	struct policy_profiles set = { 0 };
	struct err e;
	const struct policy_profile *p;

	ck_assert_msg(policy_profile_parse(&set, "strict", "strict.conf",
	    "inherits = \"us-ma\";\nwindow = { start = \"09:00\"; end = \"20:00\"; };\n"
	    "caps = ( { channels = [\"email\"]; to = \"any\"; counts = [\"email\"];\n"
	    "  basis = \"all\"; days = 7; max = 5; } );\n", &e) == 0, "%s", e.msg);
	p = policy_profiles_find(&set, "strict");
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->window_start, 9 * 60);
	ck_assert_int_eq(p->window_end, 20 * 60);
	ck_assert_int_eq(p->ncaps, 3);	/* two from us-ma, one added */
	ck_assert_ptr_nonnull(policy_profiles_find(&set, "us-regf"));
}
END_TEST

/* The JSON codec: errors name the path of the offending value. */
static const struct {
	const char *json;
	const char *error;
} bad_json[] = {
	{ .json = "{\"at\":\"2026-02-10T15:00:00Z\",\"channel\":\"call\",\"consumer\":{\"flags\":"
		  "[\"cease\",\"attorney\",\"x\"]},\"contact\":{\"kind\":\"mobile\"}}",
	  .error = "$.consumer.flags[2]: unknown flag 'x'" },
	{ .json = "{\"at\":\"2026-02-10T15:00:00Z\",\"channel\":\"fax\",\"consumer\":{},"
		  "\"contact\":{\"kind\":\"mobile\"}}",
	  .error = "$.channel: unknown channel 'fax'" },
	{ .json = "{\"at\":\"2026-02-10T15:00:00Z\",\"channel\":\"call\",\"consumer\":{},"
		  "\"contact\":{\"kind\":\"mobile\",\"colour\":1}}",
	  .error = "$.contact: unknown field 'colour'" },
	{ .json = "{\"at\":\"yesterday\",\"channel\":\"call\",\"consumer\":{},"
		  "\"contact\":{\"kind\":\"mobile\"}}",
	  .error = "$.at: expected an RFC 3339 time" },
	{ .json = "{\"at\":\"2026-02-10T15:00:00Z\",\"channel\":\"call\",\"consumer\":{},"
		  "\"contact\":{\"kind\":\"mobile\"},\"history\":[{\"at\":\"2026-02-09T15:00:00Z\","
		  "\"channel\":\"call\",\"result\":\"hung_up\"}]}",
	  .error = "$.history[0].result: unknown result 'hung_up'" },
	{ .json = "{\"at\":\"2026-02-10T15:00:00Z\",\"channel\":\"call\",\"consumer\":{"
		  "\"inconvenient\":[{\"from\":\"8am\",\"to\":\"12:00\"}]},\"contact\":{\"kind\":\"mobile\"}}",
	  .error = "$.consumer.inconvenient[0].from: expected a local time" },
	{ .json = "{\"channel\":\"call\",\"consumer\":{},\"contact\":{\"kind\":\"mobile\"}}",
	  .error = "$.at: missing" },
};

START_TEST(test_json_bad)
{
	json_error_t jerr;
	json_t *v = json_loads(bad_json[_i].json, 0, &jerr);
	struct policy_facts f;
	struct err e = { { 0 } };
	char profile[16];

	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(policy_json_facts_decode(v, "$", &f, profile, sizeof profile, &e), -1);
	ck_assert_msg(strncmp(e.msg, bad_json[_i].error, strlen(bad_json[_i].error)) == 0,
	    "got '%s', want '%s...'", e.msg, bad_json[_i].error);
	json_decref(v);
}
END_TEST

START_TEST(test_json_decode)
{
	json_error_t jerr;
	json_t *v = json_loads("{\"at\":\"2026-02-10T15:00:00Z\",\"channel\":\"sms\","
	    "\"role\":\"lead\",\"profile\":\"us-ma\",\"consumer\":{\"timezones\":[\"America/New_York\"],"
	    "\"flags\":[\"dispute_open\"],\"dispute_verified_at\":null,\"opted_out\":[\"email\"],"
	    "\"inconvenient\":[{\"from\":\"22:00\",\"to\":\"07:30\"}]},\"contact\":{\"kind\":\"work\","
	    "\"consent\":{\"sms\":true},\"employer_prohibits\":true},\"message\":{\"opt_out_notice\":"
	    "true},\"history\":[{\"at\":\"2026-02-09T15:00:00Z\",\"channel\":\"call\",\"result\":"
	    "\"conversation\",\"direction\":\"inbound\",\"contact_kind\":\"work\"}]}", 0, &jerr);
	struct policy_facts f;
	struct err e;
	char profile[16];

	ck_assert_ptr_nonnull(v);
	ck_assert_msg(policy_json_facts_decode(v, "$", &f, profile, sizeof profile, &e) == 0, "%s",
	    e.msg);
	ck_assert_str_eq(profile, "us-ma");
	ck_assert_int_eq(f.channel, POLICY_SMS);
	ck_assert_int_eq(f.role, POLICY_LEAD);
	ck_assert_int_eq(f.nzones, 1);
	ck_assert_str_eq(f.zones[0], NY);
	ck_assert_uint_eq(f.flags, AFLAG_DISPUTE);
	ck_assert(f.dispute_verified_at == POLICY_NONE);
	ck_assert_uint_eq(f.opted_out, 1u << POLICY_EMAIL);
	ck_assert_int_eq(f.ninconvenient, 1);
	ck_assert_int_eq(f.inconvenient[0].from, 22 * 60);
	ck_assert_int_eq(f.inconvenient[0].to, 7 * 60 + 30);
	ck_assert_int_eq(f.contact_kind, CONTACT_WORK);
	ck_assert_uint_eq(f.consent, CONSENT_SMS | CONSENT_EMPLOYER_PROHIBITS);
	ck_assert(f.opt_out_notice);
	ck_assert_uint_eq(f.nhistory, 1);
	ck_assert(f.history[0].inbound);
	ck_assert_int_eq(f.history[0].result, POLICY_CONVERSATION);
	ck_assert_int_eq(f.history[0].contact_kind, CONTACT_WORK);
	policy_json_facts_clear(&f);
	ck_assert_ptr_null(f.history);
	json_decref(v);
}
END_TEST

START_TEST(test_json_encode)
{
	struct policy_decision d = {
		.reasons = R(OUTSIDE_HOURS) | R(CONSUMER_INCONVENIENT_TIME),
		.next_allowed_at = parse_time("2026-02-11T13:00:00Z"),
	};
	json_t *v = policy_json_decision_encode(&d);
	char *s = json_dumps(v, JSON_COMPACT);

	ck_assert_str_eq(s, "{\"decision\":\"block\",\"reasons\":[\"OUTSIDE_HOURS\","
	    "\"CONSUMER_INCONVENIENT_TIME\"],\"next_allowed_at\":\"2026-02-11T13:00:00Z\"}");
	free(s);
	json_decref(v);
}
END_TEST

static Suite *
policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("rules");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_table, 0, sizeof rows / sizeof rows[0]);
	suite_add_tcase(s, tc);
	tc = tcase_create("profiles");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_profiles_builtin);
	tcase_add_loop_test(tc, test_profiles_bad, 0, sizeof bad_profiles / sizeof bad_profiles[0]);
	tcase_add_test(tc, test_profile_tightens);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_loop_test(tc, test_json_bad, 0, sizeof bad_json / sizeof bad_json[0]);
	tcase_add_test(tc, test_json_decode);
	tcase_add_test(tc, test_json_encode);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(policy_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
