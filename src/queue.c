#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>

#include "clock.h"
#include "money.h"
#include "queue.h"
#include "store.h"
#include "tz.h"

/* Days without an attempt after which the idle part is full. */
#define IDLE_FULL_DAYS 14.0

void
queue_weights_default(struct queue_weights *w)
{
	*w = (struct queue_weights){
		.callback_due = 50,
		.ptp_broken = 40,
		.ptp_due = 25,
		.dpd_band = 30,
		.balance = 20,
		.risk = 15,
		.idle = 10,
	};
}

/* The queue's arrays are tens of megabytes at 100,000 accounts, touched once at start-up. In 4 KiB
 * pages that is thousands of page faults, each dear under virtualisation; aligned to 2 MiB and
 * advised, the kernel can back them with huge pages (where it allows: a plain hint). */
static void *
big_alloc(size_t size)
{
	const size_t huge = 2u << 20;
	void *p = NULL;

	if (size < huge)
		p = malloc(size);
	else if (posix_memalign(&p, huge, (size + huge - 1) / huge * huge) == 0)
		madvise(p, (size + huge - 1) / huge * huge, MADV_HUGEPAGE);
	if (p == NULL)
		abort();
	return p;
}

void
queue_init(struct queue *q)
{
	memset(q, 0, sizeof *q);
	q->filter.band = -1;
	queue_weights_default(&q->weights);
	bands_default(&q->bands);
}

/* What a load replaces; the `only` set outlives it. */
static void
items_free(struct queue *q)
{
	free(q->items);
	free(q->order);
	free(q->sort_keys);
	q->items = NULL;
	q->order = NULL;
	q->sort_keys = NULL;
	q->n = q->nvisible = 0;
}

void
queue_free(struct queue *q)
{
	items_free(q);
	free(q->only);
	q->only = NULL;
	q->nonly = 0;
}

const char *
queue_sort_name(enum queue_sort s)
{
	switch (s) {
	case QUEUE_SORT_SCORE:
		return "priority";
	case QUEUE_SORT_DPD:
		return "dpd";
	case QUEUE_SORT_BALANCE:
		return "balance";
	case QUEUE_SORT_NAME:
		return "name";
	case QUEUE_SORT_COUNT:
		break;
	}
	return "?";
}

struct load_ctx {
	struct queue *q;
	size_t cap;
};

static int
load_one(void *ctx, const struct account_summary *a)
{
	struct load_ctx *c = ctx;
	struct queue_item *it;

	if (c->q->n == c->cap) {
		/* only when accounts were added since they were counted */
		c->cap = c->cap ? c->cap * 2 : 1024;
		if ((c->q->items = realloc(c->q->items, c->cap * sizeof *c->q->items)) == NULL)
			abort();
	}
	it = &c->q->items[c->q->n++];
	memset(it, 0, sizeof *it);
	memcpy(it->id, a->id, sizeof it->id);
	memcpy(it->name, a->name, sizeof it->name);
	memcpy(it->segment, a->segment, sizeof it->segment);
	it->product = a->product;
	it->due_date = a->due_date;
	it->total = a->total;
	it->amount_due = a->amount_due;
	it->last_attempt_at = a->last_attempt_at;
	it->last_contact_at = a->last_contact_at;
	it->callback_at = a->callback_at;
	it->ptp_state = a->ptp_state;
	it->ptp_due = a->ptp_due;
	it->risk = a->risk;
	it->flags = a->flags;
	return 0;
}

int
queue_load(struct queue *q, struct store *s, int64_t now, struct err *e)
{
	struct load_ctx c = { .q = q };
	int64_t count = store_account_count(s, e);

	if (count < 0)
		return -1;
	items_free(q);
	c.cap = (size_t)count;
	if (c.cap > 0)
		q->items = big_alloc(c.cap * sizeof *q->items);
	if (store_summaries_scan(s, load_one, &c, e) != 0)
		return -1;
	q->now = now;
	queue_rank(q);
	return 0;
}

/* Dpd, band, score and the no-contact rank of one item at q->now. */
static void
item_score(const struct queue *q, struct queue_item *it)
{
	struct score_parts p;

	it->dpd = account_dpd(it->due_date, date_of_time(q->now));
	it->band = bands_index(&q->bands, it->dpd);
	queue_score_parts(it, &q->weights, q->bands.n, q->now, &p);
	it->score = p.total;
	it->blocked = (it->flags & QUEUE_NO_CONTACT_FLAGS) != 0;
}

int
queue_refresh_item(struct queue *q, struct store *s, const char *id, struct err *e)
{
	struct queue_item *it = NULL;
	struct account a;
	int rc;

	for (size_t i = 0; i < q->n && it == NULL; i++)
		if (strcmp(q->items[i].id, id) == 0)
			it = &q->items[i];
	if (it == NULL)
		return 1;
	if ((rc = store_account_get(s, id, &a, e)) != 0)
		return rc;
	memcpy(it->name, a.name, sizeof it->name);
	memcpy(it->segment, a.segment, sizeof it->segment);
	it->product = a.product;
	it->due_date = a.due_date;
	it->total = a.total;
	it->amount_due = a.amount_due;
	it->last_attempt_at = a.last_attempt_at;
	it->last_contact_at = a.last_contact_at;
	it->callback_at = a.callback_at;
	it->ptp_state = a.ptp_state;
	it->ptp_due = a.ptp_due;
	it->risk = a.risk;
	it->flags = a.flags;
	item_score(q, it);
	return 0;
}

static double
clamp01(double v)
{
	return v < 0 ? 0 : v > 1 ? 1 : v;
}

void
queue_score_parts(const struct queue_item *it, const struct queue_weights *w, int nbands,
		  int64_t now, struct score_parts *p)
{
	int32_t today = date_of_time(now);
	double idle_days;

	memset(p, 0, sizeof *p);
	if (it->callback_at != 0 && it->callback_at <= now)
		p->callback_due = w->callback_due;
	if (it->ptp_state == PTP_BROKEN)
		p->ptp_broken = w->ptp_broken;
	if (it->ptp_state == PTP_PENDING && it->ptp_due != 0 && it->ptp_due <= today)
		p->ptp_due = w->ptp_due;
	/* scaled so that current is 0 and the oldest band is 1 */
	if (nbands > 1)
		p->dpd_band = w->dpd_band * it->band / (double)(nbands - 1);
	if (it->total > 1000)
		p->balance = w->balance * clamp01((log10((double)it->total / 100.0) - 1.0) / 4.0);
	p->risk = w->risk * clamp01(it->risk / 1000.0);
	idle_days = it->last_attempt_at == 0 ? IDLE_FULL_DAYS
					     : (double)(now - it->last_attempt_at) / 86400.0;
	p->idle = w->idle * clamp01(idle_days / IDLE_FULL_DAYS);
	p->total = p->callback_due + p->ptp_broken + p->ptp_due + p->dpd_band + p->balance +
		   p->risk + p->idle;
}

/* Numeric sorts compare compact keys, not the 250-byte items: at 100,000 rows that is the
 * difference between a cache-friendly sort and one that misses on every comparison. */
struct sort_key {
	int group;		/* contact_group() */
	double primary;		/* larger first */
	double score;		/* then the better score */
	size_t index;		/* then load order, so equal rows keep a stable place */
};

static int
cmp_key(const void *pa, const void *pb)
{
	const struct sort_key *a = pa, *b = pb;

	if (a->group != b->group)
		return a->group - b->group;
	if (a->primary != b->primary)
		return a->primary < b->primary ? 1 : -1;
	if (a->score != b->score)
		return a->score < b->score ? 1 : -1;
	return (a->index > b->index) - (a->index < b->index);
}

/* Contactable now (or not yet evaluated) first, then cases that open later, then those the
 * policy blocks until the facts change, and last those no one may contact at all. The first
 * paint comes before any evaluation, so unknown ranks with the contactable. */
static int
contact_group(const struct queue_item *it)
{
	if (it->blocked)
		return 3;
	switch (it->contact) {
	case QUEUE_CONTACT_LATER:
		return 1;
	case QUEUE_CONTACT_BLOCKED:
		return 2;
	case QUEUE_CONTACT_UNKNOWN:
	case QUEUE_CONTACT_NOW:
		break;
	}
	return 0;
}

/* Name sort: qsort has no context argument, so the queue being sorted is kept here. */
static const struct queue *sort_q;

static int
cmp_name(const void *pa, const void *pb)
{
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	const struct queue_item *a = &sort_q->items[ia], *b = &sort_q->items[ib];
	int ga = contact_group(a), gb = contact_group(b);
	int c = ga != gb ? ga - gb : strcmp(a->name, b->name);

	return c != 0 ? c : (ia > ib) - (ia < ib);
}

static double
primary_key(const struct queue *q, const struct queue_item *it)
{
	switch (q->sort) {
	case QUEUE_SORT_DPD:
		return it->dpd;
	case QUEUE_SORT_BALANCE:
		return (double)it->total;
	default:
		return it->score;
	}
}

static void
sort_visible(struct queue *q)
{
	struct sort_key *keys;

	if (q->sort == QUEUE_SORT_NAME) {
		sort_q = q;
		qsort(q->order, q->nvisible, sizeof *q->order, cmp_name);
		sort_q = NULL;
		return;
	}
	if (q->nvisible == 0)
		return;
	/* kept between sorts: re-ranking every minute should not fault in fresh pages */
	if (q->sort_keys == NULL)
		q->sort_keys = big_alloc(q->n * sizeof *keys);
	keys = q->sort_keys;
	for (size_t i = 0; i < q->nvisible; i++) {
		const struct queue_item *it = &q->items[q->order[i]];
		keys[i] = (struct sort_key){ contact_group(it), primary_key(q, it), it->score,
					     q->order[i] };
	}
	qsort(keys, q->nvisible, sizeof *keys, cmp_key);
	for (size_t i = 0; i < q->nvisible; i++)
		q->order[i] = keys[i].index;
}

/* ASCII case folding is enough: ids are ASCII and names are matched as typed otherwise. */
static int
contains_folded(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

static int
id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
visible(const struct queue *q, const struct queue_item *it)
{
	const struct queue_filter *f = &q->filter;

	if (f->band >= 0 && it->band != f->band)
		return 0;
	if (f->segment[0] && strcmp(f->segment, it->segment) != 0)
		return 0;
	if ((it->flags & f->flags) != f->flags)
		return 0;
	if (f->search[0] && !contains_folded(it->name, f->search) && !contains_folded(it->id, f->search))
		return 0;
	if (f->only && bsearch(it->id, q->only, q->nonly, sizeof *q->only, id_cmp) == NULL)
		return 0;
	return 1;
}

void
queue_only_set(struct queue *q, char (*ids)[ACCOUNT_ID_LEN], size_t n, const char *label)
{
	free(q->only);
	q->only = ids;
	q->nonly = n;
	q->filter.only = true;
	snprintf(q->filter.only_label, sizeof q->filter.only_label, "%s", label);
	queue_refilter(q);
}

void
queue_refilter(struct queue *q)
{
	if (q->order == NULL && q->n > 0)
		q->order = big_alloc(q->n * sizeof *q->order);
	q->nvisible = 0;
	for (size_t i = 0; i < q->n; i++)
		if (visible(q, &q->items[i]))
			q->order[q->nvisible++] = i;
	sort_visible(q);
}

void
queue_rank(struct queue *q)
{
	for (size_t i = 0; i < q->n; i++)
		item_score(q, &q->items[i]);
	queue_refilter(q);
}

const char *
queue_next_action(const struct queue_item *it, int64_t now, enum queue_attention *attention)
{
	*attention = QUEUE_ATTN_BLOCKED;
	if (it->flags & QUEUE_NO_CONTACT_FLAGS)
		return "no contact";
	*attention = QUEUE_ATTN_WARN;
	if (it->flags & AFLAG_ATTORNEY)
		return "via attorney";
	if (it->flags & AFLAG_BREATHING_SPACE)
		return "on hold";
	/* A due callback outside calling hours waits like any other case that opens later. */
	if (it->contact == QUEUE_CONTACT_BLOCKED) {
		*attention = QUEUE_ATTN_BLOCKED;
		return "policy block";
	}
	if (it->contact == QUEUE_CONTACT_LATER) {
		*attention = QUEUE_ATTN_WAIT;
		return "wait";
	}
	if (it->callback_at != 0 && it->callback_at <= now) {
		*attention = QUEUE_ATTN_CALLBACK_DUE;
		return "callback due";
	}
	if (it->ptp_state == PTP_BROKEN) {
		*attention = QUEUE_ATTN_PTP_BROKEN;
		return "PTP broken";
	}
	if (it->ptp_state == PTP_PENDING && it->ptp_due != 0 && it->ptp_due <= date_of_time(now)) {
		*attention = QUEUE_ATTN_PTP_DUE;
		return "PTP due";
	}
	*attention = QUEUE_ATTN_NORMAL;
	if (it->ptp_state == PTP_PENDING)
		return "await PTP";
	if (it->flags & AFLAG_DISPUTE) {
		*attention = QUEUE_ATTN_WARN;
		return "resolve dispute";
	}
	return "call";
}

struct part {
	const char *what;
	double value;
};

static int
cmp_part(const void *a, const void *b)
{
	double x = ((const struct part *)a)->value, y = ((const struct part *)b)->value;
	return (x < y) - (x > y);
}

/* "Tue 08:00" in the agent's zone within the coming week, else "2026-03-20 08:00". */
static void
opens_text(const struct queue *q, int64_t t, char *buf, size_t len)
{
	static const char *const days[7] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	struct local_time lt, now_lt;
	char date[16];

	if (tz_local(q->zone[0] != '\0' ? q->zone : "UTC", t, &lt) == -1 ||
	    tz_local(q->zone[0] != '\0' ? q->zone : "UTC", q->now, &now_lt) == -1) {
		time_format_rfc3339(t, buf, len);
		return;
	}
	if (lt.date - now_lt.date < 6)
		snprintf(buf, len, "%s %02d:%02d", days[lt.wday], lt.minute / 60, lt.minute % 60);
	else
		snprintf(buf, len, "%s %02d:%02d", date_format(lt.date, date, sizeof date),
			 lt.minute / 60, lt.minute % 60);
}

/* Why the policy puts a case after the contactable ones, e.g. "not contactable now (outside
 * calling hours, opens Tue 08:00): "; "" for a contactable or unevaluated case. */
static size_t
contact_explain(const struct queue *q, const struct queue_item *it, char *buf, size_t len)
{
	char opens[32], more[16] = "";
	int n = __builtin_popcount(it->contact_reasons), w;

	if (it->contact != QUEUE_CONTACT_LATER && it->contact != QUEUE_CONTACT_BLOCKED)
		return 0;
	if (n > 1)
		snprintf(more, sizeof more, " +%d more", n - 1);
	if (it->contact == QUEUE_CONTACT_LATER) {
		opens_text(q, it->contact_next, opens, sizeof opens);
		w = snprintf(buf, len, "not contactable now (%s%s, opens %s): ranked after contactable "
				       "cases; ", it->contact_why ? it->contact_why : "policy", more, opens);
	} else {
		w = snprintf(buf, len, "not contactable (%s%s): ranked after contactable cases; ",
			     it->contact_why ? it->contact_why : "policy", more);
	}
	return w > 0 && (size_t)w < len ? (size_t)w : 0;
}

char *
queue_explain(const struct queue *q, const struct queue_item *it, char *buf, size_t len)
{
	struct score_parts p;
	char band[48], balance[48], risk[24], idle[48];
	struct part parts[7];
	size_t n = 0, off = 0;

	queue_score_parts(it, &q->weights, q->bands.n, q->now, &p);
	snprintf(band, sizeof band, "%s band", q->bands.label[it->band]);
	snprintf(balance, sizeof balance, "balance %s", money_format(it->total, buf, len, 1));
	snprintf(risk, sizeof risk, "risk %d", it->risk);
	if (it->last_attempt_at == 0)
		snprintf(idle, sizeof idle, "never tried");
	else
		snprintf(idle, sizeof idle, "%lld days since tried",
			 (long long)((q->now - it->last_attempt_at) / 86400));
	parts[n++] = (struct part){ "callback due", p.callback_due };
	parts[n++] = (struct part){ "promise broken", p.ptp_broken };
	parts[n++] = (struct part){ "promise due", p.ptp_due };
	parts[n++] = (struct part){ band, p.dpd_band };
	parts[n++] = (struct part){ balance, p.balance };
	parts[n++] = (struct part){ risk, p.risk };
	parts[n++] = (struct part){ idle, p.idle };
	qsort(parts, n, sizeof parts[0], cmp_part);
	buf[0] = '\0';
	if (it->blocked) {
		unsigned why = it->flags & QUEUE_NO_CONTACT_FLAGS;
		int w = snprintf(buf, len, "no contact (%s): ranked after workable cases; ",
				 account_flag_name(why & -why));
		off = w > 0 && (size_t)w < len ? (size_t)w : 0;
	} else {
		off = contact_explain(q, it, buf, len);
	}
	for (size_t i = 0; i < n && parts[i].value >= 0.05; i++) {
		int w = snprintf(buf + off, len - off, "%s%s +%.1f", i ? ", " : "", parts[i].what,
				 parts[i].value);
		if (w < 0 || (size_t)w >= len - off)
			break;
		off += (size_t)w;
	}
	snprintf(buf + off, len - off, "%s= %.1f", off ? " " : "", it->score);
	return buf;
}
