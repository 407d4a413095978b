#!/bin/sh
# aging.sh - `arrears report aging` over a 1,000,000-account demo cache beside its baseline:
# the same aggregate statement run by the sqlite3 command-line tool on the same file
# (a measurement, not a test). From the build directory after make:
#     sh bench/aging.sh [ROUNDS]        (default 7)
# The book is made once (bench/out/aging-1m.db, about 2.4 GB; several minutes) and kept.
# Rounds alternate the two sides so a busy neighbour slows both alike; the medians are
# what bench/RESULTS.md records. Targets: the report <= 1 s and <= 1.5x the baseline.
set -eu
top_builddir=${top_builddir:-.}
rounds=${1:-7}
out=$top_builddir/bench/out
cache=$out/aging-1m.db
arrears=$top_builddir/arrears
ARREARS_NOW=2026-03-10T15:00:00Z
export ARREARS_NOW
command -v sqlite3 >/dev/null || { echo "aging.sh: the sqlite3 tool is needed" >&2; exit 1; }
mkdir -p "$out"
if [ ! -f "$cache" ]; then
	echo "making $cache (1,000,000 demo accounts)..."
	"$arrears" --cache "$cache" demo --accounts 1000000 --seed 1 --as-of 2026-03-10 >/dev/null
fi

# The statement report_aging.c prepares without grouping or movement; C bands its rows.
sql="SELECT '', a.currency, a.due_date, count(*), sum(coalesce(b.total, 0)),
	sum(coalesce(b.past_due, 0)) FROM accounts a LEFT JOIN balances b ON
	b.account_id = a.id GROUP BY 1, 2, 3"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# timed FILE command...: appends the command's wall time in ms to FILE
timed() {
	f=$1
	shift
	t0=$(now_ms)
	"$@" >/dev/null
	echo $(($(now_ms) - t0)) >>"$f"
}
# stats FILE: "median M ms (min A, max B, N runs)"
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { printf "median %d ms (min %d, max %d, %d runs)",
		v[int((NR + 1) / 2)], v[1], v[NR], NR }'
}
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

rm -f "$out"/aging-*.ms
# One untimed pass of each warms the page cache, as a lead's second look would find it.
"$arrears" --cache "$cache" report aging >/dev/null
sqlite3 "$cache" "$sql" >/dev/null
i=0
while [ "$i" -lt "$rounds" ]; do
	timed "$out/aging-report.ms" "$arrears" --cache "$cache" report aging
	timed "$out/aging-sqlite3.ms" sqlite3 "$cache" "$sql"
	timed "$out/aging-since.ms" "$arrears" --cache "$cache" report aging --since 2026-02-08
	timed "$out/aging-agent.ms" "$arrears" --cache "$cache" report aging --by agent
	i=$((i + 1))
done

echo "machine: $(uname -srm), $(nproc) CPU, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "book: $(sqlite3 "$cache" 'SELECT count(*) FROM accounts') accounts, $(($(stat -c %s "$cache") / 1048576)) MiB"
echo "arrears report aging:                 $(stats "$out/aging-report.ms")"
echo "sqlite3 CLI, the same aggregate:      $(stats "$out/aging-sqlite3.ms")"
echo "arrears report aging --since (30 d):  $(stats "$out/aging-since.ms")"
echo "arrears report aging --by agent:      $(stats "$out/aging-agent.ms")"
r=$(median "$out/aging-report.ms") b=$(median "$out/aging-sqlite3.ms")
echo "ratio report/baseline (medians): $(awk -v r="$r" -v b="$b" 'BEGIN { printf "%.2f", r / b }')"
