#!/usr/bin/env python3
"""The mail relay of the console journeys: a real SMTP server (aiosmtpd).

Listens on 127.0.0.1 at a free port and prints the port on the first line of
stdout once it accepts connections. Every message it accepts is then printed on
stdout as one JSON line, {"rcpt_tos": [...], "data": "..."}, before the relay
answers 250: a message is on stdout exactly when Kizuna can count it as sent.

A message to an address whose local part starts with "held" gets no answer
until a line "release" arrives on stdin, so a journey can look at the delivery
progress while one message is still in the relay's hands.
"""

import asyncio
import json
import sys

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    sys.stderr.write("aiosmtpd is missing: python3 -m pip install 'aiosmtpd==1.4.6' (scripts/test installs it)\n")
    sys.exit(3)


class Sink:
    def __init__(self):
        self.released = asyncio.Event()

    async def handle_DATA(self, server, session, envelope):
        if any(address.split("@", 1)[0].startswith("held") for address in envelope.rcpt_tos):
            await self.released.wait()
        record = {
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.original_content.decode("utf-8", errors="replace"),
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        sys.stdout.flush()
        return "250 2.0.0 Ok: queued"


async def read_commands(sink):
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        if line.strip() == "release":
            sink.released.set()


async def serve():
    sink = Sink()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(sink, hostname="sink.test", enable_SMTPUTF8=True), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    commands = asyncio.ensure_future(read_commands(sink))
    async with server:
        await server.serve_forever()
    commands.cancel()


if __name__ == "__main__":
    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        pass
