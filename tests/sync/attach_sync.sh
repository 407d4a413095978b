#!/bin/sh
# Device keys and attachments against a real arrearsd on loopback: the key registered at login
# (0600 file, never in the cache), signed pushes, a wrong key, a missing signature and a
# different key at login refused, an admin's key reset; an attachment recorded, uploaded
# under a byte limit and resumed, a chunk with the wrong bytes refused, another agent unable to
# fetch it, and both audits checking the signatures.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
notegen="$top_builddir/tests/sync/notegen"
evgen="$top_builddir/tests/sync/evgen"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need sqlite3 curl cmp

make_cert "$tmp"
# small chunks (max_body) so a 300 kB attachment takes several, and the client must shrink its own
# and no require_signed_heads line: the default (on) is what is tested
write_conf 'max_body = 65536;' 'max_blob = 1000000;' '# require_signed_heads: the default'
export ARREARS_NOW=2026-11-23T12:00:00Z
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
for u in a:pass-of-a-1 b:pass-of-b-1; do
	printf '%s\n' "${u#*:}" | "$arrearsd" -c "$conf" user add "${u%%:*}" --role agent --team "t${u%%:*}" \
		>/dev/null 2>"$tmp/err" || bad "user add $u: $(cat "$tmp/err")"
done
"$arrears" --cache "$tmp/demo.db" demo --accounts 40 --seed 3 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv" || bad "demo export"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = (NR % 2 ? "a" : "b"); print }' \
	"$tmp/demo.csv" > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
acct=$(awk -F, '$6 == "a" { print $1; exit }' "$tmp/book.csv")

start_server "$conf" "$tmp/log" || exit 1
url="https://127.0.0.1:$port"
printf 'ca_file = "%s";\nuser = "a";\n' "$tmp/cert.pem" > "$tmp/a.conf"
printf 'ca_file = "%s";\nuser = "b";\n' "$tmp/cert.pem" > "$tmp/b.conf"
cache_a="$tmp/a/cache.db"
cache_b="$tmp/b/cache.db"
arrears_a() { "$arrears" --config "$tmp/a.conf" --cache "$cache_a" "$@"; }
arrears_b() { "$arrears" --config "$tmp/b.conf" --cache "$cache_b" "$@"; }
sq() { sqlite3 "$1" "$2"; }
book() { book_sql "$1"; }

# login makes the device key: 0600 beside the token, registered at the server, not in the cache
printf 'pass-of-a-1\n' | arrears_a login --server "$url" --user a >/dev/null 2>"$tmp/err" && ok ||
	bad "login a: $(cat "$tmp/err")"
printf 'pass-of-b-1\n' | arrears_b login --server "$url" --user b >/dev/null 2>"$tmp/err" && ok ||
	bad "login b: $(cat "$tmp/err")"
[ "$(stat -c %a "$cache_a.key" 2>/dev/null)" = 600 ] && ok || bad "key file mode $(stat -c %a "$cache_a.key")"
dev_a=$(sq "$cache_a" "SELECT value FROM sync_state WHERE key = 'device_id'")
pk_a=$(book "SELECT public_key FROM device_keys WHERE device = '$dev_a'")
[ ${#pk_a} -eq 64 ] && ok || bad "no key registered for device $dev_a"
secret=$(head -c 64 "$cache_a.key")
grep -qF "$secret" "$cache_a" && bad "the secret key is in the cache" || ok
grep -qF "$secret" "$tmp/log" && bad "the secret key is in the server's log" || ok
arrears_a sync >/dev/null 2>"$tmp/err" || bad "first sync a: $(cat "$tmp/err")"

# a good token pushing from a device that never registered a key (a stolen token, a hand-made
# batch) is refused whole by default
token_a=$(cat "$cache_a.token" 2>/dev/null)
"$evgen" no-key-device a "$acct" 1 > "$tmp/unsigned.json" || bad evgen
st=$(api POST /v1/events "$token_a" --data-binary @"$tmp/unsigned.json")
[ "$st" = 403 ] && grep -q bad_signature "$tmp/body" && ok || bad "an unkeyed device pushed: $st $(cat "$tmp/body")"
[ "$(book "SELECT count(*) FROM events WHERE device = 'no-key-device'")" -eq 0 ] && ok ||
	bad "an unkeyed device's event was stored"

# a push is signed: the server keeps the head with the key it verified against
"$notegen" "$cache_a" a "$acct" 2 2>"$tmp/err" || bad "notegen: $(cat "$tmp/err")"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 2 events" "$tmp/out" && ok ||
	bad "signed push: $(cat "$tmp/out" "$tmp/err")"
[ "$(book "SELECT count(*) FROM signed_heads WHERE device = '$dev_a' AND seq = 2 AND public_key = '$pk_a'")" -eq 1 ] &&
	ok || bad "the server did not keep the signed head"

# signed with another key (b's key file in a's place): refused whole, the outbox kept
cp "$cache_a.key" "$tmp/a.key.saved"
cp "$cache_b.key" "$cache_a.key"
"$notegen" "$cache_a" a "$acct" 1 2>/dev/null
arrears_a sync > "$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "bad_signature" "$tmp/err" && ok || bad "a push signed with the wrong key: $(cat "$tmp/out" "$tmp/err")"
[ "$(book "SELECT count(*) FROM events WHERE device = '$dev_a'")" -eq 2 ] && ok || bad "a badly signed event was stored"
[ "$(sq "$cache_a" 'SELECT count(*) FROM outbox')" -eq 1 ] && ok || bad "the refused event left the outbox"
# no key at all, for a device that registered one: refused too
rm -f "$cache_a.key"
arrears_a sync > "$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "bad_signature" "$tmp/err" && ok || bad "an unsigned push was not refused: $(cat "$tmp/err")"
# a login from the device with another key is refused until an admin resets it
cp "$cache_b.key" "$cache_a.key"
printf 'pass-of-a-1\n' | arrears_a login --server "$url" --user a >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "device_key_mismatch" "$tmp/err" && ok || bad "another key at login: $(cat "$tmp/err")"
cp "$tmp/a.key.saved" "$cache_a.key"
chmod 600 "$cache_a.key"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "pushed 1 events" "$tmp/out" && ok ||
	bad "push with the right key again: $(cat "$tmp/out" "$tmp/err")"
rm -f "$cache_a.key"
"$arrearsd" -c "$conf" device reset-key "$dev_a" >/dev/null 2>"$tmp/err" && ok || bad "reset-key: $(cat "$tmp/err")"
printf 'pass-of-a-1\n' | arrears_a login --server "$url" --user a >/dev/null 2>"$tmp/err" && ok ||
	bad "login with a new key after the reset: $(cat "$tmp/err")"
[ "$(book "SELECT public_key FROM device_keys WHERE device = '$dev_a'")" != "$pk_a" ] && ok || bad "the key was not replaced"

# an attachment: evidence at once, uploaded in several chunks under a byte limit, then resumed
head -c 300000 /dev/urandom > "$tmp/visit.jpg"
sha=$(sha256sum "$tmp/visit.jpg" | cut -c1-64)
arrears_a attach "$acct" "$tmp/visit.jpg" --note "front door" > "$tmp/out" 2>"$tmp/err" && ok ||
	bad "attach: $(cat "$tmp/err")"
arrears_a attach "$acct" "$tmp/nonexistent.jpg" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "nonexistent.jpg" "$tmp/err" && ok || bad "a missing file: $(cat "$tmp/err")"
arrears_a attach NOSUCH "$tmp/visit.jpg" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "no account NOSUCH" "$tmp/err" && ok || bad "an unknown account: $(cat "$tmp/err")"
cmp -s "$tmp/visit.jpg" "$cache_a.blobs/$sha" && ok || bad "the cache has no copy of the attachment"
"$arrears" --cache "$cache_a" audit export --account "$acct" --format csv > "$tmp/export.csv" 2>&1
grep -q "attachment visit.jpg (image/jpeg, 300000 bytes): front door" "$tmp/export.csv" && ok ||
	bad "the timeline text of the attachment: $(grep attachment "$tmp/export.csv")"
arrears_a sync --upload-limit 100000 > "$tmp/out" 2>"$tmp/err" && grep -q "0 uploaded (100000 bytes sent), 0 failed, 1 waiting" "$tmp/out" &&
	ok || bad "limited upload: $(cat "$tmp/out" "$tmp/err")"
token_a=$(cat "$cache_a.token")
token_b=$(cat "$cache_b.token")
st=$(api HEAD "/v1/blobs/$sha" "$token_a" -I)
expect_status 200 "$st" "HEAD of a partial blob"
grep -qi "^Upload-Offset: 100000" "$tmp/headers" && ok || bad "HEAD says $(grep -i upload "$tmp/headers")"
st=$(api GET "/v1/blobs/$sha" "$token_a")
expect_status 404 "$st" "GET of an incomplete blob"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "1 uploaded (200000 bytes sent), 0 failed, 0 waiting" "$tmp/out" &&
	ok || bad "resumed upload: $(cat "$tmp/out" "$tmp/err")"
cmp -s "$tmp/visit.jpg" "$tmp/book.db.blobs/$(printf %.2s "$sha")/$sha" && ok || bad "the server's copy differs"
[ "$(sq "$cache_a" "SELECT state FROM attachments WHERE sha256 = '$sha'")" = uploaded ] && ok || bad "not marked uploaded"
st=$(api GET "/v1/blobs/$sha" "$token_a")
expect_status 200 "$st" "GET of the blob by its owner"
cmp -s "$tmp/visit.jpg" "$tmp/body" && ok || bad "GET returned other bytes"
grep -qi "^Content-Type: image/jpeg" "$tmp/headers" && ok || bad "GET content type: $(grep -i content-type "$tmp/headers")"

# another agent (another team, not their account) gets exactly what a missing blob gets
st=$(api GET "/v1/blobs/$sha" "$token_b")
expect_status 404 "$st" "GET of a's blob by b"
cp "$tmp/body" "$tmp/b-body"
st=$(api GET "/v1/blobs/$(printf '%064d' 7)" "$token_b")
expect_status 404 "$st" "GET of a blob that does not exist"
cmp -s "$tmp/body" "$tmp/b-body" && ok || bad "out of scope and missing answer differently"
st=$(api PUT "/v1/blobs/$sha?offset=0" "$token_b" --data-binary 'not a photo')
expect_status 404 "$st" "PUT of a's blob by b"

# bytes that are not the named blob: refused at completion and discarded; the client recovers
printf 'the real letter\n' > "$tmp/letter.txt"
sha2=$(sha256sum "$tmp/letter.txt" | cut -c1-64)
arrears_a attach "$acct" "$tmp/letter.txt" >/dev/null 2>"$tmp/err" || bad "attach letter: $(cat "$tmp/err")"
arrears_a sync --upload-limit 4 >/dev/null 2>"$tmp/err" || bad "sync letter: $(cat "$tmp/err")"
printf 'XXXXXXXXXXX\n' > "$tmp/fake"	# the 12 bytes that complete it, but not the letter
st=$(api PUT "/v1/blobs/$sha2?offset=4" "$token_a" -H 'Content-Type: application/octet-stream' --data-binary @"$tmp/fake")
expect_status 422 "$st" "a completing chunk with the wrong bytes"
grep -q '"hash_mismatch"' "$tmp/body" && ok || bad "mismatch body: $(cat "$tmp/body")"
st=$(api HEAD "/v1/blobs/$sha2" "$token_a" -I)
grep -qi "^Upload-Offset: 0" "$tmp/headers" && ok || bad "the bad upload was kept: $(grep -i upload "$tmp/headers")"
st=$(api PUT "/v1/blobs/$sha2?offset=5" "$token_a" --data-binary @"$tmp/fake")
expect_status 409 "$st" "a chunk at the wrong offset"
arrears_a sync > "$tmp/out" 2>"$tmp/err" && grep -q "1 uploaded" "$tmp/out" && ok ||
	bad "upload after a mismatch: $(cat "$tmp/out" "$tmp/err")"
cmp -s "$tmp/letter.txt" "$tmp/book.db.blobs/$(printf %.2s "$sha2")/$sha2" && ok || bad "the letter on the server differs"

# the cache's own copy damaged after it was recorded: the server refuses it, sync exits 4
printf 'receipt 0001\n' > "$tmp/receipt.txt"
sha3=$(sha256sum "$tmp/receipt.txt" | cut -c1-64)
arrears_a attach "$acct" "$tmp/receipt.txt" >/dev/null 2>"$tmp/err" || bad "attach receipt: $(cat "$tmp/err")"
printf 'receipt 9999\n' > "$cache_a.blobs/$sha3"
arrears_a sync > "$tmp/out" 2>"$tmp/err"
[ $? -eq 4 ] && grep -q "1 failed" "$tmp/out" && grep -q "attachments refused" "$tmp/err" && ok ||
	bad "a damaged copy: $(cat "$tmp/out" "$tmp/err")"
sq "$cache_a" "SELECT state, last_error FROM attachments WHERE sha256 = '$sha3'" | grep -q "^failed|.*hash_mismatch" &&
	ok || bad "the damaged attachment: $(sq "$cache_a" "SELECT state, last_error FROM attachments WHERE sha256 = '$sha3'")"
[ -e "$tmp/book.db.blobs/$(printf %.2s "$sha3")/$sha3" ] && bad "the server kept a damaged blob" || ok
arrears_a sync > "$tmp/out" 2>"$tmp/err" && ok || bad "sync after a failed attachment: $(cat "$tmp/err")"

# both audits check the signatures; a tampered one is named
"$arrears" --cache "$cache_a" audit verify > "$tmp/out" 2>&1 && grep -q "signed heads verified" "$tmp/out" && ok ||
	bad "client audit: $(cat "$tmp/out")"
"$arrearsd" -c "$conf" device heads > "$tmp/out" 2>"$tmp/err" && grep -q "0 bad" "$tmp/err" && ok ||
	bad "server audit: $(cat "$tmp/out" "$tmp/err")"
grep -q "^$dev_a	2	" "$tmp/out" && ok || bad "server audit lists no head 2 of a: $(cat "$tmp/out")"
book "UPDATE signed_heads SET signature = substr(signature, 3) || substr(signature, 1, 2) WHERE device = '$dev_a' AND seq = 2"
"$arrearsd" -c "$conf" device heads > "$tmp/out" 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "does not verify" "$tmp/out" && ok || bad "a tampered head passed the server audit: $(cat "$tmp/out")"
sq "$cache_a" "UPDATE signed_heads SET signature = substr(signature, 3) || substr(signature, 1, 2) WHERE seq = 2"
"$arrears" --cache "$cache_a" audit verify > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "signature broken" "$tmp/out" && ok || bad "a tampered head passed the client audit: $(cat "$tmp/out")"

echo "attach_sync: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
