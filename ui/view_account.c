#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "casework.h"
#include "clock.h"
#include "conflicts.h"
#include "contactability.h"
#include "input.h"
#include "money.h"
#include "settings.h"
#include "store.h"
#include "strategy.h"
#include "text.h"
#include "tz.h"
#include "when.h"

#define LABEL_W 13

/* What a typed line is for; the prompt and what Enter does come from the table below. */
enum ask {
	ASK_OVERRIDE,
	ASK_NOTE,
	ASK_CALLBACK,
	ASK_DISPUTE,
	ASK_CEASE,
	ASK_VULNERABLE,
	ASK_ZONES,
	ASK_NAME
};

struct account_view {
	struct account acct;
	struct account_contact ac;	/* the contact points and what the policy says of each */
	char ac_error[600];	/* why the policy could not be asked, "" when it was */
	int sel;		/* the selected contact point */
	int point_top[CONTACT_MAX_POINTS], point_end[CONTACT_MAX_POINTS];	/* page lines */
	int scroll;		/* first page line shown */
	int lines;		/* page lines at the last draw, to bound scrolling */
	char notice[512];	/* what the last contact key did, on the bottom line */
	enum role notice_role;
	bool blocked;		/* the last contact asked for was blocked: a lead may override */
	int64_t blocked_point;
	enum policy_channel blocked_channel;
	enum ask ask;		/* what the bottom line is asking for (v->text_input) */
	char typed[NOTE_MAX_CHARS * 4 + 1];	/* the answer being typed: a whole note fits */
	struct conflict_row *conflicts;	/* the account's open conflicts, owned */
	size_t nconflicts;
};

/* Page lines are numbered from the top of the page; only those in view are drawn. */
struct page {
	WINDOW *w;
	const struct theme *th;
	int scroll, rows, cols, line;
};

static int
page_y(const struct page *p)
{
	int y = p->line - p->scroll;

	return y >= 0 && y < p->rows ? y : -1;
}

/* Draws "label  value" at column x (of width cols) on the current page line. */
static void
field(struct page *p, int x, int cols, const char *label, const char *value, enum role role)
{
	int y = page_y(p);

	if (y == -1 || cols <= LABEL_W)
		return;
	wattrset(p->w, theme_attr(p->th, ROLE_LABEL));
	text_put(p->w, y, x, LABEL_W, label, TEXT_LEFT);
	wattrset(p->w, theme_attr(p->th, role));
	text_put(p->w, y, x + LABEL_W, cols - LABEL_W, value, TEXT_LEFT);
}

/* Two fields side by side when the screen is wide enough, else one under the other. */
static void
pair(struct page *p, const char *l1, const char *v1, enum role r1, const char *l2,
     const char *v2, enum role r2)
{
	int half = (p->cols - 1) / 2;

	if (p->cols >= 70) {
		field(p, 1, half, l1, v1, r1);
		field(p, 1 + half, p->cols - 1 - half, l2, v2, r2);
		p->line++;
		return;
	}
	field(p, 1, p->cols - 1, l1, v1, r1);
	p->line++;
	field(p, 1, p->cols - 1, l2, v2, r2);
	p->line++;
}

static void
heading(struct page *p, const char *left, const char *right)
{
	int y = page_y(p), rw = text_width(right);

	if (y != -1) {
		wattrset(p->w, theme_attr(p->th, ROLE_HEADER));
		text_blank(p->w, y, 0, p->cols);
		text_put(p->w, y, 1, p->cols - rw - 2, left, TEXT_LEFT);
		text_put(p->w, y, p->cols - rw - 1, rw, right, TEXT_LEFT);
	}
	p->line++;
}

static void
ptp_text(const struct account *a, int64_t now, char *buf, size_t len, enum role *role)
{
	char amount[32], due[16];

	*role = ROLE_ROW;
	if (a->ptp_state == PTP_NONE) {
		snprintf(buf, len, "none");
		return;
	}
	money_format(a->ptp_amount, amount, sizeof amount, 1);
	if (a->ptp_due != 0)
		date_format(a->ptp_due, due, sizeof due);
	else
		snprintf(due, sizeof due, "-");
	snprintf(buf, len, "%s %s due %s", ptp_state_name(a->ptp_state), amount, due);
	if (a->ptp_state == PTP_BROKEN)
		*role = ROLE_PTP_BROKEN;
	else if (a->ptp_state == PTP_PENDING && a->ptp_due != 0 &&
		 a->ptp_due <= date_of_time(now))
		*role = ROLE_PTP_DUE;
}

static void
flags_text(unsigned flags, char *buf, size_t len)
{
	size_t used = 0;
	int b;

	buf[0] = '\0';
	for (b = 0; b < AFLAG_COUNT_ && used < len; b++)
		if (flags & (1u << b))
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 account_flag_name(1u << b));
	if (used == 0)
		snprintf(buf, len, "none");
}

static void
consent_text(unsigned c, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", c & CONSENT_AUTODIAL ? "autodial " : "",
		 c & CONSENT_SMS ? "sms " : "", c & CONSENT_EMAIL ? "email " : "",
		 c & CONSENT_EMPLOYER_PROHIBITS ? "employer-no " : "");
	if (buf[0] == '\0')
		snprintf(buf, len, "no consent");
}

/* One line per zone of a contact point: the debtor's local time there now, and whether it is
 * inside calling hours [start, end). */
static void
zone_lines(struct page *p, const struct settings *cfg, const char *zones, int64_t now, int x)
{
	static const char *const days[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	char copy[ZONES_LEN], *zone, *save = NULL, buf[160];
	struct local_time lt;
	bool inside;
	int y;

	snprintf(copy, sizeof copy, "%s", zones);
	for (zone = strtok_r(copy, ";", &save); zone != NULL; zone = strtok_r(NULL, ";", &save)) {
		if ((y = page_y(p)) != -1) {
			if (tz_local(zone, now, &lt) == -1) {
				wattrset(p->w, theme_attr(p->th, ROLE_POLICY_WARN));
				snprintf(buf, sizeof buf, "unknown zone %s", zone);
			} else {
				inside = lt.minute >= cfg->call_start_minute &&
					 lt.minute < cfg->call_end_minute;
				wattrset(p->w, theme_attr(p->th, inside ? ROLE_POLICY_OK
									: ROLE_POLICY_BLOCKED));
				snprintf(buf, sizeof buf, "%s %02d:%02d  %-13s %s", days[lt.wday],
					 lt.minute / 60, lt.minute % 60,
					 inside ? "in hours" : "outside hours", zone);
			}
			text_put(p->w, y, x, p->cols - x, buf, TEXT_LEFT);
		}
		p->line++;
	}
}

/* The reasons of a decision in words, comma-separated. */
static void
reasons_text(policy_reasons r, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < POLICY_REASON_COUNT && used < len; i++)
		if (r & POLICY_BIT(i))
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
					 contactability_reason_text(i));
}

/* One line per channel of a contact point: allowed (policy_ok), not now with the time it opens
 * (policy_warn), or blocked until the facts change (policy_blocked), with the reasons. */
static void
verdict_lines(struct page *p, const struct app *a, const struct account_contact *ac,
	      const struct contact_point_state *ps, int64_t now)
{
	char why[256], when[32], buf[400], left[64];
	int y;

	for (int k = 0; k < ps->nverdicts; k++) {
		const struct contact_verdict *cv = &ps->verdicts[k];
		enum role role = cv->d.allowed ? ROLE_POLICY_OK
				 : cv->d.next_allowed_at != POLICY_NONE ? ROLE_POLICY_WARN
									: ROLE_POLICY_BLOCKED;

		left[0] = '\0';
		if (cv->channel == POLICY_CALL && ac->calls_left >= 0)
			snprintf(left, sizeof left, "  (%d of %d calls left in 7 days)", ac->calls_left,
				 ac->calls_max);
		reasons_text(cv->d.reasons, why, sizeof why);
		if (cv->d.allowed)
			snprintf(buf, sizeof buf, "%-6s allowed now%s", policy_channel_name(cv->channel),
				 left);
		else if (cv->d.next_allowed_at != POLICY_NONE)
			snprintf(buf, sizeof buf, "%-6s not now: %s; next %s%s",
				 policy_channel_name(cv->channel), why,
				 when_near(a->zone, now, cv->d.next_allowed_at, when, sizeof when), left);
		else
			snprintf(buf, sizeof buf, "%-6s blocked: %s%s", policy_channel_name(cv->channel),
				 why, left);
		if ((y = page_y(p)) != -1) {
			wattrset(p->w, theme_attr(p->th, role));
			text_put(p->w, y, 13, p->cols - 13, buf, TEXT_LEFT);
		}
		p->line++;
	}
}

static void
contacts_draw(struct page *p, struct account_view *av, const struct app *a, int64_t now)
{
	const struct settings *cfg = a->cfg;
	char hours[64], consent[64], label[16];
	int wide = p->cols >= 90, vw = 24, cw = 16, x, y;
	int i;

	snprintf(hours, sizeof hours, "calling hours %02d:%02d-%02d:%02d",
		 cfg->call_start_minute / 60, cfg->call_start_minute % 60,
		 cfg->call_end_minute / 60, cfg->call_end_minute % 60);
	heading(p, "Contact points", hours);
	for (i = 0; i < av->ac.npoints; i++) {
		const struct contact_point *cp = &av->ac.points[i].point;
		const char *zones = cp->zones[0] != '\0' ? cp->zones : av->acct.zones;

		av->point_top[i] = p->line;
		if ((y = page_y(p)) != -1) {
			/* The number selects the point; the selected one is marked. */
			snprintf(label, sizeof label, "%d %s", i + 1, contact_kind_name(cp->kind));
			wattrset(p->w, theme_attr(p->th, i == av->sel ? ROLE_SELECTED : ROLE_LABEL));
			text_put(p->w, y, 0, 12, label, TEXT_LEFT);
			wattrset(p->w, theme_attr(p->th, ROLE_ROW));
			text_put(p->w, y, 13, vw, cp->value, TEXT_LEFT);
			if (wide) {
				consent_text(cp->consent, consent, sizeof consent);
				text_put(p->w, y, 14 + vw, cw, consent, TEXT_LEFT);
			}
		}
		/* The first zone shares the contact's line while it fits; the rest go under. */
		x = 14 + vw + (wide ? cw + 1 : 0);
		if (x + 40 > p->cols) {
			p->line++;
			x = 13;
		}
		if (zones[0] == '\0') {
			if ((y = page_y(p)) != -1) {
				wattrset(p->w, theme_attr(p->th, ROLE_POLICY_WARN));
				text_put(p->w, y, x, p->cols - x, "no time zone known", TEXT_LEFT);
			}
			p->line++;
		} else {
			zone_lines(p, cfg, zones, now, x);
		}
		verdict_lines(p, a, &av->ac, &av->ac.points[i], now);
		av->point_end[i] = p->line;
	}
	if (av->ac.npoints == 0) {
		if ((y = page_y(p)) != -1) {
			wattrset(p->w, theme_attr(p->th, av->ac_error[0] ? ROLE_ERROR : ROLE_ROW_DIM));
			text_put(p->w, y, 1, p->cols - 1,
				 av->ac_error[0] ? av->ac_error : "no contact points", TEXT_LEFT);
		}
		p->line++;
	}
}

/* The question on the bottom line while a line is typed. */
/* Where the default strategy book puts the account: its segment and arm, the step it is on
 * and the next (arrears-strategy(5)); or why the book could not be read. */
static void
strategy_lines(struct page *p, struct app *app, const struct account *a, int32_t today)
{
	const struct strategy_book *book = app_strategy(app);
	struct strategy_decision d;
	struct strategy_facts f;
	char seg[192], step[160], next[160];

	if (book == NULL) {
		field(p, 1, p->cols - 1, "Strategy", app->strategy_problem, ROLE_ROW_DIM);
		p->line++;
		return;
	}
	strategy_facts_of(a, today, &f);
	strategy_decide(book, a->id, &f, &d);
	snprintf(seg, sizeof seg, "%s (%s v%d, %s)", book->segments[d.segment].id, book->name,
		 book->version, d.challenger ? "challenger" : "champion");
	if (d.step != NULL)
		strategy_step_text(d.plan, d.step, step, sizeof step);
	else
		snprintf(step, sizeof step, "%s", d.plan->n == 0 ? "none: no steps" : "none yet");
	if (d.next != NULL)
		strategy_step_text(d.plan, d.next, next, sizeof next);
	else
		snprintf(next, sizeof next, "-");
	field(p, 1, p->cols - 1, "Strategy", seg, ROLE_ROW);
	p->line++;
	pair(p, "Step", step, ROLE_ROW, "Next", next, ROLE_ROW);
}

static const char *
ask_prompt(const struct account_view *av)
{
	switch (av->ask) {
	case ASK_OVERRIDE:
		return "Override reason (Enter records, Esc cancels): ";
	case ASK_NOTE:
		return "Note (Enter records, Esc cancels): ";
	case ASK_CALLBACK:
		return "Callback at (YYYY-MM-DD HH:MM in your zone, or +2h): ";
	case ASK_DISPUTE:
		return av->acct.flags & AFLAG_DISPUTE ? "Resolve the dispute: how was it resolved? "
						       : "Open a dispute: what does the debtor dispute? ";
	case ASK_CEASE:
		return "Cease communication requested: reason (optional; Enter records): ";
	case ASK_VULNERABLE:
		return av->acct.flags & AFLAG_VULNERABLE ? "Clear the vulnerable flag: why? "
							  : "Mark as vulnerable: why? ";
	case ASK_ZONES:
		return "Time zones (e.g. America/Chicago; Enter records): ";
	case ASK_NAME:
		return "Name (Enter records the correction): ";
	}
	return "";
}

/* An editable field, and beside it each open conflict on it: who wanted what instead. */
static void
edited_field(struct page *p, const struct account_view *av, const char *label,
	     enum wire_field f, const char *value)
{
	char buf[400];
	size_t used;
	int n = 0;

	used = (size_t)snprintf(buf, sizeof buf, "%s", value[0] ? value : "(none)");
	for (size_t i = 0; i < av->nconflicts && used < sizeof buf; i++)
		if (av->conflicts[i].field == f) {
			used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s: %s",
						 n++ ? "; " : "  conflict: ", av->conflicts[i].by,
						 av->conflicts[i].value);
		}
	if (n > 0 && used < sizeof buf)
		snprintf(buf + used, sizeof buf - used, "  (Y resolves)");
	field(p, 1, p->cols - 1, label, buf, n > 0 ? ROLE_POLICY_WARN : ROLE_ROW);
	p->line++;
}

static void
account_view_draw(struct view *v, WINDOW *w)
{
	struct account_view *av = v->priv;
	const struct account *a = &av->acct;
	const struct queue *q = &v->app->queue;
	int64_t now = clock_now();
	int dpd = account_dpd(a->due_date, date_of_time(now));
	/* The bottom line is the contact keys' own: what the last one did, or the override. */
	struct page p = {.w = w, .th = &v->app->theme, .scroll = av->scroll, .rows = v->rows - 1,
			 .cols = v->cols};
	char b1[96], b2[96], num[32], prompt[640];
	enum role ptp_role;

	heading(&p, a->name, a->id);
	p.line++;
	snprintf(b2, sizeof b2, "%s (%s)", a->profile, a->region);
	pair(&p, "Product", product_name(a->product), ROLE_ROW, "Policy", b2, ROLE_ROW);
	pair(&p, "Segment", a->segment, ROLE_ROW, "Assignee", a->assignee, ROLE_ROW);
	snprintf(b1, sizeof b1, "%d", dpd);
	pair(&p, "DPD", b1, ROLE_ROW, "Band", q->bands.label[bands_index(&q->bands, dpd)],
	     theme_band_role(bands_index(&q->bands, dpd)));
	money_format(a->principal, b1, sizeof b1, 1);
	money_format(a->fees, b2, sizeof b2, 1);
	pair(&p, "Principal", b1, ROLE_ROW, "Fees", b2, ROLE_ROW);
	money_format(a->past_due, b1, sizeof b1, 1);
	money_format(a->total, num, sizeof num, 1);
	snprintf(b2, sizeof b2, "%s %s", num, a->currency);
	pair(&p, "Past due", b1, ROLE_ROW, "Total", b2, ROLE_ROW);
	money_format(a->amount_due, b1, sizeof b1, 1);
	snprintf(b2, sizeof b2, "%d / 1000", a->risk);
	pair(&p, "Amount due", b1, ROLE_ROW, "Risk", b2, ROLE_ROW);
	ptp_text(a, now, b1, sizeof b1, &ptp_role);
	when_format(v->app->zone, a->callback_at, b2, sizeof b2);
	pair(&p, "PTP", b1, ptp_role, "Callback", b2,
	     a->callback_at != 0 && a->callback_at <= now ? ROLE_CALLBACK_DUE : ROLE_ROW);
	when_format(v->app->zone, a->last_attempt_at, b1, sizeof b1);
	when_format(v->app->zone, a->last_contact_at, b2, sizeof b2);
	pair(&p, "Last attempt", b1, ROLE_ROW, "Last contact", b2, ROLE_ROW);
	flags_text(a->flags, b1, sizeof b1);
	field(&p, 1, v->cols - 1, "Flags", b1, a->flags ? ROLE_FLAG : ROLE_ROW);
	p.line++;
	edited_field(&p, av, "Time zones", WIRE_FIELD_PARTY_ZONES, a->zones);
	for (size_t i = 0; i < av->nconflicts; i++)
		if (av->conflicts[i].field == WIRE_FIELD_PARTY_NAME) {
			edited_field(&p, av, "Name", WIRE_FIELD_PARTY_NAME, a->name);
			break;
		}
	strategy_lines(&p, v->app, a, date_of_time(now));
	p.line++;
	contacts_draw(&p, av, v->app, now);
	av->lines = p.line + 1;
	if (v->text_input) {
		/* A refused answer says why on the same line, which stays open for another. */
		snprintf(prompt, sizeof prompt, "%s%s%s", av->notice[0] ? av->notice : "",
			 av->notice[0] ? ". " : "", ask_prompt(av));
		input_draw(w, &v->app->theme, v->rows - 1, v->cols, prompt, av->typed);
	} else {
		wattrset(w, theme_attr(&v->app->theme, av->notice[0] ? av->notice_role : ROLE_HELP));
		text_put(w, v->rows - 1, 0, v->cols,
			 av->notice[0] ? av->notice
				       : " w work (call with a script)  p promise  N note  c callback  "
					 "D dispute  C cease  V vulnerable  z zones  d/x/m contact",
			 TEXT_LEFT);
	}
}

/* Asks the policy about every contact point of the account, now. */
static void
evaluate(struct view *v)
{
	struct account_view *av = v->priv;
	struct err e;

	av->ac_error[0] = '\0';
	if (v->app->contact == NULL) {
		av->ac.npoints = 0;
		snprintf(av->ac_error, sizeof av->ac_error, "contact policy unavailable");
	} else if (contactability_account(v->app->contact, av->acct.id, clock_now(), true,
					  &av->ac, &e) != 0) {
		av->ac.npoints = 0;
		snprintf(av->ac_error, sizeof av->ac_error, "contact points unavailable: %s", e.msg);
	}
	if (av->sel >= av->ac.npoints)
		av->sel = av->ac.npoints > 0 ? av->ac.npoints - 1 : 0;
	free(av->conflicts);
	if (conflicts_list(v->app->store, av->acct.id, &av->conflicts, &av->nconflicts, &e) != 0)
		snprintf(av->ac_error, sizeof av->ac_error, "conflicts unavailable: %s", e.msg);
}

static int
account_view_open(struct view *v, const char *id, struct err *e)
{
	struct account_view *av = v->priv;
	int rc;

	rc = store_account_get(v->app->store, id, &av->acct, e);
	if (rc == 1)
		return err_set(e, "account %s is no longer in the cache", id);
	if (rc == -1)
		return -1;
	evaluate(v);
	snprintf(v->app->last_opened, sizeof v->app->last_opened, "%s", id);
	return 0;
}

static void
notice(struct account_view *av, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
notice(struct account_view *av, enum role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(av->notice, sizeof av->notice, fmt, ap);
	va_end(ap);
	av->notice_role = role;
}

static const char *
channel_verb(enum policy_channel ch)
{
	return ch == POLICY_SMS ? "Texting" : ch == POLICY_EMAIL ? "Emailing" : "Calling";
}

/* Starts a contact on a point: the policy decides, and only what it allows (or a lead's
 * override) is recorded; the notice says which, in words. */
static unsigned
contact_start(struct view *v, int64_t point_id, enum policy_channel ch, const char *override)
{
	struct account_view *av = v->priv;
	const struct contact_point *cp = NULL;
	struct contact_request r = {.account_id = av->acct.id, .point_id = point_id, .channel = ch,
				    .now = clock_now(), .override_reason = override};
	struct policy_decision d;
	char why[256], when[32];
	struct err e;
	int rc, i;

	for (i = 0; i < av->ac.npoints; i++)
		if (av->ac.points[i].point.id == point_id)
			cp = &av->ac.points[i].point;
	if (cp == NULL || v->app->contact == NULL) {
		notice(av, ROLE_ERROR, "%s", av->ac_error[0] ? av->ac_error : "no contact point");
		return REACT_REDRAW;
	}
	rc = contactability_start(v->app->contact, &r, &d, &e);
	reasons_text(d.reasons, why, sizeof why);
	switch (rc) {
	case CONTACT_STARTED:
		av->blocked = false;
		notice(av, ROLE_POLICY_OK, "%s %s %s: started and recorded", channel_verb(ch),
		       contact_kind_name(cp->kind), cp->value);
		break;
	case CONTACT_OVERRIDDEN:
		av->blocked = false;
		notice(av, ROLE_POLICY_WARN, "Override recorded (%s); %s %s %s", why,
		       channel_verb(ch), contact_kind_name(cp->kind), cp->value);
		break;
	case CONTACT_REFUSED:
		av->blocked = true;
		av->blocked_point = point_id;
		av->blocked_channel = ch;
		notice(av, ROLE_POLICY_BLOCKED, "Blocked %s to %s: %s; next allowed %s%s",
		       policy_channel_name(ch), contact_kind_name(cp->kind), why,
		       d.next_allowed_at != POLICY_NONE
			       ? when_near(v->app->zone, r.now, d.next_allowed_at, when, sizeof when)
			       : "not until the facts change",
		       contactability_role(v->app->cfg->role) == POLICY_LEAD ? "  (o overrides)"
									      : "");
		break;
	default:
		notice(av, ROLE_ERROR, "%s", e.msg);
		return REACT_REDRAW;
	}
	evaluate(v);
	return REACT_REDRAW;
}

/* Records what was typed for av->ask as an event; 0, or -1 with e filled (the line stays). */
static int
ask_record(struct view *v, struct err *e)
{
	struct account_view *av = v->priv;
	const struct casework *cw = app_casework(v->app, e);
	const char *id = av->acct.id;
	int64_t now = clock_now(), at;

	if (cw == NULL)
		return -1;
	switch (av->ask) {
	case ASK_NOTE:
		return casework_note_add(cw, id, av->typed, now, e);
	case ASK_CALLBACK:
		if (tz_parse_when(v->app->zone, av->typed, now, &at, e) != 0)
			return -1;
		return casework_callback_schedule(cw, id, at, now, e);
	case ASK_DISPUTE:
		return casework_dispute_set(cw, id, !(av->acct.flags & AFLAG_DISPUTE), av->typed, now,
					    e);
	case ASK_CEASE:
		return casework_cease_request(cw, id, av->typed, now, e);
	case ASK_VULNERABLE:
		return casework_vulnerable_set(cw, id, !(av->acct.flags & AFLAG_VULNERABLE),
					       av->typed, now, e);
	case ASK_ZONES:
		return casework_field_edit(cw, id, WIRE_FIELD_PARTY_ZONES, av->typed, now, e);
	case ASK_NAME:
		return casework_field_edit(cw, id, WIRE_FIELD_PARTY_NAME, av->typed, now, e);
	case ASK_OVERRIDE:
		break;
	}
	return err_set(e, "nothing to record");
}

/* The account as the cache has it now, after an event changed it. */
static void
reread(struct view *v)
{
	struct account_view *av = v->priv;
	struct err e;

	if (store_account_get(v->app->store, av->acct.id, &av->acct, &e) == -1)
		notice(av, ROLE_ERROR, "%s", e.msg);
	evaluate(v);
}

/* Typing a line: Enter records it (an override goes through the policy); a refused line
 * says why and stays open for another try, Esc gives up. */
static unsigned
ask_key(struct view *v, int key)
{
	struct account_view *av = v->priv;
	struct err e;

	switch (input_key(av->typed, sizeof av->typed, key)) {
	case INPUT_DONE:
		if (av->ask == ASK_OVERRIDE) {
			contact_start(v, av->blocked_point, av->blocked_channel, av->typed);
			v->text_input = av->notice_role == ROLE_ERROR;
			break;
		}
		if (ask_record(v, &e) != 0) {
			notice(av, ROLE_ERROR, "%s", e.msg);
			break;
		}
		v->text_input = false;
		notice(av, ROLE_POLICY_OK, "Recorded");
		reread(v);
		app_account_changed(v->app, av->acct.id);
		break;
	case INPUT_CANCEL:
		v->text_input = false;
		notice(av, ROLE_HELP, "Cancelled: nothing recorded");
		break;
	case INPUT_EDITED:
		/* A note says at once when it grows past the limit. */
		av->notice[0] = '\0';
		if (av->ask == ASK_NOTE && av->typed[0] != '\0' &&
		    casework_note_check(av->typed, &e) != 0)
			notice(av, ROLE_ERROR, "%s", e.msg);
		break;
	case INPUT_IGNORED:
		break;
	}
	return REACT_REDRAW;
}

static unsigned
ask_begin(struct view *v, enum ask ask)
{
	struct account_view *av = v->priv;

	av->ask = ask;
	av->typed[0] = '\0';
	/* a correction starts from the value it corrects */
	if (ask == ASK_ZONES || ask == ASK_NAME)
		snprintf(av->typed, sizeof av->typed, "%s",
			 ask == ASK_ZONES ? av->acct.zones : av->acct.name);
	v->text_input = true;
	return REACT_REDRAW;
}

/* Scrolls so that the selected contact point is on the page (as last drawn). */
static void
follow_point(struct view *v)
{
	struct account_view *av = v->priv;
	int rows = v->rows - 1;

	if (av->ac.npoints == 0)
		return;
	if (av->point_end[av->sel] > av->scroll + rows)
		av->scroll = av->point_end[av->sel] - rows;
	if (av->point_top[av->sel] < av->scroll)
		av->scroll = av->point_top[av->sel];
}

static unsigned
account_view_handle(struct view *v, enum action act, int key)
{
	struct account_view *av = v->priv;
	int64_t point = av->ac.npoints > 0 ? av->ac.points[av->sel].point.id : 0;

	if (v->text_input)
		return ask_key(v, key);
	av->notice[0] = '\0';
	switch (act) {
	case ACTION_TIMELINE:
		app_push(v->app, &view_timeline_ops, av->acct.id);
		return REACT_REDRAW;
	case ACTION_UP:
	case ACTION_DOWN:
		av->sel += act == ACTION_UP ? -1 : 1;
		av->sel = av->sel < 0 ? 0 : av->sel >= av->ac.npoints ? av->ac.npoints - 1 : av->sel;
		av->sel = av->sel < 0 ? 0 : av->sel;
		follow_point(v);
		return REACT_REDRAW;
	case ACTION_DIAL:
		return contact_start(v, point, POLICY_CALL, NULL);
	case ACTION_TEXT:
		return contact_start(v, point, POLICY_SMS, NULL);
	case ACTION_EMAIL:
		return contact_start(v, point, POLICY_EMAIL, NULL);
	case ACTION_OVERRIDE:
		if (!av->blocked)
			notice(av, ROLE_ERROR, "Nothing to override: d, x or m first");
		else if (contactability_role(v->app->cfg->role) != POLICY_LEAD)
			notice(av, ROLE_ERROR, "Only a lead may override a policy block");
		else
			return ask_begin(v, ASK_OVERRIDE);
		return REACT_REDRAW;
	case ACTION_WORK:
		if (av->ac.npoints == 0) {
			notice(av, ROLE_ERROR, "%s", av->ac_error[0] ? av->ac_error : "no contact point");
			return REACT_REDRAW;
		}
		v->app->contact_point = point;
		app_push(v->app, &view_script_ops, av->acct.id);
		return REACT_REDRAW;
	case ACTION_PROMISE:
		app_push(v->app, &view_ptp_ops, av->acct.id);
		return REACT_REDRAW;
	case ACTION_NOTE:
		return ask_begin(v, ASK_NOTE);
	case ACTION_CALLBACK:
		return ask_begin(v, ASK_CALLBACK);
	case ACTION_DISPUTE:
		return ask_begin(v, ASK_DISPUTE);
	case ACTION_CEASE:
		if (av->acct.flags & AFLAG_CEASE) {
			notice(av, ROLE_ERROR, "Cease communication is recorded already");
			return REACT_REDRAW;
		}
		return ask_begin(v, ASK_CEASE);
	case ACTION_VULNERABLE:
		return ask_begin(v, ASK_VULNERABLE);
	case ACTION_EDIT_ZONES:
		return ask_begin(v, ASK_ZONES);
	case ACTION_EDIT_NAME:
		return ask_begin(v, ASK_NAME);
	case ACTION_NONE:
		if (key >= '1' && key <= '9' && key - '1' < av->ac.npoints) {
			av->sel = key - '1';
			follow_point(v);
			return REACT_REDRAW;
		}
		break;
	default:
		break;
	}
	return view_page_scroll(act, av->lines, v->rows - 1, &av->scroll);
}

/* Back from a call or the form: the account and its contact points as they are now. */
static void
account_view_focus(struct view *v)
{
	reread(v);
}

static void
account_view_close(struct view *v)
{
	struct account_view *av = v->priv;

	free(av->conflicts);
	av->conflicts = NULL;
	av->nconflicts = 0;
}

static void
account_view_title(struct view *v, char *buf, size_t len)
{
	const struct account_view *av = v->priv;

	snprintf(buf, len, " Account %s", av->acct.id);
}

const struct view_ops view_account_ops = {
	.name = "account",
	.ctx = KEYCTX_ACCOUNT,
	.private_size = sizeof(struct account_view),
	.open = account_view_open,
	.close = account_view_close,
	.focus = account_view_focus,
	.draw = account_view_draw,
	.handle = account_view_handle,
	.title = account_view_title,
};
