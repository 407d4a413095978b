#include "config.h"

#include <jansson.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "csv_write.h"
#include "export.h"
#include "model.h"
#include "money.h"
#include "store.h"

static const char *
text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	return t ? (const char *)t : "";
}

static void
flags_text(unsigned flags, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < AFLAG_COUNT_; i++) {
		if (!(flags & (1u << i)))
			continue;
		int n = snprintf(buf + off, len - off, "%s%s", off ? ";" : "", account_flag_name(1u << i));
		if (n < 0 || (size_t)n >= len - off)
			break;
		off += (size_t)n;
	}
}

int
export_accounts_csv(struct store *s, FILE *out, struct err *e)
{
	static const char *const header[] = { "account_id", "name", "balance", "past_due", "due_date",
		"assignee", "product", "currency", "phone", "phone_kind", "email", "timezone", "state",
		"flags" };
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	char money[32], date[16], flags[128];
	int rc;
	const size_t ncols = sizeof header / sizeof header[0];

	/* the first phone and the first email of the party stand for it */
	if (sqlite3_prepare_v2(db,
		"SELECT a.ext_id, unseal(p.name, 'parties', p.id), b.total, b.past_due, a.due_date, coalesce(s.assignee,''), "
		"a.product, a.currency, "
		"(SELECT unseal(value, 'contact_points', c.id) FROM contact_points c WHERE c.party_id = p.id AND c.kind IN (0,1,2) ORDER BY c.id LIMIT 1), "
		"(SELECT kind FROM contact_points c WHERE c.party_id = p.id AND c.kind IN (0,1,2) ORDER BY c.id LIMIT 1), "
		"(SELECT unseal(value, 'contact_points', c.id) FROM contact_points c WHERE c.party_id = p.id AND c.kind = 3 ORDER BY c.id LIMIT 1), "
		"p.zones, a.region, a.flags "
		"FROM accounts a JOIN parties p ON p.id = a.party_id JOIN balances b ON b.account_id = a.id "
		"LEFT JOIN assignments s ON s.account_id = a.id ORDER BY a.ext_id", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	csv_write_record(out, header, ncols);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char past_due[32];

		flags_text((unsigned)sqlite3_column_int(st, 13), flags, sizeof flags);
		const char *const fields[] = { text(st, 0), text(st, 1),
			money_format(sqlite3_column_int64(st, 2), money, sizeof money, 0),
			money_format(sqlite3_column_int64(st, 3), past_due, sizeof past_due, 0),
			date_format(sqlite3_column_int(st, 4), date, sizeof date), text(st, 5),
			product_name((enum product)sqlite3_column_int(st, 6)), text(st, 7), text(st, 8),
			sqlite3_column_type(st, 9) == SQLITE_NULL ? ""
				: contact_kind_name((enum contact_kind)sqlite3_column_int(st, 9)),
			text(st, 10), text(st, 11), text(st, 12), flags };
		csv_write_record(out, fields, ncols);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "%s", sqlite3_errmsg(db));
	return ferror(out) ? err_set(e, "write error") : 0;
}

int
export_events_jsonl(struct store *s, FILE *out, struct err *e)
{
	sqlite3 *db = store_db(s);
	sqlite3_stmt *st;
	char at[32];
	int rc;

	if (sqlite3_prepare_v2(db, "SELECT id, device, seq, account_id, kind, user, at, "
				   "unseal(body, 'events', id), prev_hash, hash FROM events "
				   "ORDER BY device, seq", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		json_t *body = json_loads(text(st, 7), 0, NULL);
		json_t *obj = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o, s:s, s:s}",
			"id", text(st, 0), "device", text(st, 1), "seq", (json_int_t)sqlite3_column_int64(st, 2),
			"account_id", text(st, 3), "kind", text(st, 4), "user", text(st, 5),
			"at", time_format_rfc3339(sqlite3_column_int64(st, 6), at, sizeof at),
			"body", body ? body : json_object(), "prev_hash", text(st, 8), "hash", text(st, 9));
		if (obj == NULL) {
			sqlite3_finalize(st);
			return err_set(e, "event %s cannot be exported", text(st, 0));
		}
		json_dumpf(obj, out, JSON_SORT_KEYS | JSON_COMPACT);
		fputc('\n', out);
		json_decref(obj);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "%s", sqlite3_errmsg(db));
	return ferror(out) ? err_set(e, "write error") : 0;
}
