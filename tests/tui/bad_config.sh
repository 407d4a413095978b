# bad_config.sh - a bad key binding, a config syntax error and a bad theme each stop arrears
# before the screen is taken, with one line naming the file and line. No terminal needed.
. "$top_srcdir/tests/tui/lib.sh"
make_cache "$T/cache.db"

# expect_error CONFIG-TEXT PATTERN: arrears exits 2 with exactly one line matching PATTERN.
expect_error() {
	printf '%s\n' "$1" >"$T/arrears.conf"
	set +e
	run_env "$ARREARS" --config "$T/arrears.conf" --cache "$T/cache.db" \
		</dev/null >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ "$rc" -eq 2 ] || { cat "$T/err" >&2; fail "exit $rc, not 2, for: $1"; }
	[ ! -s "$T/out" ] || fail "unexpected output on stdout"
	[ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err" >&2; fail "not one line of error"; }
	grep -Eq -- "$2" "$T/err" || { cat "$T/err" >&2; fail "error does not match '$2'"; }
}

expect_error 'keys = { frobnicate = "x"; };' \
	"^arrears: $T/arrears.conf:1: keys: unknown action 'frobnicate'\$"
expect_error '
keys = {
  open = "o";
  sort = "NoSuchKey";
};' "^arrears: $T/arrears.conf:4: keys: sort: cannot parse key 'NoSuchKey'\$"
# libconfig notices the missing brace at the end of the file.
expect_error 'keys = { open = "o" ' "^arrears: $T/arrears.conf:[12]: syntax error\$"
expect_error 'theme = "no-such-theme";' "^arrears: theme 'no-such-theme': no such theme"

printf 'statusbar = { fg = "purple"; };\n' >"$T/bad-theme.conf"
expect_error "theme = \"$T/bad-theme.conf\";" \
	"^arrears: $T/bad-theme.conf:1: statusbar.fg: unknown colour 'purple'\$"
printf 'statusbar = { fg = "black";\n' >"$T/bad-theme.conf"
expect_error "theme = \"$T/bad-theme.conf\";" "^arrears: $T/bad-theme.conf:[12]: syntax error\$"
printf 'no_such_role = { fg = "black"; };\n' >"$T/bad-theme.conf"
expect_error "theme = \"$T/bad-theme.conf\";" \
	"^arrears: $T/bad-theme.conf:1: unknown role 'no_such_role'\$"

# Good bindings and every shipped theme pass the same checks: the run then fails only for
# want of a terminal, after the checks.
for theme in default high-contrast mono; do
	printf 'theme = "%s";\nkeys = { open = ["o", "Enter"]; back = "C-x"; };\n' "$theme" \
		>"$T/arrears.conf"
	set +e
	run_env TERM=dumb-no-such-term "$ARREARS" --config "$T/arrears.conf" \
		--cache "$T/cache.db" </dev/null >"$T/out" 2>"$T/err"
	set -e
	grep -q "cannot use terminal type" "$T/err" ||
		{ cat "$T/err" >&2; fail "theme $theme or the bindings were refused"; }
done
