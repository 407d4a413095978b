/* view_ptp.c - the promise-to-pay form: every key revalidates the whole form (src/ptp.h) and
 * each field's message shows under it; Enter records the promise only when nothing is wrong,
 * on the call under way when there is one. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "input.h"
#include "money.h"
#include "store.h"
#include "text.h"
#include "tz.h"

#define LABEL_W 14
/* The settlement switch is the row after the text fields. */
#define ROW_SETTLEMENT PTP_FIELD_COUNT
#define ROWS (PTP_FIELD_COUNT + 1)

/* The rows top to bottom: what the agent asks first comes first. */
static const struct {
	enum ptp_field field;
	const char *label, *hint;
} rows[PTP_FIELD_COUNT] = {
	{PTP_FIELD_AMOUNT, "Amount", "of each payment, e.g. 120.50"},
	{PTP_FIELD_DATE, "Date", "YYYY-MM-DD; the first payment of a plan"},
	{PTP_FIELD_METHOD, "Method", "card, bank transfer, ..."},
	{PTP_FIELD_PAYMENTS, "Payments", "empty or 1 for a single promise; more for a plan"},
	{PTP_FIELD_FREQUENCY, "Frequency", "a plan: weekly, fortnightly or monthly"},
	{PTP_FIELD_REFERENCE, "Reference", "optional: payment link or reference text"},
};

struct ptp_view {
	struct account acct;
	char text[PTP_FIELD_COUNT][128];	/* by row */
	bool settlement;
	bool touched[ROWS];	/* a field's message shows once it was edited (or Enter tried) */
	int sel;		/* the row being edited */
	struct ptp_check check;
	char notice[300];
	enum role notice_role;
};

/* Validates the form as it stands, against the account on the agent's own date. */
static void
revalidate(struct view *v)
{
	struct ptp_view *pv = v->priv;
	const char *by_field[PTP_FIELD_COUNT];
	struct local_time lt;
	int64_t now = clock_now();
	struct err e;
	const struct casework *cw = app_casework(v->app, &e);
	struct ptp_rules rules;
	struct ptp_form f;

	for (int r = 0; r < PTP_FIELD_COUNT; r++)
		by_field[rows[r].field] = pv->text[r];
	f = (struct ptp_form){
		.amount = by_field[PTP_FIELD_AMOUNT],
		.first_due = by_field[PTP_FIELD_DATE],
		.payments = by_field[PTP_FIELD_PAYMENTS],
		.frequency = by_field[PTP_FIELD_FREQUENCY],
		.method = by_field[PTP_FIELD_METHOD],
		.reference = by_field[PTP_FIELD_REFERENCE],
		.settlement = pv->settlement,
	};
	if (cw != NULL)
		rules = cw->rules;
	else
		ptp_rules_from_settings(&rules, v->app->cfg);
	ptp_validate(&f, &rules, pv->acct.amount_due, pv->acct.total,
		     tz_local(v->app->zone[0] ? v->app->zone : "UTC", now, &lt) == 0
			     ? lt.date
			     : date_of_time(now),
		     &pv->check);
}

static int
ptp_view_open(struct view *v, const char *id, struct err *e)
{
	struct ptp_view *pv = v->priv;
	int rc = store_account_get(v->app->store, id, &pv->acct, e);

	if (rc == 1)
		return err_set(e, "account %s is no longer in the cache", id);
	if (rc == -1 || app_casework(v->app, e) == NULL)
		return -1;
	v->text_input = true;
	revalidate(v);
	return 0;
}

static void
ptp_view_draw(struct view *v, WINDOW *w)
{
	struct ptp_view *pv = v->priv;
	const struct theme *th = &v->app->theme;
	bool in_call = v->app->call != NULL;
	char line[400], m1[32], m2[32];
	int y = 0;

	money_format(pv->acct.amount_due, m1, sizeof m1, 1);
	money_format(pv->acct.total, m2, sizeof m2, 1);
	snprintf(line, sizeof line, "Promise to pay for %s: amount due %s, balance %s%s",
		 pv->acct.name, m1, m2, in_call ? "  (on this call)" : "");
	wattrset(w, theme_attr(th, ROLE_HEADER));
	text_blank(w, y, 0, v->cols);
	text_put(w, y++, 1, v->cols - 1, line, TEXT_LEFT);
	y++;
	for (int r = 0; r < ROWS && y < v->rows - 3; r++) {
		const char *msg = r < PTP_FIELD_COUNT ? pv->check.msg[rows[r].field] : "";
		const char *label = r < PTP_FIELD_COUNT ? rows[r].label : "Settlement";
		const char *value = r < PTP_FIELD_COUNT ? pv->text[r] : pv->settlement ? "yes" : "no";
		int vw = v->cols - LABEL_W - 3;

		wattrset(w, theme_attr(th, r == pv->sel ? ROLE_SELECTED : ROLE_LABEL));
		text_put(w, y, 1, LABEL_W, label, TEXT_LEFT);
		wattrset(w, theme_attr(th, ROLE_ROW));
		text_put(w, y, LABEL_W + 2, vw, value, TEXT_LEFT);
		if (r == pv->sel && r < PTP_FIELD_COUNT && text_width(value) < vw) {
			/* the block that stands for the hidden cursor, as in the one-line input */
			wattrset(w, theme_attr(th, ROLE_SELECTED));
			text_put(w, y, LABEL_W + 2 + text_width(value), 1, " ", TEXT_LEFT);
		}
		y++;
		if (msg[0] != '\0' && pv->touched[r]) {
			wattrset(w, theme_attr(th, ROLE_ERROR));
			text_put(w, y, LABEL_W + 2, vw, msg, TEXT_LEFT);
		} else {
			wattrset(w, theme_attr(th, ROLE_ROW_DIM));
			text_put(w, y, LABEL_W + 2, vw,
				 r < PTP_FIELD_COUNT ? rows[r].hint
						     : "Space toggles: a settlement may pay less than due",
				 TEXT_LEFT);
		}
		y++;
	}
	if (pv->check.note[0] != '\0') {
		wattrset(w, theme_attr(th, ROLE_POLICY_WARN));
		text_put(w, v->rows - 2, 1, v->cols - 1, pv->check.note, TEXT_LEFT);
	}
	wattrset(w, theme_attr(th, pv->notice[0] ? pv->notice_role : ROLE_HELP));
	text_put(w, v->rows - 1, 0, v->cols,
		 pv->notice[0] ? pv->notice
			       : " Tab/Down next field  Up previous  Enter records  Esc cancels",
		 TEXT_LEFT);
}

static void
notice(struct ptp_view *pv, enum role role, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
notice(struct ptp_view *pv, enum role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pv->notice, sizeof pv->notice, fmt, ap);
	va_end(ap);
	pv->notice_role = role;
}

/* Enter: records the promise when the form is valid, else shows every field's problem. */
static unsigned
save(struct view *v)
{
	struct ptp_view *pv = v->priv;
	struct app *a = v->app;
	const struct casework *cw;
	char total[32];
	struct err e;
	int rc;

	if (pv->check.nbad > 0) {
		for (int r = 0; r < ROWS; r++)
			pv->touched[r] = true;
		notice(pv, ROLE_ERROR, "Not recorded: %d field%s to fix", pv->check.nbad,
		       pv->check.nbad == 1 ? "" : "s");
		return REACT_REDRAW;
	}
	if ((cw = app_casework(a, &e)) == NULL)
		rc = -1;
	else if (a->call != NULL)
		rc = casework_call_ptp(a->call, &pv->check.plan, clock_now(), &e);
	else
		rc = casework_ptp_record(cw, pv->acct.id, &pv->check.plan, NULL, clock_now(), NULL, &e);
	if (rc != 0) {
		notice(pv, ROLE_ERROR, "Not recorded: %s", e.msg);
		return REACT_REDRAW;
	}
	money_format(pv->check.plan.total, total, sizeof total, 1);
	if (pv->check.plan.approval == PTP_APPROVAL_PENDING)
		app_message(a, false, "Settlement of %s recorded: pending a lead's approval", total);
	else
		app_message(a, false, "Promise of %s recorded", total);
	app_account_changed(a, pv->acct.id);
	return REACT_CLOSE | REACT_REDRAW;
}

/* Every key goes here (the form is all typing): movement, the switch, Enter, Esc, or text. */
static unsigned
ptp_view_handle(struct view *v, enum action act, int key)
{
	struct ptp_view *pv = v->priv;

	(void)act;
	pv->notice[0] = '\0';
	if (key == '\t' || key == (KEYMAP_FUNC | KEY_DOWN)) {
		pv->sel = (pv->sel + 1) % ROWS;
		return REACT_REDRAW;
	}
	if (key == (KEYMAP_FUNC | KEY_UP) || key == (KEYMAP_FUNC | KEY_BTAB)) {
		pv->sel = (pv->sel + ROWS - 1) % ROWS;
		return REACT_REDRAW;
	}
	if (pv->sel == ROW_SETTLEMENT && key == ' ') {
		pv->settlement = !pv->settlement;
		pv->touched[ROW_SETTLEMENT] = true;
		revalidate(v);
		return REACT_REDRAW;
	}
	if (key == '\n')
		return save(v);
	if (key == 27) {
		app_message(v->app, false, "Promise cancelled: nothing recorded");
		return REACT_CLOSE | REACT_REDRAW;
	}
	if (pv->sel == ROW_SETTLEMENT)
		return REACT_NONE;
	if (input_key(pv->text[pv->sel], sizeof pv->text[pv->sel], key) == INPUT_EDITED) {
		pv->touched[pv->sel] = true;
		revalidate(v);
	}
	return REACT_REDRAW;
}

static void
ptp_view_title(struct view *v, char *buf, size_t len)
{
	const struct ptp_view *pv = v->priv;

	snprintf(buf, len, " Promise %s", pv->acct.id);
}

const struct view_ops view_ptp_ops = {
	.name = "ptp",
	.ctx = KEYCTX_GLOBAL,	/* every key is typed into the form */
	.private_size = sizeof(struct ptp_view),
	.open = ptp_view_open,
	.draw = ptp_view_draw,
	.handle = ptp_view_handle,
	.title = ptp_view_title,
};
