#!/bin/sh
# Every manual page renders without a groff warning.
set -u
cd "${top_srcdir:?}" || exit 1
passed=0 failed=0
for page in man/*.[0-9]; do
	warnings=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$page" 2>&1)
	if [ -n "$warnings" ]; then
		echo "FAIL: $page: $warnings" >&2
		failed=$((failed + 1))
	else
		passed=$((passed + 1))
	fi
done
echo "man_pages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
