# aging.sh - the aging view: `a` from the queue shows the same figures as `arrears report
# aging`, Enter on a band opens the queue filtered to it, and bars are ASCII without colour.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
make_cache "$T/cache.db"

# The command-line report at the same frozen clock: "band accounts" per row, in order.
run_env "$ARREARS" --cache "$T/cache.db" report aging --format csv | tr -d '\r' |
	awk -F, 'NR > 1 { print $2, $3 }' >"$T/want"
[ -s "$T/want" ] || fail "the report printed nothing"
in_band=$(run_env "$ARREARS" --cache "$T/cache.db" report aging --format csv | tr -d '\r' |
	awk -F, '$2 == "31-60" { n += $3 } END { print n }')

start 110x32 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys a
wait_for "Aging at 2026-03-10  300 accounts"
assert_screen "Band"
assert_screen "Past due"
screen | awk '$1 ~ /^(current|1-30|31-60|61-90|91-120|120\+|total)$/ { print $1, $2 }' >"$T/got"
cmp -s "$T/want" "$T/got" || fail "the view and the report differ: $(diff "$T/want" "$T/got")"

# The first set's 31-60 row, two down from current: the queue filtered to 31-60 in every
# currency.
keys j j Enter
wait_for "Queue  $in_band of 300"
assert_screen "band 31-60"
keys c
wait_for "Queue  300 of 300"
keys Q
assert_exited 0
tm kill-session -t t

# Without colour the bars are '#', one per band with a positive share.
cat >"$T/mono.sh" <<WRAP
#!/bin/sh
NO_COLOR=1 exec "$ARREARS" "\$@"
WRAP
chmod +x "$T/mono.sh"
ARREARS="$T/mono.sh"
start 110x32 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys a
wait_for "Aging at 2026-03-10"
screen | grep -qE '^ *120\+ .*%  *#+ *$' || fail "no ASCII bar on the 120+ row"
screen | grep -qE '^ *total .*%$' || fail "the total row has a bar"
keys q
wait_for "Queue  300 of 300"
keys Q
assert_exited 0
