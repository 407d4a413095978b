#!/bin/sh
# The KEYS section of arrears(1) is what scripts/man-keys.sh makes of the action table
# (ui/actions.def): the table is the one source, and the page must follow it.
set -u
page="${top_srcdir:?}/man/arrears.1"
want=$(sh "$top_srcdir/scripts/man-keys.sh" "${top_builddir:?}/arrears") || { echo "FAIL: man-keys.sh" >&2; exit 1; }
have=$(sed -n '/^\.\\" keys: begin/,/^\.\\" keys: end/p' "$page" | sed '1d;$d')
if [ -n "$want" ] && [ "$want" = "$have" ]; then
	echo "man_keys: 1 passed, 0 failed"
else
	printf '%s\n' "$want" > want.$$; printf '%s\n' "$have" > have.$$
	diff -u have.$$ want.$$ >&2; rm -f want.$$ have.$$
	echo "FAIL: man/arrears.1 KEYS differ from the action table; run scripts/man-keys.sh ./arrears" >&2
	echo "man_keys: 0 passed, 1 failed"
	exit 1
fi
