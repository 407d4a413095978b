# The PostgreSQL store (server/store_pg*.c). The server's tests run a second
# time against it: tests/sync/pg/NAME.pg is a build-time copy of tests/sync/NAME.sh, run with
# ARREARS_TEST_STORE=postgresql, so tests/sync/lib.sh gives the script a throwaway cluster
# (Debian's postgresql) instead of book.db. Same script, other store.
server_libarrearsd_a_SOURCES += server/store_pg.c server/store_pg.h server/store_pg_sql.c \
	server/store_pg_read.c server/store_pg_schema.c
PG_STORE_TESTS = tests/sync/pg/server_basic.pg tests/sync/pg/client_sync.pg \
	tests/sync/pg/concurrency.pg tests/sync/pg/faults.pg tests/sync/pg/security.pg \
	tests/sync/pg/verify.pg tests/sync/pg/attach_sync.pg tests/sync/pg/board_sync.pg \
	tests/sync/pg/qa_server.pg tests/sync/pg/aging_server.pg
TEST_EXTENSIONS += .pg
PG_LOG_COMPILER = env ARREARS_TEST_STORE=postgresql $(SHELL)
tests/sync/pg/%.pg: tests/sync/%.sh
	$(AM_V_GEN)$(MKDIR_P) $(@D) && cp $< $@
CLEANFILES += $(PG_STORE_TESTS)

# Only PostgreSQL has several arrearsd on one book: pushes through two of them at once.
TESTS += $(PG_STORE_TESTS) tests/sync/pg_instances.sh
EXTRA_DIST += tests/sync/pg_instances.sh
