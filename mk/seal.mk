# Sealed personal data in the client cache (names, contact points, event bodies): src/seal.c,
# its unit tests, and the CLI test that a copied cache file alone reveals none of them.
src_libarrears_a_SOURCES += src/seal.c src/seal.h

SEAL_UNITS = tests/unit/check_seal
check_PROGRAMS += $(SEAL_UNITS)
TESTS += $(SEAL_UNITS) tests/cli/seal_cli.sh
EXTRA_DIST += tests/cli/seal_cli.sh

tests_unit_check_seal_SOURCES = tests/unit/check_seal.c
tests_unit_check_seal_LDADD = $(UNIT_LDADD)
tests_unit_check_seal_CFLAGS = $(UNIT_CFLAGS)
