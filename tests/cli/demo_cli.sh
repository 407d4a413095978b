#!/bin/sh
# The arrears command without a terminal: demo, export determinism, errors and exit codes.
. "$top_srcdir/tests/cli/lib.sh"

# A demo into the default XDG location, then the same book again: byte for byte.
expect 0 "" -- "$arrears" demo --accounts 400 --seed 11 --as-of 2026-11-23
[ -f "$tmp/data/arrears/cache.db" ] && ok || bad "demo did not write \$XDG_DATA_HOME/arrears/cache.db"
[ "$(stat -c %a "$tmp/data/arrears")" = 700 ] && ok || bad "cache directory is not 0700"
"$arrears" export accounts > "$tmp/a1.csv" && "$arrears" export events > "$tmp/e1.jsonl" || bad export
expect 0 "" -- "$arrears" --cache "$tmp/two.db" demo --accounts 400 --seed 11 --as-of 2026-11-23
"$arrears" --cache "$tmp/two.db" export accounts > "$tmp/a2.csv"
"$arrears" --cache "$tmp/two.db" export events > "$tmp/e2.jsonl"
cmp -s "$tmp/a1.csv" "$tmp/a2.csv" && ok || bad "same seed, different accounts export"
cmp -s "$tmp/e1.jsonl" "$tmp/e2.jsonl" && ok || bad "same seed, different events export"
[ "$(wc -l < "$tmp/a1.csv")" -eq 401 ] && ok || bad "accounts export is not header + 400 rows"
head -1 "$tmp/a1.csv" | grep -q '^account_id,name,balance,past_due,due_date,assignee,' && ok || bad "CSV header"

# A demo refuses a cache that holds a book.
expect 1 "already holds 400 accounts" -- "$arrears" --cache "$tmp/two.db" demo --accounts 5

# Bad arguments and bad paths: one clear line and a distinct exit code each.
expect 2 "accounts" -- "$arrears" demo --accounts 0
expect 2 "as-of" -- "$arrears" demo --as-of 2026-02-30
expect 10 "no cache here" -- "$arrears" --cache "$tmp/none.db" export accounts
printf 'not a database at all, just text that someone saved here\n' > "$tmp/junk.db"
cp "$tmp/junk.db" "$tmp/junk.orig"
expect 12 "not an arrears cache" -- "$arrears" --cache "$tmp/junk.db" export accounts
cmp -s "$tmp/junk.db" "$tmp/junk.orig" && ok || bad "a foreign file was modified"
sqlite3 "$tmp/two.db" 'PRAGMA user_version = 99' 2>/dev/null || true
if command -v sqlite3 >/dev/null; then
	expect 11 "newer arrears" -- "$arrears" --cache "$tmp/two.db" export accounts
fi
expect 14 "cannot create" -- "$arrears" --cache /proc/self/arrears/cache.db demo --accounts 1

# Config errors name file and line; unknown options warn but work.
printf 'theme = "mono";\nrole = "chief";\n' > "$tmp/bad.conf"
expect 2 "bad.conf:2: role: 'chief' is not a role" -- "$arrears" --config "$tmp/bad.conf" dump-config
printf 'theme = "mono";\nflavour = "mint";\n' > "$tmp/warn.conf"
expect 0 "warn.conf:2: unknown option 'flavour'" -- "$arrears" --config "$tmp/warn.conf" dump-config
grep -q '^theme = "mono";' "$tmp/out" && ok || bad "dump-config lost the theme"

finish demo_cli
