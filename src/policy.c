/* policy.c - the contact-policy engine. Rule numbers refer to docs/POLICY.md. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "tz.h"

#define DAY_SECONDS 86400
#define DAY_MINUTES 1440
/* How far ahead next_allowed_at is searched before the answer becomes "never" (null). */
#define SEARCH_DAYS 400
/* Local dates are at most 26 hours away from UTC dates, so two days of slack around a window
 * of local dates keeps every item that could fall inside it. */
#define SLACK_DAYS 2
/* Rule 6's callback exception lasts seven local dates, the consent's own date included. */
#define CALLBACK_DAYS 7

static const char *const reason_names[POLICY_REASON_COUNT] = {
#define REASON_NAME(name, permanent) [POLICY_##name] = #name,
	POLICY_REASONS(REASON_NAME)
#undef REASON_NAME
};

static const policy_reasons permanent_reasons = 0
#define REASON_PERMANENT(name, permanent) | ((permanent) ? POLICY_BIT(POLICY_##name) : 0)
	POLICY_REASONS(REASON_PERMANENT)
#undef REASON_PERMANENT
	;

static const char *const channel_names[POLICY_CHANNEL_COUNT] = {
	[POLICY_CALL] = "call",
	[POLICY_SMS] = "sms",
	[POLICY_EMAIL] = "email",
	[POLICY_LETTER] = "letter",
	[POLICY_VISIT] = "visit",
	[POLICY_NOTICE] = "notice",
};

static const char *const result_names[POLICY_RESULT_COUNT] = {
	[POLICY_NO_ANSWER] = "no_answer",
	[POLICY_VOICEMAIL] = "voicemail",
	[POLICY_BUSY] = "busy",
	[POLICY_NOT_CONNECTED] = "not_connected",
	[POLICY_CONVERSATION] = "conversation",
	[POLICY_WRONG_PARTY] = "wrong_party",
	[POLICY_SENT] = "sent",
};

static const char *const role_names[POLICY_ROLE_COUNT] = {
	[POLICY_AGENT] = "agent",
	[POLICY_SPECIALIST] = "specialist",
	[POLICY_LEAD] = "lead",
};

static int
name_parse(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

const char *
policy_reason_name(enum policy_reason r)
{
	return (unsigned)r < POLICY_REASON_COUNT ? reason_names[r] : "?";
}

bool
policy_reason_permanent(enum policy_reason r)
{
	return (permanent_reasons & POLICY_BIT(r)) != 0;
}

const char *
policy_channel_name(enum policy_channel c)
{
	return (unsigned)c < POLICY_CHANNEL_COUNT ? channel_names[c] : "?";
}

int
policy_channel_parse(const char *name)
{
	return name_parse(channel_names, POLICY_CHANNEL_COUNT, name);
}

int
policy_result_parse(const char *name)
{
	return name_parse(result_names, POLICY_RESULT_COUNT, name);
}

int
policy_role_parse(const char *name)
{
	return name_parse(role_names, POLICY_ROLE_COUNT, name);
}

/* ---- zone offsets, memoized per UTC day ---- */

#define TZCACHE_ZONES 32
#define TZCACHE_SLOTS 4096	/* a power of two */

/* One zone on one UTC day. Most days have one offset all day, so local times follow by
 * arithmetic; a day with a transition is marked mixed and always asks the C library. This
 * assumes no zone changes its offset and back again within one UTC day, which the tz database
 * has never recorded. */
struct tz_slot {
	int32_t day;
	int16_t zone;		/* index into zones, -1 when the slot is empty */
	bool mixed;
	int32_t offset;
};

struct policy_tzcache {
	char zones[TZCACHE_ZONES][POLICY_ZONE_LEN];	/* known valid */
	int nzones;
	struct tz_slot slots[TZCACHE_SLOTS];
};

struct policy_tzcache *
policy_tzcache_new(void)
{
	struct policy_tzcache *c = calloc(1, sizeof *c);

	if (c == NULL)
		abort();
	for (int i = 0; i < TZCACHE_SLOTS; i++)
		c->slots[i].zone = -1;
	return c;
}

void
policy_tzcache_free(struct policy_tzcache **c)
{
	if (c == NULL)
		return;
	free(*c);
	*c = NULL;
}

static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int
cache_zone(const struct policy_tzcache *c, const char *zone)
{
	for (int i = 0; i < c->nzones; i++)
		if (strcmp(c->zones[i], zone) == 0)
			return i;
	return -1;
}

/* Whether the tz database knows zone; a cached zone was valid when first seen. */
static bool
zone_valid(struct policy_tzcache *c, const char *zone)
{
	if (c != NULL && cache_zone(c, zone) >= 0)
		return true;
	if (!tz_valid(zone))
		return false;
	if (c != NULL && c->nzones < TZCACHE_ZONES && strlen(zone) < POLICY_ZONE_LEN)
		snprintf(c->zones[c->nzones++], POLICY_ZONE_LEN, "%s", zone);
	return true;
}

static void
local_from_offset(int64_t t, int32_t offset, struct local_time *out)
{
	int64_t lt = t + offset;
	int64_t day = floor_div(lt, DAY_SECONDS);
	int64_t sec = lt - day * DAY_SECONDS;

	out->date = (int32_t)day;
	out->minute = (int)(sec / 60);
	out->second = (int)(sec % 60);
	out->wday = (int)((day % 7 + 11) % 7);	/* 1970-01-01 was a Thursday */
	out->utc_offset = offset;
}

/* The local time of t in a zone already known to be valid. */
static void
zone_local(struct policy_tzcache *c, const char *zone, int64_t t, struct local_time *out)
{
	int z = c != NULL ? cache_zone(c, zone) : -1;
	int64_t day = floor_div(t, DAY_SECONDS);
	struct tz_slot *s;
	struct local_time first, last;

	if (z < 0) {
		if (tz_local(zone, t, out) != 0)
			abort();	/* the zone was validated before any lookup */
		return;
	}
	s = &c->slots[(uint64_t)(day * 64 + z) & (TZCACHE_SLOTS - 1)];
	if (s->zone != z || s->day != day) {
		if (tz_local(zone, day * DAY_SECONDS, &first) != 0 ||
		    tz_local(zone, day * DAY_SECONDS + DAY_SECONDS - 1, &last) != 0)
			abort();
		*s = (struct tz_slot){
			.day = (int32_t)day,
			.zone = (int16_t)z,
			.mixed = first.utc_offset != last.utc_offset,
			.offset = first.utc_offset,
		};
	}
	if (s->mixed) {
		if (tz_local(zone, t, out) != 0)
			abort();
		return;
	}
	local_from_offset(t, s->offset, out);
}

/* ---- one evaluation ---- */

/* A history item that may matter, with its local date in the primary zone. */
struct item {
	const struct policy_attempt *a;
	int32_t date;
};

#define LOCAL_ITEMS 64

struct eval {
	const struct policy_profile *p;
	const struct policy_facts *f;
	struct policy_tzcache *cache;
	const char *zones[2 * POLICY_MAX_ZONES];	/* Z; zones[0] is the primary zone P */
	int nzones;
	struct item *items;
	size_t nitems;
	struct item local_items[LOCAL_ITEMS];	/* spares a malloc for ordinary histories */
	bool callback;		/* consent given and no conversation logged since */
	int32_t callback_date;
};

static bool
is_counted_call(const struct policy_attempt *a)
{
	if (a->channel != POLICY_CALL || a->inbound)
		return false;
	switch (a->result) {
	case POLICY_NO_ANSWER:
	case POLICY_VOICEMAIL:
	case POLICY_CONVERSATION:
	case POLICY_WRONG_PARTY:
		return true;
	default:
		return false;
	}
}

static bool
is_conversation(const struct policy_attempt *a)
{
	return a->channel == POLICY_CALL && a->result == POLICY_CONVERSATION;
}

static enum policy_scope
scope_of(enum contact_kind k)
{
	return k == CONTACT_WORK ? POLICY_SCOPE_WORK : POLICY_SCOPE_PERSONAL;
}

/* Whether a past attempt counts towards a cap: outbound, on a counted channel and number,
 * and, unless the cap counts everything, one that reached the consumer's phone or inbox. */
static bool
cap_counts(const struct policy_cap *cap, const struct policy_attempt *a)
{
	if (a->inbound || !(cap->counts & (1u << a->channel)))
		return false;
	if (cap->to != POLICY_SCOPE_ANY && scope_of(a->contact_kind) != cap->to)
		return false;
	if (cap->basis == POLICY_BASIS_ALL)
		return true;
	if (a->channel == POLICY_CALL)
		return is_counted_call(a);
	return (a->channel == POLICY_SMS || a->channel == POLICY_EMAIL) && a->result == POLICY_SENT;
}

static int
lookback_days(const struct policy_profile *p)
{
	int days = CALLBACK_DAYS;

	if (p->frequency_days > days)
		days = p->frequency_days;
	if (p->cooloff_days > days)
		days = p->cooloff_days;
	for (int i = 0; i < p->ncaps; i++)
		if (p->caps[i].days > days)
			days = p->caps[i].days;
	return days + SLACK_DAYS;
}

/* Rule 1: Z is consumer zones then contact zones without duplicates. False when Z is empty or
 * names a zone the database does not know. */
static bool
eval_zones(struct eval *ev)
{
	const struct policy_facts *f = ev->f;
	const char *all[2 * POLICY_MAX_ZONES];
	int n = 0;

	for (int i = 0; i < f->nzones && i < POLICY_MAX_ZONES; i++)
		all[n++] = f->zones[i];
	for (int i = 0; i < f->ncontact_zones && i < POLICY_MAX_ZONES; i++)
		all[n++] = f->contact_zones[i];
	ev->nzones = 0;
	for (int i = 0; i < n; i++) {
		bool dup = false;
		for (int j = 0; j < ev->nzones && !dup; j++)
			dup = strcmp(ev->zones[j], all[i]) == 0;
		if (dup)
			continue;
		if (!zone_valid(ev->cache, all[i]))
			return false;
		ev->zones[ev->nzones++] = all[i];
	}
	return ev->nzones > 0;
}

/* Keeps the history items that can fall in a window of local dates for times in [from, until],
 * with their dates in P. */
static void
eval_items(struct eval *ev, int64_t from, int64_t until)
{
	const struct policy_facts *f = ev->f;
	int64_t lo = from - (int64_t)lookback_days(ev->p) * DAY_SECONDS;
	int64_t hi = until + SLACK_DAYS * DAY_SECONDS;
	struct local_time lt;
	size_t n = 0;

	for (size_t i = 0; i < f->nhistory; i++)
		if (f->history[i].at >= lo && f->history[i].at <= hi)
			n++;
	ev->items = ev->local_items;
	if (n > LOCAL_ITEMS && (ev->items = malloc(n * sizeof *ev->items)) == NULL)
		abort();
	ev->nitems = 0;
	for (size_t i = 0; i < f->nhistory; i++) {
		const struct policy_attempt *a = &f->history[i];
		if (a->at < lo || a->at > hi)
			continue;
		zone_local(ev->cache, ev->zones[0], a->at, &lt);
		ev->items[ev->nitems++] = (struct item){ .a = a, .date = lt.date };
	}
}

static void
eval_callback(struct eval *ev)
{
	const struct policy_facts *f = ev->f;
	struct local_time lt;

	ev->callback = f->callback_given_at != POLICY_NONE;
	for (size_t i = 0; i < f->nhistory && ev->callback; i++)
		if (is_conversation(&f->history[i]) && f->history[i].at > f->callback_given_at)
			ev->callback = false;
	if (ev->callback) {
		zone_local(ev->cache, ev->zones[0], f->callback_given_at, &lt);
		ev->callback_date = lt.date;
	}
}

static bool
eval_init(struct eval *ev, const struct policy_profile *p, const struct policy_facts *f,
    struct policy_tzcache *cache, int64_t until)
{
	*ev = (struct eval){ .p = p, .f = f, .cache = cache };
	if (!eval_zones(ev))
		return false;
	eval_items(ev, f->at, until);
	eval_callback(ev);
	return true;
}

static void
eval_done(struct eval *ev)
{
	if (ev->items != ev->local_items)
		free(ev->items);
}

/* Rule 8: reasons that hold whatever the time. */
static policy_reasons
permanent_at(const struct policy_profile *p, const struct policy_facts *f)
{
	policy_reasons r = 0;
	enum policy_channel ch = f->channel;
	bool mobile = f->contact_kind == CONTACT_MOBILE;

	if ((f->flags & AFLAG_CEASE) && ch != POLICY_NOTICE)
		r |= POLICY_BIT(POLICY_CEASE);
	if (f->flags & AFLAG_ATTORNEY)
		r |= POLICY_BIT(POLICY_ATTORNEY);
	if (f->flags & AFLAG_BANKRUPTCY)
		r |= POLICY_BIT(POLICY_BANKRUPTCY);
	if (f->flags & AFLAG_DECEASED)
		r |= POLICY_BIT(POLICY_DECEASED);
	if (f->flags & AFLAG_BREATHING_SPACE)
		r |= POLICY_BIT(POLICY_BREATHING_SPACE);
	if ((f->flags & AFLAG_DISPUTE) &&
	    (f->dispute_verified_at == POLICY_NONE || f->dispute_verified_at > f->at))
		r |= POLICY_BIT(POLICY_DISPUTE_UNVERIFIED);
	if ((f->flags & AFLAG_VULNERABLE) && f->role != POLICY_SPECIALIST)
		r |= POLICY_BIT(POLICY_VULNERABLE_SPECIALIST_ONLY);
	if (f->contact_kind == CONTACT_WORK && (f->consent & CONSENT_EMPLOYER_PROHIBITS) &&
	    (ch == POLICY_CALL || ch == POLICY_SMS || ch == POLICY_VISIT))
		r |= POLICY_BIT(POLICY_WORKPLACE_PROHIBITED);
	if (f->contact_kind == CONTACT_WORK_EMAIL && ch == POLICY_EMAIL)
		r |= POLICY_BIT(POLICY_WORK_EMAIL);
	if (f->opted_out & (1u << ch))
		r |= POLICY_BIT(POLICY_OPTED_OUT);
	if (p->us_consent) {
		if (ch == POLICY_CALL && f->autodialed && mobile && !(f->consent & CONSENT_AUTODIAL))
			r |= POLICY_BIT(POLICY_NO_AUTODIAL_CONSENT);
		if (ch == POLICY_SMS && mobile && !(f->consent & CONSENT_SMS))
			r |= POLICY_BIT(POLICY_NO_SMS_CONSENT);
		if ((ch == POLICY_SMS || ch == POLICY_EMAIL) && !f->opt_out_notice)
			r |= POLICY_BIT(POLICY_NO_OPT_OUT_NOTICE);
	}
	return r;
}

static bool
in_range(const struct policy_range *rg, int minute)
{
	if (rg->from < rg->to)
		return minute >= rg->from && minute < rg->to;
	if (rg->from > rg->to)
		return minute >= rg->from || minute < rg->to;
	return false;
}

/* Rules 5 and 6 give way for seven local dates after the consumer asked to be called back. */
static bool
callback_applies(const struct eval *ev, int64_t t, int32_t d)
{
	return ev->callback && ev->f->callback_given_at <= t && d - ev->callback_date >= 0 &&
	    d - ev->callback_date < CALLBACK_DAYS;
}

static policy_reasons
calls_at(const struct eval *ev, int64_t t, int32_t d)
{
	const struct policy_profile *p = ev->p;
	policy_reasons r = 0;
	int calls = 0;

	if (callback_applies(ev, t, d))
		return 0;
	for (size_t i = 0; i < ev->nitems; i++) {
		const struct item *it = &ev->items[i];
		int age = d - it->date;
		if (age >= 0 && age < p->frequency_days && it->a->at <= t && is_counted_call(it->a))
			calls++;
		if (age >= 0 && age < p->cooloff_days && is_conversation(it->a))
			r |= POLICY_BIT(POLICY_CONVERSATION_COOLOFF);
	}
	if (calls >= p->max_calls)
		r |= POLICY_BIT(POLICY_CALL_FREQUENCY_7IN7);
	return r;
}

static bool
cap_blocks(const struct eval *ev, const struct policy_cap *cap, int64_t t, int32_t d)
{
	const struct policy_facts *f = ev->f;
	int n = 0;

	if (!(cap->channels & (1u << f->channel)))
		return false;
	if (cap->to != POLICY_SCOPE_ANY && scope_of(f->contact_kind) != cap->to)
		return false;
	for (size_t i = 0; i < ev->nitems; i++) {
		const struct item *it = &ev->items[i];
		int age = d - it->date;
		if (age >= 0 && age < cap->days && it->a->at <= t && cap_counts(cap, it->a))
			n++;
	}
	return n >= cap->max;
}

/* Rules 2-7 at time t, given the local time of t in every zone of Z. */
static policy_reasons
temporary_at(const struct eval *ev, int64_t t, const struct local_time *lts)
{
	const struct policy_profile *p = ev->p;
	const struct policy_facts *f = ev->f;
	policy_reasons r = 0;
	int32_t d = lts[0].date;

	if (p->window_channels & (1u << f->channel)) {
		for (int i = 0; i < ev->nzones; i++) {
			const struct local_time *lt = &lts[i];
			if (lt->minute < p->window_start || lt->minute >= p->window_end ||
			    !(p->window_days & (1u << lt->wday)))
				r |= POLICY_BIT(POLICY_OUTSIDE_HOURS);
		}
		for (int i = 0; i < f->ninconvenient; i++)
			if (in_range(&f->inconvenient[i], lts[0].minute))
				r |= POLICY_BIT(POLICY_CONSUMER_INCONVENIENT_TIME);
	}
	if (f->channel == POLICY_CALL)
		r |= calls_at(ev, t, d);
	for (int i = 0; i < p->ncaps; i++)
		if (cap_blocks(ev, &p->caps[i], t, d))
			r |= POLICY_BIT(POLICY_STATE_FREQUENCY);
	return r;
}

static void
locals_at(const struct eval *ev, int64_t t, struct local_time *lts)
{
	for (int i = 0; i < ev->nzones; i++)
		zone_local(ev->cache, ev->zones[i], t, &lts[i]);
}

static int
minutes_until(int now, int target)
{
	int d = ((target - now) % DAY_MINUTES + DAY_MINUTES) % DAY_MINUTES;
	return d == 0 ? DAY_MINUTES : d;
}

/* The next whole minute after t at which the answer of rules 2-7 may change: a window edge or
 * midnight in a zone, a range edge in P, or a history item or consent coming into force.
 * Between such minutes nothing the rules read changes, so the search may skip them. */
static int64_t
next_boundary(const struct eval *ev, int64_t t, const struct local_time *lts)
{
	const struct policy_profile *p = ev->p;
	const struct policy_facts *f = ev->f;
	int step = DAY_MINUTES;
	int64_t next;
	struct local_time lt;

	for (int i = 0; i < ev->nzones; i++) {
		int m = lts[i].minute;
		int edges[] = { 0, p->window_start, p->window_end };
		for (size_t k = 0; k < sizeof edges / sizeof edges[0]; k++)
			if (minutes_until(m, edges[k]) < step)
				step = minutes_until(m, edges[k]);
	}
	for (int i = 0; i < f->ninconvenient; i++) {
		int m = lts[0].minute;
		if (minutes_until(m, f->inconvenient[i].from) < step)
			step = minutes_until(m, f->inconvenient[i].from);
		if (minutes_until(m, f->inconvenient[i].to) < step)
			step = minutes_until(m, f->inconvenient[i].to);
	}
	next = t + (int64_t)step * 60;
	for (size_t i = 0; i < ev->nitems; i++) {
		int64_t in_force = floor_div(ev->items[i].a->at + 59, 60) * 60;
		if (in_force > t && in_force < next)
			next = in_force;
	}
	if (ev->callback && f->callback_given_at > t) {
		int64_t in_force = floor_div(f->callback_given_at + 59, 60) * 60;
		if (in_force < next)
			next = in_force;
	}
	/* The steps above assume each zone keeps its offset; if one changes on the way, stop at the
	 * transition instead (found by bisection) and measure again from there. */
	for (int i = 0; i < ev->nzones; i++) {
		int64_t lo = t, hi = next;
		zone_local(ev->cache, ev->zones[i], hi, &lt);
		if (lt.utc_offset == lts[i].utc_offset)
			continue;
		while (hi - lo > 60) {
			int64_t mid = lo + (hi - lo) / 120 * 60;
			zone_local(ev->cache, ev->zones[i], mid, &lt);
			if (lt.utc_offset == lts[i].utc_offset)
				lo = mid;
			else
				hi = mid;
		}
		next = hi;
	}
	return next;
}

/* Rule 9: the earliest whole minute strictly after at when rules 2-7 allow, or POLICY_NONE
 * when there is none within SEARCH_DAYS. */
static int64_t
next_allowed(const struct eval *ev, int64_t at)
{
	struct local_time lts[2 * POLICY_MAX_ZONES];
	int64_t t = floor_div(at, 60) * 60 + 60;
	int64_t end = at + (int64_t)SEARCH_DAYS * DAY_SECONDS;

	while (t <= end) {
		locals_at(ev, t, lts);
		if (temporary_at(ev, t, lts) == 0)
			return t;
		t = next_boundary(ev, t, lts);
	}
	return POLICY_NONE;
}

policy_reasons
policy_check(const struct policy_profile *p, const struct policy_facts *f,
    struct policy_tzcache *cache)
{
	struct local_time lts[2 * POLICY_MAX_ZONES];
	struct eval ev;
	policy_reasons r;

	if (!eval_init(&ev, p, f, cache, f->at))
		return POLICY_BIT(POLICY_TIMEZONE_UNKNOWN);
	locals_at(&ev, f->at, lts);
	r = permanent_at(p, f) | temporary_at(&ev, f->at, lts);
	eval_done(&ev);
	return r;
}

void
policy_decide(const struct policy_profile *p, const struct policy_facts *f,
    struct policy_tzcache *cache, struct policy_decision *out)
{
	struct local_time lts[2 * POLICY_MAX_ZONES];
	struct eval ev;

	*out = (struct policy_decision){ .next_allowed_at = POLICY_NONE };
	if (!eval_init(&ev, p, f, cache, f->at + (int64_t)SEARCH_DAYS * DAY_SECONDS)) {
		out->reasons = POLICY_BIT(POLICY_TIMEZONE_UNKNOWN);
		return;
	}
	locals_at(&ev, f->at, lts);
	out->reasons = permanent_at(p, f) | temporary_at(&ev, f->at, lts);
	out->allowed = out->reasons == 0;
	if (!(out->reasons & permanent_reasons))
		out->next_allowed_at = next_allowed(&ev, f->at);
	eval_done(&ev);
}
