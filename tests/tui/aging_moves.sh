# aging_moves.sh - the aging view's movement and grouping: `s` asks for a day (a bad or late
# day is refused on the bottom line, Esc keeps what was shown), the In and Out columns are the
# figures of `arrears report aging --since`, and `g` cycles the grouping as `--by` does.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
make_cache "$T/cache.db"

# "band accounts in out" per row, in order, from the command line at the same clock.
run_env "$ARREARS" --cache "$T/cache.db" report aging --since 2026-02-08 --format csv |
	tr -d '\r' | awk -F, 'NR > 1 { print $2, $3, $6, $7 }' >"$T/want"
[ -s "$T/want" ] || fail "the report printed nothing"
awk '$3 != 0' "$T/want" | grep -q . || fail "nothing moved in the demo book; the test proves nothing"
run_env "$ARREARS" --cache "$T/cache.db" report aging --by product --format csv | tr -d '\r' |
	awk -F, '$2 == "total" { print $1 }' >"$T/want-groups"

start 110x32 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys a
wait_for "Aging at 2026-03-10  300 accounts"
refute_screen "Out"

# A day that does not exist, then one after the report's day: both refused, the line stays.
keys s
wait_for "Movement since (YYYY-MM-DD, empty for none)"
keys -l 2026-02-30
keys Enter
wait_for "Movement since: '2026-02-30' is not a date (YYYY-MM-DD)"
keys C-u
keys -l 2026-03-11
keys Enter
wait_for "is not before the report's day, 2026-03-10"
keys C-u
keys -l 2026-02-08
keys Enter
wait_for "Aging at 2026-03-10, moved since 2026-02-08  300 accounts"
# The title is painted before the rows reach tmux, so the rows are polled until they match.
rows() {
	screen | awk '$1 ~ /^(current|1-30|31-60|61-90|91-120|120\+|total)$/ { print $1, $2, $6, $7 }'
}
i=0
until rows >"$T/got" && cmp -s "$T/want" "$T/got"; do
	i=$((i + 1))
	[ "$i" -le $((WAIT_SECONDS * 20)) ] ||
		fail "the view's movement and the report's differ: $(diff "$T/want" "$T/got")"
	sleep 0.05
done

# Esc while typing keeps the movement shown.
keys s
wait_for "Movement since (YYYY-MM-DD"
keys -l 2026
keys Escape
wait_gone "Movement since (YYYY-MM-DD"
assert_screen "moved since 2026-02-08"

# g: product (the sets are the report's groups), segment, agent, team, state, and back to
# none.
keys g
wait_for "Aging at 2026-03-10 by product, moved since 2026-02-08"
# The sets that fit on the screen are the report's first groups, in its order.
groups() { screen | sed -n 's|^ \([a-z][a-z ]*/[A-Z][A-Z][A-Z]\) *$|\1|p'; }
i=0
until groups >"$T/got-groups" && [ -s "$T/got-groups" ] &&
	head -n "$(wc -l <"$T/got-groups")" "$T/want-groups" | cmp -s - "$T/got-groups"; do
	i=$((i + 1))
	[ "$i" -le $((WAIT_SECONDS * 20)) ] ||
		fail "the view's groups and the report's differ: $(diff "$T/want-groups" "$T/got-groups")"
	sleep 0.05
done
keys g
wait_for "Aging at 2026-03-10 by segment"
keys g
wait_for "Aging at 2026-03-10 by agent"
keys g
wait_for "Aging at 2026-03-10 by team"
keys g
wait_for "Aging at 2026-03-10 by state"
keys g
wait_for "Aging at 2026-03-10, moved since"

# An empty day clears the movement.
keys s
wait_for "Movement since (YYYY-MM-DD"
keys Enter
wait_for "Aging at 2026-03-10  300 accounts"
refute_screen "Out"
keys q
wait_for "Queue  300 of 300"
keys Q
assert_exited 0
