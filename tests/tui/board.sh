# board.sh - the queue board as a lead on the demo book: B from the queue shows every agent
# with the team totals, the sparkline is ASCII without colour, and marking two of an agent's
# cases and reassigning them moves them in the cache with an event each. An agent gets no
# board.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 not found: skipped"; exit 77; }
mkdir -p "$T/home/.config/arrears"
printf 'user = "lee";\nrole = "lead";\n' >"$T/home/.config/arrears/arrears.conf"
make_cache "$T/cache.db"
q() { sqlite3 "$T/cache.db" "$1"; }
count_of() { q "SELECT count(*) FROM assignments WHERE assignee = '$1'"; }
[ "$(q 'SELECT count(DISTINCT assignee) FROM assignments')" = 8 ] ||
	fail "the lead's demo book is not spread over 8 agents"
avery=$(count_of avery)
blake=$(count_of blake)

# Without colour: ASCII sparklines, as the aging bars are.
cat >"$T/mono.sh" <<WRAP
#!/bin/sh
NO_COLOR=1 exec "$ARREARS" "\$@"
WRAP
chmod +x "$T/mono.sh"
ARREARS="$T/mono.sh"
start 100x30 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys B
wait_for "Board at 2026-03-10  9 agents, 300 cases"
assert_screen "Agent     Queue"
assert_screen "Worked 14d"
assert_screen "from cache, never synced"
for who in avery blake casey devon emery finley harper jordan lee north south all; do
	screen | grep -qE "^$who " || fail "no row for $who"
done
north=$(q "SELECT count(*) FROM assignments WHERE assignee IN ('avery', 'blake', 'casey', 'devon')")
screen | grep -qE "^north +$north " || fail "north's total is not $north"
screen | grep -qE "^all +300 " || fail "the total row is not 300"
# Each agent worked on some day of the 14: a sparkline of ASCII levels, no block elements.
screen | grep -E '^avery ' | grep -qE '[.:=+*#-]+ *$' || fail "no ASCII sparkline on avery's row"
! screen | grep -q '▁\|▂\|▃\|▄\|▅\|▆\|▇\|█' || fail "block elements under NO_COLOR"

# Enter on avery (the first row): their cases; mark two, reassign them to blake (1).
keys Enter
wait_for "Board: avery's cases  $avery"
keys m m
wait_for "2 marked"
keys r
wait_for "Reassign 2 cases to: 1 blake 2 casey 3 devon 4 lee"
keys 1
wait_for "reassigned 2 cases to blake"
wait_for "Board: avery's cases  $((avery - 2))"
[ "$(count_of avery)" = $((avery - 2)) ] && [ "$(count_of blake)" = $((blake + 2)) ] ||
	fail "the cache did not move two cases: avery $(count_of avery), blake $(count_of blake)"
[ "$(q "SELECT count(*) FROM events WHERE kind = 'reassign' AND user = 'lee'
	AND json_extract(unseal(body, 'events', id), '\$.to') = 'blake'")" = 2 ] 2>/dev/null ||
	[ "$(q "SELECT count(*) FROM events WHERE kind = 'reassign' AND user = 'lee'")" = 2 ] ||
	fail "no two reassign events"
# Esc cancels a pick; q goes back to the board, which shows the move.
keys r
wait_for "Reassign 1 case to:"
keys Escape
wait_gone "Reassign 1 case to:"
keys q
wait_for "Board at 2026-03-10"
screen | grep -qE "^avery +$((avery - 2)) " || fail "the board does not show avery's new queue"
keys q
wait_for "Queue  300 of 300"
keys Q
assert_exited 0
tm kill-session -t t

# An agent: the board is refused with the reason, the queue stays.
printf 'user = "ann";\nrole = "agent";\n' >"$T/home/.config/arrears/arrears.conf"
start 100x30 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys B
wait_for "board: leads and admins only (you: a"
keys Q
assert_exited 0
echo "board: 1 passed, 0 failed"
