# lib.sh - shared by the tests that run arrearsd on loopback: a throwaway certificate, a
# server on a free port, curl with the certificate pinned as the only CA, the book on either
# store, and counters. Sourced; expects $tmp to be a private directory.

passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# need TOOL...: skip the test (77) when a tool is genuinely missing
need() {
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || { echo "SKIP: $t is not installed"; exit 77; }
	done
}

# make_cert DIR: DIR/cert.pem and DIR/key.pem for 127.0.0.1, valid for a day
make_cert() {
	if command -v certtool >/dev/null 2>&1; then
		cat > "$1/cert.tmpl" <<-TMPL
		cn = "127.0.0.1"
		ip_address = "127.0.0.1"
		expiration_days = 1
		ca
		cert_signing_key
		signing_key
		tls_www_server
		TMPL
		certtool --generate-privkey --key-type=ecdsa --outfile "$1/key.pem" >/dev/null 2>&1 &&
		certtool --generate-self-signed --load-privkey "$1/key.pem" \
			--template "$1/cert.tmpl" --outfile "$1/cert.pem" >/dev/null 2>&1
	elif command -v openssl >/dev/null 2>&1; then
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$1/key.pem" -out "$1/cert.pem" -days 1 -subj /CN=127.0.0.1 \
			-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
	else
		echo "SKIP: neither certtool nor openssl is installed"
		exit 77
	fi
}

# start_server CONF LOG: runs arrearsd serve, waits until it listens, sets $server_pid and $port
start_server() {
	: > "$2"
	"$arrearsd" -c "$1" serve 2>>"$2" &
	server_pid=$!
	port=""
	i=0
	while [ $i -lt 200 ]; do
		port=$(sed -n 's/.*listening on 127\.0\.0\.1 port \([0-9]*\).*/\1/p' "$2" | tail -1)
		[ -n "$port" ] && return 0
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	echo "FAIL: arrearsd did not start: $(cat "$2")" >&2
	return 1
}

stop_server() {
	if [ -n "${server_pid:-}" ]; then
		kill "$server_pid" 2>/dev/null
		wait "$server_pid" 2>/dev/null
		server_pid=""
	fi
}

# api METHOD PATH [TOKEN] [curl args...]: the body goes to $tmp/body, headers to $tmp/headers,
# and the status is printed
api() {
	m=$1 p=$2 t=${3:-}
	shift 2
	[ $# -gt 0 ] && shift
	if [ -n "$t" ]; then
		set -- -H "Authorization: Bearer $t" "$@"
	fi
	curl -sS --cacert "$tmp/cert.pem" -X "$m" -o "$tmp/body" -D "$tmp/headers" \
		-w '%{http_code}' "$@" "https://127.0.0.1:$port$p"
}

# json_str KEY FILE: the first string value of KEY in a compact JSON file
json_str() {
	sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" "$2" | head -1
}

# expect_status WANT GOT WHAT
expect_status() {
	if [ "$2" = "$1" ]; then ok; else bad "$3: status $2, wanted $1: $(head -c 300 "$tmp/body")"; fi
}

# write_conf [LINE...]: an arrearsd.conf in $tmp for loopback with the test certificate, a
# free port and book.db, plus the given lines; sets $conf. With ARREARS_TEST_STORE=postgresql
# the book is the database "book" of a cluster started (once) in $tmp/pg instead; the store
# lines come last, so the given lines keep their line numbers.
write_conf() {
	conf="$tmp/arrearsd.conf"
	cat > "$conf" <<CONF
listen = "127.0.0.1";
port = 0;
database = "book.db";
tls_cert = "cert.pem";
tls_key = "key.pem";
CONF
	for line in "$@"; do
		printf '%s\n' "$line" >> "$conf"
	done
	# the test tools (evgen, qagen, bulkgen, curl) push unsigned batches; a test that is
	# about signatures says require_signed_heads itself
	case "$*" in
	*require_signed_heads*) ;;
	*) echo 'require_signed_heads = 0;' >> "$conf" ;;
	esac
	if [ "$test_store" = postgresql ]; then
		pg_start
		printf 'store = "postgresql";\nconninfo = "%s";\n' "$(pg_conninfo book)" >> "$conf"
	fi
}

# The store the book is kept in: sqlite (default) or postgresql (ARREARS_TEST_STORE).
test_store=${ARREARS_TEST_STORE:-sqlite}
pg_port=""

# pg_conninfo DATABASE: how arrearsd and psql reach a database of the test cluster
pg_conninfo() {
	echo "host=127.0.0.1 port=$pg_port dbname=$1 user=arrears connect_timeout=10"
}

# pg_as_owner PROGRAM ARGS...: runs a PostgreSQL server program as the cluster's owner:
# PostgreSQL refuses to run as root, so root hands it to the postgres system user
pg_as_owner() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# pg_start: a throwaway cluster in $tmp/pg (initdb from Debian's postgresql package, or
# PG_BINDIR), listening on 127.0.0.1 on a free port with its socket in $tmp/pg, and an empty
# database "book"; sets $pg_port. Skips (77) when the server programs are not installed.
# fsync is off (the cluster dies with the test) unless PG_FSYNC=on, as benchmarks set it.
pg_start() {
	[ -n "$pg_port" ] && return 0
	pg_bin=${PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
	if [ ! -x "$pg_bin/initdb" ] || [ ! -x "$pg_bin/pg_ctl" ] || ! command -v psql >/dev/null; then
		echo "SKIP: the PostgreSQL server (initdb, pg_ctl, psql) is not installed"
		exit 77
	fi
	pg_dir="$tmp/pg"
	mkdir -p "$pg_dir"
	if [ "$(id -u)" -eq 0 ]; then
		chmod 711 "$tmp"	# the postgres user passes through to its own directory
		chown postgres "$pg_dir"
	fi
	pg_as_owner "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U arrears -E UTF8 \
		--locale=C.UTF-8 --no-sync > "$pg_dir/initdb.log" 2>&1 ||
		{ echo "FAIL: initdb: $(tail -5 "$pg_dir/initdb.log")" >&2; exit 1; }
	tries=0
	until [ -n "$pg_port" ]; do
		p=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		if pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w -t 60 -o \
			"-c listen_addresses=127.0.0.1 -c port=$p -c unix_socket_directories=$pg_dir -c fsync=${PG_FSYNC:-off}" \
			start > /dev/null 2>&1; then
			pg_port=$p
		else
			tries=$((tries + 1))
			[ $tries -lt 5 ] ||
				{ echo "FAIL: PostgreSQL did not start: $(tail -5 "$pg_dir/log")" >&2; exit 1; }
		fi
	done
	pg_sql postgres "CREATE DATABASE book" > /dev/null
}

# book_stop: stops the test cluster, if one was started (every EXIT trap calls it)
book_stop() {
	if [ -n "$pg_port" ]; then
		pg_as_owner "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop > /dev/null 2>&1
		pg_port=""
	fi
}

# pg_sql DATABASE SQL: runs SQL in a database of the test cluster, rows as sqlite3 prints them
pg_sql() {
	psql -X -q -A -t -v ON_ERROR_STOP=1 -d "$(pg_conninfo "$1")" -c "$2"
}

# book_sql SQL: runs SQL on the server's book, whichever the store; the output is alike
# (columns separated by |) as long as the SQL is portable. book_db (PostgreSQL) and book_file
# (SQLite) name another book than the default.
book_sql() {
	if [ "$test_store" = postgresql ]; then
		pg_sql "${book_db:-book}" "$1"
	else
		sqlite3 "${book_file:-$tmp/book.db}" "$1"
	fi
}

# The SQL that differs between the stores, for book_sql: a member of a JSON text column
# (sql_json COLUMN MEMBER), and a time in seconds as UTC text: the day (sql_day COLUMN),
# day and time (sql_datetime COLUMN), hours and minutes (sql_hm COLUMN).
sql_json() {
	if [ "$test_store" = postgresql ]; then
		echo "(CAST($1 AS json) ->> '$2')"
	else
		echo "json_extract($1, '\$.$2')"
	fi
}
sql_utc() {	# sql_utc COLUMN SQLITE_FORMAT POSTGRESQL_FORMAT
	if [ "$test_store" = postgresql ]; then
		echo "to_char(to_timestamp($1) AT TIME ZONE 'UTC', '$3')"
	else
		echo "strftime('$2', $1, 'unixepoch')"
	fi
}
sql_day() { sql_utc "$1" '%Y-%m-%d' 'YYYY-MM-DD'; }
sql_datetime() { sql_utc "$1" '%Y-%m-%d %H:%M:%S' 'YYYY-MM-DD HH24:MI:SS'; }
sql_hm() { sql_utc "$1" '%H:%M' 'HH24:MI'; }

# book_save NAME, book_restore NAME: a copy of the book (the server stopped), put back later
book_save() {
	if [ "$test_store" = postgresql ]; then
		pg_sql postgres "DROP DATABASE IF EXISTS $1" &&
			pg_sql postgres "CREATE DATABASE $1 TEMPLATE book"
	else
		sqlite3 "$tmp/book.db" 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null &&
			cp "$tmp/book.db" "$tmp/$1.db"
	fi
}
book_restore() {
	if [ "$test_store" = postgresql ]; then
		pg_sql postgres "DROP DATABASE book" && pg_sql postgres "CREATE DATABASE book TEMPLATE $1"
	else
		rm -f "$tmp/book.db-wal" "$tmp/book.db-shm" && cp "$tmp/$1.db" "$tmp/book.db"
	fi
}

# book_drop: no book any more (the server stopped): the file, or every table of the database
book_drop() {
	if [ "$test_store" = postgresql ]; then
		pg_sql postgres "DROP DATABASE book" && pg_sql postgres "CREATE DATABASE book"
	else
		rm -f "$tmp/book.db" "$tmp/book.db-wal" "$tmp/book.db-shm"
	fi
}

# start_proxy UPSTREAM_PORT [cutproxy options...]: tests/sync/cutproxy.py, a TLS-terminating
# proxy with the test certificate, in front of arrearsd, relaying everything until proxy_fault
# says otherwise; sets $proxy_pid and $proxy_port (its log goes to $tmp/proxy.log)
start_proxy() {
	up=$1
	shift
	rm -f "$tmp/proxy.port"
	python3 "$top_srcdir/tests/sync/cutproxy.py" --cert "$tmp/cert.pem" --key "$tmp/key.pem" \
		--upstream "$up" --port-file "$tmp/proxy.port" --control "$tmp/proxy.ctl" "$@" \
		2>>"$tmp/proxy.log" &
	proxy_pid=$!
	i=0
	while [ ! -s "$tmp/proxy.port" ]; do
		if ! kill -0 "$proxy_pid" 2>/dev/null || [ $i -ge 600 ]; then
			echo "FAIL: the proxy did not start: $(cat "$tmp/proxy.log")" >&2
			return 1
		fi
		sleep 0.05
		i=$((i + 1))
	done
	proxy_port=$(cat "$tmp/proxy.port")
}

# proxy_fault [--match TEXT] [--cut N [--relabel]] [--hold K --marker FILE] [--capture DIR]:
# what the running proxy does from its next request on (none: relay everything); see cutproxy.py
proxy_fault() {
	for a in "$@"; do printf "'%s' " "$a"; done > "$tmp/proxy.ctl.new" &&
		mv "$tmp/proxy.ctl.new" "$tmp/proxy.ctl"
}

stop_proxy() {
	if [ -n "${proxy_pid:-}" ]; then
		kill "$proxy_pid" 2>/dev/null
		wait "$proxy_pid" 2>/dev/null
		proxy_pid=""
	fi
}

# pin_port CONF: writes the port the running server got into CONF, so a restart listens there
pin_port() {
	sed -i "s/^port = 0;/port = $port;/" "$1"
}

# wait_for SECONDS COMMAND...: polls COMMAND every 0.05 s until it succeeds; 1 on timeout
wait_for() {
	limit=$(($1 * 20))
	shift
	i=0
	until "$@"; do
		[ $i -lt $limit ] || return 1
		sleep 0.05
		i=$((i + 1))
	done
}

# expect_exactly_once WHAT CACHE: the book holds every event the cache's device wrote, each
# exactly once and nothing else of that device (compared by UUID), and `arrearsd verify` finds
# every chain intact; needs $conf and sqlite3
expect_exactly_once() {
	dev=$(sqlite3 "$2" "SELECT value FROM sync_state WHERE key = 'device_id'")
	sqlite3 "$2" "SELECT id FROM events WHERE device = '$dev' ORDER BY id" > "$tmp/ids.client"
	book_sql "SELECT id FROM events WHERE device = '$dev' ORDER BY id" > "$tmp/ids.server"
	if [ -s "$tmp/ids.client" ] && cmp -s "$tmp/ids.client" "$tmp/ids.server"; then
		ok
	else
		bad "$1: the book holds $(wc -l < "$tmp/ids.server") events of device $dev, the" \
			"cache wrote $(wc -l < "$tmp/ids.client"); differing ids:" \
			"$(diff "$tmp/ids.client" "$tmp/ids.server" | head -5)"
	fi
	if "$arrearsd" -c "$conf" verify > "$tmp/verify.out" 2>&1; then
		ok
	else
		bad "$1: arrearsd verify: $(cat "$tmp/verify.out")"
	fi
}
