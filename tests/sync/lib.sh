# lib.sh - shared by the tests that run arrearsd on loopback: a throwaway certificate, a
# server on a free port, curl with the certificate pinned as the only CA, and counters.
# Sourced; expects $tmp to be a private directory.

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
# free port and book.db, plus the given lines; sets $conf.
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
}
