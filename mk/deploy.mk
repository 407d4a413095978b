# Running arrearsd for real (docs/DEPLOY.md): a SQLite book backed up while it serves, the
# epoch renewed after a restore, and the test that a restore loses no evidence, on both stores.
server_libarrearsd_a_SOURCES += server/book_admin.c server/book_admin.h
TESTS += tests/sync/backup.sh tests/sync/pg/backup.pg
EXTRA_DIST += tests/sync/backup.sh docs/DEPLOY.md
CLEANFILES += tests/sync/pg/backup.pg
