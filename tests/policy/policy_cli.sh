#!/bin/sh
# Golden tests of `arrears policy eval`, calcurse style. Each golden/NAME.in.json goes to stdin
# (with the options in NAME.args, if any). With NAME.out.json the command must exit 0 and print
# exactly that; with NAME.err it must exit 2 (bad input) and print exactly that on stderr.
set -u
: "${top_srcdir:?run from make check}" "${top_builddir:?run from make check}"

bin=$top_builddir/arrears
golden=$top_srcdir/tests/policy/golden
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0
count=0

for input in "$golden"/*.in.json; do
	name=$(basename "$input" .in.json)
	args=
	[ -f "$golden/$name.args" ] && args=$(cat "$golden/$name.args")
	# No user config may choose the profile: point the config lookup at an empty directory.
	# shellcheck disable=SC2086 # args holds several words on purpose
	env HOME="$tmp" XDG_CONFIG_HOME="$tmp" "$bin" policy eval $args \
		<"$input" >"$tmp/stdout" 2>"$tmp/stderr"
	status=$?
	count=$((count + 1))
	if [ -f "$golden/$name.err" ]; then
		want_status=2
		want=$golden/$name.err
		got=$tmp/stderr
	else
		want_status=0
		want=$golden/$name.out.json
		got=$tmp/stdout
	fi
	if [ "$status" -ne "$want_status" ]; then
		echo "FAIL $name: exit $status, want $want_status" >&2
		cat "$tmp/stderr" >&2
		fail=1
	elif ! diff -u "$want" "$got" >&2; then
		echo "FAIL $name: output differs (diff above)" >&2
		fail=1
	fi
done
echo "policy_cli: $count cases"
exit $fail
