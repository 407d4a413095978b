# aging.sh - the aging view: `a` from the queue shows the same figures as `arrears report
# aging`, Enter on a cell opens the queue on that cell's accounts (its band, and its currency
# and group when there are several), and bars are ASCII without colour.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
make_cache "$T/cache.db"

# The command-line report at the same frozen clock: "band accounts" per row, in order.
run_env "$ARREARS" --cache "$T/cache.db" report aging --format csv | tr -d '\r' |
	awk -F, 'NR > 1 { print $2, $3 }' >"$T/want"
[ -s "$T/want" ] || fail "the report printed nothing"
# the cells drilled into below: the first set's 31-60, and by product the second set's 1-30
cell() {
	run_env "$ARREARS" --cache "$T/cache.db" report aging "$@" --format csv | tr -d '\r' |
		awk -F, -v want="$want" '$2 == want && !done { print $1, $3; done = 1 }'
}
want=31-60
set -- $(cell)
first_set=$1 in_band=$2
want=1-30
set -- $(cell --by product)
[ "${1%/*}" = auto ] || fail "the first product set is $1"
set -- $(run_env "$ARREARS" --cache "$T/cache.db" report aging --by product --format csv |
	tr -d '\r' | awk -F, '$2 == "1-30" { n++ } n == 2 { print $1, $3; exit }')
product_set=$1 in_product=$2

start 110x32 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys a
wait_for "Aging at 2026-03-10  300 accounts"
assert_screen "Band"
assert_screen "Past due"
screen | awk '$1 ~ /^(current|1-30|31-60|61-90|91-120|120\+|total)$/ { print $1, $2 }' >"$T/got"
cmp -s "$T/want" "$T/got" || fail "the view and the report differ: $(diff "$T/want" "$T/got")"

# The first set's 31-60 row, two down from current: the queue filtered to 31-60 in that set's
# currency alone.
keys j j Enter
wait_for "Queue  $in_band of 300"
assert_screen "band 31-60"
assert_screen "only $first_set"
keys c
wait_for "Queue  300 of 300"
# By product, the second set's 1-30 (the 8th row): that product and currency, that band.
keys a
wait_for "Aging at 2026-03-10"
keys g
wait_for "by product"
keys j j j j j j j Enter
wait_for "Queue  $in_product of 300"
assert_screen "only product ${product_set%/*} ${product_set#*/}"
keys Escape
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
