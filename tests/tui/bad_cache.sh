# bad_cache.sh - a cache the workstation cannot use gets one line and its own exit code, and
# the file is left as it was. No terminal needed.
. "$top_srcdir/tests/tui/lib.sh"

# expect_cache_error CACHE CODE PATTERN [RUNNER...]
expect_cache_error() {
	cache=$1 code=$2 pattern=$3
	shift 3
	set +e
	"$@" env -i PATH="$PATH" HOME="$T/home" LC_ALL=C.UTF-8 ARREARS_NOW="$NOW" \
		ARREARS_DATADIR="$ARREARS_DATADIR" "$ARREARS" --cache "$cache" \
		</dev/null >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	[ "$rc" -eq "$code" ] || { cat "$T/err" >&2; fail "exit $rc, not $code, for $cache"; }
	[ "$(wc -l <"$T/err")" -eq 1 ] || { cat "$T/err" >&2; fail "not one line of error"; }
	grep -Eq -- "$pattern" "$T/err" || { cat "$T/err" >&2; fail "error does not match '$pattern'"; }
}

# Missing.
expect_cache_error "$T/none.db" 10 "^arrears: $T/none.db: no cache here"

# Made by a newer arrears: bump the schema version (SQLite's user_version, big-endian at
# byte 60 of the header) past what this binary knows.
make_cache "$T/newer.db"
printf '\000\000\003\347' | dd of="$T/newer.db" bs=1 seek=60 conv=notrunc 2>/dev/null
sum=$(cksum <"$T/newer.db")
expect_cache_error "$T/newer.db" 11 "^arrears: $T/newer.db: made by a newer arrears \\(schema 999"
[ "$(cksum <"$T/newer.db")" = "$sum" ] || fail "the newer cache was modified"

# Not a database.
head -c 8192 /dev/urandom >"$T/corrupt.db"
sum=$(cksum <"$T/corrupt.db")
expect_cache_error "$T/corrupt.db" 12 "^arrears: $T/corrupt.db: "
[ "$(cksum <"$T/corrupt.db")" = "$sum" ] || fail "the corrupt cache was modified"

# In a read-only directory. Root writes anywhere, so as root the check runs as nobody on a
# copy of the binary that nobody can reach.
mkdir "$T/ro"
make_cache "$T/ro/cache.db"
chmod 555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
	expect_cache_error "$T/ro/cache.db" 14 "^arrears: $T/ro/cache.db: .*not writable"
elif command -v setpriv >/dev/null 2>&1; then
	mkdir "$T/bin"
	cp "$ARREARS" "$T/bin/arrears"
	chmod 755 "$T" "$T/bin"
	chmod 666 "$T/ro/cache.db"
	ARREARS="$T/bin/arrears"
	expect_cache_error "$T/ro/cache.db" 14 "^arrears: $T/ro/cache.db: .*not writable" \
		setpriv --reuid=65534 --regid=65534 --clear-groups
else
	echo "read-only directory case not run: root without setpriv"
fi
chmod 755 "$T/ro"
