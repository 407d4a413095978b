# Evidence audits and faults: `arrearsd verify`, and real processes on loopback killed, cut
# off and replayed (tests/sync/faults.sh), plus the security cases the basic tests leave out.
server_libarrearsd_a_SOURCES += server/verify.c server/verify.h

check_PROGRAMS += tests/sync/bulkgen
tests_sync_bulkgen_SOURCES = tests/sync/bulkgen.c
tests_sync_bulkgen_LDADD = src/libarrears.a $(CORE_LIBS)

FAULT_TESTS = tests/sync/verify.sh tests/sync/faults.sh tests/sync/security.sh
TESTS += $(FAULT_TESTS)
EXTRA_DIST += $(FAULT_TESTS) tests/sync/cutproxy.py
