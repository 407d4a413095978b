#!/bin/sh
# arrears report aging: CSV, JSON and table on a demo book agree with each other and with the
# same aggregate computed independently by the sqlite3 tool; bad arguments are refused.
. "$top_srcdir/tests/cli/lib.sh"

db="$tmp/book.db"
day=2026-11-23
expect 0 "" -- "$arrears" --cache "$db" demo --accounts 200 --seed 2 --as-of "$day"
aging() { "$arrears" --cache "$db" report aging --as-of "$day" "$@"; }

# CSV: the exact header, six bands and a total per currency, no currency summed with another.
aging --format csv | tr -d '\r' >"$tmp/aging.csv"
if [ "$(head -n 1 "$tmp/aging.csv")" = "group,band,accounts,balance,past_due" ]; then ok; else
	bad "CSV header: $(head -n 1 "$tmp/aging.csv")"; fi
bands=$(awk -F, 'NR > 1 && $1 == "USD" { printf "%s ", $2 }' "$tmp/aging.csv")
if [ "$bands" = "current 1-30 31-60 61-90 91-120 120+ total " ]; then ok; else
	bad "bands in order: $bands"; fi
if grep -q -E '^[^,]+,[^,]+,[0-9]+,-?[0-9]+\.[0-9]{2},-?[0-9]+\.[0-9]{2}$' "$tmp/aging.csv" &&
	[ "$(grep -c -v -E '^[^,]+,[^,]+,[0-9]+,-?[0-9]+\.[0-9]{2},-?[0-9]+\.[0-9]{2}$' \
		"$tmp/aging.csv")" -eq 1 ]; then ok; else bad "amounts with 2 decimals"; fi

# The total row of each currency is the sum of its bands (in cents, no floating point).
check=$(awk -F, 'NR > 1 { gsub(/\./, "", $4); gsub(/\./, "", $5)
	if ($2 == "total") { if ($3 != n[$1] || $4 != b[$1] || $5 != p[$1]) print "mismatch " $1 }
	else { n[$1] += $3; b[$1] += $4; p[$1] += $5 } }' "$tmp/aging.csv")
if [ -z "$check" ]; then ok; else bad "totals are not the sums of the bands: $check"; fi

# The totals equal an independent aggregate of the cache, currency by currency.
ours=$(awk -F, '$2 == "total" { gsub(/\./, "", $4); gsub(/\./, "", $5)
	print $1, $3, $4 + 0, $5 + 0 }' "$tmp/aging.csv")
theirs=$(sqlite3 -separator ' ' "$db" "SELECT a.currency, count(*), sum(b.total), sum(b.past_due)
	FROM accounts a JOIN balances b ON b.account_id = a.id GROUP BY a.currency ORDER BY 1")
if [ "$ours" = "$theirs" ]; then ok; else bad "totals: '$ours' but sqlite3 says '$theirs'"; fi

# One band checked independently: more than 120 days past due at the as-of day.
as_of=$(sqlite3 "$db" "SELECT CAST(julianday('$day') - julianday('1970-01-01') AS INTEGER)")
ours=$(awk -F, '$2 == "120+" { gsub(/\./, "", $4); print $1, $3, $4 + 0 }' "$tmp/aging.csv")
theirs=$(sqlite3 -separator ' ' "$db" "SELECT a.currency, count(*), sum(b.total) FROM accounts a
	JOIN balances b ON b.account_id = a.id WHERE $as_of - a.due_date > 120 GROUP BY 1 ORDER BY 1")
if [ "$ours" = "$theirs" ]; then ok; else bad "120+: '$ours' but sqlite3 says '$theirs'"; fi

# Grouped by product: groups carry the currency, and the groups add up to the book.
aging --by product --format csv | tr -d '\r' >"$tmp/product.csv"
if grep -q '^card/USD,total,' "$tmp/product.csv"; then ok; else bad "no card/USD group"; fi
sum=$(awk -F, '$2 == "total" { n += $3 } END { print n }' "$tmp/product.csv")
if [ "$sum" = 200 ]; then ok; else bad "by product: $sum accounts, wanted 200"; fi

# JSON: the same totals, read back with sqlite3's JSON functions.
aging --format json >"$tmp/aging.json"
ours=$(sqlite3 -separator ' ' :memory: "SELECT json_extract(value, '\$.currency'),
	json_extract(value, '\$.total.accounts'), json_extract(value, '\$.total.balance')
	FROM json_each(readfile('$tmp/aging.json'), '\$.sets')")
theirs=$(awk -F, '$2 == "total" { print $1, $3, $4 }' "$tmp/aging.csv")
if [ -n "$ours" ] && [ "$ours" = "$theirs" ]; then ok; else bad "JSON '$ours' vs CSV '$theirs'"; fi
expect 0 '"as_of": "2026-11-23"' -- aging --format json

# The table: a title, and the same total.
usd=$(awk -F, '$1 == "USD" && $2 == "total" { print $3 }' "$tmp/aging.csv")
expect 0 "^aging at $day, by product" -- aging --by product
expect 0 "^USD  *total  *$usd " -- aging

# Movement since a day: the CSV gains the movement columns (only then); every account that
# left a band came into another, so the bands' moved_in and moved_out add up to the same
# count, which is the total row's.
since=2026-10-24
aging --since "$since" --format csv | tr -d '\r' >"$tmp/moves.csv"
if [ "$(head -n 1 "$tmp/moves.csv")" = \
	"group,band,accounts,balance,past_due,moved_in,moved_out,moved_in_balance,moved_out_balance" ]
then ok; else bad "CSV header with --since: $(head -n 1 "$tmp/moves.csv")"; fi
check=$(awk -F, 'NR > 1 && $2 != "total" { i[$1] += $6; o[$1] += $7 }
	NR > 1 && $2 == "total" { t[$1] = $6 " " $7 }
	END { for (c in t) if (t[c] != i[c] " " i[c] || i[c] != o[c]) print c, t[c], i[c], o[c]
	      for (c in t) n += i[c]; if (n == 0) print "nothing moved" }' "$tmp/moves.csv")
if [ -z "$check" ]; then ok; else bad "movement does not balance: $check"; fi
# The standing columns do not change with --since.
if [ "$(cut -d, -f1-5 "$tmp/moves.csv" | tail -n +2)" = "$(tail -n +2 "$tmp/aging.csv")" ]; then
	ok; else bad "--since changed the standing figures"; fi
# Into 120+ independently: over 120 days now, not over 120 then, where the due date then is
# 30 days earlier per whole installment paid in (since, as-of].
ours=$(awk -F, '$1 == "USD" && $2 == "120+" { print $6 }' "$tmp/moves.csv")
since_n=$(sqlite3 "$db" "SELECT CAST(julianday('$since') - julianday('1970-01-01') AS INTEGER)")
theirs=$(sqlite3 "$db" "SELECT count(*) FROM accounts a JOIN balances b ON b.account_id = a.id
	WHERE a.currency = 'USD' AND $as_of - a.due_date > 120 AND $since_n - (a.due_date - 30 *
	CASE WHEN b.amount_due > 0 THEN (SELECT coalesce(sum(amount), 0) FROM payments p WHERE
	p.account_id = a.id AND p.paid_on > $since_n AND p.paid_on <= $as_of) / b.amount_due
	ELSE 0 END) <= 120")
if [ "$ours" = "$theirs" ]; then ok; else bad "moved into 120+: $ours, sqlite3 says $theirs"; fi
expect 0 '"since": "2026-10-24"' -- aging --since "$since" --format json
expect 0 '"moved_in": ' -- aging --since "$since" --format json
expect 0 "moved since $since" -- aging --since "$since"
expect 0 "moved in" -- aging --since "$since" --by agent

# By team: a lead's demo book spreads its accounts over the roster's two teams; each team's
# count is an independent join of assignments and roster.
printf 'role = "lead";\n' >"$tmp/lead.conf"
expect 0 "" -- "$arrears" --config "$tmp/lead.conf" --cache "$tmp/crew.db" demo --accounts 120 \
	--seed 3 --as-of "$day"
"$arrears" --config "$tmp/lead.conf" --cache "$tmp/crew.db" report aging --as-of "$day" \
	--by team --format csv | tr -d '\r' >"$tmp/team.csv"
ours=$(awk -F, '$2 == "total" { split($1, g, "/"); n[g[1]] += $3 }
	END { for (t in n) print t, n[t] }' "$tmp/team.csv" | sort)
theirs=$(sqlite3 -separator ' ' "$tmp/crew.db" "SELECT coalesce(r.team, '(none)'), count(*)
	FROM accounts a LEFT JOIN assignments s ON s.account_id = a.id LEFT JOIN roster r ON
	r.name = s.assignee GROUP BY 1" | sort)
if [ -n "$ours" ] && [ "$(echo "$ours" | wc -l)" -ge 2 ] && [ "$ours" = "$theirs" ]; then ok
else bad "by team: '$ours' but sqlite3 says '$theirs'"; fi

# Refusals.
expect 2 "usage: arrears report aging" -- "$arrears" --cache "$db" report
expect 2 "usage: arrears report aging" -- "$arrears" --cache "$db" report aging extra
expect 2 "'region' is not product" -- aging --by region
expect 2 "since: .*before the as-of day" -- aging --since "$day"
expect 2 "since" -- aging --since 2026-11-31
expect 2 "'xml' is not table" -- aging --format xml
expect 2 "as-of" -- "$arrears" --cache "$db" report aging --as-of 2026-02-30
expect 10 "" -- "$arrears" --cache "$tmp/none.db" report aging

finish report_cli
