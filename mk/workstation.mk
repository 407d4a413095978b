# The workstation's side of the contact policy: facts from the cache, the queue sweep, and the
# evidence of contacts started and overridden (src/contactability); its tests and bench.
src_libarrears_a_SOURCES += src/contactability.c src/contactability.h \
	src/contact_facts.c src/contact_facts.h

check_PROGRAMS += tests/unit/check_contactability
tests_unit_check_contactability_SOURCES = tests/unit/check_contactability.c
tests_unit_check_contactability_LDADD = $(UNIT_LDADD)
tests_unit_check_contactability_CFLAGS = $(UNIT_CFLAGS)
TESTS += tests/unit/check_contactability

# Built only on request (`make bench/contact_bench`): a measurement, not a test.
EXTRA_PROGRAMS += bench/contact_bench
bench_contact_bench_SOURCES = bench/contact_bench.c
bench_contact_bench_LDADD = src/libarrears.a $(CORE_LIBS)
CLEANFILES += bench/contact_bench
