/* book_admin.c - `arrearsd backup FILE` (a consistent copy of a SQLite book taken while the
 * server runs, through SQLite's online backup) and `arrearsd epoch [renew]` (the book's epoch;
 * renewed after a restore, so every client pulls anew and pushes its whole chain again, and
 * evidence accepted after the backup comes back from the devices that hold it). */
#include "config.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "book_admin.h"
#include "store.h"

/* Copies the book at src into a new file dst, page by page under SQLite's backup API (a
 * snapshot of one moment, whatever writers do meanwhile), then makes dst durable. */
static int
backup_sqlite(const char *src, const char *dst, struct err *e)
{
	sqlite3 *from = NULL, *to = NULL;
	sqlite3_backup *b;
	int rc, fd;

	if (access(dst, F_OK) == 0)
		return err_set(e, "%s: exists; a backup never overwrites a file", dst);
	if (sqlite3_open_v2(src, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		err_set(e, "%s: %s", src, sqlite3_errmsg(from));
		goto out;
	}
	if (sqlite3_open_v2(dst, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
	    SQLITE_OK) {
		err_set(e, "%s: %s", dst, sqlite3_errmsg(to));
		goto out;
	}
	sqlite3_busy_timeout(from, 5000);
	if ((b = sqlite3_backup_init(to, "main", from, "main")) == NULL) {
		err_set(e, "%s: %s", dst, sqlite3_errmsg(to));
		goto out;
	}
	/* all pages in one step: the copy is of one moment of the book */
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(50);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		err_set(e, "%s: backup: %s", src, sqlite3_errstr(rc));
		goto out;
	}
	sqlite3_close(to);
	to = NULL;
	if ((fd = open(dst, O_RDONLY)) < 0 || fsync(fd) != 0) {
		err_set(e, "%s: cannot make it durable", dst);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	sqlite3_close(from);
	return 0;
out:
	sqlite3_close(to);
	sqlite3_close(from);
	if (to != NULL || access(dst, F_OK) == 0)
		unlink(dst);
	return -1;
}

int
book_backup(const struct server_config *c, const char *dst, struct err *e)
{
	if (strcmp(c->store, "sqlite") != 0)
		return err_set(e, "backup: the %s store is backed up with its own tools "
			       "(pg_dump -Fc; docs/DEPLOY.md)", c->store);
	return backup_sqlite(c->database, dst, e);
}

int
book_epoch(const struct server_config *c, int renew, uint32_t *out, struct err *e)
{
	struct server_store *st = NULL;
	int rc;

	if (server_store_open(c, SERVER_STORE_OPEN, &st, e) != 0)
		return -1;
	if (!renew)
		rc = st->ops->epoch(st, out, e);
	else if ((rc = st->ops->begin(st, e)) == 0 &&
		 ((rc = st->ops->epoch_renew(st, out, e)) != 0 || (rc = st->ops->commit(st, e)) != 0))
		st->ops->rollback(st);
	server_store_close(&st);
	return rc;
}
