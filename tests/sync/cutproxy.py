#!/usr/bin/env python3
"""cutproxy - a TLS-terminating proxy on loopback for the fault tests (tests/sync/faults.sh).

It relays each HTTPS request to arrearsd and the whole answer back. What it does to requests
whose request line starts with --match is read from the --control file before each request
(its words are these options; no file, or an empty one, relays everything), so a test changes
the fault without restarting the proxy; a changed file starts the count of matches again:

  --cut N     the first N matching answers are cut in half: the status line and headers are
              sent, then half the body, then the connection is closed (what a dropped mobile
              link does to the client after the server has committed).
  --relabel   with --cut: Content-Length is rewritten to the half that is sent, so the answer
              looks complete to HTTP and only its JSON is broken.
  --hold K    the K-th matching answer is read from the server, then never sent: the proxy
              writes the --marker file and keeps the client waiting, so a test can kill the
              client at the very moment the server has stored a batch the client never heard of.

  --capture DIR  each matching request's body is also written to DIR/N.json (N from 1), for
              a test to replay with curl.

The port it listens on (--port, or a free one) goes to --port-file once it listens. One request per connection:
"Connection: close" is put in each request to the server, so its answer ends at end of file.
"""
import argparse
import os
import shlex
import socket
import socketserver
import ssl
import sys
import threading

lock = threading.Lock()
state = {"text": None, "opts": None, "matched": 0}


def fault_parser():
    p = argparse.ArgumentParser(prog="cutproxy control file")
    p.add_argument("--match", default="POST /v1/events ")
    p.add_argument("--cut", type=int, default=0)
    p.add_argument("--relabel", action="store_true")
    p.add_argument("--hold", type=int, default=0)
    p.add_argument("--marker", default="")
    p.add_argument("--capture", default="")
    return p


def current_fault(path):
    """The options of the control file, and the number of this match under them (0: none)."""
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        text = ""
    with lock:
        if text != state["text"]:
            state["text"] = text
            state["opts"] = fault_parser().parse_args(shlex.split(text))
            state["matched"] = 0
        return state["opts"]


def count_match():
    with lock:
        state["matched"] += 1
        return state["matched"]


def read_request(conn):
    """The request's bytes (headers and a Content-Length body), or None at end of file."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    lines = head.split(b"\r\n")
    kept = [lines[0]]
    for line in lines[1:]:
        name = line.split(b":", 1)[0].strip().lower()
        if name == b"content-length":
            length = int(line.split(b":", 1)[1])
        if name in (b"connection", b"keep-alive"):
            continue
        kept.append(line)
    kept.append(b"Connection: close")
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return b"\r\n".join(kept) + b"\r\n\r\n" + body


def relabel(head, body_len):
    lines = [l for l in head.split(b"\r\n")
             if l.split(b":", 1)[0].strip().lower() != b"content-length"]
    lines.append(b"Content-Length: %d" % body_len)
    return b"\r\n".join(lines)


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            conn = self.server.tls_in.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            req = read_request(conn)
            if req is None:
                return
            line = req.split(b"\r\n", 1)[0].decode("latin-1")
            opts = current_fault(self.server.control)
            up = socket.create_connection(("127.0.0.1", self.server.upstream), timeout=120)
            up = self.server.tls_out.wrap_socket(up, server_hostname="127.0.0.1")
            up.sendall(req)
            answer = b""
            while True:
                chunk = up.recv(65536)
                if not chunk:
                    break
                answer += chunk
            up.close()
            action = "relay"
            if line.startswith(opts.match):
                n = count_match()
                if opts.capture:
                    with open(os.path.join(opts.capture, "%d.json" % n), "wb") as f:
                        f.write(req.partition(b"\r\n\r\n")[2])
                if n <= opts.cut:
                    action = "cut"
                elif n == opts.hold:
                    action = "hold"
            head, _, body = answer.partition(b"\r\n\r\n")
            log("%s %s (%d bytes of body)" % (action, line, len(body)))
            if action == "relay":
                conn.sendall(answer)
            elif action == "cut":
                half = body[: len(body) // 2]
                if opts.relabel:
                    head = relabel(head, len(half))
                conn.sendall(head + b"\r\n\r\n" + half)
            else:
                with open(opts.marker + ".tmp", "w") as f:
                    f.write(line + "\n")
                os.rename(opts.marker + ".tmp", opts.marker)
                while conn.recv(65536):
                    pass
        except (ssl.SSLError, OSError) as e:
            log("error: %s" % e)
        finally:
            try:
                conn.close()
            except OSError:
                pass


def log(msg):
    with lock:
        sys.stderr.write("cutproxy: %s\n" % msg)
        sys.stderr.flush()


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--upstream", type=int, required=True, help="arrearsd's port")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file", required=True)
    p.add_argument("--control", required=True)
    opts = p.parse_args()

    srv = Server(("127.0.0.1", opts.port), Handler)
    srv.control = opts.control
    srv.upstream = opts.upstream
    srv.tls_in = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    srv.tls_in.load_cert_chain(opts.cert, opts.key)
    srv.tls_out = ssl.create_default_context(cafile=opts.cert)
    with open(opts.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(opts.port_file + ".tmp", opts.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
