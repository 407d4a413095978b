#!/bin/sh
# arrearsd run: a handful of accounts built to hit each case (a text, an email, no SMS consent,
# a cease flag, outside calling hours, a call, a cured account, a refused recipient) checked
# line by line, with the file sink as the sender; a dry run writes nothing in the book; a
# second run the same day sends nothing; the schedule of serve starts a run; then 120 simulated
# days with payments, where each account gets exactly its strategy's steps on the right days,
# never a blocked channel, nothing once cured, and `arrearsd verify` passes.
set -u
arrearsd="${top_builddir:?}/arrearsd"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need sqlite3
# the run's events, as book_sql prints them (columns separated by spaces)
run_sql() { book_sql "$1" | tr '|' ' '; }

write_conf "sender = \"file:$tmp/sent.jsonl\";" 'pay_link = "https://pay.example.com/p";'
run() { "$arrearsd" -c "$conf" run "$@"; }
# evs: the run's events as ACCOUNT KIND ACTION CHANNEL CONTACT, in chain order
evs() {
	run_sql "SELECT account_id, kind, $(sql_json body action),
		coalesce($(sql_json body channel), '-'), coalesce($(sql_json body contact), '-')
		FROM events WHERE device = 'arrearsd' ORDER BY seq"
}

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
cat > "$tmp/accounts.csv" <<'CSV'
account_id,name,balance,past_due,due_date,assignee,product,currency,phone,phone_kind,autodial_consent,sms_consent,email,email_consent,timezone,state,country,flags
R-SMS,Ann Able,1000.00,100.00,2026-11-22,ann,card,USD,+1 404-555-0101,mobile,no,yes,ann@example.com,yes,America/New_York,GA,US,
R-EMAIL,Bob Bell,1000.00,100.00,2026-11-11,ann,card,USD,+1 404-555-0102,mobile,no,yes,bob@example.com,yes,America/New_York,GA,US,
R-NOSMS,Cy Cole,1000.00,100.00,2026-11-22,ann,card,USD,+1 404-555-0103,mobile,no,no,cy@example.com,yes,America/New_York,GA,US,
R-CEASE,Di Dunn,1000.00,100.00,2026-11-22,ann,card,USD,+1 404-555-0104,mobile,no,yes,di@example.com,yes,America/New_York,GA,US,cease
R-HOURS,Ed Eve,1000.00,100.00,2026-11-22,ann,card,USD,+1 213-555-0105,mobile,no,yes,ed@example.com,yes,America/Los_Angeles,CA,US,
R-CALL,Flo Fox,1000.00,100.00,2026-11-17,ann,card,USD,+1 404-555-0106,mobile,no,yes,flo@example.com,yes,America/New_York,GA,US,
R-CURED,Gus Gray,1000.00,0.00,2026-11-01,ann,card,USD,+1 404-555-0107,mobile,no,yes,gus@example.com,yes,America/New_York,GA,US,
R-REFUSED,Hal Hunt,1000.00,100.00,2026-11-11,ann,card,USD,+1 404-555-0108,mobile,no,yes,hal@example.invalid,yes,America/New_York,GA,US,
CSV
"$arrearsd" -c "$conf" import accounts "$tmp/accounts.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"

# 14:00 UTC is 09:00 in New York and 06:00 in Los Angeles
export ARREARS_NOW=2026-11-23T14:00:00Z
if [ "$test_store" = sqlite ]; then
	sqlite3 "$tmp/book.db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
	cp "$tmp/book.db" "$tmp/before.db"
fi
book_state() { book_sql "SELECT count(*), coalesce(max(seq), 0) FROM events"; book_sql "SELECT count(*) FROM devices"; }
book_state > "$tmp/before.state"
run --dry-run > "$tmp/out" 2>"$tmp/err" || bad "dry run: $(cat "$tmp/err")"
cat > "$tmp/want" <<'OUT'
R-SMS            early           champion   1/4   sms    friendly  send mobile
R-EMAIL          early           champion   3/4   email  second    send email
R-NOSMS          early           champion   1/4   sms    friendly  defer mobile NO_SMS_CONSENT
R-CEASE          hold            champion   -     -      -         nothing
R-HOURS          early           champion   1/4   sms    friendly  defer mobile OUTSIDE_HOURS until 2026-11-23T16:00:00Z
R-CALL           early           champion   2/4   call   -         due
R-CURED          current         champion   -     -      -         cured
R-REFUSED        early           champion   3/4   email  second    send email
dry run 2026-11-23T14:00:00Z book default v1: 8 accounts: 3 send, 2 defer, 1 due, 0 done, 0 paused, 1 cured, 1 nothing
OUT
diff "$tmp/want" "$tmp/out" > "$tmp/diff" && ok || bad "dry run output: $(cat "$tmp/diff")"
book_state | cmp -s - "$tmp/before.state" && ok || bad "the dry run wrote in the book"
if [ "$test_store" = sqlite ]; then
	cmp -s "$tmp/before.db" "$tmp/book.db" && ok || bad "the dry run changed the book file"
	[ ! -s "$tmp/book.db-wal" ] && ok || bad "the dry run left writes in the WAL"
fi
[ ! -e "$tmp/sent.jsonl" ] && ok || bad "the dry run sent: $(cat "$tmp/sent.jsonl")"

# --strategy-version: another version of a book, for dry runs only
sed 's/^version = 1;/version = 2;/' "$top_srcdir/data/strategies/default.conf" > "$tmp/trial.v2.conf"
cp "$top_srcdir/data/strategies/default.conf" "$tmp/trial.v3.conf"
run --dry-run --book "$tmp/trial" --strategy-version 2 > "$tmp/out" 2>"$tmp/err" &&
	grep -q "^dry run 2026-11-23T14:00:00Z book $tmp/trial v2: 8 accounts" "$tmp/out" && ok ||
	bad "--strategy-version 2: $(cat "$tmp/out" "$tmp/err")"
run --dry-run --book "$tmp/trial" --strategy-version 3 > "$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "trial.v3.conf: says version 1, not 3" "$tmp/err" && ok ||
	bad "a book of another version: $(cat "$tmp/err")"
run --strategy-version 2 > "$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "for dry runs" "$tmp/err" && ok || bad "--strategy-version on a real run: $(cat "$tmp/err")"
run --as-of 2026-13-01 --dry-run > "$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--as-of" "$tmp/err" && ok || bad "a bad --as-of: $(cat "$tmp/err")"

# the run itself: what it did, per account
run > "$tmp/out" 2>"$tmp/err" || bad "run: $(cat "$tmp/err")"
cat > "$tmp/want" <<'OUT'
R-SMS            early           champion   1/4   sms    friendly  sent mobile
R-EMAIL          early           champion   3/4   email  second    sent email
R-NOSMS          early           champion   1/4   sms    friendly  deferred mobile NO_SMS_CONSENT
R-HOURS          early           champion   1/4   sms    friendly  deferred mobile OUTSIDE_HOURS until 2026-11-23T16:00:00Z
R-CALL           early           champion   2/4   call   -         due
R-REFUSED        early           champion   3/4   email  second    failed email (recipient refused)
run 2026-11-23T14:00:00Z book default v1: 8 accounts: 3 send, 2 defer, 1 due, 0 done, 0 paused, 1 cured, 1 nothing; 2 sent, 2 deferred, 1 failed, 1 due recorded, 6 events
OUT
diff "$tmp/want" "$tmp/out" > "$tmp/diff" && ok || bad "run output: $(cat "$tmp/diff")"
evs > "$tmp/evs"
cat > "$tmp/want" <<'OUT'
R-SMS dispatch sms sms mobile
R-EMAIL dispatch email email email
R-NOSMS dispatch_deferred sms sms mobile
R-HOURS dispatch_deferred sms sms mobile
R-CALL treatment_due call - -
R-REFUSED dispatch_failed email email email
OUT
diff "$tmp/want" "$tmp/evs" > "$tmp/diff" && ok || bad "events: $(cat "$tmp/diff")"
# the sink got the two messages, each under its dispatch event's id
[ "$(wc -l < "$tmp/sent.jsonl")" -eq 2 ] && ok || bad "sink: $(cat "$tmp/sent.jsonl")"
for a in R-SMS R-EMAIL; do
	id=$(book_sql "SELECT id FROM events WHERE device = 'arrearsd' AND account_id = '$a'")
	grep -q "\"dispatch_id\":\"$id\"" "$tmp/sent.jsonl" && ok || bad "$a: no message with dispatch id $id"
done
grep -q '"channel":"sms".*"to":"+1 404-555-0101"' "$tmp/sent.jsonl" &&
	grep -q '"subject":"Your account ending MAIL is 12 days past due".*"to":"bob@example.com"' "$tmp/sent.jsonl" &&
	grep -q 'Pay at https://pay.example.com/p Reply STOP to opt out.' "$tmp/sent.jsonl" && ok ||
	bad "sink contents: $(cat "$tmp/sent.jsonl")"
# the evidence proves what was sent by its hash, without the personal data in it
book_sql "SELECT body FROM events WHERE device = 'arrearsd'" > "$tmp/bodies"
grep -q -e 'Ann Able' -e '404-555' -e 'example.com' "$tmp/bodies" && bad "personal data in events: $(cat "$tmp/bodies")" || ok
grep -q '"message_sha256":"[0-9a-f]\{64\}"' "$tmp/bodies" && grep -q '"reasons":\["NO_SMS_CONSENT"\],"segment":"early"' "$tmp/bodies" &&
	grep -q '"next_at":"2026-11-23T16:00:00Z"' "$tmp/bodies" && ok || bad "event bodies: $(cat "$tmp/bodies")"

# again the same day: nothing is sent twice, and an unchanged deferral is not written again
run > "$tmp/out" 2>"$tmp/err" || bad "second run: $(cat "$tmp/err")"
grep -q "; 0 sent, 0 deferred, 0 failed, 0 due recorded, 0 events$" "$tmp/out" && ok || bad "second run: $(cat "$tmp/out")"
[ "$(wc -l < "$tmp/sent.jsonl")" -eq 2 ] && ok || bad "the second run sent again: $(cat "$tmp/sent.jsonl")"
# at 16:00 UTC (08:00 in Los Angeles) the deferred text goes
ARREARS_NOW=2026-11-23T16:00:00Z run > "$tmp/out" 2>"$tmp/err" || bad "16:00 run: $(cat "$tmp/err")"
grep -q "^R-HOURS .* sent mobile$" "$tmp/out" && grep -q "; 1 sent, 0 deferred" "$tmp/out" && ok ||
	bad "16:00 run: $(cat "$tmp/out")"
grep -q '"to":"+1 213-555-0105"' "$tmp/sent.jsonl" && ok || bad "no text to R-HOURS: $(cat "$tmp/sent.jsonl")"
"$arrearsd" -c "$conf" verify > "$tmp/out" 2>&1 && grep -q ": 7 events on 1 devices, 0 signed heads: intact$" "$tmp/out" &&
	ok || bad "verify: $(cat "$tmp/out")"

# the schedule: serve with run_at starts a run at that time (here two seconds away); 02:00 UTC
# is 21:00 in New York, so a new account's first text waits for the morning
need curl
make_cert "$tmp"
printf 'account_id,name,balance,past_due,due_date,assignee,timezone,phone,phone_kind,sms_consent\nR-NIGHT,Ida Ives,900.00,90.00,2026-11-23,ann,America/New_York,+1 404-555-0109,mobile,yes\n' > "$tmp/night.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/night.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
printf 'run_at = "02:00";\n' >> "$conf"
ARREARS_NOW=2026-11-24T01:59:58Z start_server "$conf" "$tmp/log" || exit 1
wait_for 15 grep -q "run: book default v1, 9 accounts: 0 sent, 1 deferred" "$tmp/log" && ok ||
	bad "no scheduled run: $(cat "$tmp/log")"
stop_server
run_sql "SELECT account_id, kind, $(sql_datetime at), $(sql_json body next_at)
	FROM events WHERE device = 'arrearsd' ORDER BY seq DESC LIMIT 1" > "$tmp/out"
[ "$(cat "$tmp/out")" = "R-NIGHT dispatch_deferred 2026-11-24 02:00:00 2026-11-24T13:00:00Z" ] && ok ||
	bad "the scheduled run recorded: $(cat "$tmp/out")"
cp "$conf" "$tmp/bad.conf"
sed -i "s/^run_at = .*/run_at = \"2:00\";/" "$tmp/bad.conf"
"$arrearsd" -c "$tmp/bad.conf" run --dry-run > "$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "run_at: '2:00' is not HH:MM" "$tmp/err" && ok || bad "bad run_at: $(cat "$tmp/err")"

# 120 days: a run at 15:00 UTC (10:00 or 11:00 in New York) every day, payments on some days.
# Every account is due 2026-01-01, so day N of the simulation is dpd N.
#   S-LONG    never pays: the whole early, mid and late sequences of the default book
#   S-PARTIAL pays part of its arrears on day 10: the same
#   S-PAID    pays its arrears on day 15: cured, nothing after
#   S-NOSMS   no SMS consent: its texts are deferred (once each), never sent
#   S-LOW-A   early_low, champion (its BLAKE2b bucket is 76, over the share of 20)
#   S-LOW-K   early_low, challenger (bucket 11)
#   S-CEASE   cease: nothing, ever
# Letters are deferred once per step: the book holds no postal addresses.
cp "$conf" "$tmp/sim.conf"
sed -i -e 's/^database = .*/database = "sim.db";/' -e "s|^sender = .*|sender = \"file:$tmp/sim.jsonl\";|" \
	-e 's/dbname=book/dbname=sim/' -e '/^run_at/d' "$tmp/sim.conf"
conf="$tmp/sim.conf"
book_file="$tmp/sim.db" book_db=sim
[ "$test_store" = sqlite ] || pg_sql postgres "CREATE DATABASE sim" >/dev/null
"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || bad "sim init: $(cat "$tmp/err")"
{
	echo 'account_id,name,balance,past_due,due_date,assignee,phone,phone_kind,sms_consent,email,email_consent,timezone,flags'
	for a in S-LONG S-PARTIAL S-PAID S-NOSMS S-LOW-A S-LOW-K S-CEASE; do
		case $a in S-LOW-*) bal=400.00 pd=100.00 ;; *) bal=2000.00 pd=300.00 ;; esac
		sms=yes flags=
		[ $a = S-NOSMS ] && sms=no
		[ $a = S-CEASE ] && flags=cease
		echo "$a,Sam $a,$bal,$pd,2026-01-01,ann,+1 404-555-0200,mobile,$sms,$a@example.com,yes,America/New_York,$flags"
	done
} > "$tmp/sim.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/sim.csv" >/dev/null 2>"$tmp/err" || bad "sim import: $(cat "$tmp/err")"
day_of() { date -u -d "2026-01-01 +$1 days" +%F; }
: > "$tmp/sim.log"
d=1
while [ $d -le 120 ]; do
	day=$(day_of $d)
	pay=""
	[ $d -eq 10 ] && pay="S-PARTIAL,100.00,$day,P-10"
	[ $d -eq 15 ] && pay="S-PAID,300.00,$day,P-15"
	if [ -n "$pay" ]; then
		printf 'account_id,amount,paid_on,reference\n%s\n' "$pay" > "$tmp/pay.csv"
		"$arrearsd" -c "$conf" import payments "$tmp/pay.csv" >/dev/null 2>"$tmp/err" || bad "day $d: payment: $(cat "$tmp/err")"
	fi
	ARREARS_NOW="${day}T15:00:00Z" "$arrearsd" -c "$conf" run >> "$tmp/sim.log" 2>"$tmp/err" || bad "day $d: run: $(cat "$tmp/err")"
	d=$((d + 1))
done
# expect ACCOUNT DAY:KIND:ACTION...: the events the account must have, in order
: > "$tmp/want"
expect() {
	a=$1
	shift
	for s in "$@"; do
		echo "$s" | { IFS=: read -r n kind action; echo "$a $(day_of "$n") $kind $action"; }
	done >> "$tmp/want"
}
late="31:treatment_due:call 45:dispatch_deferred:letter 60:dispatch:sms 91:dispatch_deferred:letter
	100:treatment_due:call 120:dispatch:email"
expect S-LONG 1:dispatch:sms 5:treatment_due:call 12:dispatch:email 20:treatment_due:call $late
expect S-PARTIAL 1:dispatch:sms 5:treatment_due:call 12:dispatch:email 20:treatment_due:call $late
expect S-PAID 1:dispatch:sms 5:treatment_due:call 12:dispatch:email
expect S-NOSMS 1:dispatch_deferred:sms 5:treatment_due:call 12:dispatch:email 20:treatment_due:call \
	31:treatment_due:call 45:dispatch_deferred:letter 60:dispatch_deferred:sms \
	91:dispatch_deferred:letter 100:treatment_due:call 120:dispatch:email
expect S-LOW-A 3:dispatch:sms 10:dispatch:email 20:dispatch:sms $late
expect S-LOW-K 3:dispatch:email 15:dispatch:sms $late
run_sql "SELECT account_id, $(sql_day at), kind, $(sql_json body action)
	FROM events WHERE device = 'arrearsd' ORDER BY account_id, seq" > "$tmp/got"
sort -s -k1,1 "$tmp/want" > "$tmp/want.sorted"
diff "$tmp/want.sorted" "$tmp/got" > "$tmp/diff" && ok || bad "120 days: want < > got: $(cat "$tmp/diff")"
# every dispatch reached the sink, every one of them at 15:00 UTC, allowed hours in New York
n=$(book_sql "SELECT count(*) FROM events WHERE device = 'arrearsd' AND kind = 'dispatch'")
[ "$n" -eq "$(wc -l < "$tmp/sim.jsonl")" ] && ok || bad "$n dispatches, $(wc -l < "$tmp/sim.jsonl") messages in the sink"
n=$(book_sql "SELECT count(*) FROM events WHERE device = 'arrearsd' AND $(sql_hm at) <> '15:00'")
[ "$n" -eq 0 ] && ok || bad "$n events at another time than the runs'"
grep -q '"to":"+1 404-555-0200".*S-NOSMS\|S-NOSMS.*"channel":"sms"' "$tmp/sim.jsonl" && bad "a text to S-NOSMS" || ok
"$arrearsd" -c "$conf" verify > "$tmp/out" 2>&1 && grep -q ": intact$" "$tmp/out" && ok || bad "sim verify: $(cat "$tmp/out")"

echo "run: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
