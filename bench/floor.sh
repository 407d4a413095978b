#!/bin/sh
# floor.sh - a whole collections floor against arrearsd on loopback (a measurement, never a
# test): a book of ACCOUNTS accounts spread over AGENTS agents; every agent pulls its queue at
# once (the start of a shift), then pushes a batch of EVENTS events every INTERVAL_MS for
# SECONDS (open loop: latency counted from each batch's due time); at the end every event is
# counted in the book (none lost, none twice). STORE=sqlite|postgresql, INSTANCES=1|2 (two
# arrearsd on one PostgreSQL book, agents split between them). With PostgreSQL, the raw insert
# rate of the same cluster (pgbench, EVENTS rows of the same width a transaction, as a batch
# is stored) is the baseline. From the build directory after `make bench-floor`:
#   STORE=postgresql INSTANCES=2 sh bench/floor.sh
# Sizes: ACCOUNTS (1000000), AGENTS (300), EVENTS (20), INTERVAL_MS (2000), SECONDS (30),
# THREADS (arrearsd's, 4). KEEP=1 keeps the work directory.
set -eu
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
ACCOUNTS=${ACCOUNTS:-1000000}
AGENTS=${AGENTS:-300}
EVENTS=${EVENTS:-20}
INTERVAL_MS=${INTERVAL_MS:-2000}
SECONDS_=${SECONDS:-30}
THREADS=${THREADS:-4}
STORE=${STORE:-sqlite}
INSTANCES=${INSTANCES:-1}
arrearsd="$top_builddir/arrearsd"
load="$top_builddir/bench/sync_load"
for t in "$arrearsd" "$load"; do
	[ -x "$t" ] || { echo "floor.sh: $t is not built (make bench-floor builds it)" >&2; exit 2; }
done
[ "$INSTANCES" = 1 ] || [ "$STORE" = postgresql ] ||
	{ echo "floor.sh: several instances need STORE=postgresql" >&2; exit 2; }
tmp=$(mktemp -d)
server_pid="" pid2=""
ARREARS_TEST_STORE=$STORE
PG_FSYNC=on	# a measurement: PostgreSQL keeps its promises, as SQLite's synchronous=FULL does
export ARREARS_TEST_STORE PG_FSYNC
. "$top_srcdir/tests/sync/lib.sh"
trap 'stop_server; [ -z "$pid2" ] || kill "$pid2" 2>/dev/null; book_stop;
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
export ARREARS_NOW=2026-11-23T12:00:00Z
pw=floor-password-1
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
batches=$(( SECONDS_ * 1000 / INTERVAL_MS ))
rate=$(( AGENTS * EVENTS * 1000 / INTERVAL_MS ))

echo "machine: $(uname -srm), $(nproc) CPU, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "date: $(date -u +%Y-%m-%d); store $STORE, $INSTANCES instance(s) of $THREADS threads;" \
	"load on the machine: $(cut -d' ' -f1-3 /proc/loadavg)"

make_cert "$tmp"
write_conf "threads = $THREADS;" 'max_batch = 1000;' 'page_limit = 1000;' 'connection_limit = 1000;'
"$arrearsd" -c "$conf" init >/dev/null

t0=$(now)
i=1
while [ $i -le "$AGENTS" ]; do
	printf '%s\n' "$pw" | "$arrearsd" -c "$conf" user add "u$i" --role agent --team t1 >/dev/null
	i=$((i + 1))
done
echo "users: $AGENTS agents added in $(elapsed "$t0" "$(now)") s"

# Account i belongs to agent ((i - 1) mod AGENTS) + 1, so sync_load's client C, which pushes
# on account A<C>, pushes on one of its own.
awk -v n="$ACCOUNTS" -v agents="$AGENTS" 'BEGIN {
	print "account_id,name,balance,past_due,due_date,assignee,currency"
	for (i = 1; i <= n; i++) {
		d = 1 + (i * 7) % 28
		printf "A%07d,Debtor %d,%d.%02d,%d.%02d,2026-%02d-%02d,u%d,USD\n", i, i,
			100 + i % 5000, i % 100, 10 + i % 400, i % 100, 1 + i % 10, d, (i - 1) % agents + 1
	}
}' > "$tmp/book.csv"
t0=$(now)
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null
echo "import: $ACCOUNTS accounts in $(elapsed "$t0" "$(now)") s (arrearsd import accounts)"
rm -f "$tmp/book.csv"

start_server "$conf" "$tmp/log1" || exit 1
urls="https://127.0.0.1:$port"
if [ "$INSTANCES" = 2 ]; then
	pid1=$server_pid
	start_server "$conf" "$tmp/log2" || exit 1
	pid2=$server_pid server_pid=$pid1
	urls="$urls,https://127.0.0.1:$port"
fi

mkdir -p "$tmp/load"
"$load" gen "$tmp/load" "$AGENTS" "$batches" "$EVENTS" u floor- >/dev/null
t0=$(now)
"$load" login "$urls" "$tmp/cert.pem" "$AGENTS" u "$pw" floor- > "$tmp/tokens"
echo "logins: $AGENTS in $(elapsed "$t0" "$(now)") s"

echo
echo "## the start of a shift: $AGENTS agents pull their queues at once"
echo "sync_load pull: $("$load" pull "$urls" "$tmp/cert.pem" "$tmp/tokens" "$AGENTS" 600)"

echo
echo "## $AGENTS agents, a batch of $EVENTS events every $INTERVAL_MS ms each ($rate events/s offered), $SECONDS_ s (target with PostgreSQL: >= 3,000 events/s, p99 <= 250 ms, no errors)"
echo "sync_load push: $("$load" push "$urls" "$tmp/cert.pem" "$tmp/load" "$tmp/tokens" "$AGENTS" \
	$((SECONDS_ + 60)) "$INTERVAL_MS")"
stored=$(book_sql "SELECT count(*) FROM events WHERE device LIKE 'floor-%'")
distinct=$(book_sql "SELECT count(DISTINCT id) FROM events WHERE device LIKE 'floor-%'")
echo "book: $stored events stored, $distinct distinct, $((AGENTS * batches * EVENTS)) generated"
book_sql "SELECT count(*) FROM dead_letters" | sed 's/^/dead letters: /'

if [ "$STORE" = postgresql ]; then
	echo
	echo "## baseline: the same cluster's raw insert rate (pgbench, $EVENTS rows a transaction)"
	pg_sql book "CREATE TABLE floor_raw(id text PRIMARY KEY, device text, seq bigint,
		account_id text, kind text, \"user\" text, at bigint, body text, prev_hash text,
		hash text)" >/dev/null
	cat > "$tmp/raw.sql" <<SQL
INSERT INTO floor_raw SELECT md5(random()::text || g), 'dev', g, 'A0000001', 'note', 'u1', 1,
  '{"text":"a note written during a shift, about the size of a real one"}',
  repeat('0', 64), md5(g::text) || md5(g::text) FROM generate_series(1, $EVENTS) g;
SQL
	pg_as_owner "$pg_bin/pgbench" -n -f "$tmp/raw.sql" -c 16 -j 2 -T 15 \
		"$(pg_conninfo book)" 2>/dev/null | grep -E '^(tps|latency)' |
		awk -v e="$EVENTS" '/^tps/ { printf "pgbench: %.0f transactions/s = %.0f rows/s\n", $3, $3 * e; next } { print "pgbench: " $0 }'
fi
