#!/bin/sh
# arrears login / sync / logout against a real arrearsd on loopback with real TLS: login,
# wrong password, first pull, offline work pushed exactly once, the server down (exit 2, the
# outbox kept) and back, a second agent's scope, reassignment, the token file's mode.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
notegen="$top_builddir/tests/sync/notegen"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need sqlite3

make_cert "$tmp"
write_conf 'page_limit = 1000;'
export ARREARS_NOW=2026-11-23T12:00:00Z
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
for u in a:pass-of-a-1 b:pass-of-b-1; do
	printf '%s\n' "${u#*:}" | "$arrearsd" -c "$conf" user add "${u%%:*}" --role agent --team t1 \
		>/dev/null 2>"$tmp/err" || bad "user add $u: $(cat "$tmp/err")"
done
"$arrears" --cache "$tmp/demo.db" demo --accounts 120 --seed 7 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
grep -q '"' "$tmp/demo.csv" && bad "demo export has quoted fields; the awk rewrite is unsafe"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = (NR % 3 ? "a" : "b"); print }' \
	"$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
want_a=$(awk -F, 'NR > 1 && $6 == "a"' "$tmp/book.csv" | wc -l)
want_b=$(awk -F, 'NR > 1 && $6 == "b"' "$tmp/book.csv" | wc -l)
a_acct=$(awk -F, '$6 == "a" { print $1; exit }' "$tmp/book.csv")

start_server "$conf" "$tmp/log" || exit 1
url="https://127.0.0.1:$port"
printf 'ca_file = "%s";\n' "$tmp/cert.pem" > "$tmp/arrears.conf"
ca="$tmp/arrears.conf"
cache_a="$tmp/a/cache.db"
cache_b="$tmp/b/cache.db"
arrears_a() { "$arrears" --config "$ca" --cache "$cache_a" "$@"; }
sq() { sqlite3 "$1" "$2"; }

# login: the wrong password is "login needed"; the right one leaves a 0600 token
printf 'wrong-password\n' | arrears_a login --server "$url" --user a >/dev/null 2>"$tmp/err"
[ $? -eq 3 ] && ok || bad "wrong password did not exit 3: $(cat "$tmp/err")"
[ -e "$cache_a.token" ] && bad "a failed login left a token file" || ok
printf 'pass-of-a-1\n' | arrears_a login --server "$url" --user a >/dev/null 2>"$tmp/err" && ok ||
	bad "login: $(cat "$tmp/err")"
[ "$(stat -c %a "$cache_a.token" 2>/dev/null)" = 600 ] && ok || bad "token file mode $(stat -c %a "$cache_a.token")"
[ "$(stat -c %a "$tmp/a")" = 700 ] && ok || bad "cache directory mode $(stat -c %a "$tmp/a")"
grep -qF "$(cat "$cache_a.token")" "$cache_a" && bad "the token is in the cache" || ok
# without the CA the server's certificate is refused (verification is always on)
printf 'pass-of-a-1\n' | "$arrears" --cache "$tmp/x/cache.db" login --server "$url" --user a \
	>/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -qi "certificate" "$tmp/err" && ok || bad "an unverifiable certificate was accepted: $(cat "$tmp/err")"

# first pull fills the empty cache with exactly a's accounts
arrears_a sync > "$tmp/out" 2>"$tmp/err" && ok || bad "first sync: $(cat "$tmp/out" "$tmp/err")"
[ "$(sq "$cache_a" 'SELECT count(*) FROM accounts')" -eq "$want_a" ] && ok ||
	bad "cache a has $(sq "$cache_a" 'SELECT count(*) FROM accounts') accounts, wanted $want_a"
[ "$(sq "$cache_a" "SELECT count(*) FROM assignments WHERE assignee <> 'a'")" -eq 0 ] && ok ||
	bad "cache a holds accounts of others"
[ "$(sq "$cache_a" 'SELECT count(*) FROM balances')" -eq "$want_a" ] && ok || bad "balances missing"
[ "$(sq "$cache_a" "SELECT count(*) FROM sync_state WHERE key = 'cursor' AND value LIKE '%.%'")" -eq 1 ] &&
	ok || bad "no cursor stored"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "^pulled 0 accounts" "$tmp/out" && ok ||
	bad "second sync pulled again: $(cat "$tmp/out" "$tmp/err")"

# offline work reaches the server exactly once
"$notegen" "$cache_a" a "$a_acct" 3 2>"$tmp/err" || bad "notegen: $(cat "$tmp/err")"
dev_a=$(sq "$cache_a" "SELECT value FROM sync_state WHERE key = 'device_id'")
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 3 events" "$tmp/out" && ok ||
	bad "push: $(cat "$tmp/out" "$tmp/err")"
[ "$(book_sql "SELECT count(*) FROM events WHERE device = '$dev_a'")" -eq 3 ] && ok ||
	bad "server holds $(book_sql "SELECT count(*) FROM events WHERE device = '$dev_a'") events of a"
[ "$(sq "$cache_a" 'SELECT count(*) FROM outbox')" -eq 0 ] && ok || bad "outbox not empty after push"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 0 events" "$tmp/out" && ok ||
	bad "sync again pushed: $(cat "$tmp/out" "$tmp/err")"

# the server down: exit 2, the new events wait in the outbox; back up: they arrive once
stop_server
"$notegen" "$cache_a" a "$a_acct" 2 2>"$tmp/err" || bad "notegen: $(cat "$tmp/err")"
arrears_a sync > "$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "sync with the server down did not exit 2: $(cat "$tmp/err")"
[ "$(sq "$cache_a" 'SELECT count(*) FROM outbox')" -eq 2 ] && ok ||
	bad "outbox holds $(sq "$cache_a" 'SELECT count(*) FROM outbox'), wanted 2"
sed -i "s/^port = 0;/port = $port;/" "$conf"
start_server "$conf" "$tmp/log" || exit 1
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 2 events" "$tmp/out" && ok ||
	bad "push after the outage: $(cat "$tmp/out" "$tmp/err")"
[ "$(book_sql "SELECT count(*) FROM events WHERE device = '$dev_a'")" -eq 5 ] && ok ||
	bad "server holds $(book_sql "SELECT count(*) FROM events WHERE device = '$dev_a'") events of a, wanted 5"
[ "$(book_sql "SELECT count(DISTINCT id) FROM events WHERE device = '$dev_a'")" -eq 5 ] && ok ||
	bad "duplicated events on the server"

# a second agent's cache sees only its own accounts
printf 'pass-of-b-1\n' | "$arrears" --config "$ca" --cache "$cache_b" login --server "$url" --user b \
	>/dev/null 2>"$tmp/err" || bad "login b: $(cat "$tmp/err")"
"$arrears" --config "$ca" --cache "$cache_b" sync >/dev/null 2>"$tmp/err" || bad "sync b: $(cat "$tmp/err")"
[ "$(sq "$cache_b" 'SELECT count(*) FROM accounts')" -eq "$want_b" ] && ok ||
	bad "cache b has $(sq "$cache_b" 'SELECT count(*) FROM accounts'), wanted $want_b"
[ "$(sq "$cache_b" "SELECT count(*) FROM accounts WHERE ext_id = '$a_acct'")" -eq 0 ] && ok ||
	bad "b sees a's account"

# reassignment: the account leaves a's cache, its evidence stays
awk -F, -v id="$a_acct" 'BEGIN { OFS = "," } $1 == id { $6 = "b" } { print }' "$tmp/book.csv" > "$tmp/moved.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/moved.csv" >/dev/null 2>&1 || bad "reassign import"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q ", 1 removed" "$tmp/out" && ok ||
	bad "removal: $(cat "$tmp/out" "$tmp/err")"
[ "$(sq "$cache_a" "SELECT count(*) FROM accounts WHERE ext_id = '$a_acct'")" -eq 0 ] && ok ||
	bad "the reassigned account is still in a's cache"
[ "$(sq "$cache_a" "SELECT count(*) FROM events WHERE account_id = '$a_acct'")" -ge 5 ] && ok ||
	bad "evidence of the reassigned account was dropped"

# a rebuilt server (a new epoch): the old cursor is refused, the book is pulled afresh, and the
# evidence in the cache is untouched
events_before=$(sq "$cache_a" 'SELECT count(*) FROM events')
stop_server
book_drop
"$arrearsd" -c "$conf" init >/dev/null 2>&1 &&
	printf 'pass-of-a-1\n' | "$arrearsd" -c "$conf" user add a --role agent --team t1 >/dev/null 2>&1 &&
	"$arrearsd" -c "$conf" import accounts "$tmp/moved.csv" >/dev/null 2>&1 || bad "rebuilding the server"
start_server "$conf" "$tmp/log" || exit 1
arrears_a sync >/dev/null 2>&1
[ $? -eq 3 ] && ok || bad "a token of the old server was not refused (exit 3)"
printf 'pass-of-a-1\n' | arrears_a login --server "$url" --user a >/dev/null 2>"$tmp/err" || bad "login again: $(cat "$tmp/err")"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pulled afresh" "$tmp/out" && ok ||
	bad "new epoch: $(cat "$tmp/out" "$tmp/err")"
[ "$(sq "$cache_a" 'SELECT count(*) FROM accounts')" -eq $((want_a - 1)) ] && ok ||
	bad "after the new epoch cache a has $(sq "$cache_a" 'SELECT count(*) FROM accounts') accounts"
[ "$(sq "$cache_a" 'SELECT count(*) FROM events')" -eq "$events_before" ] && ok || bad "the new epoch touched events"

# logout revokes the token: the next sync needs a login
arrears_a logout 2>"$tmp/err" && ok || bad "logout: $(cat "$tmp/err")"
[ -e "$cache_a.token" ] && bad "logout left the token file" || ok
arrears_a sync >/dev/null 2>&1
[ $? -eq 3 ] && ok || bad "sync after logout did not exit 3"

stop_server
echo "client_sync: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
