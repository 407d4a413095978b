# The contact-policy engine: rules in the library, profiles compiled in, `arrears policy`.
src_libarrears_a_SOURCES += \
	src/policy.c src/policy.h \
	src/policy_profile.c src/policy_profile.h \
	src/policy_json.c src/policy_json.h
nodist_src_libarrears_a_SOURCES += src/policy_profiles.inc
BUILT_SOURCES += src/policy_profiles.inc
CLEANFILES += src/policy_profiles.inc

POLICY_PROFILES = \
	data/policy/us-regf.conf \
	data/policy/us-ma.conf \
	data/policy/us-nyc.conf \
	data/policy/uk-fca.conf
EXTRA_DIST += $(POLICY_PROFILES) scripts/embed-text.sh docs/POLICY.md
nobase_dist_pkgdata_DATA += $(POLICY_PROFILES)

# The profiles are compiled in, so `arrears policy eval` needs no data files at run time.
src/policy_profiles.inc: $(POLICY_PROFILES) $(srcdir)/scripts/embed-text.sh
	$(AM_V_GEN)$(MKDIR_P) src && $(SHELL) $(srcdir)/scripts/embed-text.sh data/policy \
		$(addprefix $(srcdir)/,$(POLICY_PROFILES)) > $@.tmp && mv $@.tmp $@

arrears_SOURCES += src/cmd_policy.c

check_PROGRAMS += tests/unit/check_policy
tests_unit_check_policy_SOURCES = tests/unit/check_policy.c
tests_unit_check_policy_LDADD = src/libarrears.a $(CHECK_LIBS) $(CORE_LIBS)
tests_unit_check_policy_CFLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS)

TESTS += tests/unit/check_policy tests/policy/policy_cli.sh
EXTRA_DIST += tests/policy/policy_cli.sh tests/policy/golden

# Built only on request (`make bench/policy_bench`): a measurement, not a test.
EXTRA_PROGRAMS += bench/policy_bench
bench_policy_bench_SOURCES = bench/policy_bench.c
bench_policy_bench_LDADD = src/libarrears.a $(CORE_LIBS)
CLEANFILES += bench/policy_bench
