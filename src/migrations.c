#include "config.h"

#include <sqlite3.h>
#include <stdio.h>

#include "migrations.h"
#include "migrations.inc"

int
migrations_count(void)
{
	return (int)(sizeof migration_sql / sizeof migration_sql[0]);
}

int
migrations_version(sqlite3 *db, int *version, struct err *e)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);

	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW)
		*version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return err_set(e, "%s", sqlite3_errmsg(db));
	return 0;
}

int
migrations_apply(sqlite3 *db, int *newer, struct err *e)
{
	int version = 0, count = migrations_count();
	char *msg = NULL;

	*newer = 0;
	if (migrations_version(db, &version, e) != 0)
		return -1;
	if (version > count) {
		*newer = 1;
		return err_set(e, "made by a newer arrears (schema %d; this one knows up to %d)",
			       version, count);
	}
	for (int i = version; i < count; i++) {
		char bump[64];

		snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", i + 1);
		/* One transaction per step: a failed step leaves the previous version intact. */
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, migration_sql[i], NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, bump, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			err_set(e, "migration %03d failed: %s", i + 1, msg ? msg : sqlite3_errmsg(db));
			sqlite3_free(msg);
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
			return -1;
		}
	}
	return 0;
}
