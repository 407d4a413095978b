#!/bin/sh
# The board and reassigning against a real arrearsd on loopback: a lead's reassign moves the
# case on the server (the old agent's pull removes it, the new agent's brings it), a reassign
# out of the team or by an agent (even one whose client claims to be a lead) is rejected, a
# lead's login brings the team's roster, and
# GET /v1/board answers a lead the team, an admin everyone, an agent nothing.
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
for u in ann:agent:t1 bo:agent:t1 cat:agent:t2 lee:lead:t1 boss:admin:; do
	name=${u%%:*} rest=${u#*:}
	role=${rest%%:*} team=${rest#*:}
	printf 'pass-of-%s-1\n' "$name" | "$arrearsd" -c "$conf" user add "$name" --role "$role" \
		${team:+--team "$team"} >/dev/null 2>"$tmp/err" || bad "user add $u: $(cat "$tmp/err")"
done
# 30 accounts: ann, bo and cat ten each, in turn.
"$arrears" --cache "$tmp/demo.db" demo --accounts 30 --seed 5 --as-of "$day" >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
awk -F, 'BEGIN { OFS = ","; split("ann bo cat", who, " ") } NR == 1 { print; next }
	{ $6 = who[NR % 3 + 1]; print }' "$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
of() { awk -F, -v who="$1" 'NR > 1 && $6 == who { print $1 }' "$tmp/book.csv"; }
moved=$(of ann | head -1)
theirs=$(of cat | head -1)

start_server "$conf" "$tmp/log" || exit 1
url="https://127.0.0.1:$port"
# cli USER [ROLE] ARGS...: arrears as USER with their own cache; settings say ROLE (default agent)
cli() {
	who=$1
	shift
	mkdir -p "$tmp/$who"
	[ -f "$tmp/$who/arrears.conf" ] || printf 'ca_file = "%s";\nuser = "%s";\n' "$tmp/cert.pem" \
		"$who" > "$tmp/$who/arrears.conf"
	"$arrears" --config "$tmp/$who/arrears.conf" --cache "$tmp/$who/cache.db" "$@"
}
login_sync() {
	printf 'pass-of-%s-1\n' "$1" | cli "$1" login --server "$url" --user "$1" >/dev/null 2>"$tmp/err" &&
		cli "$1" sync >/dev/null 2>>"$tmp/err" && ok || bad "login and sync $1: $(cat "$tmp/err")"
}
holds() { sqlite3 "$tmp/$1/cache.db" "SELECT count(*) FROM accounts WHERE ext_id = '$2'"; }
assignee() {
	sqlite3 "$tmp/$1/cache.db" "SELECT s.assignee FROM accounts a JOIN assignments s ON
		s.account_id = a.id WHERE a.ext_id = '$2'"
}
dead() { sqlite3 "$tmp/$1/cache.db" "SELECT count(*) FROM dead_letters d JOIN events e ON e.id = d.event_id
		WHERE e.kind = 'reassign' AND d.reason LIKE '%$2%'"; }
for u in ann bo lee; do login_sync "$u"; done
[ "$(sqlite3 "$tmp/lee/cache.db" 'SELECT count(*) FROM accounts')" = 20 ] && ok ||
	bad "the lead's cache holds $(sqlite3 "$tmp/lee/cache.db" 'SELECT count(*) FROM accounts') accounts, wanted team t1's 20"
[ "$(holds ann "$moved")" = 1 ] && [ "$(holds bo "$moved")" = 0 ] && ok || bad "$moved not ann's before"
# The lead's login brings the team's roster (the board's rows); an agent's brings none.
roster=$(sqlite3 "$tmp/lee/cache.db" "SELECT group_concat(name || ':' || team || ':' || role, ' ')
	FROM (SELECT * FROM roster ORDER BY name)")
[ "$roster" = "ann:t1:agent bo:t1:agent lee:t1:lead" ] && ok || bad "the lead's roster is '$roster'"
[ "$(sqlite3 "$tmp/ann/cache.db" 'SELECT count(*) FROM roster')" = 0 ] && ok || bad "an agent got a roster"

# The role comes from the session: the lead's settings say nothing of it.
cli lee reassign --to bo "$moved" >"$tmp/out" 2>"$tmp/err" && ok || bad "lead reassign: $(cat "$tmp/err")"
[ "$(assignee lee "$moved")" = bo ] && ok || bad "the lead's cache did not move $moved at once"
cli lee reassign --to bo "$moved" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "assigned to bo already" "$tmp/err" && ok || bad "second reassign: $(cat "$tmp/err")"
cli lee reassign --to bo A9999999 >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "no account A9999999" "$tmp/err" && ok || bad "unknown account: $(cat "$tmp/err")"
cli lee sync >/dev/null 2>"$tmp/err" && ok || bad "lead sync: $(cat "$tmp/err")"
[ "$(sqlite3 "$tmp/lee/cache.db" "SELECT count(*) FROM dead_letters")" = 0 ] && ok || bad "the lead's reassign was rejected"
cli ann sync >/dev/null 2>"$tmp/err" && cli bo sync >/dev/null 2>>"$tmp/err" || bad "agents sync: $(cat "$tmp/err")"
[ "$(holds ann "$moved")" = 0 ] && ok || bad "$moved is still in ann's cache"
[ "$(holds bo "$moved")" = 1 ] && [ "$(assignee bo "$moved")" = bo ] && ok || bad "$moved did not reach bo"
cli lee sync >/dev/null 2>&1
[ "$(assignee lee "$moved")" = bo ] && ok || bad "the lead's cache lost the move after a pull"

# Out of the team: cat is in t2 and in no roster the lead holds; the client leaves the rule to
# the server, which says no, and the event becomes a dead letter with the reason.
in_t1=$(of bo | head -1)
cli lee reassign --to cat "$in_t1" >/dev/null 2>"$tmp/err" || bad "reassign to cat: $(cat "$tmp/err")"
cli lee sync >/dev/null 2>&1
[ "$(dead lee "not in team t1")" = 1 ] && ok || bad "reassign out of the team not rejected: $(sqlite3 "$tmp/lee/cache.db" 'SELECT reason FROM dead_letters')"

# An agent cannot, even with a client that claims to be a lead.
cli ann reassign --to bo "$(of ann | sed -n 2p)" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "only a lead" "$tmp/err" && ok || bad "agent reassign not refused locally: $(cat "$tmp/err")"
sqlite3 "$tmp/ann/cache.db" "UPDATE sync_state SET value = 'lead' WHERE key = 'role'"
cli ann reassign --to bo "$(of ann | sed -n 2p)" >/dev/null 2>"$tmp/err" || bad "lying client: $(cat "$tmp/err")"
cli ann sync >/dev/null 2>&1
[ "$(dead ann "only a lead")" = 1 ] && ok || bad "the agent's reassign was not rejected"

# GET /v1/board: the lead sees t1 (ann, bo, lee), the admin everyone, an agent nothing.
login() {
	api POST /v1/session "" -H 'Content-Type: application/json' \
		--data "{\"user\":\"$1\",\"password\":\"pass-of-$1-1\"}"
}
st=$(login lee); expect_status 200 "$st" "login lee"; tok_lee=$(json_str token "$tmp/body")
st=$(login boss); expect_status 200 "$st" "login boss"; tok_boss=$(json_str token "$tmp/body")
st=$(login ann); expect_status 200 "$st" "login ann"; tok_ann=$(json_str token "$tmp/body")
q() { sqlite3 :memory: "SELECT $1 FROM json_each(readfile('$tmp/body'), '\$.agents')"; }
st=$(api GET "/v1/board?as_of=$day" "$tok_lee"); expect_status 200 "$st" "lead board"
[ "$(q "group_concat(json_extract(value, '\$.name'))")" = "ann,bo,lee" ] && ok ||
	bad "lead board agents: $(q "group_concat(json_extract(value, '\$.name'))")"
# ann had 10, one moved to bo: 9 and 11; the team total is 20
[ "$(q "group_concat(json_extract(value, '\$.queue'))")" = "9,11,0" ] && ok ||
	bad "lead board queues: $(q "group_concat(json_extract(value, '\$.queue'))")"
total=$(sqlite3 :memory: "SELECT json_extract(readfile('$tmp/body'), '\$.teams[0].queue')")
[ "$total" = 20 ] && ok || bad "team total $total"
st=$(api GET "/v1/board" "$tok_boss"); expect_status 200 "$st" "admin board"
[ "$(q "count(*)")" = 4 ] && ok || bad "admin board has $(q "count(*)") agents, wanted ann, bo, cat, lee"
st=$(api GET "/v1/board" "$tok_ann"); expect_status 404 "$st" "agent board"
grep -q '"not_found"' "$tmp/body" && ok || bad "agent board body: $(cat "$tmp/body")"
st=$(api GET "/v1/board?as_of=2026-02-30" "$tok_lee"); expect_status 400 "$st" "bad as_of"
st=$(api GET "/v1/board"); expect_status 401 "$st" "no token"

echo "board_sync: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
