/* report.c - the server's aging: the store sums, src/report_aging bands and orders, exactly
 * as the client does over its cache, so a client that synced the book sees the same report. */
#include "config.h"

#include "report.h"

int
server_report_aging(struct server_store *st, const char *team, enum aging_by by, int32_t as_of,
		    struct aging *out, struct err *e)
{
	struct bands b;

	bands_default(&b);
	aging_init(out, &b, by, as_of, AGING_NO_SINCE);
	if (st->ops->aging_scan(st, team, by, aging_add_row, out, e) != 0) {
		aging_free(out);
		return -1;
	}
	aging_finish(out);
	return 0;
}
