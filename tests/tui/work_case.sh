# work_case.sh - the other ways of working a case from the account view: a note (an empty one
# refused), a callback typed as a delay (one in the past refused); a call where disclosure is
# refused before verification, a right-party outcome is refused with the reason, the call is
# left open with Esc and resumed, and ends as no answer; then the vulnerable flag with its
# reason, after which the policy blocks a call and the script view starts none. Each is an
# event, and the chain verifies.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
NOW=2026-03-10T15:00:00Z
db="$T/cache.db"
make_cache "$db"

id=$(sqlite3 "$db" "SELECT a.ext_id FROM accounts a JOIN parties p ON p.id = a.party_id
	WHERE a.flags = 0 AND a.profile = 'us-regf' AND p.zones = 'America/New_York'
	AND a.due_date BETWEEN 20462 AND 20521 AND a.callback_at = 0
	AND NOT EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.ext_id
		AND e.kind IN ('attempt', 'callback') AND e.at > unixepoch('2026-03-02'))
	AND EXISTS (SELECT 1 FROM contact_points c WHERE c.party_id = a.party_id AND c.kind = 0
		AND c.zones IN ('', 'America/New_York'))
	ORDER BY a.id LIMIT 1 OFFSET 1")
[ -n "$id" ] || fail "the demo book has no quiet early-stage case in New York with a mobile"
point=$(sqlite3 "$db" "SELECT count(*) FROM contact_points c JOIN accounts a
	ON a.party_id = c.party_id WHERE a.ext_id = '$id' AND c.id <= (SELECT min(c2.id)
	FROM contact_points c2 WHERE c2.party_id = a.party_id AND c2.kind = 0)")
events() {
	sqlite3 "$db" "SELECT count(*) FROM events WHERE account_id = '$id' AND kind = '$1'$2"
}

start 120x34 --cache "$db"
wait_for "Queue  300 of 300  now "
keys /
keys -l "$id"
keys Enter
wait_for " #1 $id: score"
keys Enter
wait_for "Account $id"

# The account's segment and strategy step, as `arrears strategy show` decides them.
show=$(run_env "$ARREARS" --cache "$db" strategy show "$id") || fail "strategy show $id"
segment=$(echo "$show" | awk '$1 == "segment" { print $2 }')
arm=$(echo "$show" | awk '$1 == "strategy" { print $NF }')
step=$(echo "$show" | sed -n 's/^step  *//p')
screen | grep -qE "Strategy +$segment \(default v1, $arm\)" ||
	fail "the account view does not show segment $segment ($arm)"
screen | grep -F "${step%% at dpd*}" | grep -qE "^ Step +" || fail "the account view does not show step '$step'"
# and the queue's bottom line, for the selected case
keys q
wait_for " #1 $id: score"
screen | grep "^sort " | grep -qF "$segment: ${step%% (from*}" || fail "the queue does not show $segment: $step"
keys Enter
wait_for "Account $id"

# A note: empty is refused with the library's message, and the line stays open.
keys N
wait_for "Note (Enter records, Esc cancels):"
keys Enter
wait_for "the note is empty"
keys -l "Debtor asked for statements by post"
keys Enter
wait_for "Recorded"
# Event bodies are sealed in the cache, so they are read back through arrears (bodies, lib.sh).
[ "$(bodies "$db" "$id" note | grep -c -F '"body":{"text":"Debtor asked for statements by post"}')" = 1 ] ||
	fail "the note was not recorded"

# A callback two hours from now; a time in the past is refused.
keys c
wait_for "Callback at"
keys -l "2026-03-01 09:00"
keys Enter
wait_for "a callback must be in the future"
keys C-u
keys -l "+2h"
keys Enter
wait_for "Recorded"
assert_screen "2026-03-10 17:00"
[ "$(bodies "$db" "$id" callback | grep -c -F '"due_at":"2026-03-10T17:00:00Z"')" = 1 ] ||
	fail "the callback was not recorded"

# A call: disclosure stays locked until the right party is verified.
keys "$point" w
wait_for "Call $id  ready"
keys Enter
wait_for "Step greeting"
keys 1
wait_for "Step verify"
keys 1
wait_for "Refused: locked until \"Right party verified"
refute_screen "Step disclosure"
[ "$(bodies "$db" "$id" call_answer | grep -c -F '"next":"disclosure"')" = 0 ] ||
	fail "a refused answer was recorded"
# A right-party outcome needs the verification too.
keys o
wait_for "End the call: outcome"
keys f
wait_for "Cannot end as rpc: rpc needs \"Right party verified"
# Leaving mid-call asks, then keeps the call open; w comes back to it.
keys Escape
wait_for "Step verify"
keys Escape
wait_for "y leaves it open"
keys y
wait_for "Account $id"
wait_for "is still open, with no outcome recorded"
keys w
wait_for "Back in the open call"
assert_screen "Step verify"
keys o
wait_for "End the call: outcome"
keys a
wait_for "Call ended as no_answer and recorded"
keys q
wait_for "Account $id"
# The vulnerable flag needs a reason.
keys V
wait_for "Mark as vulnerable: why?"
keys -l "Bereavement, told us on the phone"
keys Enter
wait_for "Recorded"
assert_screen "vulnerable"
[ "$(sqlite3 "$db" "SELECT flags & 32 FROM accounts WHERE ext_id = '$id'")" = 32 ] ||
	fail "the vulnerable flag is not set"

# Now the policy blocks a call: the script view says why and starts nothing.
keys "$point" w
wait_for "call blocked: vulnerable"
keys Enter
wait_for "Not started: call blocked: vulnerable"
keys q
wait_for "Account $id"
keys Q
assert_exited 0

[ "$(events call_start "")" = 1 ] || fail "not one call_start"
[ "$(bodies "$db" "$id" attempt | grep -c -F '"result":"no_answer"')" = 1 ] ||
	fail "the no-answer attempt was not recorded"
[ "$(bodies "$db" "$id" vulnerable | grep -c -F 'Bereavement')" = 1 ] || fail "no vulnerable event"
run_env "$ARREARS" --cache "$db" audit verify >"$T/audit.out" 2>&1 ||
	{ cat "$T/audit.out" >&2; fail "arrears audit verify failed"; }
