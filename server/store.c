#include "config.h"

#include <libpq-fe.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const char *const role_names[ROLE_COUNT] = {
	[ROLE_AGENT] = "agent",
	[ROLE_FIELD] = "field",
	[ROLE_LEAD] = "lead",
	[ROLE_QA] = "qa",
	[ROLE_ADMIN] = "admin",
};

const char *
server_role_name(enum server_role r)
{
	return (unsigned)r < ROLE_COUNT ? role_names[r] : "?";
}

int
server_role_parse(const char *s)
{
	for (int r = 0; r < ROLE_COUNT; r++)
		if (strcmp(s, role_names[r]) == 0)
			return r;
	return -1;
}

int
server_store_open(const struct server_config *c, enum server_store_mode mode,
		  struct server_store **out, struct err *e)
{
	*out = NULL;
	if (strcmp(c->store, "postgresql") == 0)
		return store_pg_open(c->conninfo, mode, out, e);
	return store_sqlite_open(c->database, mode, out, e);
}

const char *
server_book_name(const struct server_config *c)
{
	static char name[160];
	PQconninfoOption *opts;
	const char *db = NULL;

	if (strcmp(c->store, "postgresql") != 0)
		return c->database;
	if ((opts = PQconninfoParse(c->conninfo, NULL)) != NULL)
		for (PQconninfoOption *o = opts; o->keyword != NULL; o++)
			if (strcmp(o->keyword, "dbname") == 0)
				db = o->val;
	snprintf(name, sizeof name, "postgresql database %s", db != NULL ? db : "(the default)");
	PQconninfoFree(opts);
	return name;
}

void
server_store_close(struct server_store **s)
{
	if (s == NULL || *s == NULL)
		return;
	(*s)->ops->close(*s);
	*s = NULL;
}

char *
store_record_text(const struct wire_account *a, struct err *e)
{
	json_t *j = wire_account_encode(a, e);
	char *text;

	if (j == NULL)
		return NULL;
	json_object_del(j, "version");
	if ((text = json_dumps(j, JSON_SORT_KEYS | JSON_COMPACT)) == NULL)
		abort();
	json_decref(j);
	return text;
}

int
store_record_read(const char *text, int64_t version, struct wire_account *out, struct err *e)
{
	json_t *j = json_loads(text, 0, NULL);
	int rc;

	if (j == NULL)
		return err_set(e, "database: an account record is not JSON");
	json_object_set_new(j, "version", json_integer(version));
	rc = wire_account_decode(j, "$record", out, e);
	json_decref(j);
	return rc;
}

uint32_t
server_epoch_pick(uint32_t old)
{
	uint32_t epoch;

	do
		epoch = randombytes_random() & 0x7fffffff;
	while (epoch == 0 || epoch == old);
	return epoch;
}
