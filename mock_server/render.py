"""The one place a vendor answer becomes bytes: compact JSON (as FastAPI and DRF send it), ``application/json``.

The handlers' responses, Connexion's error handlers and the last-resort middleware all render through here.
"""

from __future__ import annotations

import json
from typing import Any

from mock_server.errors import VendorError

__all__ = ["encode", "raw_headers", "render"]

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
