#!/bin/sh
# arrearsd on loopback with real TLS: init, users, book import, logins and throttling, paged
# changes with removals, scope (IDOR), idempotent event push, size and depth limits, bad CSV.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
evgen="$top_builddir/tests/sync/evgen"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need curl

make_cert "$tmp"
write_conf 'max_body = 65536;' 'login_free_tries = 3;'
export ARREARS_NOW=2026-11-23T12:00:00Z

# init, and never twice
"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" && ok || bad "init: $(cat "$tmp/err")"
"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "exists there already" "$tmp/err" && ok || bad "second init: $(cat "$tmp/err")"

# users; the password comes from standard input
adduser() {
	printf '%s\n' "$2" | "$arrearsd" -c "$conf" user add "$1" --role "$3" ${4:+--team "$4"} \
		>/dev/null 2>"$tmp/err" && ok || bad "user add $1: $(cat "$tmp/err")"
}
adduser a 'pass-of-a-1' agent t1
adduser b 'pass-of-b-1' agent t1
adduser lead 'pass-of-lead' lead t1
adduser c 'pass-of-c-1' agent t2
printf 'x\n' | "$arrearsd" -c "$conf" user add d --role agent >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "a short password was accepted"
printf 'long-enough\n' | "$arrearsd" -c "$conf" user add a --role agent >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "a second user a was accepted"
printf 'long-enough\n' | "$arrearsd" -c "$conf" user add e --role boss >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "role boss was accepted"

# a demo book exported by arrears, shared between agents a and b
"$arrears" --cache "$tmp/demo.db" demo --accounts 200 --seed 5 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = (NR % 2 ? "a" : "b"); print }' \
	"$tmp/demo.csv" > "$tmp/book.csv"
grep -q '"' "$tmp/demo.csv" && bad "demo export has quoted fields; the awk rewrite is unsafe"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" > "$tmp/out" 2>"$tmp/err" &&
	grep -q "200 records, 200 new or changed, 0 unchanged" "$tmp/out" && ok ||
	bad "import: $(cat "$tmp/out" "$tmp/err")"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" > "$tmp/out" 2>"$tmp/err" &&
	grep -q "0 new or changed, 200 unchanged" "$tmp/out" && ok || bad "re-import: $(cat "$tmp/out")"
a_acct=$(awk -F, '$6 == "a" { print $1; exit }' "$tmp/book.csv")
b_acct=$(awk -F, '$6 == "b" { print $1; exit }' "$tmp/book.csv")

# bad rows: the whole file is refused, every error as file:line:column
{
	head -1 "$tmp/book.csv"
	sed -n 2,4p "$tmp/book.csv"
	echo 'X1,"Ann ""Q"" Lee",12.5x,1.00,2026-02-30,a,card,USD,,,,Mars/Base,,cease'
	echo 'X2,Bob,10.00,1.00,2026-01-01,a,spaceship,USD,,,,,,'
	echo 'X3,Cy,1,1,2026-01-01,a'
} > "$tmp/badrows.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/badrows.csv" > "$tmp/out" 2>"$tmp/err"
[ $? -eq 3 ] && ok || bad "bad rows were not refused (exit 3): $(cat "$tmp/err")"
for want in "badrows.csv:5:20: balance: '12.5x' is not an amount" \
	"badrows.csv:5:31: due_date: '2026-02-30'" \
	"badrows.csv:5:56: timezone: 'Mars/Base' is not an IANA time zone" \
	"badrows.csv:6:32: product: 'spaceship'" \
	"badrows.csv:7:1: 6 fields where the header has 14"; do
	grep -qF "$want" "$tmp/err" && ok || bad "no '$want' in: $(cat "$tmp/err")"
done
"$arrearsd" -c "$conf" import accounts "$tmp/badrows.csv" --skip-bad "$tmp/rejects.csv" \
	> "$tmp/out" 2>"$tmp/err" && grep -q "3 rejected" "$tmp/out" && ok ||
	bad "--skip-bad: $(cat "$tmp/out" "$tmp/err")"
[ "$(wc -l < "$tmp/rejects.csv")" -eq 4 ] && grep -q '^X1,"Ann ""Q"" Lee",' "$tmp/rejects.csv" && ok ||
	bad "rejects file: $(cat "$tmp/rejects.csv")"

# payments: a repeated reference is ignored, so a re-sent file doubles nothing
printf 'reference,account_id,amount,paid_on\nP-1,%s,10.00,2026-11-20\nP-2,%s,5.50,2026-11-21\n' \
	"$a_acct" "$a_acct" > "$tmp/pay.csv"
"$arrearsd" -c "$conf" import payments "$tmp/pay.csv" > "$tmp/out" 2>&1 &&
	grep -q "2 payments recorded, 0 already known" "$tmp/out" && ok || bad "payments: $(cat "$tmp/out")"
"$arrearsd" -c "$conf" import payments "$tmp/pay.csv" > "$tmp/out" 2>&1 &&
	grep -q "0 payments recorded, 2 already known" "$tmp/out" && ok || bad "payments again: $(cat "$tmp/out")"
printf 'account_id,amount,paid_on,reference\nNOPE,1.00,2026-11-20,P-9\n' > "$tmp/badpay.csv"
"$arrearsd" -c "$conf" import payments "$tmp/badpay.csv" > "$tmp/out" 2>&1
[ $? -eq 3 ] && grep -q "badpay.csv:2:1: account_id: no account 'NOPE'" "$tmp/out" && ok ||
	bad "bad payment: $(cat "$tmp/out")"

start_server "$conf" "$tmp/log" || exit 1

# logins
login() {
	api POST /v1/session "" -H 'Content-Type: application/json' \
		--data "{\"user\":\"$1\",\"password\":\"$2\",\"device\":\"dev-$1\"}"
}
st=$(login a 'pass-of-a-1'); expect_status 200 "$st" "login a"
tok_a=$(json_str token "$tmp/body")
[ ${#tok_a} -ge 40 ] && ok || bad "token too short: $tok_a"
st=$(login b 'pass-of-b-1'); expect_status 200 "$st" "login b"; tok_b=$(json_str token "$tmp/body")
st=$(login lead 'pass-of-lead'); expect_status 200 "$st" "login lead"; tok_l=$(json_str token "$tmp/body")
st=$(login a 'wrong-password'); expect_status 401 "$st" "wrong password"
[ "$(json_str error "$tmp/body")" = bad_credentials ] && ok || bad "401 body: $(cat "$tmp/body")"
st=$(login nobody 'wrong-password'); expect_status 401 "$st" "unknown user"
[ "$(json_str error "$tmp/body")" = bad_credentials ] && ok || bad "unknown user body"
for i in 1 2 3; do login c 'wrong' >/dev/null; done
st=$(login c 'pass-of-c-1'); expect_status 429 "$st" "throttled login (right password too)"
grep -qi '^retry-after: [1-9]' "$tmp/headers" && ok || bad "429 without Retry-After: $(cat "$tmp/headers")"
[ "$(json_str error "$tmp/body")" = too_many_requests ] && ok || bad "429 body: $(cat "$tmp/body")"
grep -q "login refused: user c from 127.0.0.1" "$tmp/log" && ok || bad "refused login not logged"
grep -q "wrong\|pass-of" "$tmp/log" && bad "a password reached the log" || ok
grep -qF "$tok_a" "$tmp/log" && bad "a token reached the log" || ok

# no token, a bad token
st=$(api GET /v1/changes); expect_status 401 "$st" "no token"
grep -qi '^www-authenticate: Bearer' "$tmp/headers" && ok || bad "401 without WWW-Authenticate"
st=$(api GET /v1/changes not-a-token); expect_status 401 "$st" "bad token"

# changes in pages: agent a sees exactly a's 100 accounts
pull() {	# pull TOKEN SINCE LIMIT -> $tmp/pulled (one change per line), $cursor
	cursor=$2
	: > "$tmp/pulled"
	pages=0
	while :; do
		st=$(api GET "/v1/changes?since=$cursor&limit=$3" "$1")
		[ "$st" = 200 ] || { bad "changes: $st $(cat "$tmp/body")"; return; }
		pages=$((pages + 1))
		sed 's/{"seq":/\n{"seq":/g' "$tmp/body" | grep '^{"seq":' >> "$tmp/pulled"
		cursor=$(json_str cursor "$tmp/body")
		grep -q '"more":true' "$tmp/body" || break
		[ $pages -lt 100 ] || { bad "changes never end"; return; }
	done
}
pull "$tok_a" "" 30
[ "$(grep -c '"op":"upsert"' "$tmp/pulled")" -eq 100 ] && ok || bad "agent a pulled $(grep -c upsert "$tmp/pulled") upserts, wanted 100"
[ "$pages" -eq 4 ] && ok || bad "100 changes in pages of 30 took $pages pages"
grep -q '"assignee":"b"' "$tmp/pulled" && bad "agent a got one of b's accounts" || ok
[ "$(sed -n 's/.*"account_id":"\([^"]*\)".*/\1/p' "$tmp/pulled" | sort -u | wc -l)" -eq 100 ] && ok ||
	bad "repeated accounts across pages"
grep -q "\"account_id\":\"$a_acct\".*\"version\":3" "$tmp/pulled" && ok || bad "the twice-paid account is not at version 3"
case $cursor in *.*) ok ;; *) bad "cursor '$cursor' has no epoch" ;; esac
cursor_a=$cursor
st=$(api GET "/v1/changes?since=$cursor_a" "$tok_a"); expect_status 200 "$st" "pull at the head"
grep -q '"changes":\[\]' "$tmp/body" && ok || bad "changes after the head: $(head -c 200 "$tmp/body")"
pull "$tok_l" "" 1000
[ "$(grep -c '"op":"upsert"' "$tmp/pulled")" -eq 200 ] && ok || bad "the lead pulled $(grep -c upsert "$tmp/pulled"), wanted 200"
st=$(api GET "/v1/changes?since=12345.0" "$tok_a"); expect_status 410 "$st" "cursor of another epoch"
[ "$(json_str error "$tmp/body")" = cursor_epoch ] && ok || bad "410 body"
st=$(api GET "/v1/changes?limit=0" "$tok_a"); expect_status 400 "$st" "limit=0"
st=$(api GET "/v1/changes?since=junk" "$tok_a"); expect_status 400 "$st" "since=junk"

# scope: another agent's account answers exactly like one that does not exist
st=$(api GET "/v1/accounts/$a_acct" "$tok_a"); expect_status 200 "$st" "own account"
st=$(api GET "/v1/accounts/$b_acct" "$tok_a"); expect_status 404 "$st" "b's account asked by a"
cp "$tmp/body" "$tmp/idor"
st=$(api GET "/v1/accounts/NO-SUCH-ACCOUNT" "$tok_a"); expect_status 404 "$st" "no such account"
cmp -s "$tmp/body" "$tmp/idor" && ok || bad "out of scope differs from not found: $(cat "$tmp/idor") vs $(cat "$tmp/body")"
st=$(api GET "/v1/accounts/$b_acct" "$tok_l"); expect_status 200 "$st" "the lead sees b's account"
st=$(api PUT "/v1/changes" "$tok_a"); expect_status 405 "$st" "PUT /v1/changes"
st=$(api GET "/v2/nothing" "$tok_a"); expect_status 404 "$st" "unknown path"

# events: accepted, then duplicate on a retry; chain and user checked
"$evgen" dev-a a "$a_acct" 5 > "$tmp/batch.json" || bad evgen
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/batch.json"); expect_status 200 "$st" "push"
[ "$(grep -o '"result":"accepted"' "$tmp/body" | wc -l)" -eq 5 ] && ok || bad "push: $(cat "$tmp/body")"
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/batch.json"); expect_status 200 "$st" "push again"
[ "$(grep -o '"result":"duplicate"' "$tmp/body" | wc -l)" -eq 5 ] && ok || bad "re-push: $(cat "$tmp/body")"
"$evgen" dev-a2 a "$a_acct" 2 5 0000000000000000000000000000000000000000000000000000000000000000 > "$tmp/gap.json"
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/gap.json")
grep -q '"reason":"chain: expected seq 1, got 5"' "$tmp/body" && ok || bad "chain gap: $(cat "$tmp/body")"
"$evgen" dev-b2 b "$b_acct" 1 > "$tmp/other.json"
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/other.json")
grep -q '"reason":"user is not the signed-in user"' "$tmp/body" && ok || bad "other user's event: $(cat "$tmp/body")"
sed 's/"text":"note 1"/"text":"edited"/' "$tmp/other.json" | sed 's/"user":"b"/"user":"a"/; s/dev-b2/dev-a3/' > "$tmp/tampered.json"
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/tampered.json")
grep -q '"reason":"hash does not match the event"' "$tmp/body" && ok || bad "tampered: $(cat "$tmp/body")"
# evidence for an account that is not (or no longer) the pusher's is kept and flagged
"$evgen" dev-a4 a "$b_acct" 1 > "$tmp/reassigned.json"
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/reassigned.json")
grep -q '"result":"accepted","flagged":true' "$tmp/body" && ok || bad "flagged: $(cat "$tmp/body")"

# malformed, too deep, too large: JSON errors with the right status
st=$(api POST /v1/events "$tok_a" --data '{"events": [1,'); expect_status 400 "$st" "malformed JSON"
[ "$(json_str error "$tmp/body")" = bad_json ] && ok || bad "malformed body: $(cat "$tmp/body")"
deep=$(awk 'BEGIN { for (i = 0; i < 100; i++) printf "["; for (i = 0; i < 100; i++) printf "]" }')
st=$(api POST /v1/events "$tok_a" --data "$deep"); expect_status 400 "$st" "deep JSON"
grep -q 'nested deeper than 32' "$tmp/body" && ok || bad "deep body: $(cat "$tmp/body")"
head -c 100000 /dev/zero | tr '\0' ' ' > "$tmp/big.json"
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/big.json"); expect_status 413 "$st" "oversized body"
[ "$(json_str error "$tmp/body")" = payload_too_large ] && ok || bad "413 body: $(cat "$tmp/body")"
st=$(api POST /v1/events "$tok_a" -H 'Transfer-Encoding: chunked' --data-binary @"$tmp/big.json")
expect_status 413 "$st" "oversized chunked body"
st=$(api POST /v1/events "$tok_a" --data '{"events": "no"}'); expect_status 400 "$st" "events not an array"
grep -q '\$.events: must be an array' "$tmp/body" && ok || bad "path in error: $(cat "$tmp/body")"
st=$(api POST /v1/events "$tok_a" --data '{"events": [{"id": 7}]}'); expect_status 200 "$st" "bad event"
grep -q '"reason":"\$.events\[0\].id: must be a string"' "$tmp/body" && ok || bad "event path: $(cat "$tmp/body")"

# reassignment: a's account moves to b; a gets an explicit removal, b an upsert
awk -F, -v id="$a_acct" 'BEGIN { OFS = "," } $1 == id { $6 = "b" } { print }' "$tmp/book.csv" > "$tmp/moved.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/moved.csv" > "$tmp/out" 2>&1 &&
	grep -q "1 new or changed" "$tmp/out" && ok || bad "reassign import: $(cat "$tmp/out")"
pull "$tok_a" "$cursor_a" 50
grep -q "\"op\":\"remove\",\"account_id\":\"$a_acct\"" "$tmp/pulled" && ok || bad "no removal for a: $(cat "$tmp/pulled")"
st=$(api GET "/v1/accounts/$a_acct" "$tok_a"); expect_status 404 "$st" "a's former account"
st=$(api GET "/v1/accounts/$a_acct" "$tok_b"); expect_status 200 "$st" "b's new account"

# logout revokes the token
st=$(api DELETE /v1/session "$tok_b"); expect_status 200 "$st" "logout"
st=$(api GET /v1/changes "$tok_b"); expect_status 401 "$st" "revoked token"

# the server stored each event once, and TLS below 1.2 is refused
if [ "$test_store" = postgresql ] || command -v sqlite3 >/dev/null 2>&1; then
	[ "$(book_sql 'SELECT count(*) FROM events')" -eq 6 ] && ok || bad "events stored: $(book_sql 'SELECT count(*) FROM events')"
	[ "$(book_sql "SELECT count(*) FROM events WHERE flag <> ''")" -eq 1 ] && ok || bad "flagged events"
fi
if curl -sS --cacert "$tmp/cert.pem" --tlsv1.1 --tls-max 1.1 -o /dev/null "https://127.0.0.1:$port/v1/changes" 2>/dev/null; then
	bad "TLS 1.1 was accepted"
else
	ok
fi
curl -sS -o /dev/null "http://127.0.0.1:$port/v1/changes" 2>/dev/null && bad "plain HTTP answered" || ok

stop_server
echo "server_basic: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
