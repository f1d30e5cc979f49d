"""The HTTP server's own limits, moved into the app where uvicorn allows it; and one write per small answer.

uvicorn's httptools protocol refuses a request whose URL is longer than httptools' URL parser accepts
(65,535 bytes) with ``400 text/plain`` and a WARNING per request, before the app sees it. Here such a
request reaches the app: the request line keeps its first ``URL_LIMIT`` bytes (memory stays bounded
whatever the client sends) and the scope carries the URL's full size as the ``mock_server.url_size``
extension, so the app answers ``414`` in the vendor's format, with CORS headers, and journals it.

Still outside the app's reach (answered by uvicorn with ``400 text/plain`` and a rate-limited warning,
see ``logs.py``): bytes that are not HTTP/1.1 (a malformed request line, invalid header characters,
bad chunked framing) and upgrade requests. Without httptools (the h11 fallback) the request line and
headers together may take ``URL_LIMIT`` plus 64 KiB; a longer head is refused by h11 the same way.

uvicorn writes a response's head and its body with two writes, two system calls, which cost a small answer as
much as everything else the server does for it; with httptools, each response's writer is a ``OneWrite``,
which sends the head together with the body's first part (the same bytes, one system call).
"""

from __future__ import annotations

import asyncio
import importlib.util
import urllib.parse
from typing import Any

from starlette.types import Scope

__all__ = ["URL_LIMIT", "URL_SIZE", "OneWrite", "http_protocol", "url_size"]

URL_LIMIT = 65_535  # bytes of request target the app gets: httptools' own URL parser limit
URL_SIZE = "mock_server.url_size"  # scope["extensions"] key: the full size of an over-long request target
H11_HEAD_LIMIT = URL_LIMIT + 64 * 1024


def url_size(scope: Scope) -> int | None:
    """The size in bytes of the request target when it was longer than ``URL_LIMIT`` (else None)."""
    extensions = scope.get("extensions")
    if extensions and URL_SIZE in extensions:
        return int(extensions[URL_SIZE])
    query = scope.get("query_string") or b""
    size = len(scope.get("raw_path") or b"") + (len(query) + 1 if query else 0)
    return size if size > URL_LIMIT else None


class OneWrite:
    """The connection as one response's writer sees it: the response head is held until the body's first write,
    which sends both at once (one system call, not two, for an answer that fits in one body message), or until
    the event loop's next turn (a HEAD answer, a body that comes later). The bytes sent are the same."""

    __slots__ = ("_held", "_transport")

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self._held: bytes | None = None

    def write(self, data: bytes) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held + data)
        elif data.startswith(b"HTTP/"):  # a response head (or a 100 Continue): held for one turn at most
            self._held = data
            asyncio.get_running_loop().call_soon(self.flush)
        else:
            self._transport.write(data)

    def flush(self) -> None:
        held = self._held
        if held is not None:
            self._held = None
            self._transport.write(held)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def _long_url_protocol() -> Any:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class LongURLHttpToolsProtocol(HttpToolsProtocol):
        """uvicorn's httptools protocol that hands over-long URLs to the app instead of answering 400."""

        _url_size = 0

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._url_size = 0

        def on_url(self, url: bytes) -> None:
            self._url_size += len(url)
            room = URL_LIMIT - len(self.url)
            if room > 0:
                self.url += url[:room]

        def on_headers_complete(self) -> None:
            self._headers_complete()
            cycle: Any = self.cycle  # the request's response writer, just made (or None: an upgrade)
            if cycle is not None and not isinstance(cycle.transport, OneWrite):
                cycle.transport = OneWrite(self.transport)

        def _headers_complete(self) -> None:
            if self._url_size <= URL_LIMIT:
                super().on_headers_complete()
                return
            target = self.url
            # httptools.parse_url refuses it: let uvicorn build the scope for "/" and put the cut target in.
            self.url = b"/"
            super().on_headers_complete()
            self.url = target
            path, _, query = target.partition(b"#")[0].partition(b"?")
            if path.startswith((b"http://", b"https://")):  # absolute-form request target
                path = b"/" + path.split(b"/", 3)[-1] if path.count(b"/") >= 3 else b"/"
            scope: Any = self.scope  # the ASGI task runs later in the loop: it sees these values
            raw = path.decode("latin-1")
            scope["raw_path"] = self.root_path.encode("ascii") + path
            scope["path"] = self.root_path + (urllib.parse.unquote(raw) if "%" in raw else raw)
            scope["query_string"] = query
            scope.setdefault("extensions", {})[URL_SIZE] = self._url_size

    return LongURLHttpToolsProtocol


def http_protocol() -> tuple[Any, dict[str, Any]]:
    """(uvicorn ``http`` setting, extra ``uvicorn.Config`` options): httptools with long URLs handed to the
    app when httptools is installed, else h11 with a head limit that admits ``URL_LIMIT``-byte URLs."""
    if importlib.util.find_spec("httptools") is not None:
        return _long_url_protocol(), {}
    return "h11", {"h11_max_incomplete_event_size": H11_HEAD_LIMIT}
