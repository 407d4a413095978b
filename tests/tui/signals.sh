# signals.sh - SIGINT (C-c) and SIGTERM end the workstation cleanly: exit 0, the terminal
# back on the normal screen; and a resize is followed live.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
make_cache "$T/cache.db"

start 100x30 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys C-c
assert_exited 0
tm kill-server
# A second server on its own socket: the first may still be shutting down.
SOCKET="$SOCKET-2"

start 100x30 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys Enter
wait_for "Contact points"
tm resize-window -t t -x 60 -y 20
wait_for "Assignee     agent"
[ "$(screen | wc -l)" -eq 20 ] || fail "the screen did not follow the resize"
kill -TERM "$(arrears_pid)"
assert_exited 0
