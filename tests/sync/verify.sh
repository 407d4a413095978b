#!/bin/sh
# arrearsd verify: an intact book (also while the server serves), then copies of it tampered
# with behind the server's back: an edited event, a removed one, a removed chain end, an id
# stored twice, a forged signed head. Each is found, named by device, seq and event id, and
# exits 4; a missing book exits 1.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
evgen="$top_builddir/tests/sync/evgen"
notegen="$top_builddir/tests/sync/notegen"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need sqlite3 curl

make_cert "$tmp"
write_conf
export ARREARS_NOW=2026-11-23T12:00:00Z
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
printf 'pass-of-a-1\n' | "$arrearsd" -c "$conf" user add a --role agent >/dev/null 2>"$tmp/err" ||
	bad "user add: $(cat "$tmp/err")"
"$arrears" --cache "$tmp/demo.db" demo --accounts 10 --seed 2 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = "a"; print }' "$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
acct=$(awk -F, 'NR == 2 { print $1 }' "$tmp/book.csv")

# an empty book is intact
"$arrearsd" -c "$conf" verify > "$tmp/out" 2>"$tmp/err" &&
	grep -q ": 0 events on 0 devices, 0 signed heads: intact$" "$tmp/out" && ok ||
	bad "empty book: $(cat "$tmp/out" "$tmp/err")"

start_server "$conf" "$tmp/log" || exit 1
st=$(api POST /v1/session "" --data '{"user":"a","password":"pass-of-a-1"}'); expect_status 200 "$st" "login"
token=$(json_str token "$tmp/body")
"$evgen" dev-1 a "$acct" 5 > "$tmp/b1.json" && "$evgen" dev-2 a "$acct" 3 > "$tmp/b2.json" || bad evgen
for b in b1 b2; do
	st=$(api POST /v1/events "$token" --data-binary @"$tmp/$b.json"); expect_status 200 "$st" "push $b"
done
# a real client too, whose pushes carry signed heads
printf 'ca_file = "%s";\n' "$tmp/cert.pem" > "$tmp/arrears.conf"
cache="$tmp/c/cache.db"
printf 'pass-of-a-1\n' | "$arrears" --config "$tmp/arrears.conf" --cache "$cache" login \
	--server "https://127.0.0.1:$port" --user a >/dev/null 2>"$tmp/err" || bad "login: $(cat "$tmp/err")"
"$arrears" --config "$tmp/arrears.conf" --cache "$cache" sync >/dev/null 2>"$tmp/err" || bad "sync: $(cat "$tmp/err")"
"$notegen" "$cache" a "$acct" 4 2>"$tmp/err" || bad "notegen: $(cat "$tmp/err")"
"$arrears" --config "$tmp/arrears.conf" --cache "$cache" sync >/dev/null 2>"$tmp/err" || bad "sync: $(cat "$tmp/err")"

# intact, also read while the server is serving
"$arrearsd" -c "$conf" verify > "$tmp/out" 2>"$tmp/err" &&
	grep -q ": 12 events on 3 devices, [0-9]* signed heads: intact$" "$tmp/out" && ok ||
	bad "intact book: $(cat "$tmp/out" "$tmp/err")"
[ -s "$tmp/err" ] && bad "verify of an intact book said: $(cat "$tmp/err")" || ok
stop_server

sq() { book_sql "$1"; }
id_of() { sq "SELECT id FROM events WHERE device = '$1' AND seq = $2"; }
# tampered SQL WANT...: verify a copy of the book after SQL; exit 4 and every WANT on stderr
tampered() {
	book_restore clean
	sq "$1" > /dev/null || bad "tampering failed: $1"
	shift
	"$arrearsd" -c "$conf" verify > "$tmp/out" 2>"$tmp/err"
	rc=$?
	[ $rc -eq 4 ] && grep -q ": BROKEN$" "$tmp/out" && ok || bad "verify exited $rc: $(cat "$tmp/out" "$tmp/err")"
	for want in "$@"; do
		grep -qF -- "$want" "$tmp/err" && ok || bad "no '$want' in: $(cat "$tmp/err")"
	done
}
book_save clean
id13=$(id_of dev-1 3)
id15=$(id_of dev-1 5)
id21=$(id_of dev-2 1)
id22=$(id_of dev-2 2)

tampered "UPDATE events SET body = '{\"text\":\"edited\"}' WHERE id = '$id13'" \
	"device dev-1 seq 3: content does not match its hash (edited) (event $id13)" \
	"1 problem; the first: device dev-1 seq 3"
tampered "DELETE FROM events WHERE id = '$id13'" \
	"device dev-1: expected seq 3, found 4 (an event was deleted or moved)"
tampered "DELETE FROM events WHERE id = '$id15'" \
	"device dev-1: the recorded head is seq 5 but the chain ends at seq 4"
# two devices broken: each is named, the walk goes on past the first
tampered "UPDATE events SET body = '{\"text\":\"x\"}' WHERE id IN ('$id13', '$id22')" \
	"device dev-1 seq 3: content does not match" "device dev-2 seq 2: content does not match" \
	"2 problems; the first: device dev-1 seq 3"
# an id stored twice needs a table without its key: a store that lost the constraint
tampered "CREATE TABLE ev2 AS SELECT * FROM events; DROP TABLE events; ALTER TABLE ev2 RENAME TO events;
	INSERT INTO events SELECT * FROM events WHERE id = '$id21'" \
	"event $id21 is stored twice: device dev-2 seq 1 and device dev-2 seq 1"
tampered "UPDATE events SET prev_hash = '$(sq "SELECT hash FROM events WHERE id = '$id21'")' WHERE id = '$id13'" \
	"device dev-1 seq 3: previous hash does not match the chain (event $id13)"
# the first signed head, in SQL both stores read alike
first_head="(device, seq) = (SELECT device, seq FROM signed_heads ORDER BY device, seq LIMIT 1)"
if [ "$(sq 'SELECT count(*) FROM signed_heads')" -gt 0 ]; then
	hd=$(sq "SELECT device || ' seq ' || seq FROM signed_heads ORDER BY device, seq LIMIT 1")
	tampered "UPDATE signed_heads SET signature = CASE WHEN substr(signature, 1, 1) = '0' THEN '1'
		ELSE '0' END || substr(signature, 2) WHERE $first_head" "device $hd: signed head: the signature of"
	tampered "UPDATE signed_heads SET hash = '$(sq "SELECT hash FROM events WHERE id = '$id21'")'
		WHERE $first_head" "device $hd: the signed head names another hash than the stored event's"
else
	bad "the client's pushes left no signed heads in the book"
fi

# no book at all: it could not be checked (1), not "broken"
book_drop
"$arrearsd" -c "$conf" verify > "$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "no book here" "$tmp/err" && ok || bad "missing book: $(cat "$tmp/out" "$tmp/err")"

echo "verify: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
