# The sync client (src/sync.c over libcurl) and `arrears login|sync|logout`; its unit suite and
# the client against a real arrearsd on loopback.
src_libarrears_a_SOURCES += src/sync.c src/sync.h src/sync_http.c src/sync_http.h \
	src/sync_oversight.c src/sync_oversight.h
arrears_SOURCES += src/cmd_sync.c

check_PROGRAMS += tests/unit/check_sync tests/sync/notegen
tests_unit_check_sync_SOURCES = tests/unit/check_sync.c
tests_unit_check_sync_LDADD = $(UNIT_LDADD)
tests_unit_check_sync_CFLAGS = $(UNIT_CFLAGS)
tests_sync_notegen_SOURCES = tests/sync/notegen.c
tests_sync_notegen_LDADD = src/libarrears.a $(CORE_LIBS)

TESTS += tests/unit/check_sync tests/sync/client_sync.sh
EXTRA_DIST += tests/sync/client_sync.sh
MIGRATIONS += data/migrations/007_oversight.sql

# A lead's and a reviewer's sync: the server's board and the call records to review.
check_PROGRAMS += tests/sync/callgen
tests_sync_callgen_SOURCES = tests/sync/callgen.c
tests_sync_callgen_LDADD = src/libarrears.a $(CORE_LIBS)
TESTS += tests/tui/oversight_sync.sh
EXTRA_DIST += tests/tui/oversight_sync.sh
