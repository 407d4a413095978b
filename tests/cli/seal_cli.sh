#!/bin/sh
# Sealed personal data: a copied cache file alone reveals none of the demo's names, phone
# numbers, emails or notes; the key file is 0600 beside the cache; a missing or wrong key, and a
# damaged sealed value, are refused with a message naming the file or the row.
. "$top_srcdir/tests/cli/lib.sh"

db="$tmp/data/arrears/cache.db"
key="$db.seal"
expect 0 "" -- "$arrears" demo --accounts 300 --seed 5 --as-of 2026-03-10
[ -f "$key" ] && ok || bad "no key file beside the cache"
[ "$(stat -c %a "$key")" = 600 ] && ok || bad "key file is $(stat -c %a "$key"), not 600"
[ "$(stat -c %a "$(dirname "$db")")" = 700 ] && ok || bad "data directory is not 0700"

# A note, written through the program as an attachment's caption.
acct=$("$arrears" export accounts | sed -n 2p | cut -d, -f1)
printf 'not really a photo\n' > "$tmp/visit.jpg"
expect 0 "" -- "$arrears" attach "$acct" "$tmp/visit.jpg" --note "Gate code 4471 behind the bakery"

# The program reads everything back in the clear...
"$arrears" export accounts > "$tmp/accounts.csv" || bad "export accounts"
"$arrears" export events > "$tmp/events.jsonl" || bad "export events"
grep -q "Gate code 4471" "$tmp/events.jsonl" && ok || bad "the note does not read back"
# ...and the file alone shows none of it. Names, phones and emails from the export, whole and in
# part (a surname, the last digits of a number), are looked for in the file's strings.
cp "$db" "$tmp/copy.db"
strings -n 4 "$db" > "$tmp/strings"
[ ! -f "$db-wal" ] || strings -n 4 "$db-wal" >> "$tmp/strings"
tail -n +2 "$tmp/accounts.csv" | head -n 50 | awk -F, '{ print $2; print $9; print $11 }' |
	grep -v '^$' > "$tmp/known"
tail -n +2 "$tmp/accounts.csv" | head -n 50 | awk -F, '{ n = split($2, w, " "); print w[n];
	print substr($9, length($9) - 6) }' | awk 'length($0) >= 5' >> "$tmp/known"
[ "$(wc -l < "$tmp/known")" -ge 100 ] && ok || bad "too few known values to look for"
if grep -F -f "$tmp/known" "$tmp/strings" > "$tmp/found"; then
	bad "the cache file shows personal data: $(head -3 "$tmp/found")"
else
	ok
fi
grep -q "Gate code\|bakery" "$tmp/strings" && bad "the note is in the clear" || ok
# The same search does find what is not sealed (so the search itself works).
grep -q "$acct" "$tmp/strings" && ok || bad "account ids should be visible, the search is broken"

# A copied cache without its key: refused, naming the key file, exit 16.
expect 16 "copy.db.seal: seal key missing" -- "$arrears" --cache "$tmp/copy.db" export accounts
# The wrong key: another cache's key.
expect 0 "" -- "$arrears" --cache "$tmp/other.db" demo --accounts 5 --seed 1 --as-of 2026-03-10
cp "$tmp/other.db.seal" "$tmp/copy.db.seal"
expect 16 "copy.db.seal: wrong seal key" -- "$arrears" --cache "$tmp/copy.db" export accounts
# A key file that is not a key, or that others may read.
printf 'hello\n' > "$tmp/copy.db.seal"
expect 16 "not a seal key" -- "$arrears" --cache "$tmp/copy.db" export accounts
cp "$key" "$tmp/copy.db.seal"
chmod 644 "$tmp/copy.db.seal"
expect 16 "readable by others" -- "$arrears" --cache "$tmp/copy.db" export accounts
chmod 600 "$tmp/copy.db.seal"
expect 0 "" -- "$arrears" --cache "$tmp/copy.db" export accounts
cmp -s "$tmp/out" "$tmp/accounts.csv" && ok || bad "the copy with its key reads differently"

# A damaged sealed value is an error naming its table and row, never garbage on screen.
if command -v sqlite3 >/dev/null; then
	sqlite3 "$tmp/copy.db" "UPDATE parties SET name = CAST(X'01' || randomblob(40) AS BLOB)
		WHERE id = 3"
	expect 1 "parties row 3: sealed value fails authentication" -- \
		"$arrears" --cache "$tmp/copy.db" export accounts
	cp "$db" "$tmp/copy.db"
	phone=$(sqlite3 "$tmp/copy.db" "SELECT min(id) FROM contact_points WHERE kind = 0")
	sqlite3 "$tmp/copy.db" "UPDATE contact_points SET value = '+15555550100' WHERE id = $phone"
	expect 1 "contact_points row $phone: value is not sealed" -- \
		"$arrears" --cache "$tmp/copy.db" export accounts
fi

finish seal_cli
