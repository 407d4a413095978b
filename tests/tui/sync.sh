#!/bin/sh
# sync.sh - sync from the workstation against a real arrearsd on loopback: the status bar shows
# what is pending, S syncs in the background while keys keep working (against a server that
# never answers), a second S says one runs, a silent or stopped server is "offline" with
# nothing lost, a later S pushes it all once, and a rejected event shows in the sync view (Y)
# with the server's reason and goes back to the outbox with r.
# tests/sync/lib.sh first for the certificate and the server; tests/tui/lib.sh then replaces its
# wait_for (a command) with the one that watches the screen.
. "$top_srcdir/tests/sync/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"
# wait_cmd SECONDS COMMAND...: polls COMMAND until it succeeds; 1 on timeout
wait_cmd() {
	limit=$(($1 * 20))
	shift
	i=0
	until "$@"; do
		[ $i -lt $limit ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}
need_tmux
need sqlite3 python3
# A sync gives a silent server 40 s and retries a lost one with backoff; a loaded machine
# needs room.
WAIT_SECONDS=60
tmp="$T"
arrearsd="$top_builddir/arrearsd"
notegen="$top_builddir/tests/sync/notegen"
server_pid="" silent_pid=""
trap 'kill $silent_pid 2>/dev/null; stop_server || true; cleanup' EXIT
export ARREARS_NOW="$NOW"

make_cert "$T"
write_conf
"$arrearsd" -c "$conf" init >/dev/null 2>"$T/err" || fail "arrearsd init: $(cat "$T/err")"
printf 'pass-of-a-1\n' | "$arrearsd" -c "$conf" user add a --role agent --team t1 \
	>/dev/null 2>"$T/err" || fail "user add: $(cat "$T/err")"
make_cache "$T/demo.db" 40
run_env "$ARREARS" --cache "$T/demo.db" export accounts >"$T/demo.csv"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = "a"; print }' "$T/demo.csv" >"$T/book.csv"
"$arrearsd" -c "$conf" import accounts "$T/book.csv" >/dev/null 2>"$T/err" ||
	fail "import: $(cat "$T/err")"
acct=$(awk -F, 'NR == 2 { print $1 }' "$T/book.csv")
start_server "$conf" "$T/server.log" || fail "arrearsd did not start"
pin_port "$conf"
url="https://127.0.0.1:$port"
# A server that takes connections and never answers: a sync to it stays under way until
# libcurl gives up (10 s for each of 4 attempts).
python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
__import__("os").rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    held.append(s.accept()[0])
' "$T/silent.port" &
silent_pid=$!
wait_cmd 30 test -s "$T/silent.port" || fail "the silent server did not start"

printf 'ca_file = "%s";\n' "$T/cert.pem" >"$T/arrears.conf"
cache="$T/a/cache.db"
cli() { run_env "$ARREARS" --config "$T/arrears.conf" --cache "$cache" "$@"; }
printf 'pass-of-a-1\n' | cli login --server "$url" --user a >/dev/null 2>"$T/err" ||
	fail "login: $(cat "$T/err")"
cli sync >/dev/null 2>"$T/err" || fail "first sync: $(cat "$T/err")"
run_env "$notegen" "$cache" a "$acct" 3 2>"$T/err" || fail "notegen: $(cat "$T/err")"
outbox() { sqlite3 "$cache" "SELECT count(*) FROM outbox"; }
server_is() { sqlite3 "$cache" "UPDATE sync_state SET value = '$1' WHERE key = 'server'"; }

start 110x30 --config "$T/arrears.conf" --cache "$cache"
wait_for "Queue  40 of 40"
wait_for "synced just now | 3 pending"

# S against the silent server: the sync runs in the background while keys keep working.
server_is "https://127.0.0.1:$(cat "$T/silent.port")"
keys S
wait_for "syncing"
keys S
wait_for "a sync is already running"
assert_screen "syncing"
keys '?'
wait_for "Help: key bindings"
keys q
wait_for "Queue  40 of 40"
assert_screen "syncing"
# It gives up: offline, and nothing is lost.
wait_for "offline since"
assert_screen "3 pending"
[ "$(outbox)" -eq 3 ] || fail "the outbox holds $(outbox) events after the failed sync, wanted 3"

# The real server: S pushes the three, once.
server_is "$url"
keys S
wait_for "synced: pulled 0, pushed 3"
wait_for "synced just now | 0 pending"
[ "$(outbox)" -eq 0 ] || fail "the outbox still holds $(outbox) events"
dev=$(sqlite3 "$cache" "SELECT value FROM sync_state WHERE key = 'device_id'")
served() { sqlite3 "$T/book.db" "SELECT count(*) FROM events WHERE device = '$dev'"; }
[ "$(served)" -eq 3 ] || fail "the server holds $(served) events of the device, wanted 3"

# The server stopped: refused at once, offline, the new note kept.
stop_server || true
run_env "$notegen" "$cache" a "$acct" 1 2>"$T/err" || fail "notegen: $(cat "$T/err")"
keys j
wait_for "1 pending"
keys S
wait_for "offline since"
assert_screen "1 pending"
[ "$(outbox)" -eq 1 ] || fail "the outbox holds $(outbox) events with the server stopped, wanted 1"

# Back, with an event the server refuses (written as another user): the note goes, the other
# is a dead letter with the server's reason.
start_server "$conf" "$T/server.log" || fail "arrearsd did not restart"
run_env "$notegen" "$cache" mallory "$acct" 1 2>"$T/err" || fail "notegen: $(cat "$T/err")"
keys k
wait_for "2 pending"
keys S
wait_for "1 rejected"
assert_screen "0 pending"
[ "$(served)" -eq 4 ] || fail "the server holds $(served) events of the device, wanted 4"
keys Y
wait_for "Rejected by the server: 1"
assert_screen "user is not the signed-in user"
assert_screen "$acct"
assert_screen "nothing to push"
# r on the dead letter puts it back in the outbox.
keys G r
wait_for "back in the outbox"
wait_for "Rejected by the server: 0"
assert_screen "no rejected events"
assert_screen "Outbox: 1 events to push"
[ "$(outbox)" -eq 1 ] || fail "the retried event is not in the outbox"
[ "$(sqlite3 "$cache" "SELECT count(*) FROM dead_letters")" -eq 0 ] || fail "the dead letter stayed"
keys q
wait_for "Queue  40 of 40"
keys Q
assert_exited 0
