#!/usr/bin/env python3
"""A scriptable SMTP relay for Kizuna's integration tests, built on aiosmtpd.

Listens on 127.0.0.1:PORT (0 picks a free port), prints the port on the first
line of stdout once it accepts connections, and appends every accepted message
to --log as one JSON line: {"peer": [host, port], "mail_from", "rcpt_tos", "data"}.

Scripted answers:
  The MAIL and RCPT arguments are logged verbatim too (mail_command, rcpt_commands).
  Recipients whose local part starts with "temp" get 451, with "hard" get 550;
  --stall-after K     accept K messages, then never answer the end of later ones;
  --drop-after K      close each connection after its K-th message, as a relay
                      closing idle connections does;
  --pipelining        advertise PIPELINING (RFC 2920) in the EHLO reply;
  --tls-cert/--tls-key  offer STARTTLS and require it;
  --auth USER:PASS    require AUTH (PLAIN or LOGIN, over TLS) with these credentials;
  --auth-mechanisms   the AUTH mechanisms offered, comma separated (default PLAIN,LOGIN).
"""

import argparse
import asyncio
import json
import ssl
import sys

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    sys.stderr.write("aiosmtpd is missing: pip install aiosmtpd\n")
    sys.exit(3)


class RecordingSMTP(SMTP):
    """Keeps the MAIL and RCPT arguments as they came, before aiosmtpd parses them."""

    async def smtp_MAIL(self, arg):
        self.raw_mail = arg
        self.raw_rcpts = []
        await super().smtp_MAIL(arg)

    async def smtp_RCPT(self, arg):
        self.raw_rcpts = getattr(self, "raw_rcpts", []) + [arg]
        await super().smtp_RCPT(arg)


class Relay:
    def __init__(self, args):
        self.args = args
        self.accepted = 0
        self.per_connection = {}
        self.log = open(args.log, "a", encoding="utf-8") if args.log else None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        if self.args.pipelining:
            responses.insert(1, "250-PIPELINING")
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.rsplit("@", 1)[0].strip('"')
        if local.startswith("temp"):
            return "451 4.3.0 try again later"
        if local.startswith("hard"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.args.stall_after is not None and self.accepted >= self.args.stall_after:
            await asyncio.sleep(3600)
        self.accepted += 1
        record = {
            "peer": list(session.peer[:2]),
            "helo": getattr(session, "host_name", None),
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "mail_command": getattr(server, "raw_mail", None),
            "rcpt_commands": getattr(server, "raw_rcpts", []),
            "data": envelope.original_content.decode("utf-8", errors="replace"),
        }
        if self.log:
            self.log.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.log.flush()
        if self.args.drop_after:
            key = id(server)
            self.per_connection[key] = self.per_connection.get(key, 0) + 1
            if self.per_connection[key] >= self.args.drop_after:
                # After the reply below is written, as a relay's idle timeout would.
                asyncio.get_running_loop().call_soon(server.transport.close)
        return f"250 2.0.0 Ok: queued as K{self.accepted:05d}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--log")
    parser.add_argument("--stall-after", type=int)
    parser.add_argument("--drop-after", type=int)
    parser.add_argument("--pipelining", action="store_true")
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth")
    parser.add_argument("--auth-mechanisms", default="PLAIN,LOGIN")
    args = parser.parse_args()

    relay = Relay(args)
    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword) or args.auth is None:
            return AuthResult(success=False)
        user, password = args.auth.split(":", 1)
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        return AuthResult(success=ok, handled=False)

    offered = {m.strip().upper() for m in args.auth_mechanisms.split(",")}
    excluded = [m for m in ("PLAIN", "LOGIN") if m not in offered]

    def factory():
        return RecordingSMTP(
            relay,
            hostname="relay.test",
            tls_context=tls_context,
            require_starttls=tls_context is not None,
            authenticator=authenticator if args.auth else None,
            auth_required=args.auth is not None,
            auth_exclude_mechanism=excluded,
            enable_SMTPUTF8=True,
        )

    async def serve():
        server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", args.port)
        print(server.sockets[0].getsockname()[1], flush=True)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
