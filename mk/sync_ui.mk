# Sync in the workstation (issue 5, the TUI part): the sync state read from the cache, a sync
# run in a child process, the status bar's sync line and the sync view; their unit suite and
# the tmux tests against a real arrearsd on loopback.
src_libarrears_a_SOURCES += src/sync_status.c src/sync_status.h src/sync_job.c src/sync_job.h
ui_libarrears_ui_a_SOURCES += ui/app_sync.c ui/view_sync.c

check_PROGRAMS += tests/unit/check_sync_status
tests_unit_check_sync_status_SOURCES = tests/unit/check_sync_status.c
tests_unit_check_sync_status_LDADD = $(UNIT_LDADD)
tests_unit_check_sync_status_CFLAGS = $(UNIT_CFLAGS)

SYNC_UI_TESTS = tests/tui/sync.sh
TESTS += tests/unit/check_sync_status $(SYNC_UI_TESTS)
EXTRA_DIST += $(SYNC_UI_TESTS)
