#!/bin/sh
# Faults between a real arrears and a real arrearsd on loopback, with a TLS proxy
# (cutproxy.py) in the path: the client killed in the middle of a push (at a chosen answer,
# and at random in a big one), the server killed in the middle of requests and restarted, a
# whole offline shift with the server down, one batch pushed twice (and at once), and answers
# cut in half. After each: the book holds every event the client wrote exactly once (by UUID),
# `arrearsd verify` finds the chains intact, and a normal sync leaves the outbox empty.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
bulkgen="$top_builddir/tests/sync/bulkgen"
notegen="$top_builddir/tests/sync/notegen"
evgen="$top_builddir/tests/sync/evgen"
tmp=$(mktemp -d)
server_pid="" proxy_pid="" sync_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap '[ -n "$sync_pid" ] && kill -9 "$sync_pid" 2>/dev/null; stop_proxy; stop_server; book_stop
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need sqlite3 curl python3

make_cert "$tmp"
write_conf 'max_batch = 1000;'
export ARREARS_NOW=2026-11-23T12:00:00Z
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
printf 'pass-of-a-1\n' | "$arrearsd" -c "$conf" user add a --role agent --team t1 >/dev/null 2>"$tmp/err" ||
	bad "user add: $(cat "$tmp/err")"
"$arrears" --cache "$tmp/demo.db" demo --accounts 40 --seed 3 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
grep -q '"' "$tmp/demo.csv" && bad "demo export has quoted fields; the awk rewrite is unsafe"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = "a"; print }' "$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
accts=$(awk -F, 'NR > 1 && NR <= 6 { print $1 }' "$tmp/book.csv")

start_server "$conf" "$tmp/log" || exit 1
pin_port "$conf"
start_proxy "$port" || exit 1
pport=$proxy_port
url="https://127.0.0.1:$pport"
printf 'ca_file = "%s";\n' "$tmp/cert.pem" > "$tmp/arrears.conf"
cache="$tmp/a/cache.db"
# (in the background the binary is started itself, so that $! is its pid and kill -9 hits it)
arrears_a() { "$arrears" --config "$tmp/arrears.conf" --cache "$cache" "$@"; }
sq() { sqlite3 "$1" "$2"; }
outbox() { sq "$cache" 'SELECT count(*) FROM outbox'; }
# the events of the cache's device the book holds
stored() { book_sql "SELECT count(*) FROM events WHERE device = '$dev'"; }
stored_over() { [ "$(stored)" -gt "$1" ]; }
# final_sync WHAT: a normal sync succeeds, the outbox is empty, every event is there once
final_sync() {
	arrears_a sync > "$tmp/out" 2>"$tmp/err" && ok || bad "$1: final sync: $(cat "$tmp/out" "$tmp/err")"
	[ "$(outbox)" -eq 0 ] && ok || bad "$1: $(outbox) events left in the outbox"
	expect_exactly_once "$1" "$cache"
}

printf 'pass-of-a-1\n' | arrears_a login --server "$url" --user a >/dev/null 2>"$tmp/err" ||
	{ echo "FAIL: login: $(cat "$tmp/err")" >&2; exit 1; }
arrears_a sync >/dev/null 2>"$tmp/err" || bad "first sync: $(cat "$tmp/err")"
dev=$(sq "$cache" "SELECT value FROM sync_state WHERE key = 'device_id'")

# a) the client killed at the worst moment: the server stored the third batch, the client never
# heard; the two answered batches left the outbox, the third is pushed again as duplicates
"$bulkgen" "$cache" a 3000 $accts 2>"$tmp/err" || bad "bulkgen: $(cat "$tmp/err")"
proxy_fault --hold 3 --marker "$tmp/held"
"$arrears" --config "$tmp/arrears.conf" --cache "$cache" sync > "$tmp/out" 2>&1 &
sync_pid=$!
if wait_for 120 test -e "$tmp/held"; then ok; else bad "a) the third batch never reached the server: $(cat "$tmp/proxy.log")"; fi
kill -9 "$sync_pid"
wait "$sync_pid" 2>/dev/null
sync_pid=""
[ "$(stored)" -eq 600 ] && ok || bad "a) the book holds $(stored) events after three batches, wanted 600"
[ "$(outbox)" -eq 2600 ] && ok || bad "a) the outbox holds $(outbox) after two answered batches, wanted 2600"
proxy_fault
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 2400 events (200 duplicates, 0 rejected)" "$tmp/out" &&
	ok || bad "a) sync after the kill: $(cat "$tmp/out" "$tmp/err")"
final_sync "a) client killed at an answer"

# a) again, killed at random in a big push (30 batches): wherever it lands, nothing is lost
before=$(stored)
"$bulkgen" "$cache" a 6000 $accts 2>"$tmp/err" || bad "bulkgen: $(cat "$tmp/err")"
"$arrears" --config "$tmp/arrears.conf" --cache "$cache" sync > "$tmp/out" 2>&1 &
sync_pid=$!
wait_for 120 stored_over "$before" || bad "a) the big push never started"
kill -9 "$sync_pid"
wait "$sync_pid" 2>/dev/null
sync_pid=""
at_kill=$(stored)
[ "$at_kill" -lt $((before + 6000)) ] && ok || bad "a) the kill landed after the big push ended"
echo "faults: the client was killed with $((at_kill - before)) of 6000 events stored"
final_sync "a) client killed in a big push"

# b) the server killed in the middle of a big push, then restarted on its port: the client's
# retries (or the next sync) finish the push
before=$(stored)
"$bulkgen" "$cache" a 6000 $accts 2>"$tmp/err" || bad "bulkgen: $(cat "$tmp/err")"
"$arrears" --config "$tmp/arrears.conf" --cache "$cache" sync > "$tmp/out" 2>"$tmp/err" &
sync_pid=$!
wait_for 120 stored_over "$before" || bad "b) the big push never started"
kill -9 "$server_pid"
wait "$server_pid" 2>/dev/null
server_pid=""
at_kill=$(stored)
start_server "$conf" "$tmp/log" || exit 1
wait "$sync_pid"
rc=$?
sync_pid=""
[ "$rc" -eq 0 ] || [ "$rc" -eq 2 ] && ok || bad "b) sync across the server's crash exited $rc: $(cat "$tmp/err")"
[ "$at_kill" -lt $((before + 6000)) ] && ok || bad "b) the server was killed after the push ended"
echo "faults: the server was killed with $((at_kill - before)) of 6000 events stored; sync exited $rc"
final_sync "b) server killed in a push"

# c) a whole offline shift: no server, no proxy; work is recorded, each sync tried during the
# shift exits 2 and loses nothing; then the server is back
stop_proxy
stop_server
"$notegen" "$cache" a "$(echo "$accts" | head -1)" 5 2>"$tmp/err" || bad "notegen: $(cat "$tmp/err")"
"$bulkgen" "$cache" a 495 $accts 2>"$tmp/err" || bad "bulkgen: $(cat "$tmp/err")"
for try in 1 2; do
	arrears_a sync > "$tmp/out" 2>"$tmp/err"
	rc=$?
	[ "$rc" -eq 2 ] && ok || bad "c) sync $try with the server down exited $rc: $(cat "$tmp/err")"
	[ "$(outbox)" -eq 500 ] && ok || bad "c) sync $try: the outbox holds $(outbox), wanted 500"
done
grep -q "waiting" "$tmp/out" && ok || bad "c) the summary does not say what waits: $(cat "$tmp/out")"
start_server "$conf" "$tmp/log" || exit 1
proxy_fault
start_proxy "$port" --port "$pport" || exit 1
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 500 events (0 duplicates" "$tmp/out" && ok ||
	bad "c) sync after the shift: $(cat "$tmp/out" "$tmp/err")"
final_sync "c) offline shift"

# d) one batch pushed twice: a body captured on its way to the server, replayed with curl, is
# all duplicate; a fresh batch sent twice at once is stored once
"$bulkgen" "$cache" a 150 $accts 2>"$tmp/err" || bad "bulkgen: $(cat "$tmp/err")"
mkdir "$tmp/captured"
proxy_fault --capture "$tmp/captured"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 150 events" "$tmp/out" && ok ||
	bad "d) sync: $(cat "$tmp/out" "$tmp/err")"
token=$(cat "$cache.token")
st=$(api POST /v1/events "$token" -H 'Content-Type: application/json' --data-binary @"$tmp/captured/1.json")
expect_status 200 "$st" "d) replayed batch"
[ "$(grep -o '"result":"duplicate"' "$tmp/body" | wc -l)" -eq 150 ] &&
	[ "$(grep -o '"result":"' "$tmp/body" | wc -l)" -eq 150 ] && ok || bad "d) replay: $(head -c 300 "$tmp/body")"
"$evgen" twice-dev a "$(echo "$accts" | head -1)" 300 > "$tmp/twice.json" || bad evgen
push_twice() {
	curl -sS --cacert "$tmp/cert.pem" -H "Authorization: Bearer $token" -o "$tmp/twice.$1" \
		--data-binary @"$tmp/twice.json" "https://127.0.0.1:$port/v1/events"
}
push_twice 1 &
first=$!
push_twice 2
wait "$first"
acc=$(cat "$tmp/twice.1" "$tmp/twice.2" | grep -o '"result":"accepted"' | wc -l)
dup=$(cat "$tmp/twice.1" "$tmp/twice.2" | grep -o '"result":"duplicate"' | wc -l)
[ "$acc" -eq 300 ] && [ "$dup" -eq 300 ] && ok || bad "d) the same batch at once: $acc accepted, $dup duplicate"
[ "$(book_sql "SELECT count(*) FROM events WHERE device = 'twice-dev'")" -eq 300 ] && ok ||
	bad "d) twice-dev has $(book_sql "SELECT count(*) FROM events WHERE device = 'twice-dev'") events"
final_sync "d) batch pushed twice"

# e) answers cut in half by the link: the client treats them as failures and keeps its events;
# first cut mid-body (every attempt), then cut with a Content-Length that fits (broken JSON)
"$bulkgen" "$cache" a 450 $accts 2>"$tmp/err" || bad "bulkgen: $(cat "$tmp/err")"
before=$(stored)
proxy_fault --cut 4
arrears_a sync > "$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] && ok || bad "e) sync with every answer cut exited $rc: $(cat "$tmp/out" "$tmp/err")"
[ "$(outbox)" -eq 450 ] && ok || bad "e) the outbox holds $(outbox) after cut answers, wanted 450"
[ "$(stored)" -eq $((before + 200)) ] && ok || bad "e) the book holds $(($(stored) - before)) of the cut batch"
[ "$(grep -c '^cutproxy: cut POST /v1/events' "$tmp/proxy.log")" -ge 4 ] && ok || bad "e) the proxy cut nothing"
proxy_fault --cut 1 --relabel
arrears_a sync > "$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 1 ] && ok || bad "e) a 200 with half its JSON: exit $rc: $(cat "$tmp/out" "$tmp/err")"
[ "$(outbox)" -eq 450 ] && ok || bad "e) the outbox holds $(outbox) after broken JSON, wanted 450"
proxy_fault --match 'GET /v1/changes' --cut 4
cursor=$(sq "$cache" "SELECT value FROM sync_state WHERE key = 'cursor'")
arrears_a sync > "$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && ok || bad "e) sync with cut pages did not exit 2: $(cat "$tmp/err")"
[ "$(sq "$cache" "SELECT value FROM sync_state WHERE key = 'cursor'")" = "$cursor" ] && ok ||
	bad "e) a cut page moved the cursor"
proxy_fault
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 250 events (200 duplicates" "$tmp/out" && ok ||
	bad "e) sync after cut answers: $(cat "$tmp/out" "$tmp/err")"
final_sync "e) cut answers"

stop_proxy
stop_server
echo "faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
