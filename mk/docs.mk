# Manual pages, installed by make install; checked to render without warnings.
dist_man_MANS += man/arrears.1 man/arrears.conf.5
EXTRA_DIST += docs/ARCHITECTURE.md tests/cli/man_pages.sh
TESTS += tests/cli/man_pages.sh
