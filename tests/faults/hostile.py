"""Hostile targets at the HTTP level, for bounded-verdict tests and ``benchmarks/bench_hostile.py``.

Each answers every request with a 200 ``application/json`` that costs the client something:

- ``drip``: the status line and headers at once, then the body one byte per ``interval`` seconds;
- ``big``: a valid JSON body of ``size`` bytes, sent as fast as the socket takes it;
- ``endless``: a chunked body that never ends.

``with hostile("drip") as url:`` serves one on a free 127.0.0.1 port, in a thread, for the ``with``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["hostile"]

_HEAD = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"


async def _request(reader: asyncio.StreamReader) -> bool:
    """Read one request's head (the harness sends no bodies); False when the client went away."""
    try:
        await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        return False
    return True


def _handler(kind: str, size: int, interval: float):  # type: ignore[no-untyped-def]
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await _request(reader):
                if kind == "drip":
                    body = b'{"id": "' + b"x" * 100_000 + b'"}'
                    writer.write(_HEAD + b"content-length: %d\r\n\r\n" % len(body))
                    for byte in body:
                        writer.write(bytes([byte]))
                        await writer.drain()
                        await asyncio.sleep(interval)
                elif kind == "big":
                    body = b'{"id": "x", "pad": "' + b"a" * max(size - 30, 0) + b'"}'
                    writer.write(_HEAD + b"content-length: %d\r\n\r\n" % len(body))
                    for start in range(0, len(body), 1 << 20):
                        writer.write(body[start : start + (1 << 20)])
                        await writer.drain()
                else:  # endless
                    writer.write(_HEAD + b"transfer-encoding: chunked\r\n\r\n")
                    chunk = b"a" * 65536
                    frame = b"%x\r\n" % len(chunk) + chunk + b"\r\n"
                    while True:
                        writer.write(frame)
                        await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    return handle


@contextmanager
def hostile(kind: str, *, size: int = 50 << 20, interval: float = 1.0) -> Iterator[str]:
    """Serve the hostile target ``kind`` (``drip``, ``big``, ``endless``) for the length of the ``with``."""
    if kind not in ("drip", "big", "endless"):
        raise ValueError(f"unknown hostile target {kind!r}")
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    state: dict[str, object] = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(asyncio.start_server(_handler(kind, size, interval), "127.0.0.1", 0))
        state["server"], state["port"] = server, server.sockets[0].getsockname()[1]
        ready.set()
        loop.run_forever()
        server.close()
        for task in asyncio.all_tasks(loop):
            task.cancel()
        loop.run_until_complete(asyncio.sleep(0.05))
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield f"http://127.0.0.1:{state['port']}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
