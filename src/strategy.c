/* strategy.c - the pure decisions over a loaded strategy book (strategy_load.c reads it). */
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "strategy.h"

static const char *const action_names[STEP_COUNT] = {
	[STEP_SMS] = "sms",	  [STEP_EMAIL] = "email", [STEP_LETTER] = "letter",
	[STEP_CALL] = "call",	  [STEP_VISIT] = "visit", [STEP_AGENCY] = "agency",
};

static const struct {
	const char *name;
	unsigned bit;
} promise_facts[] = {
	{ "promise_open", FACT_PROMISE_OPEN },
	{ "promise_kept", FACT_PROMISE_KEPT },
	{ "promise_partial", FACT_PROMISE_PARTIAL },
	{ "promise_broken", FACT_PROMISE_BROKEN },
};

const char *
step_action_name(enum step_action a)
{
	return (unsigned)a < STEP_COUNT ? action_names[a] : "?";
}

int
step_action_parse(const char *name)
{
	for (int i = 0; i < STEP_COUNT; i++)
		if (strcmp(name, action_names[i]) == 0)
			return i;
	return -1;
}

int
step_action_channel(enum step_action a)
{
	switch (a) {
	case STEP_SMS:
		return CHANNEL_SMS;
	case STEP_EMAIL:
		return CHANNEL_EMAIL;
	case STEP_LETTER:
		return CHANNEL_LETTER;
	default:
		return -1;
	}
}

unsigned
strategy_fact_parse(const char *name)
{
	for (size_t i = 0; i < sizeof promise_facts / sizeof promise_facts[0]; i++)
		if (strcmp(name, promise_facts[i].name) == 0)
			return promise_facts[i].bit;
	return account_flag_parse(name);
}

void
strategy_facts_of(const struct account *a, int32_t today, struct strategy_facts *f)
{
	static const unsigned promise[] = {
		[PTP_NONE] = 0,
		[PTP_PENDING] = FACT_PROMISE_OPEN,
		[PTP_KEPT] = FACT_PROMISE_KEPT,
		[PTP_PARTIAL] = FACT_PROMISE_PARTIAL,
		[PTP_BROKEN] = FACT_PROMISE_BROKEN,
	};

	*f = (struct strategy_facts){
		.dpd = account_dpd(a->due_date, today),
		.balance = a->total,
		.past_due = a->past_due,
		.product = a->product,
		.risk = a->risk,
		.facts = a->flags |
			 ((unsigned)a->ptp_state < sizeof promise / sizeof promise[0]
				  ? promise[a->ptp_state]
				  : 0),
	};
}

static bool
conditions_hold(unsigned facts, unsigned if_any, unsigned unless)
{
	return (if_any == 0 || (facts & if_any) != 0) && (facts & unless) == 0;
}

static bool
segment_holds(const struct segment *s, const struct strategy_facts *f)
{
	return s->catch_all ||
	       (f->dpd >= s->dpd_min && f->dpd <= s->dpd_max && f->balance >= s->balance_min &&
		f->balance <= s->balance_max && f->past_due >= s->past_due_min &&
		f->past_due <= s->past_due_max && f->risk >= s->risk_min && f->risk <= s->risk_max &&
		(s->products == 0 || (s->products & 1u << f->product) != 0) &&
		conditions_hold(f->facts, s->if_any, s->unless));
}

size_t
strategy_segment_of(const struct strategy_book *b, const struct strategy_facts *f)
{
	size_t i = 0;

	while (i + 1 < b->n && !segment_holds(&b->segments[i], f))
		i++;
	return i;
}

bool
strategy_in_challenger(const char *segment_id, const char *account_id, int share)
{
	crypto_generichash_state st;
	unsigned char h[8];
	uint64_t v = 0;

	if (share <= 0)
		return false;
	/* the NUL keeps ("ab", "c") and ("a", "bc") apart */
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)segment_id, strlen(segment_id) + 1);
	crypto_generichash_update(&st, (const unsigned char *)account_id, strlen(account_id));
	crypto_generichash_final(&st, h, sizeof h);
	for (int i = 7; i >= 0; i--)
		v = v << 8 | h[i];
	return v % 100 < (uint64_t)share;
}

void
strategy_decide(const struct strategy_book *b, const char *account_id,
		const struct strategy_facts *f, struct strategy_decision *d)
{
	const struct strategy *s;

	*d = (struct strategy_decision){ .segment = strategy_segment_of(b, f) };
	s = &b->strategies[d->segment];
	d->challenger = s->has_challenger &&
			strategy_in_challenger(b->segments[d->segment].id, account_id, s->share);
	d->plan = d->challenger ? &s->challenger : &s->champion;
	for (size_t i = 0; i < d->plan->n && d->next == NULL; i++)
		if (d->plan->steps[i].start > f->dpd)
			d->next = &d->plan->steps[i];
	for (size_t i = d->plan->n; i-- > 0;) {
		const struct step *st = &d->plan->steps[i];

		if (st->start <= f->dpd && conditions_hold(f->facts, st->if_any, st->unless)) {
			d->step = st;
			d->step_no = i + 1;
			break;
		}
	}
}

char *
strategy_step_text(const struct plan *plan, const struct step *st, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%zu of %zu: %s", (size_t)(st - plan->steps) + 1, plan->n,
			 step_action_name(st->action));

	if (n >= 0 && (size_t)n < len && st->template_id[0] != '\0')
		n += snprintf(buf + n, len - (size_t)n, " \"%s\"", st->template_id);
	if (n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " at dpd %d", st->at_dpd);
	if (n >= 0 && (size_t)n < len && st->start != st->at_dpd)
		snprintf(buf + n, len - (size_t)n, " (from dpd %d, after a wait)", st->start);
	return buf;
}
