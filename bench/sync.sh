#!/bin/sh
# sync.sh - arrearsd under load on loopback (measurements, not tests): the first pull of a
# 100,000-account book by `arrears sync`, a push of 10,000 events by `arrears sync`, and 50
# clients pushing at once (bench/sync_load); each beside the curl tool sending the same kind
# of bytes. From the build directory after make:  make bench-sync  (or sh bench/sync.sh)
# Sizes: ACCOUNTS (100000), PUSH_EVENTS (10000), CLIENTS (50), BATCHES (10) of EVENTS (100)
# per client; THREADS sets arrearsd's threads (4); PHASES picks among "pull push many paced"
# (all); RATE is the events/s the paced phase offers (2500).
# KEEP=1 keeps the work directory.
set -eu
top_builddir=${top_builddir:-.}
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
ACCOUNTS=${ACCOUNTS:-100000}
PUSH_EVENTS=${PUSH_EVENTS:-10000}
CLIENTS=${CLIENTS:-50}
BATCHES=${BATCHES:-10}
EVENTS=${EVENTS:-100}
THREADS=${THREADS:-4}
PHASES=${PHASES:-pull push many paced}
phase() { case " $PHASES " in *" $1 "*) return 0 ;; esac; return 1; }
arrearsd="$top_builddir/arrearsd"
arrears="$top_builddir/arrears"
load="$top_builddir/bench/sync_load"
bulkgen="$top_builddir/tests/sync/bulkgen"
for t in "$arrearsd" "$arrears" "$load" "$bulkgen"; do
	[ -x "$t" ] || { echo "sync.sh: $t is not built (make bench-sync builds it)" >&2; exit 2; }
done
command -v curl >/dev/null 2>&1 || { echo "sync.sh: needs the curl tool" >&2; exit 2; }
tmp=$(mktemp -d)
server_pid=""
. "$top_srcdir/tests/sync/lib.sh"
trap 'stop_server; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
export ARREARS_NOW=2026-11-23T12:00:00Z
pw=bench-password-1

# seconds since the epoch with milliseconds
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "machine: $(uname -srm), $(nproc) CPU, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)"
echo "date: $(date -u +%Y-%m-%d); arrearsd threads = $THREADS; load on the machine: $(cut -d' ' -f1-3 /proc/loadavg)"

make_cert "$tmp"
write_conf "threads = $THREADS;" 'max_batch = 1000;'
"$arrearsd" -c "$conf" init >/dev/null
adduser() { printf '%s\n' "$pw" | "$arrearsd" -c "$conf" user add "$1" --role agent --team t1 >/dev/null; }
adduser bench
i=1
while [ $i -le "$CLIENTS" ]; do adduser "u$i"; i=$((i + 1)); done

# the book: the first CLIENTS accounts are u1, u2, ...'s (one each, for their pushes); the next
# ACCOUNTS are bench's, whose first pull is measured
total=$((ACCOUNTS + CLIENTS))
"$arrears" --cache "$tmp/demo.db" demo --accounts "$total" --seed 1 --as-of 2026-11-23 >/dev/null
"$arrears" --cache "$tmp/demo.db" export accounts > "$tmp/demo.csv"
if grep -q '"' "$tmp/demo.csv"; then echo "sync.sh: quoted fields; the awk rewrite is unsafe" >&2; exit 1; fi
awk -F, -v n="$CLIENTS" 'BEGIN { OFS = "," } NR == 1 { print; next }
	{ $6 = (NR - 1 <= n ? "u" (NR - 1) : "bench"); print }' "$tmp/demo.csv" > "$tmp/book.csv"
rm -f "$tmp/demo.db"*
t0=$(now)
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null
echo "import of $total accounts: $(elapsed "$t0" "$(now)") s  (arrearsd import accounts)"
start_server "$conf" "$tmp/server.log" || exit 1
url="https://127.0.0.1:$port"
printf 'ca_file = "%s";\n' "$tmp/cert.pem" > "$tmp/arrears.conf"
cli() { "$arrears" --config "$tmp/arrears.conf" --cache "$tmp/cache.db" "$@"; }
sq() { sqlite3 "$1" "$2"; }
# one curl process, the requests separated by `next` so they share the connection
curl_config() { # DIR TOKEN
	sep=""
	for b in $(ls "$1" | sort -n); do
		printf '%s' "$sep"
		sep="next
"
		printf 'url = "%s/v1/events"\ncacert = "%s"\nheader = "Authorization: Bearer %s"\n' \
			"$url" "$tmp/cert.pem" "$2"
		printf 'header = "Content-Type: application/json"\ndata-binary = "@%s/%s"\n' "$1" "$b"
		printf 'output = "/dev/null"\nwrite-out = "%%{http_code} %%{time_total}\\n"\nsilent\nshow-error\n'
	done
}

printf '%s\n' "$pw" | cli login --server "$url" --user bench >/dev/null
if phase pull; then
echo
echo "## first pull of $ACCOUNTS accounts (target <= 10 s)"
t0=$(now)
cli sync > "$tmp/out"
echo "arrears sync: $(elapsed "$t0" "$(now)") s; $(head -1 "$tmp/out")"
# the baseline: the same pages, of the client's size, fetched by curl one after another
token=$(curl -sS --cacert "$tmp/cert.pem" -H 'Content-Type: application/json' \
	-d "{\"user\":\"bench\",\"password\":\"$pw\"}" "$url/v1/session" |
	sed -n 's/.*"token": *"\([^"]*\)".*/\1/p')
t0=$(now)
cursor="" pages=0 bytes=0
while :; do
	curl -sS --cacert "$tmp/cert.pem" -H "Authorization: Bearer $token" -o "$tmp/page" \
		"$url/v1/changes?since=$cursor&limit=1000"
	pages=$((pages + 1))
	bytes=$((bytes + $(wc -c < "$tmp/page")))
	cursor=$(head -c 200 "$tmp/page" | sed -n 's/.*"cursor": *"\([0-9.]*\)".*/\1/p')
	head -c 300 "$tmp/page" | grep -q '"more": *true' || break
done
echo "curl, the same $pages pages ($bytes bytes): $(elapsed "$t0" "$(now)") s"
fi

if phase push; then
echo
echo "## push of $PUSH_EVENTS events by one client (target <= 3 s)"
phase pull || cli sync >/dev/null	# the cache needs its accounts
accts=$(sq "$tmp/cache.db" "SELECT ext_id FROM accounts ORDER BY ext_id LIMIT 20")
# shellcheck disable=SC2086
"$bulkgen" "$tmp/cache.db" bench "$PUSH_EVENTS" $accts
t0=$(now)
cli sync > "$tmp/out"
echo "arrears sync: $(elapsed "$t0" "$(now)") s; $(sed -n 's/.*\(pushed [0-9]* events\).*/\1/p' "$tmp/out" | head -1)"
# the baseline: bodies of the client's batch size (200), POSTed over one connection by curl
nb=$(( (PUSH_EVENTS + 199) / 200 ))
mkdir -p "$tmp/single"
"$load" gen "$tmp/single" 1 "$nb" 200 u curl-single-
token=$("$load" login "$url" "$tmp/cert.pem" 1 u "$pw" curl-single- | head -1)
curl_config "$tmp/single/1" "$token" > "$tmp/single.curl"
t0=$(now)
curl -K "$tmp/single.curl" > "$tmp/single.out"
echo "curl, $nb bodies of 200 events: $(elapsed "$t0" "$(now)") s; statuses: $(cut -d' ' -f1 "$tmp/single.out" | sort | uniq -c | tr -s ' \n' ' ')"
fi

phase many || exit 0
echo
echo "## $CLIENTS clients pushing at once, $BATCHES batches of $EVENTS events each (target >= 2000 events/s, p99 <= 200 ms)"
mkdir -p "$tmp/load" "$tmp/curl"
"$load" gen "$tmp/load" "$CLIENTS" "$BATCHES" "$EVENTS" u load-
"$load" gen "$tmp/curl" "$CLIENTS" "$BATCHES" "$EVENTS" u curl-many-
"$load" login "$url" "$tmp/cert.pem" "$CLIENTS" u "$pw" load- > "$tmp/tokens"
"$load" login "$url" "$tmp/cert.pem" "$CLIENTS" u "$pw" curl-many- > "$tmp/tokens2"
echo "bench/sync_load push: $("$load" push "$url" "$tmp/cert.pem" "$tmp/load" "$tmp/tokens" "$CLIENTS" 120)"
# the baseline: one curl process per client, all at once, the same kind of bodies
i=1
while [ $i -le "$CLIENTS" ]; do
	curl_config "$tmp/curl/$i" "$(sed -n "${i}p" "$tmp/tokens2")" > "$tmp/curl/$i.curl"
	i=$((i + 1))
done
t0=$(now)
i=1
while [ $i -le "$CLIENTS" ]; do
	curl -K "$tmp/curl/$i.curl" > "$tmp/curl/$i.out" &
	pids="${pids:-} $!"
	i=$((i + 1))
done
# shellcheck disable=SC2086
wait $pids
t1=$(now)
cat "$tmp/curl"/*.out > "$tmp/curl.out"
n=$(grep -c '^200 ' "$tmp/curl.out" || true)
p99=$(cut -d' ' -f2 "$tmp/curl.out" | sort -n | awk '{ v[NR] = $1 } END { i = int((NR - 1) * 0.99) + 1; printf "%.1f", v[i] * 1000 }')
echo "curl, $CLIENTS processes: $n requests answered 200 in $(elapsed "$t0" "$t1") s," \
	"$(awk -v n="$n" -v e="$EVENTS" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n * e / (b - a) }')" \
	"events/s, p99 $p99 ms"

# The floor as it is: each agent's client pushes a batch every few seconds rather than as
# fast as it can. RATE events/s offered in all (default 2500), latency counted from each
# batch's due time so a queue on the server shows in p99.
phase paced || exit 0
RATE=${RATE:-2500}
interval=$(awk -v c="$CLIENTS" -v e="$EVENTS" -v r="$RATE" 'BEGIN { printf "%.0f", c * e * 1000 / r }')
echo
echo "## $CLIENTS clients pushing $EVENTS-event batches every $interval ms ($RATE events/s offered; target >= 2000 events/s, p99 <= 200 ms)"
mkdir -p "$tmp/paced"
"$load" gen "$tmp/paced" "$CLIENTS" "$BATCHES" "$EVENTS" u paced-
"$load" login "$url" "$tmp/cert.pem" "$CLIENTS" u "$pw" paced- > "$tmp/tokens3"
echo "bench/sync_load push, paced: $("$load" push "$url" "$tmp/cert.pem" "$tmp/paced" "$tmp/tokens3" "$CLIENTS" 120 "$interval")"
