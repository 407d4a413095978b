#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "csv.h"
#include "field_edit.h"
#include "import.h"
#include "money.h"
#include "tz.h"
#include "wire.h"

enum acol {
	AC_ACCOUNT_ID,
	AC_NAME,
	AC_BALANCE,
	AC_PAST_DUE,
	AC_DUE_DATE,
	AC_ASSIGNEE,
	AC_PRODUCT,
	AC_CURRENCY,
	AC_PHONE,
	AC_PHONE_KIND,
	AC_AUTODIAL_CONSENT,
	AC_SMS_CONSENT,
	AC_EMAIL,
	AC_EMAIL_CONSENT,
	AC_TIMEZONE,
	AC_STATE,
	AC_COUNTRY,
	AC_FLAGS,
	AC_COUNT
};

enum pcol {
	PC_ACCOUNT_ID,
	PC_AMOUNT,
	PC_PAID_ON,
	PC_REFERENCE,
	PC_COUNT
};

struct column {
	const char *name;
	int required;
};

static const struct column account_columns[AC_COUNT] = {
	[AC_ACCOUNT_ID] = { .name = "account_id", .required = 1 },
	[AC_NAME] = { .name = "name", .required = 1 },
	[AC_BALANCE] = { .name = "balance", .required = 1 },
	[AC_PAST_DUE] = { .name = "past_due", .required = 1 },
	[AC_DUE_DATE] = { .name = "due_date", .required = 1 },
	[AC_ASSIGNEE] = { .name = "assignee", .required = 1 },
	[AC_PRODUCT] = { .name = "product" },
	[AC_CURRENCY] = { .name = "currency" },
	[AC_PHONE] = { .name = "phone" },
	[AC_PHONE_KIND] = { .name = "phone_kind" },
	[AC_AUTODIAL_CONSENT] = { .name = "autodial_consent" },
	[AC_SMS_CONSENT] = { .name = "sms_consent" },
	[AC_EMAIL] = { .name = "email" },
	[AC_EMAIL_CONSENT] = { .name = "email_consent" },
	[AC_TIMEZONE] = { .name = "timezone" },
	[AC_STATE] = { .name = "state" },
	[AC_COUNTRY] = { .name = "country" },
	[AC_FLAGS] = { .name = "flags" },
};

static const struct column payment_columns[PC_COUNT] = {
	[PC_ACCOUNT_ID] = { .name = "account_id", .required = 1 },
	[PC_AMOUNT] = { .name = "amount", .required = 1 },
	[PC_PAID_ON] = { .name = "paid_on", .required = 1 },
	[PC_REFERENCE] = { .name = "reference", .required = 1 },
};

/* One import in progress: where problems go and how many there were. */
struct importer {
	const char *path;
	import_problem_fn fn;
	void *ctx;
	size_t problems;
	int map[AC_COUNT];	/* column -> field index, -1 when absent */
	size_t nfields;		/* fields of the header */
	struct csv_record *rec;
};

static void
problem(struct importer *im, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
problem(struct importer *im, int line, int column, const char *fmt, ...)
{
	char msg[600], text[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof msg, "%s:%d:%d: %s", im->path, line, column, text);
	im->problems++;
	im->fn(im->ctx, msg);
}

int
import_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 31)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Reads the header: every column known, none twice, every required one present. */
static int
header_map(struct importer *im, const struct column *cols, int ncols)
{
	struct csv_record *h = im->rec;
	size_t before = im->problems;

	for (int c = 0; c < ncols; c++)
		im->map[c] = -1;
	for (size_t i = 0; i < h->n; i++) {
		int found = -1;

		for (int c = 0; c < ncols; c++)
			if (strcmp(h->fields[i].text, cols[c].name) == 0)
				found = c;
		if (found < 0)
			problem(im, h->fields[i].line, h->fields[i].column, "unknown column '%s'",
				h->fields[i].text);
		else if (im->map[found] >= 0)
			problem(im, h->fields[i].line, h->fields[i].column, "column '%s' appears twice",
				h->fields[i].text);
		else
			im->map[found] = (int)i;
	}
	im->nfields = h->n;
	for (int c = 0; c < ncols; c++)
		if (cols[c].required && im->map[c] < 0)
			problem(im, h->line, 1, "required column '%s' is missing", cols[c].name);
	return im->problems == before ? 0 : -1;
}

/* The text of column c in the current record ("" when the column is absent), and where it is. */
static const char *
cell(struct importer *im, int c, int *line, int *column)
{
	int i = im->map[c];

	if (i < 0 || (size_t)i >= im->rec->n) {
		*line = im->rec->line;
		*column = 1;
		return "";
	}
	*line = im->rec->fields[i].line;
	*column = im->rec->fields[i].column;
	return im->rec->fields[i].text;
}

static int
parse_yes_no(const char *s, int *out)
{
	static const char *const yes[] = { "yes", "y", "true", "1" };
	static const char *const no[] = { "no", "n", "false", "0", "" };

	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return *out = 1, 0;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strcasecmp(s, no[i]) == 0)
			return *out = 0, 0;
	return -1;
}

/* Every zone of a ';'-separated list is one the tz database knows. */
static int
zones_check(struct importer *im, const char *s, int line, int column)
{
	char buf[ZONES_LEN], *tok, *save = NULL;
	int ok = 1;

	if (strlen(s) >= sizeof buf) {
		problem(im, line, column, "timezone: longer than %zu bytes", sizeof buf - 1);
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", s);
	for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
		if (!tz_valid(tok)) {
			problem(im, line, column, "timezone: '%s' is not an IANA time zone", tok);
			ok = 0;
		}
	return ok ? 0 : -1;
}

static int
text_into(struct importer *im, int c, char *dst, size_t len, int required)
{
	int line, column;
	const char *s = cell(im, c, &line, &column);

	if (required && *s == '\0') {
		problem(im, line, column, "%s: must not be empty", account_columns[c].name);
		return -1;
	}
	if (strlen(s) >= len) {
		problem(im, line, column, "%s: longer than %zu bytes", account_columns[c].name, len - 1);
		return -1;
	}
	snprintf(dst, len, "%s", s);
	return 0;
}

static int
money_into(struct importer *im, int c, const char *name, int64_t *out)
{
	int line, column;
	const char *s = cell(im, c, &line, &column);
	struct err e;

	if (money_parse(s, out, &e) != 0) {
		problem(im, line, column, "%s: '%s' is not an amount", name, s);
		return -1;
	}
	if (*out < 0) {
		problem(im, line, column, "%s: must not be negative", name);
		return -1;
	}
	return 0;
}

/* A record with another number of fields than the header is misaligned, whatever it holds. */
static int
width_check(struct importer *im)
{
	const struct csv_record *rec = im->rec;

	if (rec->n == im->nfields)
		return 0;
	problem(im, rec->line, rec->n > im->nfields ? rec->fields[im->nfields].column : 1,
		"%zu fields where the header has %zu", rec->n, im->nfields);
	return -1;
}

/* Writes an imported account without undoing what agents corrected: the edited fields keep
 * their values and versions, and open conflicts stay (docs/PROTOCOL.md "Editable fields"). */
static int
account_put_keeping_edits(struct server_store *st, struct wire_account *wa, int *changed,
			  struct err *e)
{
	struct wire_account old;
	int rc;

	if ((rc = st->ops->account_get(st, wa->account.id, &old, e)) < 0)
		return -1;
	if (rc == 0) {
		field_edit_carry(wa, &old);
		wire_account_clear(&old);
	}
	rc = st->ops->account_put(st, wa, changed, e);
	/* the contacts are the caller's; only the carried conflicts are this function's */
	free(wa->conflicts);
	wa->conflicts = NULL;
	wa->nconflicts = 0;
	return rc;
}

/* Turns the current record into an account; every problem of the record is reported. */
static int
account_row(struct importer *im, struct wire_account *wa, struct contact_point cps[2])
{
	struct account *a = &wa->account;
	size_t before = im->problems;
	int line, column, v, autodial = 0, sms = 0, emailc = 0;
	const char *s;
	struct err e;

	memset(wa, 0, sizeof *wa);
	memset(cps, 0, 2 * sizeof *cps);
	if (width_check(im) != 0)
		return -1;
	if (text_into(im, AC_ACCOUNT_ID, a->id, sizeof a->id, 1) == 0) {
		s = cell(im, AC_ACCOUNT_ID, &line, &column);
		if (strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
		    strlen(s))
			problem(im, line, column, "account_id: only letters, digits, '.', '_' and '-'");
	}
	text_into(im, AC_NAME, a->name, sizeof a->name, 1);
	money_into(im, AC_BALANCE, "balance", &a->total);
	money_into(im, AC_PAST_DUE, "past_due", &a->past_due);
	a->amount_due = a->past_due;
	s = cell(im, AC_DUE_DATE, &line, &column);
	if (date_parse(s, &a->due_date, &e) != 0)
		problem(im, line, column, "due_date: '%s' is not a YYYY-MM-DD date", s);
	s = cell(im, AC_ASSIGNEE, &line, &column);
	if (!import_name_valid(s))
		problem(im, line, column, "assignee: '%s' is not a user name", s);
	else
		snprintf(a->assignee, sizeof a->assignee, "%s", s);
	s = cell(im, AC_PRODUCT, &line, &column);
	if (*s == '\0')
		a->product = PRODUCT_CARD;
	else if ((v = wire_product_parse(s)) < 0)
		problem(im, line, column, "product: '%s' is not card, personal loan, auto or bnpl", s);
	else
		a->product = (enum product)v;
	s = cell(im, AC_CURRENCY, &line, &column);
	if (*s == '\0')
		s = "USD";
	if (strlen(s) != 3 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		problem(im, line, column, "currency: '%s' is not an ISO 4217 code", s);
	else
		snprintf(a->currency, sizeof a->currency, "%s", s);
	s = cell(im, AC_TIMEZONE, &line, &column);
	if (zones_check(im, s, line, column) == 0)
		snprintf(a->zones, sizeof a->zones, "%s", s);
	text_into(im, AC_STATE, a->region, sizeof a->region, 0);
	s = cell(im, AC_COUNTRY, &line, &column);
	if (*s != '\0' && (strlen(s) != 2 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 2))
		problem(im, line, column, "country: '%s' is not an ISO 3166 code", s);
	else
		snprintf(wa->country, sizeof wa->country, "%s", s);
	s = cell(im, AC_FLAGS, &line, &column);
	{
		char buf[256], *tok, *save = NULL;

		snprintf(buf, sizeof buf, "%s", s);
		for (tok = strtok_r(buf, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
			unsigned bit = account_flag_parse(tok);
			if (bit == 0)
				problem(im, line, column, "flags: '%s' is not a flag", tok);
			a->flags |= bit;
		}
	}
	s = cell(im, AC_AUTODIAL_CONSENT, &line, &column);
	if (parse_yes_no(s, &autodial) != 0)
		problem(im, line, column, "autodial_consent: '%s' is not yes or no", s);
	s = cell(im, AC_SMS_CONSENT, &line, &column);
	if (parse_yes_no(s, &sms) != 0)
		problem(im, line, column, "sms_consent: '%s' is not yes or no", s);
	s = cell(im, AC_EMAIL_CONSENT, &line, &column);
	if (parse_yes_no(s, &emailc) != 0)
		problem(im, line, column, "email_consent: '%s' is not yes or no", s);
	wa->contacts = cps;
	s = cell(im, AC_PHONE, &line, &column);
	if (*s != '\0') {
		struct contact_point *cp = &cps[wa->ncontacts++];
		const char *k = cell(im, AC_PHONE_KIND, &line, &column);

		v = *k ? wire_contact_kind_parse(k) : CONTACT_MOBILE;
		if (v != CONTACT_MOBILE && v != CONTACT_LANDLINE && v != CONTACT_WORK)
			problem(im, line, column, "phone_kind: '%s' is not mobile, landline or work", k);
		cp->kind = v < 0 ? CONTACT_MOBILE : (enum contact_kind)v;
		text_into(im, AC_PHONE, cp->value, sizeof cp->value, 0);
		snprintf(cp->zones, sizeof cp->zones, "%s", a->zones);
		cp->consent = (autodial ? CONSENT_AUTODIAL : 0u) | (sms ? CONSENT_SMS : 0u);
	}
	s = cell(im, AC_EMAIL, &line, &column);
	if (*s != '\0') {
		struct contact_point *cp = &cps[wa->ncontacts++];

		if (strchr(s, '@') == NULL || strchr(s, ' ') != NULL)
			problem(im, line, column, "email: '%s' is not an address", s);
		cp->kind = CONTACT_EMAIL;
		text_into(im, AC_EMAIL, cp->value, sizeof cp->value, 0);
		cp->consent = emailc ? CONSENT_EMAIL : 0u;
	}
	wa->version = 1;
	return im->problems == before ? 0 : -1;
}

/* A set of the account ids seen in one file, to refuse a file that names one twice. */
struct id_set {
	char (*slots)[ACCOUNT_ID_LEN];
	size_t cap, n;
};

static uint64_t
id_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

/* Adds id; 1 when it was there already. */
static int
id_set_add(struct id_set *set, const char *id)
{
	size_t i;

	if (set->n * 2 >= set->cap) {
		struct id_set bigger = { .cap = set->cap ? set->cap * 2 : 1024 };

		if ((bigger.slots = calloc(bigger.cap, sizeof *bigger.slots)) == NULL)
			abort();
		for (size_t k = 0; k < set->cap; k++)
			if (set->slots[k][0] != '\0')
				id_set_add(&bigger, set->slots[k]);
		free(set->slots);
		*set = bigger;
	}
	for (i = id_hash(id) & (set->cap - 1); set->slots[i][0] != '\0'; i = (i + 1) & (set->cap - 1))
		if (strcmp(set->slots[i], id) == 0)
			return 1;
	snprintf(set->slots[i], ACCOUNT_ID_LEN, "%s", id);
	set->n++;
	return 0;
}

static int
reject_write(FILE *out, const struct csv_record *rec)
{
	const char *fields[CSV_MAX_FIELDS];

	for (size_t i = 0; i < rec->n; i++)
		fields[i] = rec->fields[i].text;
	return csv_write_record(out, fields, rec->n);
}

/* Opens im->path, reads its header row into im->rec and maps it onto cols. 0, 1 when the
 * header has problems (reported through im), or -1 with e filled; *in and *rd are the
 * caller's to close either way. */
static int
import_open(struct importer *im, FILE **in, struct csv_reader **rd, const struct column *cols,
	    int ncols, struct err *e)
{
	struct err ce;
	int rc;

	if ((*in = fopen(im->path, "rb")) == NULL)
		return err_set(e, "%s: %s", im->path, strerror(errno));
	*rd = csv_reader_new(*in, im->path);
	if ((rc = csv_read(*rd, im->rec, &ce)) <= 0)
		return rc == 0 ? err_set(e, "%s: empty file: a header row is needed", im->path)
			       : err_set(e, "%s", ce.msg);
	return header_map(im, cols, ncols) != 0 ? 1 : 0;
}

int
import_accounts(struct server_store *st, const char *path, const char *rejects,
		struct import_report *r, import_problem_fn fn, void *ctx, struct err *e)
{
	struct importer im = { .path = path, .fn = fn, .ctx = ctx };
	struct csv_record rec = { 0 };
	struct csv_reader *rd = NULL;
	struct id_set ids = { 0 };
	FILE *in = NULL, *rej = NULL;
	int rc, ret = -1, in_tx = 0;
	struct err ce;

	memset(r, 0, sizeof *r);
	im.rec = &rec;
	if ((ret = import_open(&im, &in, &rd, account_columns, AC_COUNT, e)) != 0)
		goto out;
	ret = -1;
	if (rejects != NULL) {
		if ((rej = fopen(rejects, "w")) == NULL) {
			err_set(e, "%s: %s", rejects, strerror(errno));
			goto out;
		}
		reject_write(rej, &rec);
	}
	/* one transaction: a refused file leaves the book exactly as it was */
	if (st->ops->begin(st, e) != 0)
		goto out;
	in_tx = 1;
	while ((rc = csv_read(rd, &rec, &ce)) != 0) {
		struct wire_account wa;
		struct contact_point cps[2];
		int changed, line, column;

		r->rows++;
		if (rc < 0) {
			im.problems++;
			fn(ctx, ce.msg);
			r->rejected++;
			continue;
		}
		if (account_row(&im, &wa, cps) != 0) {
			r->rejected++;
			if (rej != NULL)
				reject_write(rej, &rec);
			continue;
		}
		if (id_set_add(&ids, wa.account.id)) {
			cell(&im, AC_ACCOUNT_ID, &line, &column);
			problem(&im, line, column, "account_id: %s appears earlier in the file",
				wa.account.id);
			r->rejected++;
			if (rej != NULL)
				reject_write(rej, &rec);
			continue;
		}
		if (account_put_keeping_edits(st, &wa, &changed, e) != 0)
			goto out;
		if (changed)
			r->written++;
		else
			r->unchanged++;
	}
	if (im.problems > 0 && rejects == NULL) {
		ret = 1;
		goto out;
	}
	if (rej != NULL && (fflush(rej) != 0 || ferror(rej))) {
		err_set(e, "%s: write error", rejects);
		goto out;
	}
	if (st->ops->commit(st, e) != 0)
		goto out;
	in_tx = 0;
	ret = 0;
out:
	if (in_tx)
		st->ops->rollback(st);
	if (ret != 0) {
		r->written = r->unchanged = 0;
	}
	if (rej != NULL)
		fclose(rej);
	free(ids.slots);
	csv_record_clear(&rec);
	csv_reader_free(&rd);
	if (in != NULL)
		fclose(in);
	return ret;
}

int
import_payments(struct server_store *st, const char *path, struct import_report *r,
		import_problem_fn fn, void *ctx, struct err *e)
{
	struct importer im = { .path = path, .fn = fn, .ctx = ctx };
	struct csv_record rec = { 0 };
	struct csv_reader *rd = NULL;
	FILE *in = NULL;
	int rc, ret = -1, in_tx = 0;
	struct err ce;
	int64_t now = clock_now();

	memset(r, 0, sizeof *r);
	im.rec = &rec;
	if ((ret = import_open(&im, &in, &rd, payment_columns, PC_COUNT, e)) != 0)
		goto out;
	ret = -1;
	if (st->ops->begin(st, e) != 0)
		goto out;
	in_tx = 1;
	while ((rc = csv_read(rd, &rec, &ce)) != 0) {
		struct wire_account wa;
		const char *id, *amount, *paid_on, *ref;
		int l1, c1, l2, c2, l3, c3, l4, c4, dup, found;
		int64_t cents = 0;
		int32_t day = 0;
		size_t before = im.problems;

		r->rows++;
		if (rc < 0 || width_check(&im) != 0) {
			if (rc < 0) {
				im.problems++;
				fn(ctx, ce.msg);
			}
			r->rejected++;
			continue;
		}
		id = cell(&im, PC_ACCOUNT_ID, &l1, &c1);
		amount = cell(&im, PC_AMOUNT, &l2, &c2);
		paid_on = cell(&im, PC_PAID_ON, &l3, &c3);
		ref = cell(&im, PC_REFERENCE, &l4, &c4);
		if ((found = st->ops->account_get(st, id, &wa, e)) < 0)
			goto out;
		wire_account_clear(&wa);
		if (found == 1)
			problem(&im, l1, c1, "account_id: no account '%s' in the book", id);
		if (money_parse(amount, &cents, &ce) != 0 || cents <= 0)
			problem(&im, l2, c2, "amount: '%s' is not a positive amount", amount);
		if (date_parse(paid_on, &day, &ce) != 0)
			problem(&im, l3, c3, "paid_on: '%s' is not a YYYY-MM-DD date", paid_on);
		if (*ref == '\0' || strlen(ref) > 64)
			problem(&im, l4, c4, "reference: must be 1 to 64 bytes");
		if (im.problems != before) {
			r->rejected++;
			continue;
		}
		if (st->ops->payment_add(st, ref, id, cents, day, now, &dup, e) != 0)
			goto out;
		if (dup)
			r->unchanged++;
		else
			r->written++;
	}
	if (im.problems > 0) {
		ret = 1;
		goto out;
	}
	if (st->ops->commit(st, e) != 0)
		goto out;
	in_tx = 0;
	ret = 0;
out:
	if (in_tx)
		st->ops->rollback(st);
	if (ret != 0)
		r->written = r->unchanged = 0;
	csv_record_clear(&rec);
	csv_reader_free(&rd);
	if (in != NULL)
		fclose(in);
	return ret;
}
