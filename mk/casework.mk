# Working a case: call scripts, promises to pay, casework events, and `arrears audit`.
src_libarrears_a_SOURCES += \
	src/script.c src/script_load.c src/script.h \
	src/ptp.c src/ptp.h \
	src/casework.c src/casework.h

arrears_SOURCES += src/cmd_audit.c

# Scripts are looked up by name at run time, so they install flat under pkgdatadir/scripts.
scriptsdir = $(pkgdatadir)/scripts
dist_scripts_DATA = \
	data/scripts/us-early.conf \
	data/scripts/us-late-settlement.conf \
	data/scripts/uk-arrears.conf \
	data/scripts/wrong-party.conf

dist_man_MANS += man/arrears-scripts.5

CASEWORK_UNITS = tests/unit/check_script tests/unit/check_ptp tests/unit/check_casework
check_PROGRAMS += $(CASEWORK_UNITS)
TESTS += $(CASEWORK_UNITS) tests/cli/audit_cli.sh
EXTRA_DIST += tests/cli/audit_cli.sh

tests_unit_check_script_SOURCES = tests/unit/check_script.c
tests_unit_check_script_LDADD = $(UNIT_LDADD)
tests_unit_check_script_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_ptp_SOURCES = tests/unit/check_ptp.c
tests_unit_check_ptp_LDADD = $(UNIT_LDADD)
tests_unit_check_ptp_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_casework_SOURCES = tests/unit/check_casework.c
tests_unit_check_casework_LDADD = $(UNIT_LDADD)
tests_unit_check_casework_CFLAGS = $(UNIT_CFLAGS)
