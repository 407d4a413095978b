# Payment links and the gateway webhook (issue 7, item 6): the pure signing code in libarrears,
# the server's route and command, and their tests.
src_libarrears_a_SOURCES += \
	src/paylink.c src/paylink.h \
	src/webhook_sig.c src/webhook_sig.h

server_libarrearsd_a_SOURCES += server/payments.c server/payments.h

PAYMENT_UNITS = tests/unit/check_paylink tests/unit/check_webhook_sig
check_PROGRAMS += $(PAYMENT_UNITS)
TESTS += $(PAYMENT_UNITS)

tests_unit_check_paylink_SOURCES = tests/unit/check_paylink.c
tests_unit_check_paylink_LDADD = $(UNIT_LDADD)
tests_unit_check_paylink_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_webhook_sig_SOURCES = tests/unit/check_webhook_sig.c
tests_unit_check_webhook_sig_LDADD = $(UNIT_LDADD)
tests_unit_check_webhook_sig_CFLAGS = $(UNIT_CFLAGS)

TESTS += tests/sync/payments.sh tests/sync/pg/payments.pg
CLEANFILES += tests/sync/pg/payments.pg
EXTRA_DIST += tests/sync/payments.sh
