#!/usr/bin/env python3
"""http_sink.py - an SMS provider stand-in on loopback for tests/sync/send.sh (HTTPS with
--cert/--key). Each POST is recorded as OUT/req-N.json (the body) and OUT/req-N.headers. The
statuses it answers come from the --script file, read at each request: a list of numbers
taken one at a time (the first removed); empty or missing answers 200.
"""
import argparse
import http.server
import os
import ssl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--script", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    a = ap.parse_args()
    count = [0]

    def next_status():
        try:
            with open(a.script) as f:
                todo = f.read().split()
        except FileNotFoundError:
            todo = []
        if not todo:
            return 200
        with open(a.script + ".tmp", "w") as f:
            f.write(" ".join(todo[1:]))
        os.rename(a.script + ".tmp", a.script)
        return int(todo[0])

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            count[0] += 1
            base = os.path.join(a.out, "req-%d" % count[0])
            with open(base + ".headers", "w") as f:
                f.write(str(self.headers))
            with open(base + ".json", "wb") as f:
                f.write(body)
            status = next_status()
            answer = b'{"id": "msg-%d"}' % count[0] if status < 300 else \
                b'{"error": "status %d from the sink"}' % status
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, fmt, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(a.port_file + ".tmp", a.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()
