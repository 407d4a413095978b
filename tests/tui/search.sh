# search.sh - incremental search: filters as you type, Esc cancels, Enter keeps, c clears.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
make_cache "$T/cache.db"

start 100x30 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys j j
id=$(screen | sed -n 's/^ #3 \([^:]*\): score .*/\1/p')
[ -n "$id" ] || fail "no why line for the third row"

keys /
wait_for "/"
keys -l "$id"
wait_for "Queue  1 of 300"
wait_for " #1 $id: score"
keys Escape
wait_for "Queue  300 of 300"
assert_screen "search -"

keys / 
keys -l "$id"
wait_for "Queue  1 of 300"
keys Enter
wait_for "search \"$id\""
keys Enter
wait_for "Account $id"
keys q
wait_for "Queue  1 of 300"

# A search that matches nothing says so rather than showing an empty list.
keys c
wait_for "Queue  300 of 300"
keys / 
keys -l "no such debtor"
wait_for "No account matches"
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace
wait_for "Queue  300 of 300"
keys Enter
keys Q
assert_exited 0
