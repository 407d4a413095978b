# walkthrough.sh - the collector's path: queue, account, timeline, back, help, resize to
# 80x24, next case, quit with the terminal restored.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
make_cache "$T/cache.db"

start 100x30 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
assert_screen "Next action"
assert_screen "Contact"			# the last-contact column fits at 100 columns
assert_screen "never synced"
assert_screen "cache.db"
assert_screen "Tue 15:00"		# the frozen clock, in the status bar
line 3 | grep -q '^ *1 ' || fail "the first row is not rank 1"
# The why line names the selected account and its score.
first=$(screen | sed -n 's/^ #1 \([^:]*\): score .*/\1/p')
[ -n "$first" ] || fail "no why line for the selected row"

keys Enter
wait_for "Account $first"
wait_for "Contact points"
assert_screen "calling hours 08:00-21:00"
screen | grep -Eq '(in hours|outside hours)' || fail "no calling-hours verdict"

keys t
wait_for "Timeline $first"
screen | grep -Eq '^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] ' || fail "no dated events"

keys q
wait_for "Account $first"
keys Escape
wait_for "Queue  300 of 300"

keys '?'
wait_for "Global keys"
assert_screen "next-case"
assert_screen "Queue keys"
keys q
wait_for "Queue  300 of 300"

tm resize-window -t t -x 80 -y 24
wait_gone "Contact "
wait_for "Queue  300 of 300"
assert_screen "Next action"
[ "$(screen | wc -l)" -eq 24 ] || fail "the screen is not 24 lines"
line 24 | grep -q "never synced" || fail "the status bar is not on the last line"
# wc -L counts display columns, two for each CJK character.
[ "$(screen | LC_ALL=C.UTF-8 wc -L)" -le 80 ] || fail "a line is wider than 80 columns"

# n continues after the last case opened (the first), and the queue follows it.
keys n
wait_for "Contact points"
second=$(line 1 | sed -n 's/^ Account \([^ ]*\) .*/\1/p')
[ -n "$second" ] && [ "$second" != "$first" ] || fail "n did not open the next case"
keys q
wait_for " #2 $second: score"
keys n
wait_gone "Account $second"
wait_for "Contact points"
keys q
wait_for " #3 "

keys Q
assert_exited 0
