# Client-editable fields and their conflict records (issue 5 item 3b): the rules shared by
# both sides, the server's merge, the cache's copy, and editing and resolving in the views.
src_libarrears_a_SOURCES += src/field_edit.c src/field_edit.h src/conflicts.c src/conflicts.h
server_libarrearsd_a_SOURCES += server/edit_api.c server/edit_api.h
MIGRATIONS += data/migrations/008_conflicts.sql
arrears_SOURCES += src/cmd_edit.c
TESTS += tests/sync/edit_sync.sh
EXTRA_DIST += tests/sync/edit_sync.sh
TESTS += tests/sync/pg/edit_sync.pg
CLEANFILES += tests/sync/pg/edit_sync.pg
