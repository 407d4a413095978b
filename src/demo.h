/* demo.h - a deterministic, realistic demo book for trying arrears without a server. */
#ifndef ARREARS_DEMO_H
#define ARREARS_DEMO_H

#include <stdint.h>

#include "err.h"

struct store;

struct demo_params {
	int accounts;
	uint64_t seed;
	int32_t as_of;		/* day the book is "today" for; dpd and history are relative to it */
	const char *assignee;	/* user the accounts are assigned to, when not crew */
	int crew;		/* spread the accounts over the demo's two teams of four agents,
				 * with today's work, and make assignee the lead of the first */
};

struct demo_summary {
	int64_t accounts, contacts, events, promises, payments;
};

/* Writes a new book into an empty cache in one transaction. Same params, same book. */
int demo_generate(struct store *s, const struct demo_params *p, struct demo_summary *out,
		  struct err *e);

#endif
