# The team lead's queue board (issue 6 items 3 and 5): figures computed once in src/board.c
# for the workstation and GET /v1/board, reassigning cases as events, the board view.
src_libarrears_a_SOURCES += src/board.c src/board.h src/board_cache.c \
	src/board_json.c src/board_json.h src/reassign.c src/reassign.h
server_libarrearsd_a_SOURCES += server/board_api.c server/board_api.h
MIGRATIONS += data/migrations/005_board.sql
ui_libarrears_ui_a_SOURCES += ui/view_board.c
arrears_SOURCES += src/cmd_reassign.c

check_PROGRAMS += tests/unit/check_board
TESTS += tests/unit/check_board tests/tui/board.sh tests/sync/board_sync.sh
EXTRA_DIST += tests/tui/board.sh tests/sync/board_sync.sh
tests_unit_check_board_SOURCES = tests/unit/check_board.c
tests_unit_check_board_LDADD = $(UNIT_LDADD)
tests_unit_check_board_CFLAGS = $(UNIT_CFLAGS)
