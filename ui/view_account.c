#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "money.h"
#include "settings.h"
#include "store.h"
#include "text.h"
#include "tz.h"
#include "when.h"

#define LABEL_W 13

struct account_view {
	struct account acct;
	struct contact_point *contacts;	/* owned */
	size_t ncontacts;
	int scroll;		/* first page line shown */
	int lines;		/* page lines at the last draw, to bound scrolling */
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

static void
contacts_draw(struct page *p, const struct account_view *av, const struct settings *cfg,
	      int64_t now)
{
	char hours[64], consent[64];
	int wide = p->cols >= 90, vw = 24, cw = 16, x, y;
	size_t i;

	snprintf(hours, sizeof hours, "calling hours %02d:%02d-%02d:%02d",
		 cfg->call_start_minute / 60, cfg->call_start_minute % 60,
		 cfg->call_end_minute / 60, cfg->call_end_minute % 60);
	heading(p, "Contact points", hours);
	for (i = 0; i < av->ncontacts; i++) {
		const struct contact_point *cp = &av->contacts[i];
		const char *zones = cp->zones[0] != '\0' ? cp->zones : av->acct.zones;

		if ((y = page_y(p)) != -1) {
			wattrset(p->w, theme_attr(p->th, ROLE_LABEL));
			text_put(p->w, y, 1, 11, contact_kind_name(cp->kind), TEXT_LEFT);
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
	}
	if (av->ncontacts == 0) {
		if ((y = page_y(p)) != -1) {
			wattrset(p->w, theme_attr(p->th, ROLE_ROW_DIM));
			text_put(p->w, y, 1, p->cols - 1, "no contact points", TEXT_LEFT);
		}
		p->line++;
	}
}

static void
account_view_draw(struct view *v, WINDOW *w)
{
	struct account_view *av = v->priv;
	const struct account *a = &av->acct;
	const struct queue *q = &v->app->queue;
	int64_t now = clock_now();
	int dpd = account_dpd(a->due_date, date_of_time(now));
	struct page p = {.w = w, .th = &v->app->theme, .scroll = av->scroll, .rows = v->rows,
			 .cols = v->cols};
	char b1[96], b2[96], num[32];
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
	p.line += 2;
	contacts_draw(&p, av, v->app->cfg, now);
	av->lines = p.line;
}

static int
account_view_open(struct view *v, const char *id, struct err *e)
{
	struct account_view *av = v->priv;
	int rc;

	rc = store_account_get(v->app->store, id, &av->acct, e);
	if (rc == 1)
		return err_set(e, "account %s is no longer in the cache", id);
	if (rc == -1 ||
	    store_contacts_get(v->app->store, id, &av->contacts, &av->ncontacts, e) == -1)
		return -1;
	snprintf(v->app->last_opened, sizeof v->app->last_opened, "%s", id);
	return 0;
}

static void
account_view_close(struct view *v)
{
	struct account_view *av = v->priv;

	free(av->contacts);
	av->contacts = NULL;
}

static unsigned
account_view_handle(struct view *v, enum action act, int key)
{
	struct account_view *av = v->priv;
	if (act == ACTION_TIMELINE) {
		app_push(v->app, &view_timeline_ops, av->acct.id);
		return REACT_REDRAW;
	}
	return view_page_scroll(act, av->lines, v->rows, &av->scroll);
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
	.draw = account_view_draw,
	.handle = account_view_handle,
	.title = account_view_title,
};
