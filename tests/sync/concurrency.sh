#!/bin/sh
# arrearsd's worker threads: the `threads` option is checked, and many clients pushing at once
# (each on its own device, several devices of one user among them) are all answered 200 with
# every event stored exactly once and applied, while logins run beside them.
set -u
arrearsd="${top_builddir:?}/arrearsd"
evgen="$top_builddir/tests/sync/evgen"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need curl sqlite3

make_cert "$tmp"
export ARREARS_NOW=2026-11-23T12:00:00Z

# the option is range-checked with file:line
write_conf 'threads = 0;'
"$arrearsd" -c "$conf" --dump-config >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "arrearsd.conf:6:.*threads" "$tmp/err" && ok ||
	bad "threads = 0 was not refused with file:line: $(cat "$tmp/err")"
write_conf 'threads = 3;'
"$arrearsd" -c "$conf" --dump-config 2>&1 | grep -q '^threads = 3;' && ok || bad "threads not in --dump-config"

"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || bad "init: $(cat "$tmp/err")"
for u in a b c d; do
	printf 'pass-of-%s-1\n' "$u" | "$arrearsd" -c "$conf" user add "$u" --role agent --team t1 \
		>/dev/null 2>"$tmp/err" || bad "user add $u: $(cat "$tmp/err")"
done
{
	echo 'account_id,name,balance,past_due,due_date,assignee,product,currency'
	for u in a b c d; do echo "ACC-$u,Pat $u,100.00,10.00,2026-10-01,$u,card,USD"; done
} > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" ||
	bad "import: $(cat "$tmp/err")"
start_server "$conf" "$tmp/log" || exit 1
grep -q "with 3 threads" "$tmp/log" && ok || bad "the log does not say the threads: $(cat "$tmp/log")"

login() {
	curl -sS --cacert "$tmp/cert.pem" -H 'Content-Type: application/json' \
		-d "{\"user\":\"$1\",\"password\":\"pass-of-$1-1\"}" "https://127.0.0.1:$port/v1/session" |
		sed -n 's/.*"token": *"\([^"]*\)".*/\1/p'
}
# 4 users x 3 devices, a chain of 40 events each in two batches of 20 (the second depends on
# the first): 12 clients pushing at once
for u in a b c d; do
	tok=$(login "$u")
	[ -n "$tok" ] && ok || bad "login $u"
	for dev in 1 2 3; do
		"$evgen" "dev-$u-$dev" "$u" "ACC-$u" 20 > "$tmp/p1-$u-$dev.json"
		h=$(grep -o '"hash":"[0-9a-f]*"' "$tmp/p1-$u-$dev.json" | tail -1 | cut -d'"' -f4)
		"$evgen" "dev-$u-$dev" "$u" "ACC-$u" 20 21 "$h" > "$tmp/p2-$u-$dev.json"
		(
			for p in p1 p2; do
				curl -sS --cacert "$tmp/cert.pem" -H "Authorization: Bearer $tok" \
					-H 'Content-Type: application/json' --data-binary "@$tmp/$p-$u-$dev.json" \
					-o "$tmp/ans-$p-$u-$dev" -w '%{http_code}\n' \
					"https://127.0.0.1:$port/v1/events"
			done > "$tmp/status-$u-$dev"
		) &
		pids="${pids:-} $!"
	done
done
# logins (each a password hash) while the pushes run: they must not fail or stall them
for u in a b c d; do
	login "$u" > "$tmp/login-$u" &
	pids="$pids $!"
done
# not a bare wait: the server is a child too
# shellcheck disable=SC2086
wait $pids
for u in a b c d; do
	[ -s "$tmp/login-$u" ] && ok || bad "the login of $u beside the pushes failed"
	for dev in 1 2 3; do
		[ "$(tr '\n' ' ' < "$tmp/status-$u-$dev")" = "200 200 " ] && ok ||
			bad "push $u/$dev: statuses $(cat "$tmp/status-$u-$dev"): $(head -c 300 "$tmp/ans-p1-$u-$dev")"
		for p in p1 p2; do
			[ "$(grep -o '"accepted"' "$tmp/ans-$p-$u-$dev" | wc -l)" -eq 20 ] && ok ||
				bad "push $p $u/$dev: not 20 accepted: $(head -c 300 "$tmp/ans-$p-$u-$dev")"
		done
	done
done
stored=$(book_sql 'SELECT count(*), count(DISTINCT id) FROM events')
[ "$stored" = "480|480" ] && ok || bad "stored events (all, distinct): $stored, wanted 480|480"
dead=$(book_sql 'SELECT count(*) FROM dead_letters' 2>&1)
[ "$dead" = 0 ] && ok || bad "dead letters: $dead"
heads=$(book_sql "SELECT count(*) FROM events WHERE seq = 40")
[ "$heads" = 12 ] && ok || bad "devices whose chain reached 40: $heads, wanted 12"
stop_server
echo "concurrency: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
