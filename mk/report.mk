# Oversight: the KPIs defined once, the aging report (`arrears report aging`) and its view.
src_libarrears_a_SOURCES += \
	src/kpi.c src/kpi.h \
	src/report_aging.c src/report_aging.h

arrears_SOURCES += src/cmd_report.c

REPORT_UNITS = tests/unit/check_kpi tests/unit/check_report
check_PROGRAMS += $(REPORT_UNITS)
TESTS += $(REPORT_UNITS) tests/cli/report_cli.sh
EXTRA_DIST += docs/KPIS.md tests/cli/report_cli.sh

tests_unit_check_kpi_SOURCES = tests/unit/check_kpi.c
tests_unit_check_kpi_LDADD = $(UNIT_LDADD)
tests_unit_check_kpi_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_report_SOURCES = tests/unit/check_report.c
tests_unit_check_report_LDADD = $(UNIT_LDADD)
tests_unit_check_report_CFLAGS = $(UNIT_CFLAGS)

# The aging view draws what report_aging.c computes; ui/ runs no SQL.
ui_libarrears_ui_a_SOURCES += ui/view_aging.c
TESTS += tests/tui/aging.sh
EXTRA_DIST += tests/tui/aging.sh
