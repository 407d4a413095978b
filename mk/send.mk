# Message providers (issue 7 item 4): email over SMTP and SMS over an HTTP API, both through
# libcurl, with failures kept in a dead-letter spool; `arrearsd send-test` and
# `arrearsd dispatch failures|replay`; the unit suite and the loopback test against a real
# SMTP server (python3-aiosmtpd) and an HTTPS sink.
server_libarrearsd_a_SOURCES += server/send.c server/send.h server/send_provider.h \
	server/send_smtp.c server/send_sms.c server/mail_message.c server/mail_message.h \
	server/sms_body.c server/sms_body.h server/dead_letter.c server/dead_letter.h \
	server/secret_file.c server/secret_file.h server/send_cmd.c server/send_cmd.h

check_PROGRAMS += tests/unit/check_send
tests_unit_check_send_SOURCES = tests/unit/check_send.c
tests_unit_check_send_LDADD = server/libarrearsd.a $(UNIT_LDADD)
tests_unit_check_send_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_send_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server

SEND_TESTS = tests/sync/send.sh
TESTS += tests/unit/check_send $(SEND_TESTS)
EXTRA_DIST += $(SEND_TESTS) tests/sync/smtp_sink.py tests/sync/http_sink.py
