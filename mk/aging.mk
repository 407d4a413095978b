# Aging (issue 6): the report written out once for the client, the server and the API; the
# movement and group tests; the 1,000,000-account bench beside its sqlite3 baseline.
src_libarrears_a_SOURCES += src/report_aging_out.c src/report_aging_out.h
server_libarrearsd_a_SOURCES += server/report.c server/report.h
TESTS += tests/sync/aging_server.sh
EXTRA_DIST += tests/sync/aging_server.sh
TESTS += tests/tui/aging_moves.sh
EXTRA_DIST += tests/tui/aging_moves.sh
EXTRA_DIST += bench/aging.sh
