# Quality review: scorecards as data, call records, qa_score events, the QA view.
src_libarrears_a_SOURCES += \
	src/qa_card.c src/qa_card.h \
	src/qa.c src/qa.h

ui_libarrears_ui_a_SOURCES += ui/view_qa.c

MIGRATIONS += data/migrations/006_qa.sql

# Scorecards are looked up by name at run time, like call scripts.
qadir = $(pkgdatadir)/qa
dist_qa_DATA = data/qa/default.conf

dist_man_MANS += man/arrears-qa.5
EXTRA_DIST += docs/QA.md

QA_UNITS = tests/unit/check_qa
check_PROGRAMS += $(QA_UNITS)
TESTS += $(QA_UNITS) tests/tui/qa_review.sh tests/sync/qa_server.sh
EXTRA_DIST += tests/tui/qa_review.sh tests/sync/qa_server.sh

tests_unit_check_qa_SOURCES = tests/unit/check_qa.c
tests_unit_check_qa_LDADD = $(UNIT_LDADD)
tests_unit_check_qa_CFLAGS = $(UNIT_CFLAGS)

check_PROGRAMS += tests/sync/qagen
tests_sync_qagen_SOURCES = tests/sync/qagen.c
tests_sync_qagen_LDADD = src/libarrears.a $(CORE_LIBS)
