#!/bin/sh
# Editable fields against a real arrearsd on loopback: an agent and a lead correct the same
# debtor's time zones offline from the same version; the first push wins, the second is kept
# as a conflict both see after a pull; resolving it on one side reaches the other; two equal
# edits are no conflict; a name edit goes through; a bad zone or an unknown conflict is
# rejected at push with its reason; a resolve that comes second is kept and changes nothing.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
evgen="$top_builddir/tests/sync/evgen"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need sqlite3 curl

make_cert "$tmp"
# hand-made pushes below carry no signed head
write_conf 'page_limit = 1000;' 'require_signed_heads = 0;'
export ARREARS_NOW=2026-11-23T12:00:00Z
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
for u in ann:agent lee:lead; do
	printf 'pass-of-%s-1\n' "${u%%:*}" | "$arrearsd" -c "$conf" user add "${u%%:*}" \
		--role "${u#*:}" --team t1 >/dev/null 2>"$tmp/err" || bad "user add $u: $(cat "$tmp/err")"
done
"$arrears" --cache "$tmp/demo.db" demo --accounts 5 --seed 3 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = "ann"; print }' "$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
acct=$(awk -F, 'NR == 2 { print $1 }' "$tmp/book.csv")

start_server "$conf" "$tmp/log" || exit 1
url="https://127.0.0.1:$port"
cli() {
	who=$1
	shift
	mkdir -p "$tmp/$who"
	[ -f "$tmp/$who/arrears.conf" ] || printf 'ca_file = "%s";\nuser = "%s";\n' "$tmp/cert.pem" \
		"$who" > "$tmp/$who/arrears.conf"
	"$arrears" --config "$tmp/$who/arrears.conf" --cache "$tmp/$who/cache.db" "$@"
}
sync_as() { cli "$1" sync >/dev/null 2>"$tmp/err" || bad "sync $1: $(cat "$tmp/err")"; }
zones() {
	sqlite3 "$tmp/$1/cache.db" "SELECT p.zones FROM accounts a JOIN parties p ON p.id = a.party_id
		WHERE a.ext_id = '$acct'"
}
version() {
	sqlite3 "$tmp/$1/cache.db" "SELECT coalesce((SELECT v.version FROM field_versions v JOIN
		accounts a ON a.id = v.account_id WHERE a.ext_id = '$acct' AND v.field = '$2'), 0)"
}
nconflicts() { sqlite3 "$tmp/$1/cache.db" 'SELECT count(*) FROM conflicts'; }
for u in ann lee; do
	printf 'pass-of-%s-1\n' "$u" | cli "$u" login --server "$url" --user "$u" >/dev/null 2>"$tmp/err" ||
		bad "login $u: $(cat "$tmp/err")"
	sync_as "$u"
done
[ "$(version ann party.zones)" = 0 ] && [ "$(version lee party.zones)" = 0 ] && ok ||
	bad "a fresh account's zones are at version $(version ann party.zones)"

# Both correct the zones offline, from version 0; each cache shows its own value at once.
cli ann edit "$acct" zones America/Chicago >/dev/null 2>"$tmp/err" || bad "ann edit: $(cat "$tmp/err")"
cli lee edit "$acct" zones America/Denver >/dev/null 2>"$tmp/err" || bad "lee edit: $(cat "$tmp/err")"
[ "$(zones ann)" = America/Chicago ] && [ "$(version ann party.zones)" = 1 ] && ok ||
	bad "ann's cache has '$(zones ann)' at $(version ann party.zones) after her edit"
# The first push wins; the second is kept as a conflict, which the sync that pushed it
# fetches at once and the other side's next pull brings.
sync_as ann
sync_as lee
[ "$(sqlite3 "$tmp/lee/cache.db" 'SELECT count(*) FROM dead_letters')" = 0 ] && ok ||
	bad "lee's edit was rejected: $(sqlite3 "$tmp/lee/cache.db" 'SELECT reason FROM dead_letters')"
sync_as ann
for u in ann lee; do
	[ "$(zones "$u")" = America/Chicago ] && [ "$(version "$u" party.zones)" = 1 ] && ok ||
		bad "$u's cache has '$(zones "$u")' at version $(version "$u" party.zones), wanted America/Chicago at 1"
	cli "$u" conflicts > "$tmp/$u.conflicts" 2>"$tmp/err" || bad "conflicts $u: $(cat "$tmp/err")"
	grep -q "^$acct	party.zones	.*	current 'America/Chicago'	edit 'America/Denver'	by lee at " \
		"$tmp/$u.conflicts" && [ "$(wc -l < "$tmp/$u.conflicts")" = 1 ] && ok ||
		bad "$u's conflicts: $(cat "$tmp/$u.conflicts")"
done
# The conflict's value is sealed like the name it may hold.
[ "$(sqlite3 "$tmp/ann/cache.db" 'SELECT typeof(value) FROM conflicts')" = blob ] && ok ||
	bad "a conflict's value is stored in the clear"

# Resolving from one side reaches the other: ann takes lee's edit. Lee, offline, keeps the
# current value meanwhile; his resolve arrives second and changes nothing (the conflict is
# gone), but is kept as evidence like any event.
id=$(cut -f3 "$tmp/ann.conflicts")
cli ann resolve "$acct" "$id" edit >/dev/null 2>"$tmp/err" || bad "resolve: $(cat "$tmp/err")"
cli lee resolve "$acct" "$id" current >/dev/null 2>"$tmp/err" || bad "lee resolve: $(cat "$tmp/err")"
[ "$(zones ann)" = America/Denver ] && [ "$(nconflicts ann)" = 0 ] &&
	[ "$(zones lee)" = America/Chicago ] && [ "$(nconflicts lee)" = 0 ] && ok ||
	bad "caches after resolving: ann '$(zones ann)', $(nconflicts ann) conflicts; lee '$(zones lee)'"
sync_as ann
[ "$(nconflicts ann)" = 0 ] && [ "$(version ann party.zones)" = 2 ] && ok ||
	bad "ann's cache after her resolve reached the server: $(nconflicts ann) conflicts, version $(version ann party.zones)"
sync_as lee
[ "$(zones lee)" = America/Denver ] && [ "$(version lee party.zones)" = 2 ] &&
	[ "$(nconflicts lee)" = 0 ] && ok ||
	bad "lee's cache after the resolve: '$(zones lee)' at $(version lee party.zones), $(nconflicts lee) conflicts"
cli lee resolve "$acct" "$id" edit >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "no open conflict $id" "$tmp/err" && ok || bad "a resolved conflict resolved again: $(cat "$tmp/err")"

# Two equal edits from the same version are no conflict.
sync_as ann
cli ann edit "$acct" zones 'America/Phoenix;America/Denver' >/dev/null 2>"$tmp/err" || bad "ann edit 2: $(cat "$tmp/err")"
cli lee edit "$acct" zones 'America/Phoenix;America/Denver' >/dev/null 2>"$tmp/err" || bad "lee edit 2: $(cat "$tmp/err")"
sync_as ann; sync_as lee; sync_as lee; sync_as ann
for u in ann lee; do
	[ "$(zones "$u")" = 'America/Phoenix;America/Denver' ] && [ "$(nconflicts "$u")" = 0 ] &&
		[ "$(version "$u" party.zones)" = 3 ] && ok ||
		bad "$u after equal edits: '$(zones "$u")' at $(version "$u" party.zones), $(nconflicts "$u") conflicts"
done

# A name correction from the current version is written; the other side gets it.
cli lee edit "$acct" name 'Zoë Ångström' >/dev/null 2>"$tmp/err" || bad "name edit: $(cat "$tmp/err")"
sync_as lee; sync_as ann
[ "$(cli ann export accounts | awk -F, -v a="$acct" '$1 == a { print $2 }')" = 'Zoë Ångström' ] &&
	[ "$(version ann party.name)" = 1 ] && ok || bad "the name did not reach ann"

# The client refuses a bad value before recording anything.
before=$(sqlite3 "$tmp/ann/cache.db" 'SELECT count(*) FROM events')
cli ann edit "$acct" zones Mars/Olympus >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "zones: 'Mars/Olympus' is not a known time zone" "$tmp/err" &&
	[ "$(sqlite3 "$tmp/ann/cache.db" 'SELECT count(*) FROM events')" = "$before" ] && ok ||
	bad "a bad zone was not refused locally: $(cat "$tmp/err")"
cli ann edit "$acct" zones 'America/Phoenix;America/Denver' >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "already" "$tmp/err" && ok || bad "an unchanged value was recorded"

# The server checks too, whatever the client: a pushed bad zone and an unknown conflict are
# rejected with their reasons.
st=$(api POST /v1/session "" -H 'Content-Type: application/json' \
	--data '{"user":"ann","password":"pass-of-ann-1"}')
expect_status 200 "$st" "login"
tok=$(json_str token "$tmp/body")
EVGEN_KIND=field_edit EVGEN_BODY='{"base":3,"field":"party.zones","value":"Mars/Olympus"}' \
	"$evgen" hand-1 ann "$acct" 1 > "$tmp/bad.json" || bad evgen
st=$(api POST /v1/events "$tok" -H 'Content-Type: application/json' --data-binary @"$tmp/bad.json")
expect_status 200 "$st" "push bad zone"
grep -q "field_edit: \$.body.value: zones: 'Mars/Olympus' is not a known time zone" "$tmp/body" && ok ||
	bad "bad zone: $(cat "$tmp/body")"
# the refused edit is kept as a link of its device's chain, never applied: the device's next
# event links to it and is accepted (a refusal once broke the chain for good)
cp "$tmp/bad.json" "$tmp/hand-1.json"
prev=$(sed -n 's/.*"hash":"\([0-9a-f]\{64\}\)".*/\1/p' "$tmp/hand-1.json")
"$evgen" hand-1 ann "$acct" 1 2 "$prev" > "$tmp/next.json" || bad evgen
st=$(api POST /v1/events "$tok" -H 'Content-Type: application/json' --data-binary @"$tmp/next.json")
expect_status 200 "$st" "push after a refusal"
grep -q '"result":"accepted"' "$tmp/body" && ok || bad "the link after a refused one: $(cat "$tmp/body")"
[ "$(book_sql "SELECT count(*) FROM events WHERE device = 'hand-1' AND flag LIKE 'refused: %'")" = 1 ] &&
	ok || bad "the refused edit is not kept as refused"
EVGEN_KIND=field_edit EVGEN_BODY='{"base":0,"field":"party.phone","value":"1"}' \
	"$evgen" hand-2 ann "$acct" 1 > "$tmp/bad.json" || bad evgen
api POST /v1/events "$tok" -H 'Content-Type: application/json' --data-binary @"$tmp/bad.json" >/dev/null
grep -q "not an editable field" "$tmp/body" && ok || bad "unknown field: $(cat "$tmp/body")"
EVGEN_KIND=conflict_resolve EVGEN_BODY='{"conflict":"00000000-0000-4000-8000-000000000000","keep":"edit"}' \
	"$evgen" hand-3 ann "$acct" 1 > "$tmp/bad.json" || bad evgen
api POST /v1/events "$tok" -H 'Content-Type: application/json' --data-binary @"$tmp/bad.json" >/dev/null
grep -q "conflict_resolve: no conflict 00000000-0000-4000-8000-000000000000" "$tmp/body" && ok ||
	bad "unknown conflict: $(cat "$tmp/body")"

echo "edit_sync: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
