"""Small ASGI middlewares around the Connexion stack: one log line per request, simulated latency, CORS."""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.errors import UsageError
from mock_server.journal import RESERVED, RESERVED_METHODS, request_hider
from mock_server.render import raw_headers, render

__all__ = ["CORS", "AccessLog", "LastResort", "Latency", "parse_latency"]

access_log = logging.getLogger("mock_server.access")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")
_TARGET_SHOWN = 2000  # characters of a request target in an access log line
_LATENCY_HELP = "use e.g. 200ms, 0.2s or a range 100ms-300ms (the unit, ms or s, is required)"


def _seconds(text: str, whole: str) -> float:
    m = _DURATION.match(text)
    if not m and re.fullmatch(r"\s*\d+(?:\.\d+)?\s*", text):
        raise UsageError(f"latency {whole!r} has no unit: write {text.strip()}ms or {text.strip()}s")
    if not m:
        raise UsageError(f"latency {whole!r} is not a duration: {_LATENCY_HELP}")
    value = float(m.group(1))
    return value if m.group(2) == "s" else value / 1000.0


def parse_latency(text: str | None) -> tuple[float, float] | None:
    """``"200ms"`` -> (0.2, 0.2); ``"100ms-300ms"`` -> (0.1, 0.3); None/""/"0" -> None.

    Every non-zero duration needs its unit (``ms`` or ``s``): a bare ``5`` is an error, not 5 ms."""
    if text is None or not str(text).strip() or str(text).strip() == "0":
        return None
    whole = str(text)
    low, sep, high = whole.partition("-")
    lo = _seconds(low, whole)
    hi = _seconds(high, whole) if sep else lo
    if hi < lo:
        raise UsageError(f"latency range {whole!r} goes down: write the smaller bound first")
    return None if hi == 0 else (lo, hi)


class Latency:
    """Waits a fixed or uniformly random time before each HTTP request is handled."""

    def __init__(self, app: ASGIApp, latency: tuple[float, float]) -> None:
        self.app = app
        self.low, self.high = latency

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await asyncio.sleep(self.low if self.low == self.high else random.uniform(self.low, self.high))
        await self.app(scope, receive, send)


class AccessLog:
    """One line per request: ``<api> <client> "<METHOD> <path?query>" <status> <ms>``, credentials hidden as in
    the journal (``fixtures``: the current fixture set, whose identities' tokens are shown by name)."""

    def __init__(self, app: ASGIApp, api: str, fixtures: Callable[[], Any] | None = None) -> None:
        self.app = app
        self.api = api
        self.fixtures = fixtures

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not access_log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status: list[Any] = [500]

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            query = scope.get("query_string", b"").decode("latin-1")
            path = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
            client = (scope.get("client") or ("-", 0))[0]
            elapsed = (time.perf_counter() - start) * 1000
            hider = request_hider(self.api, self.fixtures() if self.fixtures is not None else None)
            path, _, query = hider.target(path + (f"?{query}" if query else "")).partition("?")
            target = path + (f"?{query}" if query else "")
            if len(target) > _TARGET_SHOWN:  # an over-long URL is not copied into the log whole
                target = f"{target[:_TARGET_SHOWN]}...({len(target):,} characters)"
            access_log.info(
                '%s %s "%s %s" %s %.1fms',
                self.api,
                client,
                scope["method"],
                target,
                status[0],
                elapsed,
                extra={
                    "api": self.api,
                    "client": client,
                    "method": scope["method"],
                    "path": path[:_TARGET_SHOWN],
                    "query": query[:_TARGET_SHOWN],
                    "status": status[0],
                    "duration_ms": round(elapsed, 3),
                },
            )


class CORS:
    """CORS that browsers accept with credentials: the request's ``Origin`` is echoed (never ``*``) with
    ``Access-Control-Allow-Credentials: true``, on every response including errors; a preflight is
    answered 200 (empty body) with the requested headers allowed and the API's methods listed, also when it
    asks for another method (the browser then refuses that request). (Starlette's CORSMiddleware does the same with
    ``allow_origins=["*"], allow_credentials=True``; this one reads the raw headers once, which matters
    at the mock's request rates.)"""

    def __init__(
        self,
        app: ASGIApp,
        methods: list[str],
        max_age: int = 600,
        reserved: tuple[str, tuple[str, ...]] = (RESERVED, RESERVED_METHODS),
    ) -> None:
        self.app = app
        self.methods = {m.upper() for m in methods} | {"HEAD", "OPTIONS"}
        self.allow_methods = ", ".join(sorted(self.methods)).encode()
        self.max_age = str(max_age).encode()
        # the mock's own paths (the journal) have their own methods, e.g. DELETE /__mock/requests
        self.reserved_prefix = reserved[0]
        self.reserved_methods = ", ".join(sorted(reserved[1])).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = request_method = request_headers = None
        for key, value in scope["headers"]:
            if key == b"origin":
                origin = value
            elif key == b"access-control-request-method":
                request_method = value
            elif key == b"access-control-request-headers":
                request_headers = value
        if origin is not None and request_method is not None and scope["method"] == "OPTIONS":
            own = scope["path"].startswith(self.reserved_prefix)
            await self._preflight(origin, request_headers, send, self.reserved_methods if own else self.allow_methods)
            return
        extra = [(b"vary", b"Origin")]
        if origin is not None:
            extra += [(b"access-control-allow-origin", origin), (b"access-control-allow-credentials", b"true")]

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, origin: bytes, requested: bytes | None, send: Send, methods: bytes) -> None:
        # Every preflight, even one asking for a method the API does not have (e.g. DELETE), is answered
        # 200 with the allowed methods listed: the browser then refuses the actual request itself, as with
        # most servers. (Starlette's CORSMiddleware answers 400 text/plain instead.)
        headers = [
            (b"vary", b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers"),
            (b"access-control-allow-origin", origin),
            (b"access-control-allow-credentials", b"true"),
            (b"access-control-allow-methods", methods),
            (b"access-control-max-age", self.max_age),
            (b"content-length", b"0"),
        ]
        if requested:
            headers.append((b"access-control-allow-headers", requested))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


class LastResort:
    """Outermost: an exception that escapes every error handler still gets the vendor's 500 body.

    (Connexion 3.3's ServerErrorMiddleware cannot do it on Starlette 1.x: its async ``error_response``
    is called without ``await``.) Subclasses set ``errors`` to the vendor's ``ErrorFormat``."""

    errors: Any = None

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            logging.getLogger("mock_server.errors").error(
                "unhandled error on %s %s: %r", scope.get("method"), scope.get("path"), exc, exc_info=exc
            )
            if started:
                raise
            status, headers, body = render(self.errors.server_error())
            await send({"type": "http.response.start", "status": status, "headers": raw_headers(headers, body)})
            await send({"type": "http.response.body", "body": body})
