"""The mock's own answers, before the vendor's routes: ``/__mock/`` (the request journal), the index page at
``/`` and at the base path, and ``414`` in the vendor's format for a request target longer than the HTTP
server hands over whole (``_http.URL_LIMIT``).

``/__mock/`` is reserved: it is not in the vendor's spec nor its Swagger UI, and ``check_reserved`` refuses a
spec or base path that would put a vendor path there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server._http import URL_LIMIT, url_size
from mock_server.errors import UsageError, VendorError
from mock_server.index import index_document, index_html
from mock_server.journal import RESERVED, RESERVED_METHODS, Filters, Journal
from mock_server.render import raw_headers, render

__all__ = ["MockRoutes", "check_reserved"]

_REQUESTS = RESERVED + "requests"


def check_reserved(api: str, spec: dict[str, Any], base_path: str) -> None:
    """``UsageError`` when a vendor path under ``base_path`` would fall under the reserved ``/__mock/``."""
    reserved = RESERVED.rstrip("/")
    if base_path == reserved or base_path.startswith(RESERVED):
        raise UsageError(f"--base-path {base_path} is under {RESERVED}, which the mock reserves for its own paths")
    for template in spec.get("paths") or {}:
        full = base_path + template
        first = template.lstrip("/").split("/", 1)[0]
        if full == reserved or full.startswith(RESERVED) or (not base_path and first.startswith("{")):
            raise UsageError(
                f"spec {api}: path {template} under base path {base_path or '/'} could address {RESERVED}..., which "
                f"the mock reserves for its own paths (the request journal); serve it under another --base-path"
            )


async def _json(send: Send, status: int, body: Any, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    headers = raw_headers({"content-type": "application/json"}, data) + (extra or [])
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def _origin(scope: Scope) -> str:
    host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), None)
    if host is None:
        server = scope.get("server") or ("127.0.0.1", 80)
        host = f"[{server[0]}]:{server[1]}" if ":" in str(server[0]) else f"{server[0]}:{server[1]}"
    return f"{scope.get('scheme', 'http')}://{host}"


class MockRoutes:
    """Serves the reserved paths and the index; everything else goes on to the vendor's app."""

    def __init__(
        self,
        app: ASGIApp,
        api: str,
        base_path: str,
        journal: Journal,
        fixtures: Callable[[], Any],
        errors: Any,
        index_paths: frozenset[str],
    ) -> None:
        self.app = app
        self.api = api
        self.base_path = base_path
        self.journal = journal
        self.fixtures = fixtures
        self.errors = errors
        self.index_paths = index_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        size = url_size(scope)
        if size is not None:
            detail = f"the request target is {size:,} bytes; this server takes at most {URL_LIMIT:,}"
            await self._vendor(send, self.errors.uri_too_long(detail))
        elif path.startswith(RESERVED):
            await self._reserved(scope, send)
        elif path in self.index_paths and scope["method"] in ("GET", "HEAD"):
            await self._index(scope, send)
        else:
            await self.app(scope, receive, send)

    async def _vendor(self, send: Send, error: VendorError) -> None:
        status, headers, body = render(error)
        await send({"type": "http.response.start", "status": status, "headers": raw_headers(headers, body)})
        await send({"type": "http.response.body", "body": body})

    async def _reserved(self, scope: Scope, send: Send) -> None:
        method = scope["method"]
        if scope["path"] != _REQUESTS:
            await _json(send, 404, {"error": f"no such mock path; the mock's own paths are {_REQUESTS}"})
        elif method in ("GET", "HEAD"):
            query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
            try:
                filters = Filters.parse(query)
            except ValueError as exc:
                await _json(send, 400, {"error": str(exc)})
                return
            entries = list(self.journal.entries(filters))
            body = {
                "api": self.api,
                "count": len(entries),
                "kept": len(self.journal),
                "limit": self.journal.size,
                "dropped": self.journal.dropped,
                "requests": entries,
            }
            await _json(send, 200, body)
        elif method == "DELETE":
            await _json(send, 200, {"cleared": self.journal.clear()})
        else:
            allow = ", ".join(m for m in RESERVED_METHODS if m != "OPTIONS")
            await _json(
                send, 405, {"error": f"{method} {_REQUESTS}: use {allow}"}, [(b"allow", allow.encode("latin-1"))]
            )

    async def _index(self, scope: Scope, send: Send) -> None:
        doc = index_document(self.api, self.fixtures(), _origin(scope), self.base_path)
        accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
        if b"text/html" in accept:
            data = index_html(doc).encode()
            headers = raw_headers({"content-type": "text/html; charset=utf-8"}, data)
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": data})
        else:
            await _json(send, 200, doc)
