#!/bin/sh
# The message providers on loopback: arrearsd send-test against a real SMTP server
# (python3-aiosmtpd, tests/sync/smtp_sink.py) and an HTTPS SMS sink (tests/sync/http_sink.py).
# Email: the message as received (UTF-8 subject, quoted-printable body, Message-ID from the
# dispatch id, CRLF), STARTTLS required with a login, the server down then back (kept as a
# dead letter, delivered by `dispatch replay`), refused (550, for good) and busy (450, for
# now) recipients. SMS: the JSON body valid and escaped, the auth and idempotency headers,
# 503 then 200 retried, 400 for good, 5xx past the retries for now, replay --all. Bad settings
# are refused with the file or key named.
set -u
arrearsd="${top_builddir:?}/arrearsd"
tmp=$(mktemp -d)
smtp_pid="" http_pid=""
. "${top_srcdir:?}/tests/sync/lib.sh"
stop_sinks() {
	for p in $smtp_pid $http_pid; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	smtp_pid="" http_pid=""
}
trap 'stop_sinks; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM

# Debian's aiosmtpd is for the system's python3, which another python3 earlier on PATH (a
# version manager's) may hide: every python3 on PATH is tried.
py=""
old_ifs=$IFS
IFS=:
for d in $PATH; do
	if [ -x "$d/python3" ] && "$d/python3" -c 'import aiosmtpd' 2>/dev/null; then
		py=$d/python3
		break
	fi
done
IFS=$old_ifs
[ -n "$py" ] || { echo "SKIP: python3-aiosmtpd is not installed"; exit 77; }

make_cert "$tmp"
export ARREARS_NOW=2026-11-23T12:00:00Z

# wait_port FILE PID: until the sink wrote its port; prints it
wait_port() {
	wait_for 10 test -s "$1" || { echo "FAIL: a sink did not start" >&2; return 1; }
	cat "$1"
}

# start_smtp [sink options...]: sets $smtp_pid and $smtp_port (the same port on a restart)
start_smtp() {
	rm -f "$tmp/smtp.port"
	"$py" "$top_srcdir/tests/sync/smtp_sink.py" --out "$tmp/mail" --port-file "$tmp/smtp.port" \
		--port "${smtp_port:-0}" "$@" 2>>"$tmp/smtp.log" &
	smtp_pid=$!
	smtp_port=$(wait_port "$tmp/smtp.port") || exit 1
}

# conf_with NAME LINE...: a config $tmp/NAME.conf with the book and the given lines
conf_with() {
	c="$tmp/$1.conf"
	shift
	echo 'database = "book.db";' > "$c"
	for line in "$@"; do
		printf '%s\n' "$line" >> "$c"
	done
}

mkdir "$tmp/mail" "$tmp/sms"
spool="$tmp/book.db.spool"

# --- email: a message as the server received it
start_smtp
conf_with mail "smtp_url = \"smtp://127.0.0.1:$smtp_port\";" \
	'smtp_from = "Arrears Team <collect@example.org>";'
subject='Zahlungserinnerung für Sie – Konto 42'
text=$(printf 'Hallo Ana,\nIhr Betrag von 50 € ist fällig = heute.\n.\nEine Zeile mit Leerzeichen am Ende   \n%0100d' 0)
"$arrearsd" -c "$tmp/mail.conf" send-test --email ana@example.com --subject "$subject" \
	--text "$text" --id 3f2b7c1e-0d4a-4e8b-9a51-6c7d8e9f0a1b > "$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q "sent to ana@example.com" "$tmp/out" && ok || bad "send-test email: $(cat "$tmp/out")"
if [ -f "$tmp/mail/msg-1.eml" ]; then
	SUBJECT=$subject TEXT=$text "$py" - "$tmp/mail/msg-1.eml" "$tmp/mail/msg-1.env" \
		> "$tmp/check" 2>&1 <<-'PY'
	import email, email.header, email.policy, json, os, sys
	raw = open(sys.argv[1], "rb").read()
	env = json.load(open(sys.argv[2]))
	problems = []
	if b"\n" in raw.replace(b"\r\n", b""):
	    problems.append("a line not ended by CRLF")
	if any(len(l) > 78 for l in raw.split(b"\r\n")):
	    problems.append("a line longer than 78")
	m = email.message_from_bytes(raw, policy=email.policy.default)
	want = {"From": "Arrears Team <collect@example.org>", "To": "ana@example.com",
	        "Message-ID": "<3f2b7c1e-0d4a-4e8b-9a51-6c7d8e9f0a1b@example.org>",
	        "MIME-Version": "1.0", "Content-Transfer-Encoding": "quoted-printable",
	        "Subject": os.environ["SUBJECT"], "Date": "Mon, 23 Nov 2026 12:00:00 +0000"}
	for k, v in want.items():
	    if str(m[k]) != v:
	        problems.append("%s is %r, wanted %r" % (k, str(m[k]), v))
	if not str(m["Subject"]) or b"=?UTF-8?B?" not in raw:
	    problems.append("the subject is not RFC 2047 encoded")
	if m.get_content_type() != "text/plain" or m.get_content_charset() != "utf-8":
	    problems.append("content type %s %s" % (m.get_content_type(), m.get_content_charset()))
	if b"=E2=82=AC" not in raw or b"=3D" not in raw or b"=20\r\n" not in raw:
	    problems.append("the body is not quoted-printable as expected")
	body = m.get_content().replace("\r\n", "\n").rstrip("\n")
	if body != os.environ["TEXT"]:
	    problems.append("the body reads %r" % body)
	if env["mail_from"] != "collect@example.org" or env["rcpt_tos"] != ["ana@example.com"]:
	    problems.append("envelope %r" % env)
	if problems:
	    print("\n".join(problems))
	PY
	[ ! -s "$tmp/check" ] && ok || bad "the message as received: $(cat "$tmp/check")"
else
	bad "the SMTP server received nothing: $(cat "$tmp/smtp.log")"
fi

# --- email: refused (550) is for good, busy (450) for now; both kept
"$arrearsd" -c "$tmp/mail.conf" send-test --email refused@example.com --id refused-1 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "failed for good: RCPT: 550 5.1.1" "$tmp/out" && ok ||
	bad "refused recipient: $(cat "$tmp/out")"
"$arrearsd" -c "$tmp/mail.conf" send-test --email busy@example.com --id busy-1 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "failed for now: RCPT: 450 4.2.1" "$tmp/out" && ok ||
	bad "busy recipient: $(cat "$tmp/out")"
"$arrearsd" -c "$tmp/mail.conf" dispatch failures > "$tmp/out" 2>"$tmp/err"
grep -q "^refused-1	email	refused@example.com	for good	1	" "$tmp/out" &&
	grep -q "^busy-1	email	busy@example.com	for now	1	" "$tmp/out" &&
	grep -q "2 dead letters" "$tmp/err" && ok || bad "dispatch failures: $(cat "$tmp/out" "$tmp/err")"
[ "$(stat -c %a "$spool")" = 700 ] && [ "$(stat -c %a "$spool/refused-1.json")" = 600 ] && ok ||
	bad "spool modes: $(ls -la "$spool")"
# one JSON document per file, holding the message
"$py" -c 'import json, sys; d = json.loads(open(sys.argv[1]).read()); sys.exit(d["to"] != "refused@example.com" or d["outcome"] != "for good")' \
	"$spool/refused-1.json" && ok || bad "the dead letter: $(cat "$spool/refused-1.json")"
"$arrearsd" -c "$tmp/mail.conf" dispatch replay refused-1 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q '"attempts":2' "$spool/refused-1.json" && ok ||
	bad "replay of a refused one: $(cat "$tmp/out" "$spool/refused-1.json")"
rm -f "$spool/refused-1.json" "$spool/busy-1.json"

# --- email: the server down, then back; the dead letter is delivered by replay
stop_sinks
"$arrearsd" -c "$tmp/mail.conf" send-test --email ana@example.com --subject 'Second' \
	--text 'while down' --id down-1 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "down-1: failed for now:" "$tmp/out" && [ -f "$spool/down-1.json" ] && ok ||
	bad "server down: $(cat "$tmp/out")"
start_smtp
"$arrearsd" -c "$tmp/mail.conf" dispatch replay down-1 > "$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q "down-1: sent" "$tmp/out" && [ ! -e "$spool/down-1.json" ] &&
	grep -q "^Subject: Second" "$tmp/mail/msg-2.eml" && ok || bad "replay after restart: $(cat "$tmp/out")"
"$arrearsd" -c "$tmp/mail.conf" dispatch failures > "$tmp/out" 2>"$tmp/err"
[ "$(wc -l < "$tmp/out")" -eq 1 ] && grep -q "0 dead letters" "$tmp/err" && ok ||
	bad "spool after replay: $(cat "$tmp/out" "$tmp/err")"
"$arrearsd" -c "$tmp/mail.conf" dispatch replay nosuch > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "no dead letter nosuch" "$tmp/out" && ok || bad "replay unknown: $(cat "$tmp/out")"

# --- email: STARTTLS required, with a login from a 0600 file
stop_sinks
smtp_port=""
start_smtp --cert "$tmp/cert.pem" --key "$tmp/key.pem" --auth ops:pa55-word
printf 'pa55-word\n' > "$tmp/smtp.pw"
chmod 600 "$tmp/smtp.pw"
conf_with tls "smtp_url = \"smtp://127.0.0.1:$smtp_port\";" 'smtp_tls = "required";' \
	'smtp_user = "ops";' 'smtp_password_file = "smtp.pw";' 'smtp_ca_file = "cert.pem";' \
	'smtp_from = "collect@example.org";'
n=$(ls "$tmp/mail" | grep -c '\.env$')
"$arrearsd" -c "$tmp/tls.conf" send-test --email ana@example.com --id tls-1 > "$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q '"tls": true, "authenticated": true' "$tmp/mail/msg-$((n + 1)).env" && ok ||
	bad "STARTTLS and AUTH: $(cat "$tmp/out")"
printf 'wrong\n' > "$tmp/smtp.pw"
"$arrearsd" -c "$tmp/tls.conf" send-test --email ana@example.com --id tls-2 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "failed for now: AUTH: 535" "$tmp/out" && ! grep -q "d3Jvbmc" "$tmp/out" "$spool/tls-2.json" &&
	ok || bad "a wrong password: $(cat "$tmp/out")"
chmod 644 "$tmp/smtp.pw"
"$arrearsd" -c "$tmp/tls.conf" send-test --email ana@example.com > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "smtp_password_file: .*smtp.pw: readable by others" "$tmp/out" && ok ||
	bad "a world-readable password file: $(cat "$tmp/out")"
# the certificate not trusted: no silent fallback to clear text
sed -i '/smtp_ca_file/d; s/"smtp.pw"/"smtp.pw2"/' "$tmp/tls.conf"
printf 'pa55-word\n' > "$tmp/smtp.pw2"
chmod 600 "$tmp/smtp.pw2"
"$arrearsd" -c "$tmp/tls.conf" send-test --email ana@example.com --id tls-3 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "tls-3: failed for now: .*certificate" "$tmp/out" && ok ||
	bad "an untrusted certificate: $(cat "$tmp/out")"
rm -f "$spool"/tls-*.json

# --- SMS: an HTTPS sink; 503 then 200 is retried, the body is JSON with the text escaped
"$py" "$top_srcdir/tests/sync/http_sink.py" --out "$tmp/sms" --port-file "$tmp/http.port" \
	--script "$tmp/http.script" --cert "$tmp/cert.pem" --key "$tmp/key.pem" 2>>"$tmp/http.log" &
http_pid=$!
http_port=$(wait_port "$tmp/http.port") || exit 1
printf 'Authorization: Bearer t0ken-123\n' > "$tmp/sms.auth"
chmod 600 "$tmp/sms.auth"
conf_with sms "sms_url = \"https://127.0.0.1:$http_port/v1/messages\";" \
	'sms_auth_header_file = "sms.auth";' 'sms_ca_file = "cert.pem";' 'sms_retries = 2;' \
	'sms_backoff_ms = 20;'
sms_text=$(printf 'Say "hi" to José \\ {to}\nPay 50 € today')
echo "503 200" > "$tmp/http.script"
"$arrearsd" -c "$tmp/sms.conf" send-test --sms +15550100 --text "$sms_text" --id sms-1 > "$tmp/out" 2>&1
[ $? -eq 0 ] && grep -q "sms-1: sent to +15550100" "$tmp/out" && [ -f "$tmp/sms/req-2.json" ] &&
	[ ! -e "$tmp/sms/req-3.json" ] && ok || bad "SMS 503 then 200: $(cat "$tmp/out")"
TEXT=$sms_text "$py" - "$tmp/sms/req-2.json" > "$tmp/check" 2>&1 <<-'PY'
import json, os, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
want = {"to": "+15550100", "text": os.environ["TEXT"], "ref": "sms-1"}
if d != want:
    print("body %r, wanted %r" % (d, want))
PY
[ ! -s "$tmp/check" ] && ok || bad "the SMS body: $(cat "$tmp/check" "$tmp/sms/req-2.json")"
grep -q "^Authorization: Bearer t0ken-123" "$tmp/sms/req-2.headers" &&
	grep -q "^Idempotency-Key: sms-1" "$tmp/sms/req-2.headers" &&
	grep -q "^Content-Type: application/json" "$tmp/sms/req-2.headers" && ok ||
	bad "SMS headers: $(cat "$tmp/sms/req-2.headers")"

# 400 is for good at once; 5xx past the retries is for now
echo "400" > "$tmp/http.script"
"$arrearsd" -c "$tmp/sms.conf" send-test --sms +15550101 --id sms-2 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "sms-2: failed for good: HTTP 400" "$tmp/out" && [ ! -e "$tmp/sms/req-4.json" ] &&
	ok || bad "SMS 400: $(cat "$tmp/out")"
echo "503 502 500 200" > "$tmp/http.script"
"$arrearsd" -c "$tmp/sms.conf" send-test --sms +15550102 --id sms-3 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "sms-3: failed for now: HTTP 500: .*(after 3 attempts)" "$tmp/out" &&
	[ -f "$tmp/sms/req-6.json" ] && [ ! -e "$tmp/sms/req-7.json" ] && ok ||
	bad "SMS past the retries: $(cat "$tmp/out")"
"$arrearsd" -c "$tmp/sms.conf" send-test --sms 'call me' --id sms-4 > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "failed for good: 'call me' is not a phone number" "$tmp/out" && ok ||
	bad "SMS to a non-number: $(cat "$tmp/out")"
rm -f "$spool/sms-4.json"
"$arrearsd" -c "$tmp/sms.conf" dispatch replay --all > "$tmp/out" 2>"$tmp/err"
[ $? -eq 0 ] && grep -q "sms-2: sent" "$tmp/out" && grep -q "sms-3: sent" "$tmp/out" &&
	grep -q "2 sent, 0 still" "$tmp/err" && [ -z "$(ls "$spool")" ] && ok ||
	bad "SMS replay --all: $(cat "$tmp/out" "$tmp/err"; ls "$spool")"

# --- settings refused, each named
chmod 644 "$tmp/sms.auth"
"$arrearsd" -c "$tmp/sms.conf" send-test --sms +15550100 > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "sms_auth_header_file: .*sms.auth: readable by others" "$tmp/out" && ok ||
	bad "a world-readable auth header file: $(cat "$tmp/out")"
conf_with bad1 'sms_url = "http://sms.example.com/send";'
"$arrearsd" -c "$tmp/bad1.conf" send-test --sms +15550100 > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "sms_url: .* is not an https:// URL" "$tmp/out" && ok || bad "http URL: $(cat "$tmp/out")"
conf_with bad2 "sms_url = \"https://127.0.0.1:$http_port/\";" \
	'sms_body = "{\"to\": \"{to}\", \"text\": \"{text}\", \"who\": \"{name}\"}";'
"$arrearsd" -c "$tmp/bad2.conf" send-test --sms +15550100 > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "unknown placeholder {name}" "$tmp/out" && ok || bad "bad template: $(cat "$tmp/out")"
conf_with bad3 'smtp_url = "http://127.0.0.1:25";'
"$arrearsd" -c "$tmp/bad3.conf" send-test --email a@example.com > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "smtp_url: 'http://127.0.0.1:25' is not smtp://" "$tmp/out" && ok ||
	bad "bad smtp_url: $(cat "$tmp/out")"
"$arrearsd" -c "$tmp/bad3.conf" send-test --sms +15550100 > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "SMS is not configured (set sms_url)" "$tmp/out" && ok || bad "SMS unconfigured: $(cat "$tmp/out")"
conf_with bad4 'sms_retries = 11;'
"$arrearsd" -c "$tmp/bad4.conf" dispatch failures > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "bad4.conf:2: sms_retries: 11 is outside 0..10" "$tmp/out" && ok ||
	bad "sms_retries out of range: $(cat "$tmp/out")"
chmod 755 "$spool"
"$arrearsd" -c "$tmp/mail.conf" send-test --email ana@example.com > "$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "book.db.spool: open to others (mode 755)" "$tmp/out" && ok ||
	bad "an open spool: $(cat "$tmp/out")"

echo "send: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
