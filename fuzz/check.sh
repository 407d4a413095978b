#!/bin/sh
# The fuzz targets, briefly: first every file of fuzz/corpus/ (the seeds and the regressions of
# crashes found before, which must stay fixed), then new inputs for FUZZ_SECONDS (default 10)
# each. Skips when configure found no clang, as the targets are then not built.
set -u
secs=${FUZZ_SECONDS:-10}
passed=0 failed=0
for t in wire api csv sig; do
	bin="${top_builddir:?}/fuzz/fuzz_$t"
	if [ ! -x "$bin" ]; then
		echo "SKIP: fuzz/fuzz_$t is not built (configure found no clang; libFuzzer needs it)"
		exit 77
	fi
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
for t in wire api csv sig; do
	bin="$top_builddir/fuzz/fuzz_$t"
	seeds="${top_srcdir:?}/fuzz/corpus/$t"
	mkdir -p "$tmp/$t"
	# the files one by one: a crash here names the regression that came back
	if "$bin" -runs=0 "$seeds" > "$tmp/$t.replay" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: fuzz_$t on its corpus:" >&2
		tail -40 "$tmp/$t.replay" >&2
		continue
	fi
	# a generous per-input timeout: the machine may be busy, and a login hashes a password
	if "$bin" -max_total_time="$secs" -timeout=30 -rss_limit_mb=4096 -max_len=8192 \
		-artifact_prefix="$tmp/$t-" "$tmp/$t" "$seeds" > "$tmp/$t.log" 2>&1; then
		passed=$((passed + 1))
		echo "fuzz_$t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$tmp/$t.log")"
	else
		failed=$((failed + 1))
		echo "FAIL: fuzz_$t found a crash; the input:" >&2
		for f in "$tmp/$t"-*; do
			[ -f "$f" ] && od -c "$f" | head -20 >&2
		done
		tail -40 "$tmp/$t.log" >&2
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
