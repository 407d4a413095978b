# Strategy runs on the server (issue 7): `arrearsd run`, its schedule in serve, the file sink
# provider its tests send through (send.h has the real ones), and the tests.
server_libarrearsd_a_SOURCES += \
	server/send_file.c server/send_file.h \
	server/run_history.c server/run_history.h \
	server/run_decide.c server/run_decide.h \
	server/run.c server/run.h \
	server/run_job.c server/run_job.h \
	server/run_cmd.c server/run_cmd.h \
	server/run_schedule.c server/run_schedule.h

RUN_TESTS = tests/sync/run.sh
TESTS += $(RUN_TESTS) tests/sync/pg/run.pg
EXTRA_DIST += $(RUN_TESTS)

check_PROGRAMS += tests/unit/check_run
TESTS += tests/unit/check_run
tests_unit_check_run_SOURCES = tests/unit/check_run.c
tests_unit_check_run_LDADD = server/libarrearsd.a $(UNIT_LDADD)
tests_unit_check_run_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_run_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/server
