# no_contact.sh - cases that may not be contacted (cease, bankruptcy, deceased) are not hidden:
# they stand after every workable case, dimmed, with the reason in the why line.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
make_cache "$T/cache.db"
blocked=$(sqlite3 "$T/cache.db" "SELECT count(*) FROM accounts WHERE flags & 26")
[ "$blocked" -gt 0 ] || fail "the demo book has no cease/bankruptcy/deceased case"

start 100x30 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
refute_screen "no contact"		# the top of the queue is workable
keys G
wait_for " #300 "
assert_screen "no contact"
screen | grep -Eq '^ #300 [^:]*: score [0-9.]* = no contact \((cease|bankruptcy|deceased)\): ranked after workable cases' \
	|| fail "the why line does not give the no-contact reason"
# exactly the blocked cases sit at the bottom: the row just above them is workable
keys -N "$blocked" k
wait_for " #$((300 - blocked)) "
screen | grep -q "^ #$((300 - blocked)) [^:]*: score [0-9.]* = no contact" && fail "a workable case is ranked among the blocked ones"
keys Q
assert_exited 0
