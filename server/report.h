/* report.h - the server's reports over the whole book (or a team's part of it), computed by
 * src/report_aging from rows the store hands over. */
#ifndef ARREARS_SERVER_REPORT_H
#define ARREARS_SERVER_REPORT_H

#include <stdint.h>

#include "report_aging.h"
#include "store.h"

/* Fills out with the aging of the book at day as_of in the default bands, grouped by by:
 * every account when team is NULL, else the accounts of team's members. Free with
 * aging_free. 0 or -1. */
int server_report_aging(struct server_store *st, const char *team, enum aging_by by,
			int32_t as_of, struct aging *out, struct err *e);

#endif
