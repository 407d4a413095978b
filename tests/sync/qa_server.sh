#!/bin/sh
# arrearsd on loopback: a qa reviewer pushes a qa_score (accepted, not flagged as out of scope)
# but not a note; an agent may not push a qa_score; qa reads call records, an agent may not.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
qagen="$top_builddir/tests/sync/qagen"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need curl

make_cert "$tmp"
write_conf
export ARREARS_NOW=2026-11-23T12:00:00Z
"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || bad "init: $(cat "$tmp/err")"
for u in "ann agent t1" "quinn qa t1"; do
	set -- $u
	printf 'pass-of-%s-1\n' "$1" | "$arrearsd" -c "$conf" user add "$1" --role "$2" --team "$3" \
		>/dev/null 2>"$tmp/err" || bad "user add $1: $(cat "$tmp/err")"
done
"$arrears" --cache "$tmp/demo.db" demo --accounts 20 --seed 5 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = "ann"; print }' "$tmp/demo.csv" \
	> "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" ||
	bad "import: $(cat "$tmp/err")"
acct=$(awk -F, 'NR == 2 { print $1 }' "$tmp/book.csv")
start_server "$conf" "$tmp/server.log" || exit 1

login() {
	st=$(api POST /v1/session "" -H 'Content-Type: application/json' \
		--data "{\"user\":\"$1\",\"password\":\"pass-of-$1-1\",\"device\":\"dev-$1\"}")
	expect_status 200 "$st" "login $1"
}
login quinn; tok_q=$(json_str token "$tmp/body")
login ann; tok_a=$(json_str token "$tmp/body")

"$qagen" dev-quinn quinn "$acct" qa_score > "$tmp/score.json" || bad qagen
st=$(api POST /v1/events "$tok_q" --data-binary @"$tmp/score.json"); expect_status 200 "$st" "qa push"
grep -q '"result":"accepted"' "$tmp/body" && ok || bad "qa score: $(cat "$tmp/body")"
grep -q '"flagged":true' "$tmp/body" && bad "qa score flagged: $(cat "$tmp/body")" || ok

"$qagen" dev-quinn2 quinn "$acct" note > "$tmp/note.json" || bad qagen
st=$(api POST /v1/events "$tok_q" --data-binary @"$tmp/note.json"); expect_status 200 "$st" "qa note"
grep -q '"reason":"role qa may push qa_score events only"' "$tmp/body" && ok ||
	bad "qa note: $(cat "$tmp/body")"

"$qagen" dev-ann ann "$acct" qa_score > "$tmp/ascore.json" || bad qagen
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/ascore.json"); expect_status 200 "$st" "agent score"
grep -q '"reason":"only qa, lead and admin may push qa_score"' "$tmp/body" && ok ||
	bad "agent score: $(cat "$tmp/body")"

"$qagen" dev-ann2 ann "$acct" note > "$tmp/anote.json" || bad qagen
st=$(api POST /v1/events "$tok_a" --data-binary @"$tmp/anote.json"); expect_status 200 "$st" "agent note"
grep -q '"result":"accepted"' "$tmp/body" && ok || bad "agent note: $(cat "$tmp/body")"

# reading call records: qa and leads may, agents may not; notes are not call records
st=$(api GET "/v1/qa/calls?from=2026-11-01&to=2026-11-30" "$tok_q"); expect_status 200 "$st" "qa calls"
[ "$(grep -o '"kind":"qa_score"' "$tmp/body" | wc -l)" -eq 1 ] && ! grep -q '"kind":"note"' "$tmp/body" &&
	grep -q '"more":false' "$tmp/body" && ok || bad "qa calls: $(cat "$tmp/body")"
st=$(api GET "/v1/qa/calls?from=2026-12-01&to=2026-12-31" "$tok_q"); expect_status 200 "$st" "qa calls, december"
grep -q '"events":\[\]' "$tmp/body" && ok || bad "december: $(cat "$tmp/body")"
st=$(api GET "/v1/qa/calls?from=2026-11-31" "$tok_q"); expect_status 400 "$st" "bad from"
grep -q 'from: ' "$tmp/body" && ok || bad "bad from: $(cat "$tmp/body")"
st=$(api GET "/v1/qa/calls" "$tok_a"); expect_status 403 "$st" "agent reads call records"
# paging: a second qa_score makes two call events; a page of one says where the next starts
"$qagen" dev-quinn3 quinn "$acct" qa_score > "$tmp/score2.json" || bad qagen
st=$(api POST /v1/events "$tok_q" --data-binary @"$tmp/score2.json"); expect_status 200 "$st" "second qa push"
st=$(api GET "/v1/qa/calls?from=2026-11-01&to=2026-11-30&limit=1" "$tok_q"); expect_status 200 "$st" "page 1"
grep -q '"more":true' "$tmp/body" && grep -q '"next":"dev-quinn:1"' "$tmp/body" && ok ||
	bad "page 1: $(cat "$tmp/body")"
st=$(api GET "/v1/qa/calls?from=2026-11-01&to=2026-11-30&limit=1&after=dev-quinn%3A1" "$tok_q")
expect_status 200 "$st" "page 2"
grep -q '"device":"dev-quinn3"' "$tmp/body" && grep -q '"more":false' "$tmp/body" && ok ||
	bad "page 2: $(cat "$tmp/body")"
for after in nocolon dev-quinn%3A0 dev-quinn%3Ax %3A5; do
	st=$(api GET "/v1/qa/calls?after=$after" "$tok_q"); expect_status 400 "$st" "after=$after"
	grep -q 'after: ' "$tmp/body" && ok || bad "after=$after: $(cat "$tmp/body")"
done
# a limit over page_limit is served as page_limit, not refused
st=$(api GET "/v1/qa/calls?from=2026-11-01&to=2026-11-30&limit=999999" "$tok_q")
expect_status 200 "$st" "limit over page_limit"

echo "qa_server: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
