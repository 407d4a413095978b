#!/bin/sh
# The security cases tests/sync/server_basic.sh and client_sync.sh leave out: a token that
# expires (the client exits 3), another team's account answered exactly like none, guessing
# from one address throttled (429 with Retry-After), bad bodies on the login route, a device
# taken over by another user, two devices of one agent, evidence pushed after the account was
# reassigned while offline (accepted, flagged for the lead), and evidence whose case update
# fails (kept, with a dead letter; the rest of its batch applied).
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
write_conf 'token_lifetime = 3600;' 'address_free_tries = 6;' 'login_free_tries = 3;'
export ARREARS_NOW=2026-11-23T12:00:00Z
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
for u in a:agent:t1 b:agent:t1 lead:lead:t1 c:agent:t2; do
	name=${u%%:*} rest=${u#*:}
	printf 'pass-of-%s-1\n' "$name" | "$arrearsd" -c "$conf" user add "$name" --role "${rest%%:*}" \
		--team "${rest#*:}" >/dev/null 2>"$tmp/err" || bad "user add $name: $(cat "$tmp/err")"
done
"$arrears" --cache "$tmp/demo.db" demo --accounts 30 --seed 9 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
grep -q '"' "$tmp/demo.csv" && bad "demo export has quoted fields; the awk rewrite is unsafe"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = (NR % 3 == 0 ? "a" : NR % 3 == 1 ? "b" : "c"); print }' \
	"$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
a_acct=$(awk -F, '$6 == "a" { print $1; exit }' "$tmp/book.csv")
a_acct2=$(awk -F, '$6 == "a" { n++ } $6 == "a" && n == 2 { print $1; exit }' "$tmp/book.csv")
c_acct=$(awk -F, '$6 == "c" { print $1; exit }' "$tmp/book.csv")

start_server "$conf" "$tmp/log" || exit 1
pin_port "$conf"
url="https://127.0.0.1:$port"
printf 'ca_file = "%s";\n' "$tmp/cert.pem" > "$tmp/arrears.conf"
cache_a="$tmp/a/cache.db"
cache_a2="$tmp/a2/cache.db"
arrears_a() { "$arrears" --config "$tmp/arrears.conf" --cache "$cache_a" "$@"; }
arrears_a2() { "$arrears" --config "$tmp/arrears.conf" --cache "$cache_a2" "$@"; }
sq() { sqlite3 "$1" "$2"; }
login() {	# login USER PASSWORD: the status in $st, the token in $token
	st=$(api POST /v1/session "" -H 'Content-Type: application/json' \
		--data "{\"user\":\"$1\",\"password\":\"$2\"}")
	token=$(json_str token "$tmp/body")
}
alive() { kill -0 "$server_pid" 2>/dev/null && ok || { bad "arrearsd died after $1"; exit 1; }; }

# another team's account, and another agent's, answer exactly like an id that does not exist
# (status, headers but the date, body); so does the lead's view of another team
strip() { grep -vi '^date:' "$1" | tr -d '\r'; }
for who in a lead; do
	login "$who" "pass-of-$who-1"; expect_status 200 "$st" "login $who"
	st=$(api GET /v1/accounts/NO-SUCH-ID "$token"); expect_status 404 "$st" "$who: no such account"
	cp "$tmp/body" "$tmp/none.body"; strip "$tmp/headers" > "$tmp/none.headers"
	for id in "$c_acct" "$(awk -F, '$6 == "b" { print $1; exit }' "$tmp/book.csv")"; do
		[ "$who" = lead ] && [ "$id" != "$c_acct" ] && continue	# the lead may see b's
		st=$(api GET "/v1/accounts/$id" "$token"); expect_status 404 "$st" "$who asks for $id"
		cmp -s "$tmp/body" "$tmp/none.body" && ok || bad "$who, $id: body differs from none: $(cat "$tmp/body")"
		strip "$tmp/headers" | cmp -s - "$tmp/none.headers" && ok ||
			bad "$who, $id: headers differ: $(strip "$tmp/headers" | diff - "$tmp/none.headers")"
	done
done
# evidence for another team's account answers like evidence for an unknown one
login a pass-of-a-1; expect_status 200 "$st" "login a"
"$evgen" idor-1 a "$c_acct" 1 > "$tmp/e1.json" && "$evgen" idor-2 a NO-SUCH-ID 1 > "$tmp/e2.json" || bad evgen
api POST /v1/events "$token" --data-binary @"$tmp/e1.json" >/dev/null
sed 's/"id":"[^"]*"/"id":"X"/' "$tmp/body" > "$tmp/r1"
api POST /v1/events "$token" --data-binary @"$tmp/e2.json" >/dev/null
sed 's/"id":"[^"]*"/"id":"X"/' "$tmp/body" > "$tmp/r2"
cmp -s "$tmp/r1" "$tmp/r2" && grep -q '"flagged":true' "$tmp/r1" && ok ||
	bad "push for another team's account: $(cat "$tmp/r1") vs unknown: $(cat "$tmp/r2")"

# the case update of evidence for an unknown account fails: the event is kept with a dead
# letter, and the other events of its batch still reach their cases
[ "$(book_sql "SELECT count(*) FROM dead_letters WHERE reason LIKE '%no account NO-SUCH-ID%'")" -eq 1 ] &&
	ok || bad "no dead letter for the unknown account: $(book_sql 'SELECT * FROM dead_letters')"
# one batch of three one-event chains, the middle one for an account the book does not have
"$evgen" apply-1 a "$a_acct" 1 > "$tmp/p1.json" && "$evgen" apply-2 a GONE-ACCOUNT 1 > "$tmp/p2.json" &&
	"$evgen" apply-3 a "$a_acct2" 1 > "$tmp/p3.json" || bad evgen
{
	printf '{"events":['
	sed 's/^{"events":\[//; s/\]}$//' "$tmp/p1.json"; printf ','
	sed 's/^{"events":\[//; s/\]}$//' "$tmp/p2.json"; printf ','
	sed 's/^{"events":\[//; s/\]}$//' "$tmp/p3.json"; printf ']}'
} | tr -d '\n' > "$tmp/mixed.json"
st=$(api POST /v1/events "$token" --data-binary @"$tmp/mixed.json"); expect_status 200 "$st" "mixed batch"
[ "$(grep -o '"result":"accepted"' "$tmp/body" | wc -l)" -eq 3 ] && ok || bad "mixed batch: $(cat "$tmp/body")"
[ "$(book_sql "SELECT count(*) FROM dead_letters WHERE reason LIKE '%no account GONE-ACCOUNT%'")" -eq 1 ] &&
	ok || bad "no dead letter for GONE-ACCOUNT: $(book_sql 'SELECT * FROM dead_letters')"
[ "$(book_sql "SELECT count(*) FROM case_state WHERE account_id IN ('$a_acct', '$a_acct2')")" -eq 2 ] &&
	ok || bad "the batch's other events were not applied: $(book_sql 'SELECT * FROM case_state')"

# a device belongs to the first user who pushed for it: b cannot continue a's chain
"$evgen" shared-dev a "$a_acct" 1 > "$tmp/s1.json" || bad evgen
api POST /v1/events "$token" --data-binary @"$tmp/s1.json" >/dev/null
h1=$(sed 's/.*"hash":"\([0-9a-f]*\)".*/\1/' "$tmp/s1.json")
"$evgen" shared-dev b "$a_acct" 1 2 "$h1" > "$tmp/s2.json" || bad evgen
login b pass-of-b-1; expect_status 200 "$st" "login b"
st=$(api POST /v1/events "$token" --data-binary @"$tmp/s2.json"); expect_status 200 "$st" "b pushes on a's device"
grep -q '"result":"rejected","reason":"device belongs to another user"' "$tmp/body" && ok ||
	bad "b wrote on a's device: $(cat "$tmp/body")"

# bad bodies on the login route: JSON errors with a code, never a crash
for body in '{"user":' '[1,2]' '"just a string"' '{"user":"a","user":"b","password":"x"}' \
	'{"user":7,"password":"x"}' "$(printf '{"user":"a\377","password":"x"}')" \
	"$(awk 'BEGIN { for (i = 0; i < 200; i++) printf "{\"a\":"; printf "1"; for (i = 0; i < 200; i++) printf "}" }')"; do
	st=$(api POST /v1/session "" --data-binary "$body")
	expect_status 400 "$st" "login body $(printf '%.30s' "$body")"
	grep -q '"error":"bad_\(json\|request\)"' "$tmp/body" && grep -q '"message":"' "$tmp/body" && ok ||
		bad "login body $(printf '%.30s' "$body"): $(cat "$tmp/body")"
done
head -c 5000000 /dev/zero | tr '\0' 'x' > "$tmp/huge"
st=$(api POST /v1/session "" --data-binary @"$tmp/huge"); expect_status 413 "$st" "huge login body"
alive "bad login bodies"

# guessing from one address: after address_free_tries failures over any user names, even a
# right password from there waits, with Retry-After
for n in 1 2 3 4 5 6; do login "guess$n" wrong-password; done
login lead pass-of-lead-1; expect_status 429 "$st" "login from a guessing address"
grep -qi '^retry-after: [1-9][0-9]*' "$tmp/headers" && ok || bad "429 without Retry-After: $(cat "$tmp/headers")"
[ "$(json_str error "$tmp/body")" = too_many_requests ] && ok || bad "429 body: $(cat "$tmp/body")"
book_sql "DELETE FROM throttle"	# the rest of the test logs in from this address

# one agent, two devices: both chains arrive whole, each cache's events exactly once
for c in arrears_a arrears_a2; do
	printf 'pass-of-a-1\n' | $c login --server "$url" --user a >/dev/null 2>"$tmp/err" || bad "$c login: $(cat "$tmp/err")"
	$c sync >/dev/null 2>"$tmp/err" || bad "$c sync: $(cat "$tmp/err")"
done
"$notegen" "$cache_a" a "$a_acct" 3 2>"$tmp/err" && "$notegen" "$cache_a2" a "$a_acct" 4 2>"$tmp/err" ||
	bad "notegen: $(cat "$tmp/err")"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 3 events" "$tmp/out" && ok || bad "device 1: $(cat "$tmp/out" "$tmp/err")"
arrears_a2 sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 4 events" "$tmp/out" && ok || bad "device 2: $(cat "$tmp/out" "$tmp/err")"
[ "$(sq "$cache_a" "SELECT value FROM sync_state WHERE key = 'device_id'")" != \
	"$(sq "$cache_a2" "SELECT value FROM sync_state WHERE key = 'device_id'")" ] && ok || bad "two caches share a device id"
expect_exactly_once "device 1 of a" "$cache_a"
expect_exactly_once "device 2 of a" "$cache_a2"

# reassigned while offline: a works an account that moves to b meanwhile; at sync the account
# leaves a's cache, the evidence is accepted, flagged for the lead, and nothing waits
"$notegen" "$cache_a" a "$a_acct2" 2 2>"$tmp/err" || bad "notegen: $(cat "$tmp/err")"
awk -F, -v id="$a_acct2" 'BEGIN { OFS = "," } $1 == id { $6 = "b" } { print }' "$tmp/book.csv" > "$tmp/moved.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/moved.csv" >/dev/null 2>&1 || bad "reassign import"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "1 removed.*pushed 2 events (0 duplicates, 0 rejected); 0 waiting" "$tmp/out" &&
	ok || bad "sync after reassignment: $(cat "$tmp/out" "$tmp/err")"
dev_a=$(sq "$cache_a" "SELECT value FROM sync_state WHERE key = 'device_id'")
[ "$(book_sql "SELECT count(*) FROM events WHERE device = '$dev_a' AND account_id = '$a_acct2' AND flag <> ''")" -eq 2 ] &&
	ok || bad "offline evidence for the reassigned account is not flagged"
[ "$(book_sql "SELECT count(*) FROM events WHERE device = '$dev_a' AND account_id = '$a_acct' AND flag <> ''")" -eq 0 ] &&
	ok || bad "evidence for a's own account was flagged"
expect_exactly_once "reassigned while offline" "$cache_a"

# the token expires: the server, restarted an hour and a minute later, refuses it; sync says
# "login needed" (3) and keeps the work; after a login it goes through
"$notegen" "$cache_a" a "$a_acct" 1 2>"$tmp/err" || bad "notegen: $(cat "$tmp/err")"
stop_server
ARREARS_NOW=2026-11-23T13:01:00Z
start_server "$conf" "$tmp/log" || exit 1
arrears_a sync > "$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc -eq 3 ] && ok || bad "sync with an expired token exited $rc: $(cat "$tmp/err")"
[ "$(sq "$cache_a" 'SELECT count(*) FROM outbox')" -eq 1 ] && ok || bad "the expired sync lost the outbox"
st=$(api GET /v1/changes "$(cat "$cache_a.token")"); expect_status 401 "$st" "expired token"
[ "$(json_str error "$tmp/body")" = unauthorized ] && ok || bad "expired body: $(cat "$tmp/body")"
printf 'pass-of-a-1\n' | arrears_a login --server "$url" --user a >/dev/null 2>"$tmp/err" || bad "login again: $(cat "$tmp/err")"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 1 events" "$tmp/out" && ok ||
	bad "sync after a new login: $(cat "$tmp/out" "$tmp/err")"
expect_exactly_once "expired token" "$cache_a"

stop_server
echo "security: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
