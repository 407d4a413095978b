# Segments, strategies and message templates as data (issue 7): the model layer and
# `arrears strategy`.
src_libarrears_a_SOURCES += \
	src/problems.c src/problems.h \
	src/conf_member.c src/conf_member.h \
	src/sms.c src/sms.h \
	src/template.c src/template.h \
	src/strategy.c src/strategy.h \
	src/strategy_load.c

arrears_SOURCES += src/cmd_strategy.c

# Looked up at run time like call scripts and scorecards, so they can change without a build.
strategiesdir = $(pkgdatadir)/strategies
dist_strategies_DATA = data/strategies/default.conf
templatesdir = $(pkgdatadir)/templates
dist_templates_DATA = data/templates/en.conf data/templates/es.conf

dist_man_MANS += man/arrears-strategy.5

STRATEGY_UNITS = tests/unit/check_strategy tests/unit/check_template
check_PROGRAMS += $(STRATEGY_UNITS)
TESTS += $(STRATEGY_UNITS) tests/cli/strategy_cli.sh
EXTRA_DIST += tests/cli/strategy_cli.sh

tests_unit_check_strategy_SOURCES = tests/unit/check_strategy.c
tests_unit_check_strategy_LDADD = $(UNIT_LDADD)
tests_unit_check_strategy_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_template_SOURCES = tests/unit/check_template.c
tests_unit_check_template_LDADD = $(UNIT_LDADD)
tests_unit_check_template_CFLAGS = $(UNIT_CFLAGS)
