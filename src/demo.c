#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "demo.h"
#include "evidence.h"
#include "model.h"
#include "money.h"
#include "store.h"
#include "tz.h"

/* xoshiro256** seeded by splitmix64: small, fast, and the same on every machine. */
struct rng {
	uint64_t s[4];
};

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void
rng_seed(struct rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t *s = r->s, result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n). */
static int
rng_below(struct rng *r, int n)
{
	return (int)(rng_next(r) % (uint64_t)n);
}

static double
rng_unit(struct rng *r)
{
	return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

static int
rng_chance(struct rng *r, double p)
{
	return rng_unit(r) < p;
}

static double
rng_normal(struct rng *r)
{
	double u = rng_unit(r), v = rng_unit(r);
	return sqrt(-2.0 * log(u > 0 ? u : 1e-300)) * cos(2.0 * M_PI * v);
}

static void
rng_uuid(struct rng *r, char buf[37])
{
	uint64_t a = rng_next(r), b = rng_next(r);

	a = (a & ~0xf000ULL) | 0x4000ULL;
	b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
	snprintf(buf, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xffff, (unsigned)(b >> 48),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

static const char *const first_names[] = {
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
	"Elizabeth", "José", "María", "Zoë", "Renée", "François", "Chloé", "Björn", "Søren",
	"Łukasz", "Ana", "Nguyễn", "Siobhán", "Dmitri", "Aaliyah", "Mohammed", "Fatima", "Wei",
	"Yuki", "Hiroshi", "Min-jun", "Oluwaseun", "Priya", "Raúl", "Inés", "Jürgen", "Noémie",
	"Kwame", "Amara", "Tomás", "Lucía",
};

static const char *const last_names[] = {
	"Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Miller", "Davis",
	"Rodríguez", "Martínez", "Hernández", "López", "González", "Wilson", "Anderson", "Thomas",
	"Taylor", "Moore", "Jackson", "Martin", "Lee", "Pérez", "Thompson", "White", "Harris",
	"Sánchez", "Clark", "Ramírez", "Lewis", "Robinson", "Müller", "O'Brien", "Nakamura",
	"Kowalski", "Øvergård", "Dubois", "Nguyen", "Okafor", "Patel", "Schäfer",
};

/* Whole names written in CJK order and script, for wide-character layout. */
static const char *const cjk_names[] = {
	"王秀英", "李娜", "张伟", "刘洋", "陈静", "山田太郎", "佐藤花子", "鈴木一郎", "김민준", "이서연",
};

struct region {
	const char *code;
	const char *zone;
	const char *profile;
	const char *area;	/* phone area code */
	int weight;
};

/* Every continental US zone, plus a few UK accounts. Phoenix keeps no DST. */
static const struct region regions[] = {
	{ "NY", "America/New_York", "us-regf", "518", 12 },
	{ "NYC", "America/New_York", "us-nyc", "212", 6 },
	{ "MA", "America/New_York", "us-ma", "617", 5 },
	{ "FL", "America/New_York", "us-regf", "305", 10 },
	{ "GA", "America/New_York", "us-regf", "404", 6 },
	{ "MI", "America/Detroit", "us-regf", "313", 4 },
	{ "IN", "America/Indiana/Indianapolis", "us-regf", "317", 3 },
	{ "TX", "America/Chicago", "us-regf", "214", 12 },
	{ "IL", "America/Chicago", "us-regf", "312", 7 },
	{ "CO", "America/Denver", "us-regf", "303", 4 },
	{ "AZ", "America/Phoenix", "us-regf", "602", 4 },
	{ "UT", "America/Denver", "us-regf", "801", 2 },
	{ "CA", "America/Los_Angeles", "us-regf", "213", 14 },
	{ "WA", "America/Los_Angeles", "us-regf", "206", 5 },
	{ "GB", "Europe/London", "uk-fca", "020", 4 },
};

static const struct region *
pick_region(struct rng *r)
{
	static int total;
	int x;

	if (total == 0)
		for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
			total += regions[i].weight;
	x = rng_below(r, total);
	for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++) {
		if (x < regions[i].weight)
			return &regions[i];
		x -= regions[i].weight;
	}
	return &regions[0];
}

/* Days past due by band, weighted the way a real book is: mostly early stage. */
static int
pick_dpd(struct rng *r)
{
	static const int lo[] = { 0, 1, 31, 61, 91, 121 }, hi[] = { 0, 30, 60, 90, 120, 360 };
	static const int weight[] = { 8, 40, 20, 12, 8, 12 };
	int x = rng_below(r, 100);

	for (int b = 0; b < 6; b++) {
		if (x < weight[b])
			return lo[b] + rng_below(r, hi[b] - lo[b] + 1);
		x -= weight[b];
	}
	return 15;
}

/* History spans at most this many days back; local offsets are cached for each of them. */
#define HISTORY_DAYS 90
#define NREGIONS (sizeof regions / sizeof regions[0])

struct demo_ctx {
	/* UTC offset (seconds) at noon of each history day, per region: computing local times
	 * through the C library switches TZ, too slow to do per attempt. */
	int offset[NREGIONS][HISTORY_DAYS + 1];
	struct store *store;
	struct rng rng;
	struct evidence_writer *writer;
	const struct demo_params *p;
	struct demo_summary *sum;
	sqlite3_stmt *ins_party, *ins_account, *ins_balance, *ins_contact, *ins_assign, *ins_promise,
		*ins_payment, *set_derived;
	int64_t now;	/* noon UTC of as_of */
	const char *assignee;	/* of the account being made */
	/* today's work of a crew book draws from its own stream, so the rest of the book is
	 * the same whether or not the crew is on */
	struct rng crew_rng;
};

/* The demo's two teams of four; the lead of the first is the local user. */
static const char *const crew_names[] = { "avery", "blake", "casey", "devon",
					  "emery", "finley", "harper", "jordan" };
static const char *const crew_teams[] = { "north", "south" };
#define CREW_SIZE 8

static int
prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, struct err *e)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	return 0;
}

static int
step(sqlite3_stmt *st, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "%s", sqlite3_errmsg(sqlite3_db_handle(st)));
	return 0;
}

static int
event(struct demo_ctx *c, const char *account, const char *kind, int64_t at, const char *user,
      const char *body, char id_out[37], struct err *e)
{
	char id[37];
	struct event_draft d = {
		.id = id, .device = "demo", .user = user, .account_id = account, .kind = kind,
		.at = at, .body = body,
	};

	rng_uuid(&c->rng, id);
	if (id_out != NULL)
		memcpy(id_out, id, 37);
	c->sum->events++;
	return evidence_writer_append(c->writer, &d, NULL, e);
}

struct history {
	int64_t last_attempt_at, last_contact_at, callback_at;
	enum ptp_state ptp_state;
	int64_t ptp_amount;
	int32_t ptp_due;
	int64_t paid;
};

static const char *const call_results[] = { "no_answer", "voicemail", "busy", "not_connected",
					    "conversation", "wrong_party" };
static const int call_weights[] = { 46, 20, 6, 5, 18, 5 };

static const char *
pick_call_result(struct rng *r)
{
	int x = rng_below(r, 100);

	for (int i = 0; i < 6; i++) {
		if (x < call_weights[i])
			return call_results[i];
		x -= call_weights[i];
	}
	return "no_answer";
}

/* 90 days (or since delinquency) of attempts, conversations, promises and payments. */
static void
offsets_init(struct demo_ctx *c)
{
	for (size_t r = 0; r < NREGIONS; r++)
		for (int back = 0; back <= HISTORY_DAYS; back++) {
			struct local_time lt = { 0 };
			tz_local(regions[r].zone, (int64_t)(c->p->as_of - back) * 86400 + 43200, &lt);
			c->offset[r][back] = lt.utc_offset;
		}
}

/* Today's work on a crew book's account, up to noon: about one case in seven gets a call; a
 * conversation may bring a promise, and now and then a waived checkpoint or a lead's override,
 * so every column of the board has something to show. */
static int
make_today(struct demo_ctx *c, int64_t account_rowid, const char *acct, int64_t amount_due,
	   const char *contact_kind, struct history *h, struct err *e)
{
	struct rng *r = &c->crew_rng;
	char body[256], money[32], date[16], ptp_id[37];
	int64_t at = (int64_t)c->p->as_of * 86400 + 8 * 3600 + rng_below(r, 4 * 3600 - 600);
	const char *result;

	if (!rng_chance(r, 0.14))
		return 0;
	result = pick_call_result(r);
	snprintf(body, sizeof body,
		 "{\"channel\":\"call\",\"direction\":\"outbound\",\"contact\":\"%s\","
		 "\"result\":\"%s\"}", contact_kind, result);
	if (event(c, acct, "attempt", at, c->assignee, body, NULL, e) != 0)
		return -1;
	h->last_attempt_at = at;
	/* only a lead overrides a policy block: the lead's own row shows these */
	if (rng_chance(r, 0.02) &&
	    event(c, acct, "policy_override", at - 60, c->p->assignee,
		  "{\"reason\":\"debtor asked to be called at work today\"}", NULL, e) != 0)
		return -1;
	if (strcmp(result, "conversation") != 0)
		return 0;
	h->last_contact_at = at;
	if (rng_chance(r, 0.08) &&
	    event(c, acct, "checkpoint", at + 30, c->assignee,
		  "{\"checkpoint\":\"recording_notice\",\"label\":\"Call recording notice\","
		  "\"waived\":\"customer talked over the notice\"}", NULL, e) != 0)
		return -1;
	if (!rng_chance(r, 0.45) || amount_due <= 0)
		return 0;
	int64_t amount = amount_due / 2 > 100 ? amount_due / 2 : amount_due;
	int32_t due = c->p->as_of + 3 + rng_below(r, 10);

	snprintf(body, sizeof body, "{\"amount\":\"%s\",\"due_on\":\"%s\",\"method\":\"card\"}",
		 money_format(amount, money, sizeof money, 0), date_format(due, date, sizeof date));
	if (event(c, acct, "ptp", at + 240, c->assignee, body, ptp_id, e) != 0)
		return -1;
	sqlite3_bind_int64(c->ins_promise, 1, account_rowid);
	sqlite3_bind_text(c->ins_promise, 2, ptp_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(c->ins_promise, 3, amount);
	sqlite3_bind_int(c->ins_promise, 4, due);
	sqlite3_bind_int(c->ins_promise, 5, (int)PTP_PENDING);
	if (step(c->ins_promise, e) != 0)
		return -1;
	c->sum->promises++;
	h->ptp_state = PTP_PENDING;
	h->ptp_amount = amount;
	h->ptp_due = due;
	return 0;
}

/* The crew and their lead into the roster. */
static int
roster_write(struct demo_ctx *c, struct err *e)
{
	sqlite3 *db = store_db(c->store);
	sqlite3_stmt *st;
	int rc = 0;

	if (prepare(db, "INSERT OR REPLACE INTO roster(name, team, role) VALUES(?, ?, ?)", &st, e))
		return -1;
	for (int i = 0; i < CREW_SIZE && rc == 0; i++) {
		sqlite3_bind_text(st, 1, crew_names[i], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, crew_teams[i / 4], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, "agent", -1, SQLITE_STATIC);
		rc = step(st, e);
	}
	if (rc == 0) {
		sqlite3_bind_text(st, 1, c->p->assignee, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, crew_teams[0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, "lead", -1, SQLITE_STATIC);
		rc = step(st, e);
	}
	sqlite3_finalize(st);
	return rc;
}

static int
make_history(struct demo_ctx *c, int64_t account_rowid, const char *acct, size_t region, int dpd,
	     int64_t amount_due, const char *contact_kind, struct history *h, struct err *e)
{
	struct rng *r = &c->rng;
	int days = dpd < HISTORY_DAYS ? dpd : HISTORY_DAYS;
	char body[512], money[32], date[16], ptp_id[37];
	const char *agent = c->assignee;

	memset(h, 0, sizeof *h);
	for (int back = days; back >= 1; back--) {
		/* between 09:00 and 20:00 in the debtor's own zone */
		int64_t day_start = (int64_t)(c->p->as_of - back) * 86400 - c->offset[region][back];
		int64_t at = day_start + 9 * 3600 + rng_below(r, 11 * 3600);
		const char *result;

		/* an attempt every ten days or so while delinquent, more when the case is older */
		if (!rng_chance(r, dpd > 60 ? 0.10 : 0.08))
			continue;
		result = pick_call_result(r);
		snprintf(body, sizeof body,
			 "{\"channel\":\"call\",\"direction\":\"outbound\",\"contact\":\"%s\","
			 "\"result\":\"%s\"}", contact_kind, result);
		if (event(c, acct, "attempt", at, agent, body, NULL, e) != 0)
			return -1;
		h->last_attempt_at = at;
		if (strcmp(result, "conversation") != 0)
			continue;
		h->last_contact_at = at;
		if (rng_chance(r, 0.15)) {
			snprintf(body, sizeof body, "{\"text\":\"Customer says pay day is on Friday; "
						    "asked for a call after 5pm.\"}");
			if (event(c, acct, "note", at + 120, agent, body, NULL, e) != 0)
				return -1;
		}
		if (!rng_chance(r, 0.45) || amount_due <= 0)
			continue;

		/* a promise to pay: a share of the amount due within two weeks */
		int64_t amount = amount_due * (40 + rng_below(r, 61)) / 100;
		int32_t due = c->p->as_of - back + 3 + rng_below(r, 12);
		enum ptp_state state = PTP_PENDING;

		amount = amount > 100 ? amount : amount_due;
		snprintf(body, sizeof body, "{\"amount\":\"%s\",\"due_on\":\"%s\",\"method\":\"%s\"}",
			 money_format(amount, money, sizeof money, 0), date_format(due, date, sizeof date),
			 rng_chance(r, 0.5) ? "card" : "bank transfer");
		if (event(c, acct, "ptp", at + 240, agent, body, ptp_id, e) != 0)
			return -1;
		if (due < c->p->as_of) {
			/* the promise has come due: kept, partly kept or broken */
			int roll = rng_below(r, 100);
			int64_t paid = roll < 55 ? amount : roll < 67 ? amount / 2 : 0;
			int64_t paid_at = (int64_t)(due - rng_below(r, 2)) * 86400 + 15 * 3600;

			if (paid > 0) {
				char ref[48];
				snprintf(ref, sizeof ref, "DEMO-%s-%d", acct, back);
				snprintf(body, sizeof body,
					 "{\"amount\":\"%s\",\"paid_on\":\"%s\",\"reference\":\"%s\"}",
					 money_format(paid, money, sizeof money, 0),
					 date_format(date_of_time(paid_at), date, sizeof date), ref);
				if (event(c, acct, "payment", paid_at, "gateway", body, NULL, e) != 0)
					return -1;
				sqlite3_bind_int64(c->ins_payment, 1, account_rowid);
				sqlite3_bind_int64(c->ins_payment, 2, paid);
				sqlite3_bind_int(c->ins_payment, 3, date_of_time(paid_at));
				sqlite3_bind_text(c->ins_payment, 4, ref, -1, SQLITE_TRANSIENT);
				if (step(c->ins_payment, e) != 0)
					return -1;
				c->sum->payments++;
				h->paid += paid;
			}
			state = paid >= amount ? PTP_KEPT : paid > 0 ? PTP_PARTIAL : PTP_BROKEN;
			snprintf(body, sizeof body, "{\"promise\":\"%s\",\"state\":\"%s\"}", ptp_id,
				 ptp_state_name(state));
			if (event(c, acct, "ptp_status", (int64_t)(due + 3) * 86400 + 3600, "system", body,
				  NULL, e) != 0)
				return -1;
		}
		sqlite3_bind_int64(c->ins_promise, 1, account_rowid);
		sqlite3_bind_text(c->ins_promise, 2, ptp_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(c->ins_promise, 3, amount);
		sqlite3_bind_int(c->ins_promise, 4, due);
		sqlite3_bind_int(c->ins_promise, 5, (int)state);
		if (step(c->ins_promise, e) != 0)
			return -1;
		c->sum->promises++;
		h->ptp_state = state;
		h->ptp_amount = amount;
		h->ptp_due = due;
	}
	if (c->p->crew && make_today(c, account_rowid, acct, amount_due, contact_kind, h, e) != 0)
		return -1;
	/* a few customers asked to be called back: some due now, most in the next two days */
	if (h->last_contact_at != 0 && rng_chance(r, 0.06)) {
		h->callback_at = c->now - 2 * 3600 + rng_below(r, 48 * 3600);
		char due_at[32];
		snprintf(body, sizeof body, "{\"due_at\":\"%s\"}",
			 time_format_rfc3339(h->callback_at, due_at, sizeof due_at));
		if (event(c, acct, "callback", h->last_contact_at + 300, agent, body, NULL, e) != 0)
			return -1;
	}
	return 0;
}

static void
make_name(struct rng *r, char *buf, size_t len)
{
	if (rng_chance(r, 0.04))
		snprintf(buf, len, "%s", cjk_names[rng_below(r, (int)(sizeof cjk_names / sizeof cjk_names[0]))]);
	else
		snprintf(buf, len, "%s %s",
			 first_names[rng_below(r, (int)(sizeof first_names / sizeof first_names[0]))],
			 last_names[rng_below(r, (int)(sizeof last_names / sizeof last_names[0]))]);
}

static unsigned
make_flags(struct rng *r, const struct region *reg)
{
	unsigned f = 0;

	if (rng_chance(r, 0.03))
		f |= AFLAG_DISPUTE;
	if (rng_chance(r, 0.01))
		f |= AFLAG_CEASE;
	if (rng_chance(r, 0.01))
		f |= AFLAG_ATTORNEY;
	if (rng_chance(r, 0.005))
		f |= AFLAG_BANKRUPTCY;
	if (rng_chance(r, 0.003))
		f |= AFLAG_DECEASED;
	if (rng_chance(r, 0.02))
		f |= AFLAG_VULNERABLE;
	if (strcmp(reg->profile, "uk-fca") == 0 && rng_chance(r, 0.05))
		f |= AFLAG_BREATHING_SPACE;
	return f;
}

static int
add_contact(struct demo_ctx *c, int64_t party, enum contact_kind kind, const char *value,
	    const char *zones, unsigned consent, struct err *e)
{
	sqlite3_bind_int64(c->ins_contact, 1, party);
	sqlite3_bind_int(c->ins_contact, 2, (int)kind);
	sqlite3_bind_text(c->ins_contact, 3, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(c->ins_contact, 4, zones, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(c->ins_contact, 5, (int)consent);
	c->sum->contacts++;
	return step(c->ins_contact, e);
}

static int
make_contacts(struct demo_ctx *c, int64_t party, int64_t n, const struct region *reg,
	      const char *zones, const char **primary_kind, struct err *e)
{
	struct rng *r = &c->rng;
	int uk = strcmp(reg->profile, "uk-fca") == 0;
	char value[128];
	unsigned consent;

	*primary_kind = "landline";
	if (rng_chance(r, 0.85)) {
		/* a mobile whose area code may be from a place the debtor has left */
		const struct region *home = rng_chance(r, 0.15) ? pick_region(r) : reg;
		if (!uk)
			snprintf(value, sizeof value, "+1 %s-555-%04d", home->area, rng_below(r, 10000));
		else
			snprintf(value, sizeof value, "+44 7%03d %06d", 700 + rng_below(r, 300),
				 rng_below(r, 1000000));
		consent = (rng_chance(r, 0.6) ? CONSENT_AUTODIAL : 0) | (rng_chance(r, 0.5) ? CONSENT_SMS : 0);
		if (add_contact(c, party, CONTACT_MOBILE, value, home->zone, consent, e) != 0)
			return -1;
		*primary_kind = "mobile";
	}
	if (*primary_kind[0] == 'l' || rng_chance(r, 0.25)) {
		if (uk)
			snprintf(value, sizeof value, "+44 20 7946 %04d", rng_below(r, 10000));
		else
			snprintf(value, sizeof value, "+1 %s-555-%04d", reg->area, rng_below(r, 10000));
		if (add_contact(c, party, CONTACT_LANDLINE, value, reg->zone, 0, e) != 0)
			return -1;
	}
	if (rng_chance(r, 0.2)) {
		if (uk)
			snprintf(value, sizeof value, "+44 20 7123 %04d", rng_below(r, 10000));
		else
			snprintf(value, sizeof value, "+1 %s-555-01%02d", reg->area, rng_below(r, 100));
		consent = rng_chance(r, 0.3) ? CONSENT_EMPLOYER_PROHIBITS : 0;
		if (add_contact(c, party, CONTACT_WORK, value, reg->zone, consent, e) != 0)
			return -1;
	}
	if (rng_chance(r, 0.6)) {
		snprintf(value, sizeof value, "customer%lld@example.%s", (long long)n, uk ? "co.uk" : "com");
		if (add_contact(c, party, CONTACT_EMAIL, value, "", rng_chance(r, 0.7) ? CONSENT_EMAIL : 0, e) != 0)
			return -1;
	}
	if (rng_chance(r, 0.05)) {
		snprintf(value, sizeof value, "c%lld@employer.example", (long long)n);
		if (add_contact(c, party, CONTACT_WORK_EMAIL, value, "", 0, e) != 0)
			return -1;
	}
	snprintf(value, sizeof value, "%d %s St, %s", 1 + rng_below(r, 9999),
		 uk ? "High" : "Main", reg->code);
	return add_contact(c, party, CONTACT_ADDRESS, value, zones, 0, e);
}

/* A scripted call record for QA review (docs/QA.md) on one account in nine: the us-early
 * script as an agent of the crew ran it a few days ago, some with the recording notice
 * skipped or the disclosure waived, so a reviewer has breaches to find. It draws from its own
 * stream, so the rest of the book is the same with or without it. */
static int
make_call_record(struct demo_ctx *c, int64_t n, const char *acct, size_t region,
		 const char *contact, struct history *h, struct err *e)
{
	struct rng r;
	char call[37], id[37], body[512];
	int variant, back, k = 0;
	int64_t at;
	const char *agent;
	struct call_event_text {
		const char *kind, *body;
	} ev[12];

	rng_seed(&r, c->p->seed ^ ((uint64_t)n * 0x9e3779b97f4a7c15u));
	agent = crew_names[rng_below(&r, 4)];
	variant = rng_below(&r, 4);	/* 0 clean, 1 notice skipped, 2 disclosure waived, 3 both */
	/* one to five days ago, between 10:00 and 17:00 in the debtor's zone */
	back = 1 + rng_below(&r, 5);
	at = (int64_t)(c->p->as_of - back) * 86400 - c->offset[region][back] + 10 * 3600 +
	     rng_below(&r, 7 * 3600);
	rng_uuid(&r, call);
	snprintf(body, sizeof body, "{\"contact\":\"%s\",\"script\":\"us-early\"}", contact);
	ev[k++] = (struct call_event_text){ "call_start", body };
	if (variant != 1 && variant != 3)
		ev[k++] = (struct call_event_text){ "checkpoint", "{\"checkpoint\":\"recording\",\"done\":true,"
			"\"label\":\"Recording notice given\",\"step\":\"greeting\"}" };
	ev[k++] = (struct call_event_text){ "call_answer", "{\"answer\":\"Speaking: the debtor is on the "
		"line\",\"next\":\"verify\",\"step\":\"greeting\"}" };
	ev[k++] = (struct call_event_text){ "checkpoint", "{\"checkpoint\":\"rpc\",\"done\":true,\"label\":"
		"\"Right party verified (date of birth and last 4 of SSN)\",\"step\":\"verify\"}" };
	ev[k++] = (struct call_event_text){ "call_answer", "{\"answer\":\"Identity confirmed\",\"next\":"
		"\"disclosure\",\"step\":\"verify\"}" };
	ev[k++] = (struct call_event_text){ "checkpoint", variant >= 2
		? "{\"checkpoint\":\"mini_miranda\",\"label\":\"Debt-collector disclosure read\","
		  "\"step\":\"disclosure\",\"waived\":\"debtor said they were in a hurry\"}"
		: "{\"checkpoint\":\"mini_miranda\",\"done\":true,\"label\":\"Debt-collector "
		  "disclosure read\",\"step\":\"disclosure\"}" };
	ev[k++] = (struct call_event_text){ "call_answer", "{\"answer\":\"Continue\",\"next\":\"balance\","
		"\"step\":\"disclosure\"}" };
	ev[k++] = (struct call_event_text){ "checkpoint", "{\"checkpoint\":\"reason\",\"done\":true,"
		"\"label\":\"Reason for delinquency asked\",\"step\":\"balance\"}" };
	ev[k++] = (struct call_event_text){ "call_answer", "{\"answer\":\"Forgot or an oversight\",\"next\":"
		"\"offer\",\"step\":\"balance\"}" };
	ev[k++] = (struct call_event_text){ "call_answer", "{\"answer\":\"Refuses to pay\",\"outcome\":"
		"\"refused\",\"step\":\"offer\"}" };
	ev[k++] = (struct call_event_text){ "attempt", NULL };
	for (int i = 0; i < k; i++) {
		char full[640];
		struct event_draft d = {
			.id = id, .device = "demo", .user = agent, .account_id = acct,
			.kind = ev[i].kind, .at = at + 20 * i, .body = full,
		};

		/* every event of a call carries its id, as casework.c writes it */
		if (ev[i].body == NULL)
			snprintf(full, sizeof full, "{\"call\":\"%s\",\"channel\":\"call\",\"contact\":"
				 "\"%s\",\"direction\":\"outbound\",\"result\":\"refused\","
				 "\"script\":\"us-early\"}", call, contact);
		else
			snprintf(full, sizeof full, "{\"call\":\"%s\",%s", call, ev[i].body + 1);
		rng_uuid(&r, id);
		c->sum->events++;
		if (evidence_writer_append(c->writer, &d, NULL, e) != 0)
			return -1;
	}
	if (at + 20 * k > h->last_attempt_at)
		h->last_attempt_at = h->last_contact_at = at + 20 * (k - 1);
	return 0;
}

static int
make_account(struct demo_ctx *c, int64_t n, struct err *e)
{
	static const char *const segments[] = { "early", "mid", "late", "recovery" };
	struct rng *r = &c->rng;
	const struct region *reg = pick_region(r);
	int uk = strcmp(reg->profile, "uk-fca") == 0;
	enum product product = (enum product)rng_below(r, PRODUCT_COUNT);
	char ext[ACCOUNT_ID_LEN], name[NAME_LEN], zones[ZONES_LEN];
	const char *primary_kind;
	struct history h;
	int dpd = pick_dpd(r);
	int64_t party, account, principal, fees, past_due, amount_due, total;
	double median = product == PRODUCT_AUTO ? 9000 : product == PRODUCT_PERSONAL_LOAN ? 4000
		      : product == PRODUCT_CARD ? 2200 : 350;

	snprintf(ext, sizeof ext, "A%07lld", (long long)n);
	make_name(r, name, sizeof name);
	snprintf(zones, sizeof zones, "%s", reg->zone);
	/* log-normal balances around a product's median */
	principal = (int64_t)(median * exp(0.8 * rng_normal(r)) * 100);
	if (principal < 2000)
		principal = 2000 + rng_below(r, 5000);
	fees = dpd > 30 ? principal * rng_below(r, 6) / 100 : 0;
	total = principal + fees;
	past_due = dpd == 0 ? 0 : total * (dpd >= 120 ? 100 : 5 + dpd / 3) / 100;
	if (past_due > total)
		past_due = total;
	amount_due = dpd == 0 ? total / 20 : past_due;

	sqlite3_bind_text(c->ins_party, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(c->ins_party, 2, zones, -1, SQLITE_TRANSIENT);
	if (step(c->ins_party, e) != 0)
		return -1;
	party = sqlite3_last_insert_rowid(store_db(c->store));
	if (make_contacts(c, party, n, reg, zones, &primary_kind, e) != 0)
		return -1;

	sqlite3_bind_text(c->ins_account, 1, ext, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(c->ins_account, 2, party);
	sqlite3_bind_int(c->ins_account, 3, (int)product);
	sqlite3_bind_text(c->ins_account, 4, uk ? "GBP" : "USD", -1, SQLITE_STATIC);
	sqlite3_bind_text(c->ins_account, 5, reg->profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(c->ins_account, 6, reg->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(c->ins_account, 7, segments[dpd <= 30 ? 0 : dpd <= 90 ? 1 : dpd <= 180 ? 2 : 3],
			  -1, SQLITE_STATIC);
	sqlite3_bind_int(c->ins_account, 8, c->p->as_of - dpd - 200 - rng_below(r, 1500));
	sqlite3_bind_int(c->ins_account, 9, c->p->as_of - dpd);
	sqlite3_bind_int(c->ins_account, 10, rng_below(r, 1001));
	sqlite3_bind_int(c->ins_account, 11, (int)make_flags(r, reg));
	if (step(c->ins_account, e) != 0)
		return -1;
	account = sqlite3_last_insert_rowid(store_db(c->store));

	/* a multiplicative hash spreads neighbouring accounts over the crew, evenly enough */
	c->assignee = c->p->crew ? crew_names[(uint64_t)n * 2654435761u % 4294967296u % CREW_SIZE]
				 : c->p->assignee;
	if (make_history(c, account, ext, (size_t)(reg - regions), dpd, amount_due, primary_kind, &h,
			 e) != 0)
		return -1;
	if (n % 9 == 0 && !uk && dpd > 0 && dpd <= 60 &&
	    make_call_record(c, n, ext, (size_t)(reg - regions), primary_kind, &h, e) != 0)
		return -1;
	sqlite3_bind_int64(c->ins_balance, 1, account);
	sqlite3_bind_int64(c->ins_balance, 2, principal);
	sqlite3_bind_int64(c->ins_balance, 3, fees);
	sqlite3_bind_int64(c->ins_balance, 4, past_due);
	sqlite3_bind_int64(c->ins_balance, 5, total);
	sqlite3_bind_int64(c->ins_balance, 6, amount_due);
	sqlite3_bind_int64(c->ins_balance, 7, c->now);
	if (step(c->ins_balance, e) != 0)
		return -1;
	sqlite3_bind_int64(c->ins_assign, 1, account);
	sqlite3_bind_text(c->ins_assign, 2, c->assignee, -1, SQLITE_STATIC);
	sqlite3_bind_int64(c->ins_assign, 3, c->now - 30 * 86400);
	if (step(c->ins_assign, e) != 0)
		return -1;

	/* the derived state the queue reads, as the events above imply it */
	sqlite3_stmt *upd = c->set_derived;
	sqlite3_bind_int64(upd, 1, h.last_attempt_at);
	sqlite3_bind_int64(upd, 2, h.last_contact_at);
	sqlite3_bind_int64(upd, 3, h.callback_at);
	sqlite3_bind_int(upd, 4, (int)h.ptp_state);
	sqlite3_bind_int64(upd, 5, h.ptp_amount);
	sqlite3_bind_int(upd, 6, h.ptp_due);
	sqlite3_bind_int64(upd, 7, account);
	c->sum->accounts++;
	return step(upd, e);
}

static void
finalize_all(struct demo_ctx *c)
{
	sqlite3_finalize(c->ins_party);
	sqlite3_finalize(c->ins_account);
	sqlite3_finalize(c->ins_balance);
	sqlite3_finalize(c->ins_contact);
	sqlite3_finalize(c->ins_assign);
	sqlite3_finalize(c->ins_promise);
	sqlite3_finalize(c->ins_payment);
	sqlite3_finalize(c->set_derived);
	evidence_writer_free(&c->writer);
}

int
demo_generate(struct store *s, const struct demo_params *p, struct demo_summary *sum,
	      struct err *e)
{
	struct demo_ctx c = { .store = s, .p = p, .sum = sum };
	sqlite3 *db = store_db(s);
	int64_t existing;
	int rc = -1;

	memset(sum, 0, sizeof *sum);
	if ((existing = store_account_count(s, e)) < 0)
		return -1;
	if (existing > 0)
		return err_set(e, "%s already holds %lld accounts; demo writes only into a new cache",
			       store_path(s), (long long)existing);
	if (p->accounts < 1 || p->accounts > 5000000)
		return err_set(e, "--accounts must be between 1 and 5000000");
	rng_seed(&c.rng, p->seed);
	rng_seed(&c.crew_rng, p->seed ^ 0x63726577ULL);
	offsets_init(&c);
	c.now = (int64_t)p->as_of * 86400 + 12 * 3600;
	/* One transaction for the whole book: give it the memory to stay off the disk until commit.
	 * Into an empty file a rollback journal writes each page once, where WAL would write it to
	 * the log and again at checkpoint; the store goes back to WAL when the book is in. */
	sqlite3_exec(db, "PRAGMA cache_size=-262144", NULL, NULL, NULL);
	if (sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	if (store_begin(s, e) != 0)
		return -1;
	if (prepare(db, "INSERT INTO parties(name, zones) VALUES(seal(?), ?)", &c.ins_party, e) ||
	    prepare(db, "INSERT INTO accounts(ext_id, party_id, product, currency, profile, region, "
			"segment, opened_on, due_date, risk, flags) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
		    &c.ins_account, e) ||
	    prepare(db, "INSERT INTO balances(account_id, principal, fees, past_due, total, "
			"amount_due, as_of) VALUES(?,?,?,?,?,?,?)", &c.ins_balance, e) ||
	    prepare(db, "INSERT INTO contact_points(party_id, kind, value, zones, consent) "
			"VALUES(?,?,seal(?),?,?)", &c.ins_contact, e) ||
	    prepare(db, "INSERT INTO assignments(account_id, assignee, since) VALUES(?,?,?)",
		    &c.ins_assign, e) ||
	    prepare(db, "INSERT INTO promises(account_id, event_id, amount, due_on, state) "
			"VALUES(?,?,?,?,?)", &c.ins_promise, e) ||
	    prepare(db, "INSERT INTO payments(account_id, amount, paid_on, reference) VALUES(?,?,?,?)",
		    &c.ins_payment, e) ||
	    prepare(db, "UPDATE accounts SET last_attempt_at=?, last_contact_at=?, callback_at=?, "
			"ptp_state=?, ptp_amount=?, ptp_due=? WHERE id=?", &c.set_derived, e))
		goto out;
	if ((c.writer = evidence_writer_new(s, "demo", e)) == NULL)
		goto out;
	if (p->crew && roster_write(&c, e) != 0)
		goto out;
	for (int64_t n = 1; n <= p->accounts; n++)
		if (make_account(&c, n, e) != 0)
			goto out;
	if (store_state_set(s, "demo_seed", "1", e) != 0)
		goto out;
	rc = store_commit(s, e);
out:
	finalize_all(&c);
	if (rc != 0)
		store_rollback(s);
	sqlite3_exec(db, "PRAGMA cache_size=-2000", NULL, NULL, NULL);
	if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) != SQLITE_OK && rc == 0)
		rc = err_set(e, "%s", sqlite3_errmsg(db));
	return rc;
}
