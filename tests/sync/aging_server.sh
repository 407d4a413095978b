#!/bin/sh
# The aging of the whole book on the server (`arrearsd report aging`, GET /v1/reports/aging)
# gives the same numbers as `arrears report aging` on a client that synced the same book, in
# every grouping both know; a lead sees the team's part, an admin all, others nothing.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need sqlite3 curl

make_cert "$tmp"
write_conf 'page_limit = 1000;'
export ARREARS_NOW=2026-11-23T12:00:00Z
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME
day=2026-11-23

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
for u in a:agent:t1 b:agent:t2 c:agent:t1 d:agent: lead:lead:t1 boss:admin: qa:qa:; do
	name=${u%%:*} rest=${u#*:}
	role=${rest%%:*} team=${rest#*:}
	printf 'pass-of-%s-1\n' "$name" | "$arrearsd" -c "$conf" user add "$name" --role "$role" \
		${team:+--team "$team"} >/dev/null 2>"$tmp/err" || bad "user add $u: $(cat "$tmp/err")"
done
# A demo book, its accounts spread over a (t1), b (t2), c (t1) and d (in no team).
"$arrears" --cache "$tmp/demo.db" demo --accounts 300 --seed 11 --as-of "$day" >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
grep -q '"' "$tmp/demo.csv" && bad "demo export has quoted fields; the awk rewrite is unsafe"
awk -F, 'BEGIN { OFS = ","; split("a b c d", who, " ") } NR == 1 { print; next }
	{ $6 = who[NR % 4 + 1]; print }' "$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
n_t1=$(awk -F, 'NR > 1 && ($6 == "a" || $6 == "c")' "$tmp/book.csv" | wc -l)

srv() { "$arrearsd" -c "$conf" report aging --as-of "$day" "$@"; }
srv --format csv > "$tmp/srv.csv" 2>"$tmp/err" || bad "arrearsd report aging: $(cat "$tmp/err")"
total=$(awk -F, '$2 == "total" { n += $3 } END { print n + 0 }' "$tmp/srv.csv")
[ "$total" = 300 ] && ok || bad "server report counts $total accounts, wanted 300"
srv --by team --format csv > "$tmp/srv-team.csv" 2>"$tmp/err" || bad "by team: $(cat "$tmp/err")"
t1=$(awk -F, '$1 ~ /^t1\// && $2 == "total" { n += $3 } END { print n + 0 }' "$tmp/srv-team.csv")
[ "$t1" = "$n_t1" ] && ok || bad "team t1 has $t1 accounts, wanted $n_t1"
grep -q '^(none)/[A-Z]*,total,' "$tmp/srv-team.csv" && ok || bad "no (none) team group"

# The admin's client pulls the whole book; its report must be the server's, byte for byte.
start_server "$conf" "$tmp/log" || exit 1
url="https://127.0.0.1:$port"
printf 'ca_file = "%s";\n' "$tmp/cert.pem" > "$tmp/arrears.conf"
cli() { "$arrears" --config "$tmp/arrears.conf" --cache "$tmp/boss/cache.db" "$@"; }
printf 'pass-of-boss-1\n' | cli login --server "$url" --user boss >/dev/null 2>"$tmp/err" &&
	cli sync >/dev/null 2>"$tmp/err" && ok || bad "admin login and sync: $(cat "$tmp/err")"
for by in "" product agent state; do
	cli report aging --as-of "$day" ${by:+--by $by} --format csv > "$tmp/cli.csv" 2>"$tmp/err"
	srv ${by:+--by $by} --format csv > "$tmp/srv.csv" 2>>"$tmp/err"
	if [ -s "$tmp/cli.csv" ] && cmp -s "$tmp/cli.csv" "$tmp/srv.csv"; then ok; else
		bad "by '${by:-none}': client and server differ: $(diff "$tmp/cli.csv" "$tmp/srv.csv" | head -5) $(cat "$tmp/err")"
	fi
done
cli report aging --as-of "$day" --format json > "$tmp/cli.json"
srv --format json > "$tmp/srv.json"
cmp -s "$tmp/cli.json" "$tmp/srv.json" && ok || bad "JSON differs: $(diff "$tmp/cli.json" "$tmp/srv.json" | head -5)"
srv --by segment >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "'segment' is not product" "$tmp/err" && ok || bad "--by segment on the server: $(cat "$tmp/err")"
srv --as-of 2026-13-01 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--as-of" "$tmp/err" && ok || bad "bad --as-of: $(cat "$tmp/err")"

# Over the API: the admin gets the book, the lead the team, an agent and QA are refused.
login() {
	api POST /v1/session "" -H 'Content-Type: application/json' \
		--data "{\"user\":\"$1\",\"password\":\"pass-of-$1-1\"}"
}
st=$(login boss); expect_status 200 "$st" "login boss"; tok_boss=$(json_str token "$tmp/body")
st=$(login lead); expect_status 200 "$st" "login lead"; tok_lead=$(json_str token "$tmp/body")
st=$(login a); expect_status 200 "$st" "login a"; tok_a=$(json_str token "$tmp/body")
st=$(login qa); expect_status 200 "$st" "login qa"; tok_qa=$(json_str token "$tmp/body")
accounts() {
	sqlite3 :memory: "SELECT sum(json_extract(value, '\$.total.accounts'))
		FROM json_each(readfile('$tmp/body'), '\$.sets')"
}
st=$(api GET "/v1/reports/aging?as_of=$day" "$tok_boss"); expect_status 200 "$st" "admin report"
[ "$(accounts)" = 300 ] && ok || bad "admin report: $(accounts) accounts"
cp "$tmp/body" "$tmp/api.json"
# Every figure but the share, whose decimals are the writer's choice, is the command's.
cells() {
	sqlite3 :memory: "SELECT json_extract(s.value, '\$.currency'), json_extract(b.value, '\$.band'),
		json_extract(b.value, '\$.accounts'), json_extract(b.value, '\$.balance'),
		json_extract(b.value, '\$.past_due') FROM json_each(readfile('$1'), '\$.sets') s,
		json_each(s.value, '\$.bands') b"
}
[ -n "$(cells "$tmp/api.json")" ] && [ "$(cells "$tmp/api.json")" = "$(cells "$tmp/srv.json")" ] &&
	ok || bad "the API's figures are not the command's"
st=$(api GET "/v1/reports/aging?as_of=$day&by=agent" "$tok_lead"); expect_status 200 "$st" "lead report"
[ "$(accounts)" = "$n_t1" ] && ok || bad "lead report: $(accounts) accounts, wanted $n_t1"
groups=$(sqlite3 :memory: "SELECT group_concat(DISTINCT json_extract(value, '\$.group'))
	FROM json_each(readfile('$tmp/body'), '\$.sets')")
[ "$groups" = "a,c" ] && ok || bad "lead sees groups '$groups', wanted a,c"
st=$(api GET "/v1/reports/aging" "$tok_a"); expect_status 403 "$st" "agent report"
grep -q '"forbidden"' "$tmp/body" && ok || bad "agent refusal body: $(cat "$tmp/body")"
st=$(api GET "/v1/reports/aging" "$tok_qa"); expect_status 403 "$st" "qa report"
st=$(api GET "/v1/reports/aging?by=segment" "$tok_boss"); expect_status 400 "$st" "by segment"
st=$(api GET "/v1/reports/aging?as_of=2026-02-30" "$tok_boss"); expect_status 400 "$st" "bad as_of"
grep -q 'as_of' "$tmp/body" && ok || bad "bad as_of body: $(cat "$tmp/body")"
st=$(api GET "/v1/reports/aging"); expect_status 401 "$st" "no token"

echo "aging_server: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
