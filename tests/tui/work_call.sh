# work_call.sh - a full call on a demo case with the keyboard alone: the script view (verify
# identity, disclosure, reason, offer), the promise form (an invalid amount refused with its
# message, then a valid promise), the recap and the PTP outcome; the timeline shows the call
# with its checkpoints, the queue moves the worked case down, and the evidence is in the cache
# and verifies.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
# 11:00 in New York (10:00 in Chicago): inside calling hours.
NOW=2026-03-10T15:00:00Z
db="$T/cache.db"
make_cache "$db"

# A plain us-regf case 1-60 days past due (the early-stage script) whose debtor has a mobile in
# New York, with something due, and no attempt or callback in the last 8 days, so the contact
# policy allows a call now.
id=$(sqlite3 "$db" "SELECT a.ext_id FROM accounts a JOIN parties p ON p.id = a.party_id
	JOIN balances b ON b.account_id = a.id
	WHERE a.flags = 0 AND a.profile = 'us-regf' AND p.zones = 'America/New_York'
	AND a.due_date BETWEEN 20462 AND 20521 AND b.amount_due > 10000 AND a.ptp_state != 1
	AND a.callback_at = 0
	AND NOT EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.ext_id
		AND e.kind IN ('attempt', 'callback') AND e.at > unixepoch('2026-03-02'))
	AND EXISTS (SELECT 1 FROM contact_points c WHERE c.party_id = a.party_id AND c.kind = 0
		AND c.zones IN ('', 'America/New_York'))
	ORDER BY a.id LIMIT 1")
[ -n "$id" ] || fail "the demo book has no quiet early-stage case in New York with a mobile"
# The mobile's number in the account view's list (contact points in id order).
point=$(sqlite3 "$db" "SELECT count(*) FROM contact_points c JOIN accounts a
	ON a.party_id = c.party_id WHERE a.ext_id = '$id' AND c.id <= (SELECT min(c2.id)
	FROM contact_points c2 WHERE c2.party_id = a.party_id AND c2.kind = 0)")
events() {
	sqlite3 "$db" "SELECT count(*) FROM events WHERE account_id = '$id' AND kind = '$1'$2"
}

start 120x34 --cache "$db"
wait_for "Queue  300 of 300  now "
wait_gone "checking"
# Its rank in the whole queue before the call.
keys /
keys -l "$id"
keys Enter
wait_for " #1 $id: score"
keys c
wait_for "Queue  300 of 300"
before=$(screen | sed -n "s/^ #\([0-9]*\) $id: score .*/\1/p")
[ -n "$before" ] || fail "no why line for $id"
keys Enter
wait_for "Account $id"
keys "$point" w
wait_for "Call $id  ready"
assert_screen "US first-party, early stage (us-early)"
assert_screen "call allowed now"
keys Enter
wait_for "Call started and recorded"
wait_for "Step greeting"
assert_screen "May I speak with"
keys t
wait_for "Ticked and recorded: Recording notice given"
keys 1
wait_for "Step verify"
# Disclosure is refused until the right party is verified.
assert_screen "(locked: locked until \"Right party verified"
keys 1
wait_for "Refused: locked until"
keys t
wait_for "Ticked and recorded: Right party verified"
keys 1
wait_for "Step disclosure  (discloses the debt: right party only)"
assert_screen "This is an attempt to collect a debt"
keys t 1
wait_for "Step balance"
keys t 2
wait_for "Step offer"
keys 1
wait_for "Step promise"

# The promise form: a bad amount is refused with the library's message under the field.
keys p
wait_for "Promise to pay for"
assert_screen "(on this call)"
keys -l "12.345"
wait_for "12.345"
keys Enter
wait_for "Not recorded:"
screen | grep -q "decimal\|cents\|2 digits\|amount" || fail "no message for a bad amount"
keys BSpace BSpace BSpace BSpace BSpace BSpace
keys -l "50.00"
keys Tab
keys -l "2026-03-20"
keys Tab
keys -l "card"
wait_for "card"
keys Enter
wait_for "Promise of 50.00 recorded"
wait_for "Step promise"
keys 1
wait_for "Step recap"
keys t
wait_for "Ticked and recorded: Promise read back"
keys 1
wait_for "End the call: outcome"
keys Enter
wait_for "Call ended as ptp and recorded"

# The timeline: the call on top, its checkpoints under it.
keys q
wait_for "Account $id"
assert_screen "PTP          pending 50.00 due 2026-03-20"
keys t
wait_for "Timeline $id"
screen | sed -n 2p | grep -q "outbound call mobile: ptp" || fail "the call's outcome is not on top"
assert_screen "  checkpoint Promise read back to the debtor done"
assert_screen "  checkpoint Right party verified"
assert_screen "  promise to pay 50.00 by 2026-03-20 (card)"
assert_screen "call to mobile started (script us-early)"
keys q
wait_for "Account $id"
keys q
wait_for "Queue  300 of 300"
after=$(screen | sed -n "s/^ #\([0-9]*\) $id: score .*/\1/p")
[ -n "$after" ] || fail "the queue lost the case"
[ "$after" -gt "$before" ] || fail "the worked case did not move down (#$before, now #$after)"
keys Q
assert_exited 0

[ "$(events call_start "")" = 1 ] || fail "no call_start event"
[ "$(bodies "$db" "$id" checkpoint | grep -c -F '"done":true')" = 5 ] || fail "not 5 checkpoints done"
[ "$(bodies "$db" "$id" ptp | grep -c -F '"call":')" = 1 ] || fail "the promise is not on the call"
[ "$(bodies "$db" "$id" attempt | grep -c -F '"result":"ptp"')" = 1 ] || fail "no ptp attempt"
run_env "$ARREARS" --cache "$db" audit verify >"$T/audit.out" 2>&1 ||
	{ cat "$T/audit.out" >&2; fail "arrears audit verify failed"; }
