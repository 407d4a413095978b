#!/bin/sh
# Several arrearsd on one PostgreSQL book: inits started together make one book; two servers
# answer the same batches pushed through both at once, and each event is stored and applied
# once; a token, a cursor and the login throttle of one server hold on the other.
set -u
arrearsd="${top_builddir:?}/arrearsd"
evgen="$top_builddir/tests/sync/evgen"
tmp=$(mktemp -d)
server_pid="" pid1="" pid2=""
ARREARS_TEST_STORE=postgresql
. "${top_srcdir:?}/tests/sync/lib.sh"
stop_both() {
	for p in $pid1 $pid2; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	pid1="" pid2=""
}
trap 'stop_both; book_stop; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM
need curl

make_cert "$tmp"
export ARREARS_NOW=2026-11-23T12:00:00Z

# the store is checked with file:line, postgresql needs a connection string, and a database
# that cannot be reached is named (never the whole string: it may hold a password)
printf 'store = "mysql";\n' > "$tmp/bad.conf"
"$arrearsd" -c "$tmp/bad.conf" --dump-config > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "bad.conf:1: store: 'mysql' is not sqlite or postgresql" "$tmp/err" && ok ||
	bad "store = mysql: $(cat "$tmp/err")"
printf 'store = "postgresql";\n' > "$tmp/bad.conf"
"$arrearsd" -c "$tmp/bad.conf" --dump-config > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] && grep -q "needs conninfo" "$tmp/err" && ok || bad "no conninfo: $(cat "$tmp/err")"
printf 'store = "postgresql";\nconninfo = "host=127.0.0.1 port=1 dbname=x password=s3cret";\n' \
	> "$tmp/bad.conf"
"$arrearsd" -c "$tmp/bad.conf" verify > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "postgresql: cannot connect" "$tmp/err" && ! grep -q s3cret "$tmp/err" &&
	ok || bad "an unreachable database: $(cat "$tmp/err")"

write_conf 'login_free_tries = 3;' 'page_limit = 1000;'
"$arrearsd" -c "$conf" --dump-config | grep -q '^store = "postgresql";' && ok || bad "dump-config"
# no book yet: said so, and nothing is created
"$arrearsd" -c "$conf" verify > /dev/null 2> "$tmp/err"
[ $? -eq 1 ] && grep -q "postgresql database book on .*: no book here (run arrearsd init)" "$tmp/err" &&
	[ "$(book_sql "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ] && ok ||
	bad "open before init: $(cat "$tmp/err")"

# four inits at once: the migration lock lets one make the book, the others find it made
for i in 1 2 3 4; do
	"$arrearsd" -c "$conf" init > "$tmp/init$i.out" 2> "$tmp/init$i.err" &
	eval "init$i=\$!"
done
made=0 refused=0
for i in 1 2 3 4; do
	eval "wait \$init$i"
	rc=$?
	if [ $rc -eq 0 ] && grep -q "new book postgresql database book" "$tmp/init$i.out"; then
		made=$((made + 1))
	elif [ $rc -ne 0 ] && grep -q "a book exists there already" "$tmp/init$i.err"; then
		refused=$((refused + 1))
	fi
done
[ "$made" = 1 ] && [ "$refused" = 3 ] && ok ||
	bad "inits at once: $made made the book, $refused refused: $(cat "$tmp"/init*.err)"
[ "$(book_sql 'SELECT version FROM schema_version')" = 1 ] && ok || bad "schema_version"
[ "$(book_sql "SELECT count(*) FROM meta WHERE key = 'epoch'")" = 1 ] && ok || bad "epochs"

printf 'pass-of-a-1\n' | "$arrearsd" -c "$conf" user add a --role agent --team t1 >/dev/null ||
	bad "user add"
{
	echo 'account_id,name,balance,past_due,due_date,assignee,product,currency'
	for n in 1 2 3 4; do echo "ACC-$n,Pat $n,100.00,10.00,2026-10-01,a,card,USD"; done
} > "$tmp/book.csv"
"$arrearsd" -c "$conf" import accounts "$tmp/book.csv" >/dev/null 2>"$tmp/err" ||
	bad "import: $(cat "$tmp/err")"

start_server "$conf" "$tmp/log1" || exit 1
pid1=$server_pid port1=$port
start_server "$conf" "$tmp/log2" || exit 1
pid2=$server_pid port2=$port
server_pid=""

# a token made by one server works on the other: sessions live in the book
port=$port1
st=$(api POST /v1/session "" --data '{"user":"a","password":"pass-of-a-1"}'); expect_status 200 "$st" "login"
token=$(json_str token "$tmp/body")
# a cursor of one server goes on at the other
st=$(api GET "/v1/changes?limit=3" "$token"); expect_status 200 "$st" "first page, server 1"
cursor=$(json_str cursor "$tmp/body")
grep -q '"more": *true' "$tmp/body" && ok || bad "the first page does not say more: $(cat "$tmp/body")"
port=$port2
st=$(api GET "/v1/changes?since=$cursor" "$token"); expect_status 200 "$st" "next page, server 2"
[ "$(grep -o '"ACC-[0-9]"' "$tmp/body" | sort -u | wc -l)" -eq 1 ] && grep -q '"more": *false' "$tmp/body" &&
	ok || bad "the cursor of server 1 on server 2: $(cat "$tmp/body")"

# the same two batches of four devices, each pushed through both servers at once
push() {
	curl -sS --cacert "$tmp/cert.pem" -H "Authorization: Bearer $token" \
		-H 'Content-Type: application/json' --data-binary "@$tmp/$2.json" -o "$tmp/ans-$2-$1" \
		-w '%{http_code}\n' "https://127.0.0.1:$1/v1/events" > "$tmp/st-$2-$1"
}
for n in 1 2 3 4; do
	"$evgen" "dev-$n" a "ACC-$n" 30 > "$tmp/b1-$n.json"
	h=$(grep -o '"hash":"[0-9a-f]*"' "$tmp/b1-$n.json" | tail -1 | cut -d'"' -f4)
	"$evgen" "dev-$n" a "ACC-$n" 30 31 "$h" > "$tmp/b2-$n.json"
done
for b in b1 b2; do
	pids=""
	for n in 1 2 3 4; do
		push "$port1" "$b-$n" &
		pids="$pids $!"
		push "$port2" "$b-$n" &
		pids="$pids $!"
	done
	# shellcheck disable=SC2086
	wait $pids
	for n in 1 2 3 4; do
		[ "$(cat "$tmp/st-$b-$n-$port1" "$tmp/st-$b-$n-$port2" | tr '\n' ' ')" = "200 200 " ] && ok ||
			bad "push $b-$n: $(cat "$tmp/st-$b-$n-$port1" "$tmp/st-$b-$n-$port2")"
		acc=$(cat "$tmp/ans-$b-$n-$port1" "$tmp/ans-$b-$n-$port2" | grep -o '"accepted"' | wc -l)
		dup=$(cat "$tmp/ans-$b-$n-$port1" "$tmp/ans-$b-$n-$port2" | grep -o '"duplicate"' | wc -l)
		[ "$acc" -eq 30 ] && [ "$dup" -eq 30 ] && ok ||
			bad "push $b-$n through both: $acc accepted and $dup duplicate, wanted 30 and 30"
	done
done
[ "$(book_sql 'SELECT count(*), count(DISTINCT id) FROM events')" = "240|240" ] && ok ||
	bad "stored events (all, distinct): $(book_sql 'SELECT count(*), count(DISTINCT id) FROM events')"
[ "$(book_sql 'SELECT sum(events) FROM case_state')" = 240 ] && ok ||
	bad "events applied to case state: $(book_sql 'SELECT sum(events) FROM case_state'), wanted 240"
[ "$(book_sql 'SELECT count(*) FROM dead_letters')" = 0 ] && ok || bad "dead letters"
"$arrearsd" -c "$conf" verify > "$tmp/out" 2>&1 && grep -q ": 240 events on 4 devices" "$tmp/out" &&
	ok || bad "verify: $(cat "$tmp/out")"

# failed logins count on both servers together: three anywhere, and the fourth waits
for p in $port1 $port2 $port1; do
	port=$p
	st=$(api POST /v1/session "" --data '{"user":"a","password":"wrong-password"}')
	expect_status 401 "$st" "wrong password at $p"
done
port=$port2
st=$(api POST /v1/session "" --data '{"user":"a","password":"pass-of-a-1"}')
expect_status 429 "$st" "the right password after three failures on two servers"

stop_both
echo "pg_instances: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
