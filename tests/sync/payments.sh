#!/bin/sh
# Payment links and gateway notifications against a real arrearsd on loopback: secret files'
# modes, `arrearsd paylink`, POST /v1/payments signed good, repeated, forged, with the wrong
# secret, stale, from the future, replayed with other content, for an unknown account, with a
# bad body, with a link and a tampered link; every refusal logged without the secret; then an
# agent's sync pulls the paid account. Signatures are made with openssl, not with our code.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need curl openssl sqlite3

make_cert "$tmp"
write_conf 'paylink_key_file = "paylink.key";' 'webhook_secret_file = "webhook.secret";' \
	'paylink_base = "https://pay.example.test";'
export ARREARS_NOW=2026-11-23T12:00:00Z
now=$(date -u -d 2026-11-23T12:00:00Z +%s)
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME
secret='whsec_loopback_test_secret_42'
(umask 077 && printf '%s\n' "$secret" > "$tmp/webhook.secret" &&
	openssl rand -hex 32 > "$tmp/paylink.key")

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
printf 'pass-of-a-1\n' | "$arrearsd" -c "$conf" user add a --role agent --team t1 >/dev/null 2>"$tmp/err" ||
	bad "user add: $(cat "$tmp/err")"
"$arrears" --cache "$tmp/demo.db" demo --accounts 20 --seed 3 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = "a"; print }' "$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
acct=$(awk -F, 'NR == 2 { print $1 }' "$tmp/book.csv")
acct2=$(awk -F, 'NR == 3 { print $1 }' "$tmp/book.csv")
cur=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "currency") c = i } NR == 2 { print $c }' \
	"$tmp/book.csv")

# a secret file others may read is refused, by name, by serve and by paylink
chmod 644 "$tmp/webhook.secret"
"$arrearsd" -c "$conf" serve > /dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "webhook.secret: readable by others (mode 644); a secret file must be 0600" "$tmp/err" && ok ||
	bad "serve with a world-readable secret: $(cat "$tmp/err")"
chmod 600 "$tmp/webhook.secret"
chmod 640 "$tmp/paylink.key"
"$arrearsd" -c "$conf" paylink "$acct" 10.00 > /dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "paylink.key: readable by others (mode 640)" "$tmp/err" && ok || bad "paylink with a readable key: $(cat "$tmp/err")"
chmod 600 "$tmp/paylink.key"

# paylink: a link for an account of the book, in its currency; bad amounts and accounts named
"$arrearsd" -c "$conf" paylink "$acct" 120.50 --days 3 > "$tmp/link" 2>"$tmp/err" && ok ||
	bad "paylink: $(cat "$tmp/err")"
want="https://pay.example.test/pay?a=$acct&m=12050&c=$cur&x=$((now + 3 * 86400))&s="
case $(cat "$tmp/link") in
"$want"????????????????????????????????????????????????????????????????) ok ;;
*) bad "paylink printed $(cat "$tmp/link"), wanted $want and 64 hex" ;;
esac
link=$(cat "$tmp/link")
"$arrearsd" -c "$conf" paylink "$acct" 12.3x > /dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "amount '12.3x' is not a positive amount" "$tmp/err" && ok || bad "bad amount: $(cat "$tmp/err")"
"$arrearsd" -c "$conf" paylink "$acct" -5 > /dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "amount '-5'" "$tmp/err" && ok || bad "negative amount: $(cat "$tmp/err")"
"$arrearsd" -c "$conf" paylink NOSUCH 5 > /dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "no account 'NOSUCH'" "$tmp/err" && ok || bad "unknown account: $(cat "$tmp/err")"
"$arrearsd" -c "$conf" paylink "$acct" 5 --days 0 > /dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "days: '0'" "$tmp/err" && ok || bad "--days 0: $(cat "$tmp/err")"

start_server "$conf" "$tmp/log" || exit 1
url="https://127.0.0.1:$port"
printf 'ca_file = "%s";\n' "$tmp/cert.pem" > "$tmp/arrears.conf"
cache="$tmp/a/cache.db"
agent() { "$arrears" --config "$tmp/arrears.conf" --cache "$cache" "$@"; }
sq() { sqlite3 "$1" "$2"; }

# the agent's first pull, before any payment
printf 'pass-of-a-1\n' | agent login --server "$url" --user a >/dev/null 2>"$tmp/err" || bad "login: $(cat "$tmp/err")"
agent sync > "$tmp/out" 2>"$tmp/err" || bad "first sync: $(cat "$tmp/out" "$tmp/err")"
bal_sql="SELECT b.total FROM balances b JOIN accounts a ON a.id = b.account_id WHERE a.ext_id = '$acct'"
before=$(sq "$cache" "$bal_sql")

# sign T BODY [SECRET]: the v1 of BODY at time T, as a gateway computes it
sign() {
	printf '%s.%s' "$1" "$2" | openssl dgst -sha256 -hmac "${3:-$secret}" | awk '{ print $NF }'
}
# notify BODY [T [SECRET [SENT_BODY]]]: POSTs SENT_BODY (default BODY) signed over BODY at T
notify() {
	t=${2:-$now}
	printf '%s' "${4:-$1}" > "$tmp/notice.json"
	api POST /v1/payments "" -H "Content-Type: application/json" \
		-H "X-Arrears-Signature: t=$t,v1=$(sign "$t" "$1" "${3:-$secret}")" \
		--data-binary @"$tmp/notice.json"
}
payment() {
	printf '{"reference":"%s","account_id":"%s","amount":%s,"paid_on":"2026-11-22"%s}' \
		"$1" "$2" "$3" "${4:+,\"link\":\"$4\"}"
}
count() { book_sql "SELECT count(*) FROM payments WHERE reference = '$1'"; }
logged() { grep -q "$1" "$tmp/log" && ok || bad "the log does not say '$1': $(tail -3 "$tmp/log")"; }

# good: recorded once, with its event on the gateway's chain; the same again is a duplicate
st=$(notify "$(payment GW-1 "$acct" 2500)")
expect_status 200 "$st" "good notification"
[ "$(json_str result "$tmp/body")" = recorded ] && ok || bad "good: $(cat "$tmp/body")"
[ "$(count GW-1)" -eq 1 ] && ok || bad "GW-1 stored $(count GW-1) times"
logged "payment GW-1 recorded: account $acct, 2500 cents"
st=$(notify "$(payment GW-1 "$acct" 2500)" $((now + 10)))
expect_status 200 "$st" "the same again"
[ "$(json_str result "$tmp/body")" = duplicate ] && ok || bad "again: $(cat "$tmp/body")"
[ "$(count GW-1)" -eq 1 ] && ok || bad "a repeat stored GW-1 $(count GW-1) times"
[ "$(book_sql "SELECT count(*) FROM events WHERE device = 'gateway' AND kind = 'payment'")" -eq 1 ] &&
	ok || bad "the gateway's chain does not hold one payment event"

# forged body, wrong secret, no header, stale and future: 401, logged, nothing stored
st=$(notify "$(payment GW-2 "$acct" 100)" "$now" "$secret" "$(payment GW-2 "$acct" 100000)")
expect_status 401 "$st" "forged body"
[ "$(json_str error "$tmp/body")" = bad_signature ] && ok || bad "forged: $(cat "$tmp/body")"
st=$(notify "$(payment GW-2 "$acct" 100)" "$now" "whsec_somebody_else_entirely")
expect_status 401 "$st" "wrong secret"
st=$(api POST /v1/payments "" --data-binary "$(payment GW-2 "$acct" 100)")
expect_status 401 "$st" "no signature"
grep -q "no X-Arrears-Signature header" "$tmp/body" && ok || bad "no header: $(cat "$tmp/body")"
st=$(notify "$(payment GW-2 "$acct" 100)" $((now - 301)))
expect_status 401 "$st" "stale"
[ "$(json_str error "$tmp/body")" = stale_timestamp ] && ok || bad "stale: $(cat "$tmp/body")"
st=$(notify "$(payment GW-2 "$acct" 100)" $((now + 301)))
expect_status 401 "$st" "future"
grep -q "301 s after now" "$tmp/body" && ok || bad "future: $(cat "$tmp/body")"
[ "$(count GW-2)" -eq 0 ] && ok || bad "a refused notification stored GW-2"
logged "refused from 127.0.0.1: bad signature: the signature does not match the body"
logged "refused from 127.0.0.1: stale timestamp: the signature's time is 301 s before now"

# a known reference with other content is a replay: 409, the first payment stands
st=$(notify "$(payment GW-1 "$acct" 990000)")
expect_status 409 "$st" "replay with another amount"
[ "$(json_str error "$tmp/body")" = replay ] && ok || bad "replay: $(cat "$tmp/body")"
[ "$(book_sql "SELECT amount FROM payments WHERE reference = 'GW-1'")" -eq 2500 ] && ok ||
	bad "the replay changed GW-1"
logged "GW-1: \$.reference: GW-1 is already recorded with other content"

# unknown account 404; bad bodies 400 naming the field
st=$(notify "$(payment GW-3 NOSUCH 100)")
expect_status 404 "$st" "unknown account"
st=$(notify '{"reference":"GW-4","account_id":"'"$acct"'","amount":"12.34","paid_on":"2026-11-22"}')
expect_status 400 "$st" "amount as text"
grep -qF '$.amount: must be a whole number of cents' "$tmp/body" && ok || bad "amount: $(cat "$tmp/body")"
st=$(notify '{"reference":"GW-4","account_id":"'"$acct"'","amount":100}')
expect_status 400 "$st" "no paid_on"
grep -qF '$.paid_on: missing' "$tmp/body" && ok || bad "paid_on: $(cat "$tmp/body")"
st=$(notify '{"reference":"GW-4","account_id":"'"$acct"'","amount":100,"paid_on":"2026-02-30"}')
expect_status 400 "$st" "bad paid_on"
st=$(notify '[1]')
expect_status 400 "$st" "not an object"

# a payment from a link: accepted when the link is the server's and matches; refused when not
st=$(notify "$(payment GW-5 "$acct" 12050 "$link")")
expect_status 200 "$st" "payment with its link"
tampered=$(printf '%s' "$link" | sed 's/&m=12050&/\&m=1205\&/')
st=$(notify "$(payment GW-6 "$acct" 1205 "$tampered")")
expect_status 400 "$st" "tampered link"
grep -qF '$.link: the signature does not match' "$tmp/body" && ok || bad "tampered: $(cat "$tmp/body")"
st=$(notify "$(payment GW-7 "$acct" 100 "$link")")
expect_status 400 "$st" "link of another amount"
grep -qF '$.link: the link is for 120.50, not 1.00' "$tmp/body" && ok || bad "amount: $(cat "$tmp/body")"
st=$(notify "$(payment GW-8 "$acct2" 12050 "$link")")
expect_status 400 "$st" "link of another account"
"$arrearsd" -c "$conf" paylink "$acct" 1.00 --days 1 > "$tmp/link1" 2>"$tmp/err" || bad "paylink: $(cat "$tmp/err")"
late='{"reference":"GW-9","account_id":"'"$acct"'","amount":100,"paid_on":"2026-11-25","link":"'"$(cat "$tmp/link1")"'"}'
st=$(notify "$late")
expect_status 400 "$st" "paid after the link expired"
grep -qF '$.link: the link expired 43200 s ago' "$tmp/body" && ok || bad "expired: $(cat "$tmp/body")"
# a link is judged on the day paid: one paid on its last day is accepted however late it comes
"$arrearsd" -c "$conf" paylink "$acct" 2.00 --days 1 > "$tmp/link2" 2>"$tmp/err" || bad "paylink: $(cat "$tmp/err")"
paid='{"reference":"GW-10","account_id":"'"$acct"'","amount":200,"paid_on":"2026-11-24","link":"'"$(cat "$tmp/link2")"'"}'
st=$(notify "$paid")
expect_status 200 "$st" "paid on the last day of the link"
st=$(notify "$paid" $((now + 200)))
expect_status 200 "$st" "a link's payment again"
[ "$(json_str result "$tmp/body")" = duplicate ] && ok || bad "link payment again: $(cat "$tmp/body")"
[ "$(book_sql "SELECT count(*) FROM payments WHERE reference IN ('GW-6','GW-7','GW-8','GW-9')")" -eq 0 ] &&
	ok || bad "a bad link's payment was stored"

grep -q "$secret" "$tmp/log" && bad "the log holds the secret" || ok
"$arrearsd" -c "$conf" verify > "$tmp/out" 2>&1 && ok || bad "verify: $(cat "$tmp/out")"

# the agent's next pull brings the paid account: its balance less the three payments
agent sync > "$tmp/out" 2>"$tmp/err" && grep -q "^pulled 1 account" "$tmp/out" && ok ||
	bad "sync after payments: $(cat "$tmp/out" "$tmp/err")"
after=$(sq "$cache" "$bal_sql")
want=$((before > 14750 ? before - 14750 : 0))
[ "$after" -eq "$want" ] && ok || bad "the cache's balance is $after, wanted $want (was $before)"

stop_server
echo "payments: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
