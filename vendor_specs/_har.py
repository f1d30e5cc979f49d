"""Browser captures (HAR, as devtools export them): their entries as exchanges, and which hosts belong to a vendor.

``contracts validate --har`` judges a capture's entries; ``mock-server record --har`` learns fixtures from
them. Both read them here: :func:`read_har` (a file's ``log.entries``), :func:`har_request` (an entry's method
and URL, to find its operation), :func:`har_exchange` (the entry as the :class:`HttpExchange` the judge
takes), and :class:`HostRule` (whose hosts a vendor's are). An entry that cannot be judged raises
:class:`InvalidHar` with a sentence saying what to do, the same for both commands.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from vendor_specs._decoding import InvalidJson, decode_json
from vendor_specs._judge import HttpExchange
from vendor_specs._match import Operation
from vendor_specs._servers import servers

__all__ = [
    "HAR_NOT_ANSWERS",
    "HostRule",
    "InvalidHar",
    "har_body",
    "har_entries",
    "har_exchange",
    "har_pairs",
    "har_request",
    "read_har",
]

#: statuses a browser records that are not the API's answer
HAR_NOT_ANSWERS = {
    0: "no response (blocked, cancelled or failed in the browser)",
    304: "304 Not Modified: the browser reused its cached copy, the capture has no answer to validate",
}


class InvalidHar(ValueError):
    """A capture, an entry or an option about one that cannot be used; the message says why."""


def har_entries(document: Any) -> list[Any]:
    """The ``log.entries`` list of a decoded HAR document."""
    log = document.get("log") if isinstance(document, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise InvalidHar("is not a HAR file: no log.entries list; export it from the browser's network panel")
    return entries


def read_har(path: str | Path) -> list[Any]:
    """The entries of the HAR file at ``path`` (:class:`InvalidHar` says why not; callers name the file)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidHar(f"cannot be read ({exc.strerror or exc}); check the path") from None
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError:
        try:  # the stdlib reads what orjson refuses (lone surrogates in a body's text), or says where it breaks
            document = decode_json(data, max(len(data), 1))
        except InvalidJson as exc:
            raise InvalidHar(f"{exc}; export the capture again (devtools: Save all as HAR)") from None
    return har_entries(document)


def har_pairs(items: Any, where: str) -> dict[str, str]:
    """A HAR ``[{name, value}]`` list (headers, cookies) as a dict; HTTP/2 pseudo-headers (``:authority``) left out."""
    if items is None:
        return {}
    if not isinstance(items, list) or not all(isinstance(i, dict) and "name" in i for i in items):
        raise InvalidHar(f"{where} is not a list of {{name, value}} objects")
    return {str(i["name"]): str(i.get("value", "")) for i in items if not str(i["name"]).startswith(":")}


def har_body(content: Any, max_bytes: int) -> bytes | None:
    """A HAR ``response.content``'s body as bytes (``encoding: base64`` decoded), None when it was not captured."""
    if not isinstance(content, dict) or content.get("text") is None:
        return None
    text = content["text"]
    if not isinstance(text, str):
        raise InvalidHar("response.content.text is not a string")
    encoding = content.get("encoding")
    if encoding == "base64":
        if len(text) > max_bytes * 4 // 3 + 4:
            raise InvalidHar(f"response body is over the {max_bytes:,}-byte limit; raise it with --max-body-mb")
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidHar("response.content.text is marked base64 but is not valid base64") from None
    if encoding not in (None, ""):
        raise InvalidHar(
            f"response.content.encoding {encoding!r} is not supported: a HAR body is plain text or base64; "
            "re-export the HAR from the browser"
        )
    return text.encode("utf-8", "surrogatepass")


def har_request(entry: Any) -> tuple[str, str]:
    """(method, URL) of an entry's request, as written."""
    request = entry.get("request") if isinstance(entry, dict) else None
    method = request.get("method") if isinstance(request, dict) else None
    url = request.get("url") if isinstance(request, dict) else None
    if not isinstance(method, str) or not isinstance(url, str):
        raise InvalidHar("has no request.method or request.url; is this a HAR entry?")
    return method, url


def har_exchange(entry: Any, op: Operation, max_bytes: int) -> HttpExchange:
    """An entry addressing ``op`` as the exchange the judge takes; :class:`InvalidHar` when it cannot be judged.

    Its body is as the browser decoded it (no Content-Encoding); a status of :data:`HAR_NOT_ANSWERS` has none.
    A body the operation documents for the status must have been captured, and a JSON one (a ``json`` media
    type, a documented status) must be whole: a capture cut short is no answer to judge.
    """
    method, url = har_request(entry)
    request = entry["request"]
    headers = {k.lower(): v for k, v in har_pairs(request.get("headers"), "request.headers").items()}
    cookies = har_pairs(request.get("cookies"), "request.cookies")
    if cookies and "cookie" not in headers:
        headers["cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    response = entry.get("response")
    status = response.get("status") if isinstance(response, dict) else None
    if not isinstance(response, dict) or not isinstance(status, int) or isinstance(status, bool):
        raise InvalidHar("has no response.status; re-export the HAR with responses")
    answer = {k.lower(): v for k, v in har_pairs(response.get("headers"), "response.headers").items()}
    answer.pop("content-encoding", None)  # a capture's body is already decoded
    answer.pop("content-length", None)
    content: dict[str, Any] = response["content"] if isinstance(response.get("content"), dict) else {}
    if not answer.get("content-type"):
        answer.pop("content-type", None)
        if content.get("mimeType"):
            answer["content-type"] = str(content["mimeType"])
    body = har_body(content, max_bytes) if status not in HAR_NOT_ANSWERS else b""
    if body is None and op.responses.get(str(status), {}).get("content"):
        raise InvalidHar("response body was not captured (no content.text); export the HAR with content")
    content_type = answer.get("content-type")
    if body is not None and content_type and "json" in content_type and status in op.statuses:
        _whole_json(body, max_bytes)
    parts = urlsplit(url)
    return HttpExchange(
        method.upper(),
        parts.path or "/",
        parts.query.encode("utf-8", "replace"),
        [(k.encode("latin-1", "replace"), v.encode("latin-1", "replace")) for k, v in headers.items()],
        status,
        [(k.encode("latin-1", "replace"), v.encode("latin-1", "replace")) for k, v in answer.items()],
        body or b"",
    )


def _whole_json(body: bytes, max_bytes: int) -> None:
    """Nothing, when ``body`` is one JSON value within ``max_bytes``; else :class:`InvalidHar` saying why."""
    if len(body) <= max_bytes:
        try:
            orjson.loads(body)
            return
        except orjson.JSONDecodeError:
            pass  # the stdlib reads what orjson refuses (NaN, a BOM), or says where it breaks
    try:
        decode_json(body, max_bytes)
    except InvalidJson as exc:
        raise InvalidHar(f"response body {exc}") from None


@functools.lru_cache(maxsize=None)
def _hosts(api: str) -> frozenset[str]:
    """The host names of ``api``'s ``servers`` (variables at their defaults)."""
    return frozenset(server.host for server in servers(api) if server.host)


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_port(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port out of range in a captured URL: it cannot equal a --host port
        port = -1
    if port is None:
        port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    return (parts.hostname or "").rstrip("."), port


class HostRule:
    """Which hosts of a capture belong to the API under test.

    Given hosts (``HOST`` or ``HOST:PORT``, e.g. ``staging.example.com:8443``; ``option`` names where they
    came from in messages): only those. Otherwise the
    host names of each spec's ``servers`` for that spec, plus loopback hosts (``localhost``, ``127.x.x.x``,
    ``[::1]``: a mock or dev server) for every spec.
    """

    def __init__(self, hosts: Sequence[str] | None = None, option: str = "--host") -> None:
        self.given: list[tuple[str, int | None]] = [self._parse(h, option) for h in hosts or ()]

    @staticmethod
    def _parse(value: str, option: str) -> tuple[str, int | None]:
        text = value.strip()
        parts = urlsplit(text if "://" in text else "//" + text)
        try:
            port = parts.port
        except ValueError:
            raise InvalidHar(f"{option} {value!r}: the port is not a number from 1 to 65535") from None
        if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.username:
            raise InvalidHar(f"{option} {value!r} is not HOST or HOST:PORT, e.g. staging.example.com:8443")
        if port is None and "://" in text:
            port = {"http": 80, "https": 443}.get(parts.scheme.lower())
        return parts.hostname.rstrip("."), port

    def allows(self, api: str, url: str) -> bool:
        host, port = _host_port(url)
        if self.given:
            return any(host == h and (p is None or port == p) for h, p in self.given)
        return host in _hosts(api) or _is_loopback(host)

    @staticmethod
    def shown(url: str) -> str:
        """``host[:port]`` of ``url`` as messages name it (never its user:password@)."""
        return urlsplit(url).netloc.rsplit("@", 1)[-1].lower()
