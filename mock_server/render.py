"""The one place a vendor answer becomes bytes: compact JSON (as FastAPI and DRF send it), ``application/json``.

The handlers' responses, Connexion's error handlers and the last-resort middleware all render through here.
A handler's 200 body (a fixture object or a memoised view of one) becomes a :class:`Ready` answer once: its
bytes and headers are computed the first time it is served, then only sent.
"""

from __future__ import annotations

import json
from typing import Any

from mock_server.errors import VendorError

__all__ = ["Ready", "encode", "raw_headers", "ready", "render"]

_ENCODED: dict[int, tuple[Any, bytes]] = {}


def encode(body: Any, *, stable: bool = False) -> bytes:
    """JSON bytes of ``body``. A ``stable`` body (a fixture object or a memoised view of one, never
    mutated) is encoded once; keeping a reference to it makes the ``id`` check safe."""
    cached = _ENCODED.get(id(body)) if stable else None
    if cached is not None and cached[0] is body:
        return cached[1]
    content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    if stable:
        if len(_ENCODED) >= 4096:  # bodies of replaced fixture versions are dropped now and then
            _ENCODED.clear()
        _ENCODED[id(body)] = (body, content)
    return content


def render(error: VendorError) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of a vendor error answer; the headers include its Content-Type."""
    return error.status_code, {**error.headers, "content-type": "application/json"}, encode(error.body)


def raw_headers(headers: dict[str, str], body: bytes) -> list[tuple[bytes, bytes]]:
    """ASGI headers for ``headers`` and a body of ``len(body)`` bytes."""
    out = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
    return [*out, (b"content-length", str(len(body)).encode())]


class Ready:
    """An answer ready to send (an ASGI app, like a Starlette ``Response``, and the same two messages one sends:
    ``content-length`` then ``content-type`` after the given headers). The messages are made anew for each
    request: a middleware may change them (CORS adds its headers); the header list is never changed."""

    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


_JSON = (b"content-type", b"application/json")
_READY: dict[int, tuple[Any, Ready]] = {}


def ready(body: Any) -> Ready:
    """The 200 answer of a stable ``body`` (a fixture object or a memoised view of one, never mutated), made
    once per body; keeping a reference to it makes the ``id`` check safe."""
    cached = _READY.get(id(body))
    if cached is not None and cached[0] is body:
        return cached[1]
    content = encode(body, stable=True)
    answer = Ready(200, [(b"content-length", str(len(content)).encode()), _JSON], content)
    if len(_READY) >= 4096:  # answers of replaced fixture versions are dropped now and then
        _READY.clear()
    _READY[id(body)] = (body, answer)
    return answer
