# Check unit suites over libarrears, and the command-line tests of arrears.
UNIT_LDADD = src/libarrears.a $(CHECK_LIBS) $(CORE_LIBS)
UNIT_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

CORE_UNITS = tests/unit/check_basics tests/unit/check_store tests/unit/check_settings \
	tests/unit/check_queue tests/unit/check_demo
check_PROGRAMS += $(CORE_UNITS)
TESTS += $(CORE_UNITS) tests/cli/demo_cli.sh tests/cli/layering.sh tests/cli/man_keys.sh
EXTRA_DIST += tests/unit/testutil.h tests/cli/demo_cli.sh tests/cli/layering.sh \
	tests/cli/man_keys.sh scripts/man-keys.sh tests/cli/lib.sh

tests_unit_check_basics_SOURCES = tests/unit/check_basics.c
tests_unit_check_basics_LDADD = $(UNIT_LDADD)
tests_unit_check_basics_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_store_SOURCES = tests/unit/check_store.c
tests_unit_check_store_LDADD = $(UNIT_LDADD)
tests_unit_check_store_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_settings_SOURCES = tests/unit/check_settings.c
tests_unit_check_settings_LDADD = $(UNIT_LDADD)
tests_unit_check_settings_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_queue_SOURCES = tests/unit/check_queue.c
tests_unit_check_queue_LDADD = $(UNIT_LDADD)
tests_unit_check_queue_CFLAGS = $(UNIT_CFLAGS)
tests_unit_check_demo_SOURCES = tests/unit/check_demo.c
tests_unit_check_demo_LDADD = $(UNIT_LDADD)
tests_unit_check_demo_CFLAGS = $(UNIT_CFLAGS)

# Benchmarks are measurements, built on request (make bench/cache_bench), never run by check.
EXTRA_PROGRAMS += bench/cache_bench
bench_cache_bench_SOURCES = bench/cache_bench.c
bench_cache_bench_LDADD = src/libarrears.a $(CORE_LIBS)
CLEANFILES += bench/cache_bench

EXTRA_DIST += bench/run.sh bench/RESULTS.md
# `make bench`: the measurements of bench/RESULTS.md (never part of make check).
bench: all
	top_builddir='$(abs_top_builddir)' $(SHELL) $(srcdir)/bench/run.sh
.PHONY: bench
