# qa_review.sh - a full QA review on the demo book: open the list of scripted calls, filter to
# breaches, open a record with a highlighted override or skip, score it on the default card,
# submit, and see the call as reviewed and the agent's compliance score change.
. "$top_srcdir/tests/tui/lib.sh"
need_tmux
command -v sqlite3 >/dev/null 2>&1 || { echo "sqlite3 not found: skipped"; exit 77; }
make_cache "$T/cache.db"

calls=$(sqlite3 "$T/cache.db" "SELECT count(*) FROM events WHERE kind = 'call_start'")
[ "$calls" -gt 3 ] || fail "the demo book has $calls scripted calls"

start 110x32 --cache "$T/cache.db"
wait_for "Queue  300 of 300"
keys v
wait_for "QA calls: $calls "
assert_screen "not reviewed"

# Breaches only: every row has S (skipped) or O (overridden) in the breach column.
keys b
wait_for "breaches"
screen | awk 'NR > 2 && $1 ~ /^20[0-9][0-9]-/ && $7 !~ /^[SO]+$/ { bad = 1 } END { exit bad }' ||
	fail "a call without a breach is listed"
agent=$(line 3 | awk '{ print $3 }')
[ -n "$agent" ] || fail "no agent on the first row"
wait_for "$agent: compliance -"

# The record: the breach is marked with '!' and drawn in the policy_blocked role.
keys Enter
wait_for "agent $agent (compliance -)"
screen | grep -qE '^ *20[0-9-]+ [0-9:]+ +! +(SKIPPED|OVERRIDDEN) ' || fail "no highlighted breach"
plain=$(tm capture-pane -p -e -t t | grep -E 'call started' | sed 's/call started.*//')
marked=$(tm capture-pane -p -e -t t | grep -E '(SKIPPED|OVERRIDDEN)' | head -1 | sed 's/! .*//')
[ "$plain" != "$marked" ] || fail "the breach line is drawn like any other"

# The scorecard, filled in with the keyboard: recording fail, identity and disclosure pass,
# the UK items and settlement terms n/a, the rest pass: 75 of 85 points, 88 %, a pass.
keys s
wait_for "Collection call review"
keys f p p x x p x p p p
wait_for "Total 75/85 = 88%  PASS"
keys m
wait_for "Reviewer's comment:"
keys -l "recording notice missed"
keys Enter
wait_for "Comment: recording notice missed"
[ "$(sqlite3 "$T/cache.db" "SELECT count(*) FROM events WHERE kind = 'qa_score'")" = 0 ] ||
	fail "a review was recorded before it was submitted"
keys Enter
wait_for "Review saved: 88% pass"
[ "$(sqlite3 "$T/cache.db" "SELECT count(*) FROM events WHERE kind = 'qa_score'")" = 1 ] ||
	fail "the review is not in the cache"

# Back on the list, the call is reviewed and the agent's compliance moved.
wait_for "88% pass"
keys k
wait_for "$agent: compliance 1/1 (100%)"

# The reviewed filter: not reviewed, then reviewed (the one call).
keys c r
wait_for "not reviewed"
refute_screen "88% pass"
keys r
wait_for "QA calls: 1  reviewed"
keys Q
assert_exited 0
echo "qa_review: ok"
