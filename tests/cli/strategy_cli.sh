#!/bin/sh
# arrears strategy check and show: the shipped data is clean; broken copies give every problem
# by file:line; show on a demo book gives each account's segment, arm and step, and the
# champion/challenger split agrees with BLAKE2b computed by another tool (b2sum).
. "$top_srcdir/tests/cli/lib.sh"

expect 0 "1 strategy book, 18 templates in 2 languages: no problems" -- "$arrears" strategy check
expect 0 "no problems" -- "$arrears" strategy check "$top_srcdir/data"
expect 1 "cannot read the templates directory" -- "$arrears" strategy check "$tmp/nowhere"
expect 2 "usage: arrears strategy check" -- "$arrears" strategy
expect 2 "usage: arrears strategy check" -- "$arrears" strategy check a b

# A broken copy: an SMS without its opt-out text, a step out of dpd order and one naming a
# template that does not exist (in either language). Every problem is printed, each with its file and line.
mkdir -p "$tmp/data" && cp -R "$top_srcdir/data/templates" "$top_srcdir/data/strategies" "$tmp/data/"
chmod -R u+w "$tmp/data"
sed -i 's/Please pay at {pay_link} or call us. {opt_out}/Please pay at {pay_link} or call us./' \
	"$tmp/data/templates/en.conf"
sed -i 's/at_dpd = 12; action = "email"; template = "second"/at_dpd = 2; action = "email"; template = "second"/;
	s/at_dpd = 45; action = "letter"; template = "second"/at_dpd = 45; action = "letter"; template = "secnod"/' \
	"$tmp/data/strategies/default.conf"
sms_line=$(grep -n 'body = "{name}, your account ending {account} is {dpd}' \
	"$tmp/data/templates/en.conf" | cut -d: -f1)
dpd_line=$(grep -n 'at_dpd = 2; action = "email"' "$tmp/data/strategies/default.conf" | cut -d: -f1)
tpl_line=$(grep -n 'template = "secnod"' "$tmp/data/strategies/default.conf" | cut -d: -f1)
expect 1 "4 problems" -- "$arrears" strategy check "$tmp/data"
for want in "templates/en.conf:$sms_line: body: an sms message must carry the opt-out text" \
	"strategies/default.conf:$dpd_line: at_dpd: 2 does not come after 3" \
	"strategies/default.conf:$tpl_line: template: no letter template \"secnod\" in .*en.conf" \
	"strategies/default.conf:$tpl_line: template: no letter template \"secnod\" in .*es.conf"; do
	if grep -q -- "$want" "$tmp/out"; then ok; else bad "check did not say /$want/: $(cat "$tmp/out")"; fi
done

# show on a demo book, at a fixed day (the same as a frozen clock).
db="$tmp/book.db"
day=2026-03-10
expect 0 "" -- "$arrears" --cache "$db" demo --accounts 200 --seed 1 --as-of "$day"
show() { "$arrears" --cache "$db" strategy show --as-of "$day" "$@"; }
expect 0 "^segment    mid (default.conf:14)$" -- show A0000002
for want in "^as of      2026-03-10, 37 days past due$" "^strategy   default version 1, champion$" \
	"^step       1 of 4: call at dpd 31$" "^next       2 of 4: letter \"second\" at dpd 45$"; do
	if grep -q -- "$want" "$tmp/out"; then ok; else bad "show A0000002: no /$want/: $(cat "$tmp/out")"; fi
done
expect 0 "^step       none (the strategy has no steps)$" -- show A0000005
expect 0 "^segment    hold" -- show A0000005
ARREARS_NOW=2026-03-10T12:00:00Z expect 0 "^as of      2026-03-10, 37 days past due$" -- \
	"$arrears" --cache "$db" strategy show A0000002

# --message fills the step's template from the account, opt-out included, and counts the SMS.
expect 0 "^sms        1 segment (GSM-7, 136 characters)$" -- show --message A0000004
if grep -q "^Wei Kowalski, your account ending 0004 is 88 days past due (548.66 USD)\..*Reply STOP to opt out\.$" \
	"$tmp/out"; then ok; else bad "filled SMS: $(cat "$tmp/out")"; fi

expect 1 "no account 'NOPE' in the cache" -- show NOPE
expect 1 "no strategies file 'nope.conf'" -- show --book nope A0000002
expect 2 "as-of" -- show --as-of 2026-02-30 A0000002
expect 2 "usage" -- show
expect 10 "" -- "$arrears" --cache "$tmp/missing.db" strategy show A0000002

# Champion or challenger for every early_low account: BLAKE2b-64 of "early_low\0ID" read
# little-endian, modulo 100, under the share of 20.
if command -v b2sum >/dev/null 2>&1; then
	checked=0
	for id in $("$arrears" --cache "$db" export accounts | sed 1d | cut -d, -f1); do
		show "$id" >"$tmp/show" 2>&1 || bad "show $id: $(cat "$tmp/show")"
		grep -q "^segment    early_low " "$tmp/show" || continue
		hex=$(printf 'early_low\000%s' "$id" | b2sum -l 64 | cut -c1-16)
		r=0 i=14
		while [ $i -ge 0 ]; do
			r=$(( (r * 256 + 0x$(echo "$hex" | cut -c$((i + 1))-$((i + 2)))) % 100 ))
			i=$((i - 2))
		done
		if [ $r -lt 20 ]; then arm=challenger; else arm=champion; fi
		if grep -q "^strategy   default version 1, $arm$" "$tmp/show"; then ok; else
			bad "$id: bucket $r wants $arm: $(cat "$tmp/show")"; fi
		checked=$((checked + 1))
	done
	if [ $checked -ge 5 ]; then ok; else bad "only $checked early_low accounts"; fi
fi

finish strategy_cli
