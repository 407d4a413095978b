#!/bin/sh
# arrears audit: verify passes on a demo book and names the first bad event of a tampered copy
# (edited body, deleted row, swapped seqs); export prints an account's evidence as JSON and CSV.
. "$top_srcdir/tests/cli/lib.sh"

db="$tmp/book.db"
expect 0 "" -- "$arrears" --cache "$db" demo --accounts 50 --seed 3 --as-of 2026-11-23
total=$(sqlite3 "$db" 'SELECT count(*) FROM events')
expect 0 "^$total events in 1 device chains intact$" -- "$arrears" audit verify --cache "$db"
expect 0 "intact" -- "$arrears" --cache "$db" audit verify
expect 2 "usage: arrears audit" -- "$arrears" --cache "$db" audit
expect 2 "usage: arrears audit" -- "$arrears" --cache "$db" audit export --account A1 --format xml
expect 10 "no cache here" -- "$arrears" audit verify --cache "$tmp/none.db"

# tamper COPY SQL: run SQL on a copy (with its seal key) with the immutability triggers dropped
tamper() {
	cp "$db" "$tmp/t.db"
	cp "$db.seal" "$tmp/t.db.seal"
	sqlite3 "$tmp/t.db" "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete; $1"
}

# The immutability triggers themselves refuse edits.
if sqlite3 "$db" "UPDATE events SET body = '{}' WHERE seq = 1" 2>/dev/null; then
	bad "an event could be updated with the triggers in place"
else
	ok
fi

victim=$(sqlite3 "$db" 'SELECT id FROM events WHERE seq = 10')
# Bodies are sealed (seal.c), so the edit is another event's sealed body put in its place.
tamper "UPDATE events SET body = (SELECT body FROM events WHERE kind !=
	(SELECT kind FROM events WHERE seq = 10) ORDER BY seq LIMIT 1) WHERE seq = 10;"
expect 1 "evidence broken at event $victim: .*content does not match its hash (edited)" -- \
	"$arrears" audit verify --cache "$tmp/t.db"

after=$(sqlite3 "$db" 'SELECT id FROM events WHERE seq = 21')
tamper "DELETE FROM events WHERE seq = 20;"
expect 1 "evidence broken at event $after: .*expected seq 20, found 21" -- \
	"$arrears" audit verify --cache "$tmp/t.db"

moved=$(sqlite3 "$db" 'SELECT id FROM events WHERE seq = 31')
tamper "UPDATE events SET seq = -1 WHERE seq = 30; UPDATE events SET seq = 30 WHERE seq = 31;
	UPDATE events SET seq = 31 WHERE seq = -1;"
expect 1 "evidence broken at event $moved: .*previous hash does not match" -- \
	"$arrears" audit verify --cache "$tmp/t.db"

# Export: the account with the most events, oldest first.
acct=$(sqlite3 "$db" 'SELECT account_id FROM events GROUP BY account_id ORDER BY count(*) DESC, account_id LIMIT 1')
n=$(sqlite3 "$db" "SELECT count(*) FROM events WHERE account_id = '$acct'")
expect 0 "" -- "$arrears" --cache "$db" audit export --account "$acct" --format json
cp "$tmp/out" "$tmp/export.json"
if command -v jq >/dev/null; then
	[ "$(jq '.events | length' "$tmp/export.json")" = "$n" ] && ok || bad "json export has not $n events"
	[ "$(jq -r '.chains.intact' "$tmp/export.json")" = true ] && ok || bad "json export says not intact"
	[ "$(jq -r ".account" "$tmp/export.json")" = "$acct" ] && ok || bad "json export account"
	first=$(sqlite3 "$db" "SELECT id FROM events WHERE account_id = '$acct' ORDER BY at LIMIT 1")
	[ "$(jq -r '.events[0].id' "$tmp/export.json")" = "$first" ] && ok || bad "json export is not oldest first"
else
	[ "$(grep -c '"prev_hash"' "$tmp/export.json")" -eq "$n" ] && ok || bad "json export has not $n events"
fi
expect 0 "" -- "$arrears" --cache "$db" audit export --account "$acct" --format csv
head -1 "$tmp/out" | tr -d '\r' | grep -q '^at,kind,user,device,seq,id,description,body,hash,prev_hash$' && ok ||
	bad "csv header: $(head -1 "$tmp/out")"
[ "$(grep -c '^[0-9][0-9][0-9][0-9]-' "$tmp/out")" -eq "$n" ] && ok || bad "csv export has not $n rows"
grep -q '"{""' "$tmp/out" && ok || bad "csv body is not quoted JSON"
expect 1 "no evidence for account NOPE" -- "$arrears" --cache "$db" audit export --account NOPE --format csv

# Exporting from a tampered copy still works but says the log is broken.
tamper "DELETE FROM events WHERE seq = 20;"
expect 0 "warning: evidence broken" -- "$arrears" --cache "$tmp/t.db" audit export --account "$acct" --format json

finish audit_cli
