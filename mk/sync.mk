# The sync client (src/sync.c over libcurl) and `arrears login|sync|logout`; its unit suite and
# the client against a real arrearsd on loopback.
src_libarrears_a_SOURCES += src/sync.c src/sync.h
arrears_SOURCES += src/cmd_sync.c

check_PROGRAMS += tests/unit/check_sync tests/sync/notegen
tests_unit_check_sync_SOURCES = tests/unit/check_sync.c
tests_unit_check_sync_LDADD = $(UNIT_LDADD)
tests_unit_check_sync_CFLAGS = $(UNIT_CFLAGS)
tests_sync_notegen_SOURCES = tests/sync/notegen.c
tests_sync_notegen_LDADD = src/libarrears.a $(CORE_LIBS)

TESTS += tests/unit/check_sync tests/sync/client_sync.sh
EXTRA_DIST += tests/sync/client_sync.sh
