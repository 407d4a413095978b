# ui/: the ncurses workstation over libarrears; the only place that includes curses.
noinst_LIBRARIES += ui/libarrears-ui.a
ui_libarrears_ui_a_SOURCES = \
	ui/ui.h \
	ui/actions.def \
	ui/keymap.c ui/keymap.h \
	ui/theme.c ui/theme.h \
	ui/text.c ui/text.h \
	ui/input.c ui/input.h \
	ui/when.c ui/when.h \
	ui/view.h ui/list.c \
	ui/app.c ui/app.h \
	ui/status.c \
	ui/view_queue.c \
	ui/view_account.c \
	ui/view_timeline.c \
	ui/view_help.c \
	ui/view_script.c \
	ui/view_ptp.c \
	ui/work.c
ui_libarrears_ui_a_CFLAGS = $(AM_CFLAGS) $(NCURSES_CFLAGS)

THEMES = themes/default.conf themes/high-contrast.conf themes/mono.conf
nobase_dist_pkgdata_DATA += $(THEMES)

# TUI tests drive the real binary in tmux; the CLI error tests need no terminal.
TUI_TESTS = \
	tests/tui/walkthrough.sh \
	tests/tui/search.sh \
	tests/tui/signals.sh \
	tests/tui/bad_config.sh \
	tests/tui/bad_cache.sh \
	tests/tui/no_contact.sh \
	tests/tui/contact_policy.sh \
	tests/tui/work_call.sh \
	tests/tui/work_case.sh
TESTS += $(TUI_TESTS)
EXTRA_DIST += tests/tui/lib.sh $(TUI_TESTS)

# The first-paint benchmark is built on demand (make bench/first_paint), never by make check.
EXTRA_PROGRAMS += bench/first_paint
bench_first_paint_SOURCES = bench/first_paint.c
bench_first_paint_LDADD = -lutil
CLEANFILES += bench/first_paint
