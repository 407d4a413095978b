# arrearsd: the HTTPS server (libmicrohttpd + GnuTLS), its store, CSV import, and the wire
# codec it shares with the client (src/wire.c, part of libarrears).
src_libarrears_a_SOURCES += src/wire.c src/wire.h

# Everything of the server but main(), so unit tests and tools link the same objects.
noinst_LIBRARIES += server/libarrearsd.a
server_libarrearsd_a_SOURCES = \
	server/server.h \
	server/conf.c \
	server/log.c \
	server/csv.c server/csv.h \
	server/store.c server/store.h \
	server/store_sqlite.c \
	server/import.c server/import.h \
	server/api.c server/api.h \
	server/http.c
server_libarrearsd_a_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(GNUTLS_CFLAGS) $(LIBPQ_CFLAGS)

sbin_PROGRAMS = arrearsd
arrearsd_SOURCES = server/arrearsd.c
arrearsd_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS)
arrearsd_LDADD = server/libarrearsd.a src/libarrears.a $(MHD_LIBS) $(GNUTLS_LIBS) $(LIBPQ_LIBS) \
	$(CORE_LIBS) \
	-lpthread

dist_man_MANS += man/arrearsd.8
EXTRA_DIST += docs/PROTOCOL.md

# Unit suites of the codec and the CSV reader; the server on loopback with real TLS.
SERVER_UNITS = tests/unit/check_wire tests/unit/check_csv
check_PROGRAMS += $(SERVER_UNITS) tests/sync/evgen
tests_unit_check_wire_SOURCES = tests/unit/check_wire.c
tests_unit_check_wire_LDADD = $(UNIT_LDADD)
tests_unit_check_wire_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_csv_SOURCES = tests/unit/check_csv.c
tests_unit_check_csv_LDADD = server/libarrearsd.a $(LIBPQ_LIBS) $(UNIT_LDADD)
tests_unit_check_csv_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_csv_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
tests_sync_evgen_SOURCES = tests/sync/evgen.c
tests_sync_evgen_LDADD = src/libarrears.a $(CORE_LIBS)

SERVER_TESTS = tests/sync/server_basic.sh
TESTS += $(SERVER_UNITS) $(SERVER_TESTS)
EXTRA_DIST += $(SERVER_TESTS) tests/sync/lib.sh
