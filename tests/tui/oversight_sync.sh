# oversight_sync.sh - a QA reviewer and a team lead at work on a synced book, against a real
# arrearsd on loopback: two agents make scripted calls on their own devices and sync; the
# reviewer's sync fetches every call record (pages of 5, checked hash by hash, once however
# often it syncs), the reviewer scores one of the agent's calls in the TUI and the score reaches
# the server; the lead's sync keeps the server's board, which the board view shows as such, a
# stale one is refreshed in the background when the board opens, and a reassignment puts the
# board back on the cache until the next sync.
# the sync helpers first: the TUI's wait_for (for the screen) is the one wanted here
. "$top_srcdir/tests/sync/lib.sh"
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
set +e
tmp=$T
server_pid=""
trap 'stop_server; cleanup' EXIT INT TERM
need sqlite3 curl
arrearsd="$top_builddir/arrearsd"
callgen="$top_builddir/tests/sync/callgen"
export ARREARS_NOW="$NOW" ARREARS_DATADIR
book() { book_sql "$1"; }
cache() { sqlite3 "$T/$1.db" "$2"; }
client() {
	who=$1
	shift
	run_env "$ARREARS" --config "$T/$who.conf" --cache "$T/$who.db" "$@"
}
check() { [ "$1" = "$2" ] || fail "$3: $1, wanted $2"; }

make_cert "$tmp"
# pages of 5, so the call records come in several and the client's limit of 1000 is cut
write_conf 'page_limit = 5;' '# require_signed_heads: the default'
"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || fail "init: $(cat "$tmp/err")"
for u in "ann agent t1" "bo agent t1" "lee lead t1" "quinn qa t9"; do
	set -- $u
	printf 'pass-of-%s-1\n' "$1" | "$arrearsd" -c "$conf" user add "$1" --role "$2" --team "$3" \
		>/dev/null 2>"$tmp/err" || fail "user add $1: $(cat "$tmp/err")"
done
run_env "$ARREARS" --cache "$T/demo.db" demo --accounts 20 --seed 5 >/dev/null 2>&1 &&
	run_env "$ARREARS" --cache "$T/demo.db" export accounts > "$T/demo.csv" || fail "demo export"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = (NR % 2 ? "ann" : "bo"); print }' \
	"$T/demo.csv" > "$T/book.csv"
"$arrearsd" -c "$conf" import accounts "$T/book.csv" >/dev/null 2>"$tmp/err" ||
	fail "import: $(cat "$tmp/err")"
start_server "$conf" "$tmp/server.log" || exit 1

for who in ann bo lee quinn; do
	printf 'ca_file = "%s";\nuser = "%s";\n' "$tmp/cert.pem" "$who" > "$T/$who.conf"
	printf 'pass-of-%s-1\n' "$who" |
		client "$who" login --server "https://127.0.0.1:$port" --user "$who" >/dev/null 2>"$T/err" ||
		fail "login $who: $(cat "$T/err")"
	client "$who" sync >/dev/null 2>"$T/err" || fail "first sync of $who: $(cat "$T/err")"
done

# ann calls two of her accounts, bo one of his, each on their own device; both sync
set -- $(awk -F, '$6 == "ann" { print $1 }' "$T/book.csv" | head -2)
a1=$1 a2=$2
b1=$(awk -F, '$6 == "bo" { print $1; exit }' "$T/book.csv")
for call in "ann $a1" "ann $a2" "bo $b1"; do
	set -- $call
	run_env "$callgen" "$T/$1.db" "$1" "$2" >/dev/null 2>"$T/err" || fail "callgen: $(cat "$T/err")"
done
client ann sync >/dev/null 2>"$T/err" || fail "ann's sync: $(cat "$T/err")"
client bo sync >/dev/null 2>"$T/err" || fail "bo's sync: $(cat "$T/err")"
kinds="'call_start', 'call_answer', 'checkpoint', 'attempt', 'callback', 'qa_score'"
on_server=$(book "SELECT count(*) FROM events WHERE kind IN ($kinds)")
[ "$on_server" -gt 15 ] || fail "only $on_server call events reached the server"

# the reviewer's sync brings every call event, page after page, and a second brings none again
client quinn sync > "$T/out" 2>"$T/err" || fail "quinn's sync: $(cat "$T/err")"
grep -q "call records: $on_server new events to review" "$T/out" ||
	fail "quinn's sync said: $(cat "$T/out")"
check "$(cache quinn 'SELECT count(*) FROM review_events')" "$on_server" "review events kept"
check "$(cache quinn "SELECT count(*) FROM review_events WHERE kind = 'call_start'")" 3 "calls kept"
check "$(cache quinn 'SELECT count(*) FROM events')" 0 "events in the reviewer's own chain"
client quinn sync > "$T/out" 2>"$T/err" || fail "quinn's second sync: $(cat "$T/err")"
grep -q "call records" "$T/out" && fail "a second sync fetched again: $(cat "$T/out")"
check "$(cache quinn 'SELECT count(*) FROM review_events')" "$on_server" "review events after a resync"
# bodies are sealed at rest like the cache's own events
cache quinn "SELECT count(*) FROM review_events WHERE body LIKE '%debtor talked over it%'" |
	grep -qx 0 || fail "a call event's body is in the clear in the cache"

# the reviewer scores ann's first call in the workstation
start 110x32 --config "$T/quinn.conf" --cache "$T/quinn.db"
wait_for "Queue"
keys v
wait_for "QA calls: 3 "
assert_screen "ann"
assert_screen "bo"
keys a
wait_for "QA calls: 2 "
keys Enter
wait_for "agent ann"
screen | grep -qE '! +OVERRIDDEN ' || fail "the waived disclosure is not highlighted"
keys s
wait_for "Collection call review"
keys f p p x x p x p p p
wait_for "Total 75/85 = 88%  PASS"
keys Enter
wait_for "Review saved: 88% pass"
keys Q
assert_exited 0
tm kill-session -t t
client quinn sync > "$T/out" 2>"$T/err" || fail "quinn's push: $(cat "$T/err")"
grep -q "pushed 1 events (0 duplicates, 0 rejected)" "$T/out" || fail "quinn's push: $(cat "$T/out")"
check "$(book "SELECT count(*) FROM events WHERE kind = 'qa_score' AND user = 'quinn'")" 1 \
	"reviews on the server"

# the lead's sync keeps the server's board: ann's two calls and bo's one are on it, which the
# lead's cache alone (no other device's events) could not count
client lee sync >/dev/null 2>"$T/err" || fail "lee's sync: $(cat "$T/err")"
check "$(cache lee "SELECT json_extract(body, '$.agents[0].name') || ' ' ||
	json_extract(body, '$.agents[0].attempts') || ' ' || json_extract(body, '$.agents[1].attempts')
	FROM board_snapshot")" "ann 2 1" "the board kept"
start 120x30 --config "$T/lee.conf" --cache "$T/lee.db"
wait_for "Queue"
keys B
wait_for "from the server, fetched just now"
screen | grep -qE '^ann +10 ' || fail "ann's row does not show her 10 cases"
screen | grep -qE '^all +20 ' || fail "the total row is not the team's 20 cases"
keys Q
assert_exited 0
tm kill-session -t t

# a board fetched an hour ago is refreshed in the background when the board opens
cache lee "UPDATE board_snapshot SET fetched_at = fetched_at - 3600"
start 120x30 --config "$T/lee.conf" --cache "$T/lee.db"
wait_for "Queue"
keys B
wait_for "fetched just now"
keys Q
assert_exited 0
tm kill-session -t t

# a reassignment makes the kept board wrong: the cache's is shown until the next sync
client lee reassign --to bo "$a1" >/dev/null 2>"$T/err" || fail "reassign: $(cat "$T/err")"
check "$(cache lee 'SELECT count(*) FROM board_snapshot')" 0 "board kept after a reassignment"
client lee sync >/dev/null 2>"$T/err" || fail "lee's sync after reassigning: $(cat "$T/err")"
check "$(cache lee "SELECT json_extract(body, '$.agents[0].queue') FROM board_snapshot")" 9 \
	"ann's queue on the refreshed board"
# a call event altered on the server no longer hashes to its hash: the reviewer's sync refuses
# the page and says which event
book "UPDATE events SET body = replace(body, 'debtor talked over it', 'all was read') WHERE kind = 'checkpoint'"
client quinn sync > "$T/out" 2>"$T/err"
check "$?" 1 "quinn's sync of an altered call"
grep -q "qa calls: \$.events\[[0-9]*\]: event .* does not hash to its hash" "$T/err" ||
	fail "the altered event was not named: $(cat "$T/err")"
echo "oversight_sync: ok"
