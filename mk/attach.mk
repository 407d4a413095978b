# Device keys (Ed25519 signed chain heads) and attachments (content-addressed blobs, uploaded
# resumably): the client side in libarrears, the server's blob files, `arrears attach`, the
# unit suite and the loopback test.
src_libarrears_a_SOURCES += src/device_key.c src/device_key.h src/attach.c src/attach.h \
	src/signed_heads.c src/signed_heads.h
server_libarrearsd_a_SOURCES += server/blobs.c server/blobs.h server/devices.c server/devices.h
arrears_SOURCES += src/cmd_attach.c

MIGRATIONS += data/migrations/004_device_keys.sql

check_PROGRAMS += tests/unit/check_attach
tests_unit_check_attach_SOURCES = tests/unit/check_attach.c
tests_unit_check_attach_LDADD = server/libarrearsd.a $(LIBPQ_LIBS) $(UNIT_LDADD)
tests_unit_check_attach_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_attach_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server

TESTS += tests/unit/check_attach tests/sync/attach_sync.sh
EXTRA_DIST += tests/sync/attach_sync.sh
