#!/bin/sh
# first_paint.sh - benchmark: exec to first painted queue and peak RSS on a 100,000-account
# demo cache. Run from the build directory after make:  sh bench/first_paint.sh [RUNS]
# Prints the figures with the machine and the command, for bench/RESULTS.md.
set -eu

runs=${1:-20}
top_builddir=${top_builddir:-.}
cache=${BENCH_CACHE:-$top_builddir/bench/out/bench-100k.db}
# The same frozen clock as the tests, so every run ranks the same book the same way.
ARREARS_NOW=${ARREARS_NOW:-2026-03-10T15:00:00Z}
export ARREARS_NOW

mkdir -p "$(dirname "$cache")"
if [ ! -f "$cache" ]; then
	"$top_builddir/arrears" --cache "$cache" demo --accounts 100000 --seed 1 --as-of 2026-03-10
fi
make -s -C "$top_builddir" bench/first_paint

echo "machine: $(uname -srm), $(nproc) CPU, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "command: bench/first_paint arrears $cache $runs (pty 100x30, ARREARS_BENCH_EXIT_AFTER_PAINT=1)"
"$top_builddir/bench/first_paint" "$top_builddir/arrears" "$cache" "$runs"
