/* signed_heads.c - re-verifies the heads a device signed, so an audit shows not only that the
 * chain is intact but that this device vouched for it up to a given link. */
#include "config.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "device_key.h"
#include "signed_heads.h"
#include "store.h"

int
signed_heads_verify(struct store *s, const char *key_public, struct signed_heads_report *r,
		    struct err *e)
{
	sqlite3_stmt *st;
	int rc;

	memset(r, 0, sizeof *r);
	if (sqlite3_prepare_v2(store_db(s), "SELECT h.device, h.seq, h.hash, h.signature, "
					    "h.public_key, coalesce(ev.hash, '') FROM signed_heads h "
					    "LEFT JOIN events ev ON ev.device = h.device AND "
					    "ev.seq = h.seq ORDER BY h.device, h.seq", -1, &st,
			       NULL) != SQLITE_OK)
		return err_set(e, "%s", sqlite3_errmsg(store_db(s)));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *device = (const char *)sqlite3_column_text(st, 0);
		int64_t seq = sqlite3_column_int64(st, 1);
		const char *hash = (const char *)sqlite3_column_text(st, 2);
		const char *pk = (const char *)sqlite3_column_text(st, 4);
		const char *held = (const char *)sqlite3_column_text(st, 5);
		struct err ve;

		r->heads++;
		r->last_seq = seq;
		snprintf(r->public_key, sizeof r->public_key, "%s", pk);
		if (r->problem[0] != '\0')
			continue;
		if (device_key_verify_head(pk, device, seq, hash,
					   (const char *)sqlite3_column_text(st, 3), &ve) != 0)
			snprintf(r->problem, sizeof r->problem, "signed head %s #%lld: %s", device,
				 (long long)seq, ve.msg);
		else if (strcmp(held, hash) != 0)
			snprintf(r->problem, sizeof r->problem, "signed head %s #%lld: %s", device,
				 (long long)seq, held[0] ? "the cache's event there has another hash"
							 : "no event at that link in the cache");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "%s", sqlite3_errmsg(store_db(s)));
	/* older heads may carry a key since reset; the newest must be the device's own */
	if (r->problem[0] == '\0' && r->heads > 0 && key_public != NULL &&
	    strcmp(r->public_key, key_public) != 0)
		snprintf(r->problem, sizeof r->problem, "the newest signed head (#%lld) was signed "
			 "with another key than the device's key file", (long long)r->last_seq);
	return r->problem[0] != '\0';
}
