# lib.sh - the harness of the command-line tests: a private home, counters, expect, finish.
# Sourced by tests/cli/*.sh, which run with top_srcdir and top_builddir in the environment.
set -u
arrears="${top_builddir:?}/arrears"
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT INT TERM
export HOME="$tmp/home" XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data"
passed=0 failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# expect CODE PATTERN -- command...: the exit code, and a line of its output (stdout or
# stderr) matching PATTERN unless it is empty. The output stays in $tmp/out and $tmp/err.
expect() {
	code=$1 pattern=$2
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$code" ]; then
		bad "$* exited $rc, wanted $code: $(cat "$tmp/out" "$tmp/err")"
	elif [ -n "$pattern" ] && ! cat "$tmp/out" "$tmp/err" | grep -q -- "$pattern"; then
		bad "$* said '$(cat "$tmp/out" "$tmp/err")', wanted /$pattern/"
	else
		ok
	fi
}

# finish NAME: the closing line, and the exit status of the test.
finish() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}
