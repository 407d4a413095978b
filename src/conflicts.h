/* conflicts.h - the cache's copy of client-editable fields: each field's version and the
 * open conflicts as the last pull brought them, read by the views; and the pull's side,
 * which replaces them account by account (docs/PROTOCOL.md "Editable fields"). */
#ifndef ARREARS_CONFLICTS_H
#define ARREARS_CONFLICTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "wire.h"

struct store;

/* One open conflict with the value it disagrees with. */
struct conflict_row {
	char id[40];
	char account[ACCOUNT_ID_LEN];
	enum wire_field field;
	char current[WIRE_FIELD_VALUE_LEN];	/* what the record holds */
	char value[WIRE_FIELD_VALUE_LEN];	/* what the edit wanted */
	char by[32];
	int64_t at;
	int64_t base;
};

/* The open conflicts of one account (account NULL: of every account), by account then time,
 * into a new array (*out, free with free()). 0 or -1. */
int conflicts_list(struct store *s, const char *account, struct conflict_row **out, size_t *n,
		   struct err *e);

/* Each editable field's version for the account (0 when never edited). 0 or -1. */
int field_versions_get(struct store *s, const char *account, int64_t out[WIRE_FIELD_COUNT],
		       struct err *e);

/* The statements one pull uses, prepared once. */
struct conflicts_pull;

struct conflicts_pull *conflicts_pull_new(struct store *s, struct err *e);
void conflicts_pull_free(struct conflicts_pull **p);

/* 1 when this device has an edit or a resolve of the account that the server has not
 * answered for yet (in the outbox or not even queued), 0 when not, -1. While one is, the
 * pull keeps the party's editable fields and the conflicts as the cache has them: the
 * server's copy does not know of it yet. */
int conflicts_pull_pending(struct conflicts_pull *p, const char *account, struct err *e);

/* The accounts this device has edits or resolves of in the outbox, into a new array (*ids,
 * free with free()): those the sync fetches again after the push. 0 or -1. */
int conflicts_pending_accounts(struct store *s, char (**ids)[ACCOUNT_ID_LEN], size_t *n,
			       struct err *e);

/* Replaces the field versions and conflicts of the cache's account rowid with w's; fresh:
 * the account was just inserted, so it has none to replace. */
int conflicts_pull_store(struct conflicts_pull *p, int64_t rowid, int fresh,
			 const struct wire_account *w, struct err *e);

#endif
