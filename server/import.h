/* import.h - the book from CSV files: accounts (any column order) and payments. */
#ifndef ARREARS_SERVER_IMPORT_H
#define ARREARS_SERVER_IMPORT_H

#include <stddef.h>

#include "err.h"
#include "store.h"

struct import_report {
	size_t rows;		/* data records read */
	size_t written;		/* new or changed accounts; recorded payments */
	size_t unchanged;	/* accounts identical to the book; repeated payment references */
	size_t rejected;	/* bad records */
};

/* Receives one "file:line:column: message" per problem found. */
typedef void (*import_problem_fn)(void *ctx, const char *msg);

/* Imports an accounts CSV in one transaction. With bad records and rejects == NULL nothing is
 * imported and 1 is returned; with rejects, the good records are imported and the bad ones
 * written there (header included). Every problem goes to fn. 0, 1, or -1 on a failure. */
int import_accounts(struct server_store *st, const char *path, const char *rejects,
		    struct import_report *r, import_problem_fn fn, void *ctx, struct err *e);

/* Imports a payments CSV (account_id, amount, paid_on, reference) in one transaction; a
 * reference already recorded is skipped. Any bad record refuses the file (1). */
int import_payments(struct server_store *st, const char *path, struct import_report *r,
		    import_problem_fn fn, void *ctx, struct err *e);

/* True when s is a usable user or assignee name: 1 to 31 of [A-Za-z0-9._-]. */
int import_name_valid(const char *s);

#endif
