"""Small ASGI middlewares around the Connexion stack: one log line per request and simulated latency."""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.errors import UsageError

__all__ = ["AccessLog", "Latency", "parse_latency"]

access_log = logging.getLogger("mock_server.access")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$")


def _seconds(text: str) -> float:
    m = _DURATION.match(text)
    if not m:
        raise UsageError(f"latency {text!r} is not a duration: use e.g. 200ms, 0.2s or a range 100ms-300ms")
    value = float(m.group(1))
    return value if m.group(2) == "s" else value / 1000.0


def parse_latency(text: str | None) -> tuple[float, float] | None:
    """``"200ms"`` -> (0.2, 0.2); ``"100ms-300ms"`` -> (0.1, 0.3); None/"0" -> None."""
    if text is None or not str(text).strip():
        return None
    low, sep, high = str(text).partition("-")
    lo = _seconds(low)
    hi = _seconds(high) if sep else lo
    if hi < lo:
        raise UsageError(f"latency range {text!r} goes down: write the smaller bound first")
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
    """One line per request: ``<api> <client> "<METHOD> <path?query>" <status> <ms>``."""

    def __init__(self, app: ASGIApp, api: str) -> None:
        self.app = app
        self.api = api

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
            target = scope.get("raw_path", scope["path"].encode()).decode("latin-1") + (f"?{query}" if query else "")
            client = (scope.get("client") or ("-", 0))[0]
            access_log.info('%s %s "%s %s" %s %.1fms', self.api, client, scope["method"], target, status[0], (time.perf_counter() - start) * 1000)
