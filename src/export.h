/* export.h - the book and its evidence as text: CSV in the book-import columns, JSON lines. */
#ifndef ARREARS_EXPORT_H
#define ARREARS_EXPORT_H

#include <stdio.h>

#include "err.h"

struct store;

/* Writes every account as CSV with a header (account_id, name, balance, past_due, due_date,
 * assignee, product, currency, phone, phone_kind, email, timezone, state, flags), RFC 4180
 * quoting. 0 or -1. */
int export_accounts_csv(struct store *s, FILE *out, struct err *e);

/* Writes every event, one canonical JSON object per line, in device chain order. 0 or -1. */
int export_events_jsonl(struct store *s, FILE *out, struct err *e);

#endif
