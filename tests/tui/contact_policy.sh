# contact_policy.sh - the contact policy in the workstation: the queue shows a case that may not
# be called now after the contactable ones, with its reason; a dial on it is refused with the
# reason and records nothing; an allowed dial records one contact_started; a lead overrides a
# block with a typed reason, which records policy_override and contact_started.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
# 09:30 in New York, 06:30 in Los Angeles: one debtor inside calling hours, one outside.
NOW=2026-03-10T13:30:00Z
db="$T/cache.db"
make_cache "$db"

# Two plain us-regf accounts with no attempt or callback in the last 8 days, so nothing but the
# clock decides; one is moved to Los Angeles, the other to New York.
pick() {
	sqlite3 "$db" "SELECT a.ext_id FROM accounts a WHERE a.flags = 0 AND a.profile = 'us-regf'
		AND NOT EXISTS (SELECT 1 FROM events e WHERE e.account_id = a.ext_id
			AND e.kind IN ('attempt', 'callback') AND e.at > unixepoch('2026-03-02'))
		AND EXISTS (SELECT 1 FROM contact_points c WHERE c.party_id = a.party_id AND c.kind < 3)
		ORDER BY a.id LIMIT 1 OFFSET $1"
}
place() {
	sqlite3 "$db" "UPDATE parties SET zones = '$2'
			WHERE id = (SELECT party_id FROM accounts WHERE ext_id = '$1');
		UPDATE contact_points SET zones = '$2'
			WHERE party_id = (SELECT party_id FROM accounts WHERE ext_id = '$1');"
	# the first contact point is a phone, so `1 d` dials
	sqlite3 "$db" "UPDATE contact_points SET kind = 1 WHERE id = (SELECT min(c.id)
		FROM contact_points c JOIN accounts a ON a.party_id = c.party_id WHERE a.ext_id = '$1')"
}
la=$(pick 0)
ny=$(pick 1)
[ -n "$la" ] && [ -n "$ny" ] || fail "the demo book has no quiet us-regf accounts"
place "$la" America/Los_Angeles
place "$ny" America/New_York
events() {
	sqlite3 "$db" "SELECT count(*) FROM events WHERE kind IN ($1)$2"
}

# --- an agent -----------------------------------------------------------------------------
start 120x30 --cache "$db"
wait_for "Queue  300 of 300  now "
wait_gone "checking"
keys / "$la" Enter
wait_for " #1 $la"
screen | grep -q "^ #1 $la: score [0-9.]* = not contactable now (outside calling hours, opens " ||
	fail "the why line does not give the policy reason"
assert_screen "wait "
keys Escape
wait_for "search -"
keys /
keys "$la" Enter Enter
wait_for "Account $la"
assert_screen "not now: outside calling hours; next "
keys 1 d
wait_for "Blocked call to landline: outside calling hours; next allowed "
[ "$(events "'contact_started', 'policy_override'" "")" = 0 ] || fail "a blocked dial recorded an event"
keys o
wait_for "Only a lead may override"
keys q
keys c
wait_for "search -"
keys /
keys "$ny" Enter Enter
wait_for "Account $ny"
assert_screen "call   allowed now  (7 of 7 calls left in 7 days)"
keys 1 d
wait_for "Calling landline"
wait_for "started and recorded"
[ "$(bodies "$db" "$ny" contact_started |
	grep -c -F '"body":{"channel":"call","contact":"landline","policy":"allow"}')" = 1 ] ||
	fail "an allowed dial did not record one contact_started"
[ "$(events "'contact_started', 'policy_override'" "")" = 1 ] || fail "more than one event recorded"
[ "$(sqlite3 "$db" "SELECT count(*) FROM sync_state WHERE key = 'device_id'")" = 1 ] ||
	fail "no device id"
keys Q
assert_exited 0
tm kill-server
TMUX_STARTED=

# --- a lead -------------------------------------------------------------------------------
printf 'user = "lee";\nrole = "lead";\n' >"$T/lead.conf"
start 120x30 --config "$T/lead.conf" --cache "$db"
wait_for "Queue  300 of 300  now "
keys /
keys "$la" Enter Enter
wait_for "Account $la"
keys 1 d
wait_for "(o overrides)"
keys o
wait_for "Override reason"
keys Enter
wait_for "an override needs a reason"
[ "$(events "'policy_override'" "")" = 0 ] || fail "a blank override was recorded"
keys "customer asked for an early call" Enter
wait_for "Override recorded (outside calling hours)"
[ "$(bodies "$db" "$la" policy_override | grep -F '"user":"lee"' |
	grep -F '"reason_text":"customer asked for an early call"' |
	grep -c -F '"reasons":["OUTSIDE_HOURS"]')" = 1 ] ||
	fail "the override was not recorded"
[ "$(bodies "$db" "$la" contact_started | grep -c -F '"policy":"override"')" = 1 ] ||
	fail "the overridden contact was not recorded"
keys Q
assert_exited 0

# The chain holds, when this build has the audit command.
if run_env "$ARREARS" --cache "$db" audit verify >"$T/audit.out" 2>&1; then
	:
elif grep -q "unknown command" "$T/audit.out"; then
	echo "arrears audit: not in this build, chain check skipped"
else
	cat "$T/audit.out" >&2
	fail "arrears audit verify failed"
fi
