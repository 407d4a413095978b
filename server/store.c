#include "config.h"

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
server_store_open(const char *database, enum server_store_mode mode, struct server_store **out,
		  struct err *e)
{
	*out = NULL;
	if (strncmp(database, "postgresql:", 11) == 0 || strncmp(database, "postgres:", 9) == 0)
		return err_set(e, "%s: the PostgreSQL store is not built into this arrearsd",
			       database);
	return store_sqlite_open(database, mode, out, e);
}

void
server_store_close(struct server_store **s)
{
	if (s == NULL || *s == NULL)
		return;
	(*s)->ops->close(*s);
	*s = NULL;
}
