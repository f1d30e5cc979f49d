"""The guard: a local forward proxy that every request of a run goes through, explicit cases and Schemathesis alike.

It is the one place that bounds what a target can cost:

- **One deadline per answer.** Connecting, the status line and headers, and the whole body must arrive within
  ``timeout`` seconds together (an HTTP client's timeout bounds each read, so a body that drips one byte per
  second never ends for it).
- **A body cap.** At most ``max_bytes`` of a body are read; nothing beyond is held.
- **A breaker.** After a request of an operation timed out or answered over the cap, further requests of that
  operation are not sent (skipped and counted): a server that hangs on some inputs costs one timeout, not one
  per generated request.

A cut answer reaches the client as a marked 502/504 (``X-Contracts-Guard: <kind>``) so that callers tell it
from the target's own answers: :mod:`contracts.target` turns it into an exchange error, :mod:`contracts.fuzz`
drops the checks Schemathesis ran on it. Every cut is also recorded as a :class:`Cut`. HTTPS targets are
relayed through ``CONNECT`` with the same deadline and cap (a cut there closes the tunnel); what went wrong
with a tunnel before it carried an answer (no connection, a plain-HTTP answer to the client's TLS handshake, a
reset) is kept per ``host:port`` (:meth:`Guard.trouble`), for the client that only sees its TLS fail.

The guard is transparent: requests go on as the client wrote them (``Accept-Encoding`` included) and answers
come back as the target sent them. Where it reads a body itself (an HTML page's title, for the diagnosis), it
decodes its own copy.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import h11

from vendor_specs import FRAMING, HOP_BY_HOP, Upstream, UpstreamError, decoded

__all__ = ["MARKER", "AnswerKind", "Cut", "Guard"]

MARKER = "X-Contracts-Guard"
_CHUNK = 65536
_MAX_REQUEST_BODY = 1 << 20  # the harness sends small requests; a generated one larger than this is refused


@dataclass(frozen=True)
class Cut:
    """An answer the guard did not pass on whole.

    ``kind``: ``timeout`` (the deadline passed; ``answered`` says whether the status line had arrived),
    ``too_big`` (the body passed the cap), ``skipped`` (not sent: the operation had timed out or been too
    big before), ``unreachable`` (no connection), ``not_http`` (the target answered something else).
    """

    kind: str
    method: str
    url: str
    shape: str | None
    elapsed: float
    received: int = 0
    answered: bool = False
    detail: str = ""
    headers: tuple[tuple[str, str], ...] = ()  # the request's headers, for a reproduction
    cause: str = ""  # ``unreachable``: why there was no connection (UpstreamError.cause: dns, refused, tls, ...)

    def describe(self, timeout: float, max_bytes: int) -> str:
        if self.kind == "timeout":
            where = f"the body was still arriving ({self.received:,} bytes)" if self.answered else "no status line yet"
            return f"no complete answer within the {timeout:g} s timeout (cut after {self.elapsed:.1f} s; {where})"
        if self.kind == "too_big":
            return f"the body is over the {max_bytes / 1048576:g} MB limit (--max-body-mb); cut after {self.received:,} bytes"
        if self.kind == "skipped":
            return f"not sent: {self.detail}"
        return self.detail


@dataclass(frozen=True)
class AnswerKind:
    """What kind of answer the target gave (counted per kind, for the run's diagnosis): the status, the media
    type, a redirect's ``location`` and an HTML page's ``title``."""

    status: int
    media_type: str
    location: str = ""
    title: str = ""

    @classmethod
    def of(cls, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> AnswerKind:
        found = {k.lower(): v.decode("latin-1") for k, v in headers}
        media = found.get(b"content-type", "").split(";")[0].strip().lower()
        location = found.get(b"location", "") if 300 <= status < 400 else ""
        title = ""
        if media == "text/html":
            # The body is as the target sent it: gzip when the client asked for it (every HTTP client does,
            # httpx and Schemathesis' requests too). The guard does not strip the client's Accept-Encoding,
            # because the harness judges what the server sends to real clients, compression included (a broken
            # gzip stream is the server's fault and the client must see it); so it decodes its own copy here,
            # at most 64 KiB of it, to read the title.
            try:
                page = decoded(body, found.get(b"content-encoding", ""), 65536)
            except ValueError:
                page = b""  # an encoding it cannot read (br, zstd): no title, the rest of the answer is counted
            match = _TITLE.search(page.decode("utf-8", "replace"))
            title = " ".join(match.group(1).split())[:80] if match else ""
        return cls(status, media, location, title)


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class Guard:
    """Start with :meth:`start` (or as a context manager); point clients at :attr:`url` as their HTTP proxy.

    ``shape(method, url)`` names the operation a request belongs to (None: not one of the spec's), so that
    the breaker can stop sending requests of an operation that timed out.
    """

    def __init__(self, timeout: float, max_bytes: int, shape: Callable[[str, str], str | None]) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.shape = shape
        self.cuts: list[Cut] = []
        self.broken: dict[str, Cut] = {}
        self.skipped: Counter[str] = Counter()
        self.answers: Counter[AnswerKind] = Counter()  # every answer the target gave whole, by kind
        self._troubles: dict[str, Cut] = {}  # host:port -> what last went wrong with a tunnel there (trouble())
        self.requests = 0
        self._upstreams: dict[str, Upstream] = {}  # origin -> its kept-alive connections
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # ----------------------------------------------------------------- lifecycle
    def start(self) -> Guard:
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                self._server = loop.run_until_complete(asyncio.start_server(self._client, "127.0.0.1", 0))
                port = self._server.sockets[0].getsockname()[1]
                self.url = f"http://127.0.0.1:{port}"
            except BaseException as exc:  # reported to start()'s caller
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

        self._thread = threading.Thread(target=run, name="contracts-guard", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def close(self) -> None:
        loop, server = self._loop, self._server
        if loop is None or server is None:
            return

        async def stop() -> None:
            server.close()
            for upstream in self._upstreams.values():
                await upstream.aclose()
            self._upstreams.clear()
            for task in [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]:
                task.cancel()
            loop.stop()

        asyncio.run_coroutine_threadsafe(stop(), loop)
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._loop = self._server = None

    def __enter__(self) -> Guard:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- bookkeeping
    def _record(self, cut: Cut) -> None:
        with self._lock:
            self.cuts.append(cut)
            if cut.kind == "skipped" and cut.shape is not None:
                self.skipped[cut.shape] += 1
            elif cut.kind in ("timeout", "too_big") and cut.shape is not None:
                self.broken.setdefault(cut.shape, cut)

    def is_broken(self, shape: str | None) -> Cut | None:
        with self._lock:
            return None if shape is None else self.broken.get(shape)

    def trouble(self, authority: str) -> Cut | None:
        """What went wrong with the last tunnel to ``authority`` (``host:port``) before it carried an answer, if
        anything: no connection (the cut's ``cause`` says why), or ``not_tls`` (the target answered plain HTTP
        to the client's TLS handshake), ``reset`` or ``closed`` (it hung up without a byte). A client whose
        HTTPS request failed asks this: it saw only its proxy refuse the tunnel, or its TLS fail."""
        with self._lock:
            return self._troubles.get(authority)

    def _tunnel_trouble(self, authority: str, cut: Cut | None) -> None:
        with self._lock:
            if cut is None:
                self._troubles.pop(authority, None)
            else:
                self._troubles[authority] = cut

    def skip(self, method: str, url: str, shape: str) -> Cut:
        """Count a request of a broken operation that is not sent; the cut that broke it says why."""
        reason = self.broken[shape]
        cut = Cut("skipped", method, url, shape, 0.0, detail=f"{shape} {_why(reason)} before")
        self._record(cut)
        return cut

    # ----------------------------------------------------------------- the proxy
    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        try:
            while True:
                request, body = await self._read_request(conn, reader)
                if request is None:
                    break
                if request.method == b"CONNECT":
                    await self._tunnel(request, conn, reader, writer)
                    return
                status, headers, content = await self._answer(request, body)
                writer.write(conn.send(h11.Response(status_code=status, headers=headers)))
                writer.write(conn.send(h11.Data(data=content)) or b"")
                writer.write(conn.send(h11.EndOfMessage()) or b"")
                await writer.drain()
                if conn.our_state is not h11.DONE or conn.their_state is not h11.DONE:
                    break
                conn.start_next_cycle()
        except (h11.ProtocolError, ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass  # the client went away, spoke no HTTP, or the guard is closing
        finally:
            writer.close()

    async def _read_request(
        self, conn: h11.Connection, reader: asyncio.StreamReader
    ) -> tuple[h11.Request | None, bytes]:
        request: h11.Request | None = None
        body = bytearray()
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(_CHUNK))
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > _MAX_REQUEST_BODY:
                    raise h11.LocalProtocolError("request body too large")
            elif isinstance(event, h11.EndOfMessage):
                return request, bytes(body)
            elif isinstance(event, h11.ConnectionClosed):
                return None, b""
            if request is not None and request.method == b"CONNECT":
                return request, b""

    async def _answer(self, request: h11.Request, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        method, url = request.method.decode("latin-1"), request.target.decode("latin-1")
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            return _marked(400, "not_http", f"the guard proxies absolute http:// URLs only, got {url!r}")
        shape = self.shape(method, url)
        self.requests += 1
        if self.is_broken(shape) is not None:
            assert shape is not None
            cut = self.skip(method, url, shape)
            return _marked(504, "skipped", cut.detail)
        origin = f"{parts.scheme}://{parts.netloc}"
        upstream = self._upstreams.get(origin)
        if upstream is None:
            upstream = self._upstreams[origin] = Upstream(origin, timeout=self.timeout, max_body=self.max_bytes)
        target = ((parts.path or "/") + (f"?{parts.query}" if parts.query else "")).encode("latin-1")
        # the client's own framing and Host are not forwarded: the upstream client frames what it sends
        headers = [(k, v) for k, v in request.headers if k.lower() not in HOP_BY_HOP | FRAMING | {b"host"}]
        started = time.monotonic()
        try:
            answer = await upstream.request(method, target, [(b"host", upstream.host_header), *headers], body)
        except UpstreamError as exc:
            sent = tuple((k.decode("latin-1"), v.decode("latin-1")) for k, v in headers)
            elapsed = time.monotonic() - started
            cut = Cut(exc.kind, method, url, shape, elapsed, exc.received, exc.answered, exc.reason, sent, exc.cause)
            self._record(cut)
            status = 504 if cut.kind == "timeout" else 502
            return _marked(status, cut.kind, cut.describe(self.timeout, self.max_bytes), cut.cause)
        with self._lock:
            self.answers[AnswerKind.of(answer.status, answer.headers, answer.body)] += 1
        kept = [(k, v) for k, v in answer.headers if k.lower() not in HOP_BY_HOP | FRAMING]
        return answer.status, [*kept, (b"content-length", str(len(answer.body)).encode())], answer.body

    async def _tunnel(
        self, request: h11.Request, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """``CONNECT host:port``: relay bytes both ways; the target's side gets the deadline and the cap."""
        target = request.target.decode("latin-1")
        host, _, port = target.rpartition(":")
        host = host.removeprefix("[").removesuffix("]")  # an IPv6 literal: [::1]:8443
        started = time.monotonic()
        self.requests += 1
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), self.timeout)
        except (OSError, ValueError) as exc:  # asyncio.TimeoutError is an OSError (TimeoutError) too
            failure = UpstreamError.connecting(exc, self.timeout)
            cut = Cut(
                "unreachable",
                "CONNECT",
                target,
                None,
                time.monotonic() - started,
                detail=failure.reason,
                cause=failure.cause,
            )
            self._record(cut)
            self._tunnel_trouble(target, cut)
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
            return
        self._tunnel_trouble(target, None)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        leftover = conn.trailing_data[0]
        if leftover:
            up_writer.write(leftover)
        received = 0

        def hung_up(cause: str, detail: str) -> None:
            """The target ended the tunnel before its first byte: the client sees only its TLS handshake fail."""
            self._tunnel_trouble(
                target,
                Cut("unreachable", "CONNECT", target, None, time.monotonic() - started, detail=detail, cause=cause),
            )

        async def upstream_to_client() -> None:
            nonlocal received
            while True:
                try:
                    data = await up_reader.read(_CHUNK)
                except OSError as exc:  # reset by the target
                    if not received:
                        hung_up("reset", f"closed the connection before answering ({exc.strerror or exc})")
                    return
                if not data:
                    if not received:
                        hung_up("closed", "closed the connection before answering")
                    return
                if not received and not 0x14 <= data[0] <= 0x18:
                    # not a TLS record, in answer to the client's TLS handshake (CONNECT is for https:// only)
                    hung_up("not_tls", _not_tls(data))
                received += len(data)
                if received > self.max_bytes:
                    self._record(Cut("too_big", "CONNECT", target, None, time.monotonic() - started, received, True))
                    return
                writer.write(data)
                await writer.drain()

        async def client_to_upstream() -> None:
            while data := await reader.read(_CHUNK):
                up_writer.write(data)
                await up_writer.drain()

        relay = [asyncio.ensure_future(upstream_to_client()), asyncio.ensure_future(client_to_upstream())]
        try:
            done, pending = await asyncio.wait(relay, timeout=self.timeout, return_when=asyncio.FIRST_COMPLETED)
            if not done:
                self._record(
                    Cut("timeout", "CONNECT", target, None, time.monotonic() - started, received, received > 0)
                )
        finally:
            for task in relay:
                task.cancel()
            up_writer.close()


def _why(cut: Cut) -> str:
    return "timed out" if cut.kind == "timeout" else "answered over the size limit"


def _not_tls(data: bytes) -> str:
    """What a target answered instead of TLS: ``plain HTTP`` (a status line, or an HTTP/0.9 page such as
    Python's http.server sends to a line it cannot parse), else its first line."""
    if data.startswith(b"HTTP/") or data.lstrip()[:1] == b"<":
        return "plain HTTP"
    return repr(data.split(b"\n", 1)[0][:60].decode("latin-1").strip())


def _marked(status: int, kind: str, detail: str, cause: str = "") -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    content = json.dumps({"contracts-guard": kind, "detail": detail, "cause": cause}).encode()
    headers = [
        (MARKER.encode(), kind.encode()),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
    ]
    return status, headers, content
