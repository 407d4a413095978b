#!/bin/sh
# The dependency rule, checked: src/ never includes curses, ui/ never touches SQL or JSON
# directly, and nothing in src/ includes a ui/ header except the composition root arrears.c.
set -u
cd "${top_srcdir:?}" || exit 1
fail=0
if grep -lE '#include[[:space:]]*[<"](n?curses|ncursesw/|curses)' src/*.c src/*.h; then
	echo "FAIL: the files above in src/ include curses" >&2
	fail=1
fi
if grep -lE '#include[[:space:]]*[<"](sqlite3|jansson)\.h' ui/*.c ui/*.h 2>/dev/null; then
	echo "FAIL: the files above in ui/ use SQLite or jansson directly" >&2
	fail=1
fi
if grep -lE '#include[[:space:]]*"(ui|app|view|keymap|theme)\.h"' src/*.c src/*.h | grep -v '^src/arrears.c$'; then
	echo "FAIL: the files above in src/ depend on ui/" >&2
	fail=1
fi
[ "$fail" = 0 ] && echo "layering: 1 passed, 0 failed"
exit "$fail"
