"""A small keep-alive HTTP/1.1 client for one upstream origin: asyncio protocols parsed by httptools.

The one way the proxy (``mock_server``) and the harness's guard (``contracts``) reach a server under test. Each exchange (connection, request, status line, headers, body) has
one deadline, ``timeout`` seconds after it starts: an upstream that drips its body is cut at the deadline.
A body is never held beyond ``max_body`` bytes: a larger ``Content-Length`` is refused before a byte of it
is read, a chunked or unframed body is cut the moment it passes the cap. Both close the connection.
Every failure is an :class:`UpstreamError` whose ``reason`` says what the upstream did, in words (and, for a
connection that never carried an answer, whose ``cause`` names the kind: DNS, refused, TLS, reset, ...).

Connections are reused (up to ``max_idle`` kept idle, most recently used first). A reused connection that
the upstream had closed without a byte of answer is retried once on a new one for idempotent methods (the
other idle ones are dropped: they are likely closed as well).
Bytes are sent as given: the request target is not re-encoded (``%2F`` stays ``%2F``) and the answer's
headers and body come back as received (chunked framing removed).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast
from urllib.parse import urlsplit

import httptools

__all__ = ["FRAMING", "HOP_BY_HOP", "Upstream", "UpstreamError", "UpstreamResponse", "decoded"]

#: hop-by-hop fields (RFC 9110 section 7.6.1), lower case: a proxy never passes them on
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"proxy-connection", b"proxy-authorization", b"te", b"trailer", b"upgrade"}
)
#: message framing (RFC 9112 section 6): whoever sends a body again recomputes it
FRAMING = frozenset({b"content-length", b"transfer-encoding"})

Headers = Sequence[tuple[bytes, bytes]]
_IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


@dataclass(frozen=True)
class UpstreamResponse:
    status: int
    headers: list[tuple[bytes, bytes]]  # as received, names in the upstream's case
    body: bytes  # as received, without chunked framing; empty for HEAD, 204 and 304


class UpstreamError(Exception):
    """The upstream gave no usable answer. ``kind``: ``timeout`` (the deadline passed), ``too_big`` (the body
    passed the cap), ``unreachable`` (no connection, or closed before answering), ``not_http`` (an answer that is
    not HTTP, or a malformed one). ``answered``: its status line and headers had arrived; ``received``: body
    bytes read before it stopped.

    ``cause``, for a connection that carried no answer at all: ``dns`` (the host name does not resolve),
    ``dns_again`` (the resolver failed for now), ``refused``, ``timeout`` (no connection in time), ``tls`` (the
    handshake failed), ``certificate`` (the server's certificate is not trusted), ``reset`` (reset before
    answering), ``closed`` (closed before answering), ``other``; empty otherwise."""

    def __init__(
        self, reason: str, *, kind: str = "unreachable", answered: bool = False, received: int = 0, cause: str = ""
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind
        self.answered = answered
        self.received = received
        self.cause = cause

    @classmethod
    def connecting(cls, exc: BaseException, timeout: float) -> UpstreamError:
        """Why opening a connection failed (``exc``: what the socket, the resolver or TLS raised), in words."""
        if isinstance(exc, TimeoutError):  # asyncio.TimeoutError is TimeoutError since Python 3.11
            return cls(f"timed out after {timeout:g} s while connecting", kind="timeout", cause="timeout")
        if isinstance(exc, ConnectionRefusedError):
            return cls("connection refused (is it running, on that port?)", cause="refused")
        if isinstance(exc, socket.gaierror):
            cause = "dns_again" if exc.errno == socket.EAI_AGAIN else "dns"
            return cls(f"host name not found ({exc.strerror or exc})", cause=cause)
        if isinstance(exc, ssl.SSLCertVerificationError):
            why = getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or exc
            return cls(f"TLS certificate not trusted ({why})", cause="certificate")
        if isinstance(exc, ssl.SSLError):
            return cls(f"TLS handshake failed ({getattr(exc, 'reason', None) or exc})", cause="tls")
        if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
            return cls(f"the connection was reset ({exc.strerror or exc})", cause="reset")
        if isinstance(exc, OSError):
            return cls(f"could not connect ({exc.strerror or exc})", cause="other")
        return cls(f"could not connect ({exc or type(exc).__name__})", cause="other")


class _Stale(Exception):
    """A reused connection was closed by the upstream before any byte of the answer: safe to retry."""


def _mb(size: int) -> str:
    return f"{size // 1_048_576} MB" if size % 1_048_576 == 0 else f"{size}-byte"


class _Connection(asyncio.Protocol):
    """One TCP connection; one exchange at a time."""

    def __init__(self, max_body: int) -> None:
        self.max_body = max_body
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reusable = False
        self._waiter: asyncio.Future[UpstreamResponse] | None = None
        self._parser: httptools.HttpResponseParser | None = None

    # ----------------------------------------------------------------- one exchange
    def send(self, data: bytes, *, head_only: bool, reused: bool) -> asyncio.Future[UpstreamResponse]:
        assert self.transport is not None
        loop = asyncio.get_running_loop()
        self._waiter = loop.create_future()
        self._parser = httptools.HttpResponseParser(self)
        self._head_only, self._reused = head_only, reused
        self._status = 0
        self._headers: list[tuple[bytes, bytes]] = []
        self._chunks: list[bytes] = []
        self._size = 0
        self._received = 0
        self._headers_done = False
        self._until_close = False  # a body without Content-Length or chunked framing: it ends when the connection does
        self.reusable = False
        self.transport.write(data)
        return self._waiter

    def time_out(self, timeout: float) -> None:
        """The deadline passed: fail the exchange, saying how far the answer got, and drop the connection."""
        if self._headers_done:
            self._fail(f"timed out after {timeout:g} s reading its body ({self._size} bytes received)", "timeout")
        elif self._received:
            self._fail(f"timed out after {timeout:g} s in the middle of its status line and headers", "timeout")
        else:
            self._fail(f"timed out after {timeout:g} s waiting for its answer", "timeout")

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    def _finish(self, result: UpstreamResponse | BaseException) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is None or waiter.done():
            return
        if isinstance(result, BaseException):
            self.abort()
            waiter.set_exception(result)
        else:
            waiter.set_result(result)

    def _fail(self, reason: str, kind: str) -> None:
        self._finish(UpstreamError(reason, kind=kind, answered=self._headers_done, received=self._size))

    def _complete(self, body: bytes) -> None:
        assert self._parser is not None
        self.reusable = not self._until_close and self._parser.should_keep_alive()
        self._finish(UpstreamResponse(self._status, self._headers, body))

    # ----------------------------------------------------------------- asyncio callbacks
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports do not subclass asyncio's

    def data_received(self, data: bytes) -> None:
        if self._waiter is None:  # bytes nobody asked for: the connection cannot be trusted any more
            self.abort()
            return
        self._received += len(data)
        assert self._parser is not None
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail("switched protocols (Upgrade), which is not forwarded", "not_http")
        except httptools.HttpParserError as exc:
            if not self._status:
                self._fail(f"did not answer with HTTP ({exc or 'no valid status line'})", "not_http")
            else:
                self._fail(f"sent a malformed HTTP answer ({exc})", "not_http")

    def eof_received(self) -> bool | None:
        self._ended()
        return None  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._ended(exc)

    def _ended(self, exc: Exception | None = None) -> None:
        if self._waiter is None:
            return
        if self._until_close and self._headers_done:
            self._complete(b"".join(self._chunks))
        elif not self._received and self._reused:
            self._finish(_Stale())
        elif not self._received:
            detail = f" ({exc})" if exc else ""
            reset = isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError))
            self._finish(
                UpstreamError(f"closed the connection before answering{detail}", cause="reset" if reset else "closed")
            )
        elif not self._headers_done:
            self._fail("closed the connection in the middle of its status line and headers", "not_http")
        else:
            self._fail(f"closed the connection before the end of its body ({self._size} bytes received)", "not_http")

    # ----------------------------------------------------------------- httptools callbacks
    def on_message_begin(self) -> None:
        if self._headers_done:  # a second answer on the same bytes: not ours to read
            self.reusable = False
        self._headers = []

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((name, value))

    def on_headers_complete(self) -> None:
        assert self._parser is not None
        self._status = self._parser.get_status_code()
        if 100 <= self._status < 200:
            return  # informational (100 Continue): the real answer follows
        self._headers_done = True
        length, chunked = None, False
        for name, value in self._headers:
            lowered = name.lower()
            if lowered == b"content-length":
                length = int(value) if value.strip().isdigit() else None
            elif lowered == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
        if self._head_only or self._status in (204, 304):
            self._complete(b"")
            return
        if length is not None and length > self.max_body:
            self._fail(
                f"answered a body of {length} bytes, over the {_mb(self.max_body)} cap (--max-body-mb)", "too_big"
            )
            return
        self._until_close = length is None and not chunked

    def on_body(self, body: bytes) -> None:
        if self._waiter is None:
            return
        self._size += len(body)
        if self._size > self.max_body:
            self._fail(
                f"sent a body over the {_mb(self.max_body)} cap (--max-body-mb); cut after {self._size} bytes",
                "too_big",
            )
            return
        self._chunks.append(body)

    def on_message_complete(self) -> None:
        if self._waiter is None or not self._headers_done:
            return
        self._complete(b"".join(self._chunks))


@dataclass(frozen=True)
class _Address:
    host: str
    port: int
    tls: bool
    host_header: bytes


def _address(url: str) -> _Address:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    tls = parts.scheme == "https"
    host = parts.hostname if parts.hostname.isascii() else parts.hostname.encode("idna").decode("ascii")
    shown = f"[{host}]" if ":" in host else host
    header = shown if parts.port is None else f"{shown}:{parts.port}"
    return _Address(host, parts.port or (443 if tls else 80), tls, header.encode("ascii"))


class Upstream:
    """Keep-alive connections to one origin (``http://host:port`` or ``https://...``; its path is ``prefix``)."""

    def __init__(self, url: str, *, timeout: float, max_body: int, max_idle: int = 100) -> None:
        self._address = _address(url)
        parts = urlsplit(url)
        self.origin = f"{parts.scheme}://{parts.netloc}"
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.max_body = max_body
        self.max_idle = max_idle
        self._idle: list[_Connection] = []
        self._tls = ssl.create_default_context() if self._address.tls else None

    @property
    def host_header(self) -> bytes:
        """The ``Host`` the upstream expects."""
        return self._address.host_header

    async def request(self, method: str, target: bytes, headers: Headers, body: bytes = b"") -> UpstreamResponse:
        """Send ``method target`` (the target as given, the prefix already on it) with ``headers`` (sent as
        they are, add ``Host`` yourself) and ``body``; the whole answer within ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        lines = [b"%s %s HTTP/1.1\r\n" % (method.encode("ascii"), target)]
        lines += [b"%s: %s\r\n" % pair for pair in headers]
        if body or method not in _IDEMPOTENT:
            lines.append(b"content-length: %d\r\n" % len(body))
        data = b"".join(lines) + b"\r\n" + body
        for attempt in (1, 2):
            conn, reused = await self._connection(deadline)
            waiter = conn.send(data, head_only=method == "HEAD", reused=reused)
            timer = loop.call_at(deadline, conn.time_out, self.timeout)
            try:
                response = await waiter
            except _Stale:
                self._drop_idle()  # kept as long as this one: probably closed too (an idle timeout, a restart)
                if attempt == 1 and method in _IDEMPOTENT:
                    continue
                raise UpstreamError("closed a kept-alive connection without answering") from None
            except asyncio.CancelledError:  # the caller gave up: this connection is mid-exchange
                conn.abort()
                raise
            finally:
                timer.cancel()
            self._release(conn)
            return response
        raise AssertionError("unreachable")

    async def _connection(self, deadline: float) -> tuple[_Connection, bool]:
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed and conn.transport is not None and not conn.transport.is_closing():
                return conn, True
        loop = asyncio.get_running_loop()
        address = self._address
        try:
            async with asyncio.timeout_at(deadline):
                transport, protocol = await loop.create_connection(
                    lambda: _Connection(self.max_body),
                    address.host,
                    address.port,
                    ssl=self._tls,
                    server_hostname=address.host if self._tls else None,
                )
        except OSError as exc:  # TimeoutError, the resolver's, TLS's and the socket's errors
            raise UpstreamError.connecting(exc, self.timeout) from None
        protocol.transport = cast(asyncio.Transport, transport)
        return protocol, False

    def _release(self, conn: _Connection) -> None:
        if conn.reusable and not conn.closed and len(self._idle) < self.max_idle:
            self._idle.append(conn)
        else:
            conn.close()

    def _drop_idle(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    async def aclose(self) -> None:
        """Close the idle connections (those in use close when their exchange ends)."""
        self._drop_idle()
        await asyncio.sleep(0)  # let the transports finish closing in this loop


_DECODERS = {"gzip": 31, "x-gzip": 31, "deflate": 15}  # zlib wbits (deflate: zlib-wrapped, as RFC 9110 says)


def decoded(body: bytes, encoding: str, limit: int) -> bytes:
    """At most ``limit`` bytes of ``body`` without its ``Content-Encoding`` (``gzip``, ``deflate``, or none):
    never more is decompressed, whatever the body would expand to. :class:`ValueError` saying why for an
    encoding this does not decode or a broken stream."""
    name = encoding.strip().lower()
    if name in ("", "identity") or limit <= 0:
        return body[: max(limit, 0)]
    wbits = _DECODERS.get(name)
    if wbits is None:
        raise ValueError(f"Content-Encoding {encoding!r} is not decoded")
    try:
        return zlib.decompressobj(wbits).decompress(body, limit)
    except zlib.error as exc:
        if name == "deflate":  # some servers send raw deflate, without the zlib wrapper
            try:
                return zlib.decompressobj(-15).decompress(body, limit)
            except zlib.error:
                pass
        raise ValueError(f"its {name} encoding is broken ({exc})") from None
