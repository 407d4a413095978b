#!/bin/sh
# Backup and restore of a book, as docs/DEPLOY.md tells an operator to do them, on either store
# (tests/sync/pg/backup.pg runs this on PostgreSQL): a backup taken while arrearsd serves
# (SQLite's online backup through `arrearsd backup`, or pg_dump), more evidence pushed after
# it, the book lost and restored from the backup, `arrearsd epoch renew`; then the agent's next
# sync pulls afresh and pushes its whole chain again, so the evidence the backup missed is back
# exactly once and `arrearsd verify` passes.
set -u
arrearsd="${top_builddir:?}/arrearsd"
arrears="$top_builddir/arrears"
notegen="$top_builddir/tests/sync/notegen"
tmp=$(mktemp -d)
server_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
trap 'stop_server; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need sqlite3 curl

make_cert "$tmp"
write_conf
export ARREARS_NOW=2026-11-23T12:00:00Z
unset XDG_CONFIG_HOME
HOME="$tmp/home"
export HOME
"$arrearsd" -c "$conf" init >/dev/null 2>"$tmp/err" || { echo "FAIL: init: $(cat "$tmp/err")" >&2; exit 1; }
printf 'pass-of-a-1\n' | "$arrearsd" -c "$conf" user add a --role agent --team t1 >/dev/null ||
	bad "user add"
"$arrears" --cache "$tmp/demo.db" demo --accounts 10 --seed 3 --as-of 2026-11-23 >/dev/null 2>&1 &&
	"$arrears" --cache "$tmp/demo.db" export accounts |
	awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next } { $6 = "a"; print }' > "$tmp/book.csv" ||
	bad "demo export"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" || bad "import: $(cat "$tmp/err")"
acct=$(awk -F, 'NR == 2 { print $1 }' "$tmp/book.csv")
start_server "$conf" "$tmp/log" || exit 1
pin_port "$conf"	# the restarted server keeps the address the client logged in to
printf 'ca_file = "%s";\nuser = "a";\n' "$tmp/cert.pem" > "$tmp/a.conf"
cli() { "$arrears" --config "$tmp/a.conf" --cache "$tmp/a/cache.db" "$@"; }
events_of_a() { book_sql "SELECT count(*) FROM events WHERE \"user\" = 'a'"; }
printf 'pass-of-a-1\n' | cli login --server "https://127.0.0.1:$port" --user a >/dev/null 2>"$tmp/err" ||
	bad "login: $(cat "$tmp/err")"
cli sync >/dev/null 2>"$tmp/err" || bad "first sync: $(cat "$tmp/err")"
"$notegen" "$tmp/a/cache.db" a "$acct" 3 2>"$tmp/err" && cli sync >/dev/null 2>>"$tmp/err" ||
	bad "notes and sync: $(cat "$tmp/err")"
[ "$(events_of_a)" -eq 3 ] && ok || bad "3 events before the backup, not $(events_of_a)"
epoch=$("$arrearsd" -c "$conf" epoch) || bad "epoch"

# the backup, taken while the server serves
if [ "$test_store" = postgresql ]; then
	"$pg_bin/pg_dump" -Fc -f "$tmp/backup.dump" "$(pg_conninfo book)" 2>"$tmp/err" && ok ||
		bad "pg_dump: $(cat "$tmp/err")"
	"$arrearsd" -c "$conf" backup "$tmp/backup.db" > /dev/null 2>"$tmp/err"
	[ $? -eq 1 ] && grep -q "pg_dump" "$tmp/err" && ok || bad "backup on PostgreSQL: $(cat "$tmp/err")"
else
	"$arrearsd" -c "$conf" backup "$tmp/backup.db" > "$tmp/out" 2>"$tmp/err" && ok ||
		bad "backup: $(cat "$tmp/err")"
	[ "$(sqlite3 "$tmp/backup.db" "SELECT count(*) FROM events")" -eq 3 ] && ok || bad "the backup lacks events"
	"$arrearsd" -c "$conf" backup "$tmp/backup.db" > /dev/null 2>"$tmp/err"
	[ $? -eq 1 ] && grep -q "exists" "$tmp/err" && ok || bad "a backup overwrote a file: $(cat "$tmp/err")"
fi

# evidence the backup does not have
"$notegen" "$tmp/a/cache.db" a "$acct" 2 2>"$tmp/err" && cli sync >/dev/null 2>>"$tmp/err" ||
	bad "notes and sync: $(cat "$tmp/err")"
[ "$(events_of_a)" -eq 5 ] && ok || bad "5 events after the backup, not $(events_of_a)"

# the book is lost; restored from the backup, with a new epoch
stop_server
if [ "$test_store" = postgresql ]; then
	pg_sql postgres "DROP DATABASE book" >/dev/null && pg_sql postgres "CREATE DATABASE book" >/dev/null &&
		"$pg_bin/pg_restore" -d "$(pg_conninfo book)" "$tmp/backup.dump" 2>"$tmp/err" && ok ||
		bad "pg_restore: $(cat "$tmp/err")"
else
	rm -f "$tmp/book.db" "$tmp/book.db-wal" "$tmp/book.db-shm"
	cp "$tmp/backup.db" "$tmp/book.db" && ok || bad "restore"
fi
[ "$(events_of_a)" -eq 3 ] && ok || bad "the restored book has $(events_of_a) events, not 3"
renewed=$("$arrearsd" -c "$conf" epoch renew) && [ -n "$renewed" ] && [ "$renewed" != "$epoch" ] && ok ||
	bad "epoch renew: $epoch -> $renewed"
[ "$("$arrearsd" -c "$conf" epoch)" = "$renewed" ] && ok || bad "the new epoch was not kept"

# the agent's next sync pulls afresh and pushes its chain again: the two are back, once
start_server "$conf" "$tmp/log" || exit 1
cli sync > "$tmp/out" 2>"$tmp/err" || bad "sync after the restore: $(cat "$tmp/err")"
grep -q "pulled afresh" "$tmp/out" && grep -q "pushed 2 events (3 duplicates, 0 rejected)" "$tmp/out" && ok ||
	bad "sync after the restore said: $(cat "$tmp/out")"
[ "$(events_of_a)" -eq 5 ] && ok || bad "after the restore and a sync: $(events_of_a) events, not 5"
[ "$(book_sql "SELECT count(DISTINCT id) FROM events")" -eq "$(book_sql "SELECT count(*) FROM events")" ] && ok ||
	bad "an event is stored twice"
stop_server
"$arrearsd" -c "$conf" verify > "$tmp/out" 2>&1 && ok || bad "verify after the restore: $(cat "$tmp/out")"

echo "backup ($test_store): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
