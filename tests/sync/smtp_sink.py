#!/usr/bin/env python3
"""smtp_sink.py - a real SMTP server (aiosmtpd) on loopback for tests/sync/send.sh.

Each message accepted is written to OUT/msg-N.eml (the DATA as received) with OUT/msg-N.env
(JSON: mail_from, rcpt_tos, tls, authenticated). Recipients starting with "refused" get 550, with
"busy" 450. --cert/--key offer STARTTLS; --auth USER:PASS requires that login (after TLS).
The port is written to --port-file once it listens; --port reuses a port across restarts.
"""
import argparse
import asyncio
import json
import os
import ssl

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Sink:
    def __init__(self, out):
        self.out = out
        self.n = len([f for f in os.listdir(out) if f.endswith(".eml")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 <%s>: no such user here" % address
        if address.startswith("busy"):
            return "450 4.2.1 <%s>: mailbox busy, try later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.out, "msg-%d" % self.n)
        with open(base + ".env.tmp", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "tls": session.ssl is not None,
                       "authenticated": bool(session.authenticated)}, f)
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        os.rename(base + ".env.tmp", base + ".env")
        return "250 2.0.0 queued as %d" % self.n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--auth")
    a = ap.parse_args()

    kw = {}
    if a.cert:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(a.cert, a.key)
        kw["tls_context"] = ctx
    if a.auth:
        user, password = a.auth.split(":", 1)

        def check(server, session, envelope, mechanism, data):
            good = (isinstance(data, LoginPassword) and data.login.decode() == user
                    and data.password.decode() == password)
            return AuthResult(success=good, handled=False)

        kw["authenticator"] = check
        kw["auth_required"] = True
    handler = Sink(a.out)

    async def serve():
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test", **kw),
                                          "127.0.0.1", a.port)
        port = server.sockets[0].getsockname()[1]
        with open(a.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(a.port_file + ".tmp", a.port_file)
        await server.serve_forever()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
