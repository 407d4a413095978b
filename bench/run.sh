#!/bin/sh
# run.sh - the foundation benchmarks over a 100,000-account demo book (measurements, not tests).
# From the build directory after make:  sh bench/run.sh   (or: make bench)
# Prints the machine, each command and its figures, as recorded in bench/RESULTS.md.
set -eu
top_builddir=${top_builddir:-.}
out=$top_builddir/bench/out
cache=$out/bench-100k.db
ARREARS_NOW=2026-03-10T15:00:00Z
export ARREARS_NOW
mkdir -p "$out"
[ -f "$cache" ] || "$top_builddir/arrears" --cache "$cache" demo --accounts 100000 --seed 1 --as-of 2026-03-10 >/dev/null

echo "machine: $(uname -srm), $(nproc) CPU, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "date: $(date -u +%Y-%m-%d)"
echo
echo "## cache: bench/cache_bench $cache"
make -s -C "$top_builddir" bench/cache_bench
"$top_builddir/bench/cache_bench" "$cache"
echo
echo "## first paint: sh bench/first_paint.sh 20"
BENCH_CACHE=$cache sh "$(dirname "$0")/first_paint.sh" 20 | sed -n 's/^first paint/first paint/p; s/^peak RSS/peak RSS (TUI)/p'
echo
# Last: writing a 240 MB book leaves the disk busy writing back, which would slow what follows.
echo "## demo book: arrears demo --accounts 100000 --seed 1 --as-of 2026-03-10"
rm -f "$out"/demo-timing.db*
"$top_builddir/arrears" --cache "$out/demo-timing.db" demo --accounts 100000 --seed 1 --as-of 2026-03-10
rm -f "$out"/demo-timing.db*
