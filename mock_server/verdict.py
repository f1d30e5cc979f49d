"""The proxy's verdict on one exchange: fast checks first, openapi-core only where they say "invalid".

openapi-core (through ``vendor_specs.request_violations`` / ``response_violations``) is the judge of record
and the source of every violation line. It runs only on the side of the exchange that a fast check could
not pass:

- the request: ``vendor_specs.request_validator``, whose verdict equals openapi-core's (parameters and
  presence of documented credentials);
- the response: documented status, a JSON media type, a body decoded by orjson and judged by
  ``vendor_specs.body_validator`` (jsonschema-rs, openapi-core's verdicts). Anything unusual (an undocumented
  status, documented response headers, another media type, NaN, integers of 19 digits or more, which orjson
  reads differently from the stdlib ``json`` openapi-core uses) simply goes to openapi-core.

Nothing is memoised: every exchange is judged afresh (only the compiled checks are kept).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import cookie_parser

import vendor_specs
from vendor_specs import OperationMatch, Violation

__all__ = ["Exchange", "Judge", "Verdict"]

Pairs = Sequence[tuple[bytes, bytes]]
_JSON_TYPE = re.compile(r"application/json(\s*;[^;=]*=[^;=]*)*", re.IGNORECASE)
_LONG_DIGITS = re.compile(rb"[0-9]{19}")  # orjson reads integers beyond 64 bits as floats; the stdlib does not
_DECODERS = {b"gzip": 31, b"x-gzip": 31, b"deflate": 15}  # zlib wbits


@dataclass(frozen=True)
class Exchange:
    """One request and the upstream's answer, as bytes from the wire (ASGI header names are lower case)."""

    method: str
    path: str  # as sent, still percent-encoded
    query: bytes
    headers: Pairs
    status: int
    response_headers: Pairs
    body: bytes

    def response_header(self, name: bytes) -> str | None:
        """The first value of a response header (``name`` in lower case), or None."""
        return next((v.decode("latin-1") for k, v in self.response_headers if k.lower() == name), None)


@dataclass(frozen=True)
class Verdict:
    """``violations``: what breaks the spec; ``refused``: request violations the upstream refused with a
    documented 4xx (it kept its contract); ``note``: why part of the exchange was not validated."""

    operation: str | None  # None: the path is no operation of the spec, nothing was validated
    violations: tuple[Violation, ...] = ()
    refused: tuple[Violation, ...] = ()
    note: str = ""

    @property
    def kind(self) -> str:
        """``violations``, ``not validated`` (no operation, or ``note`` says why not), ``refused`` (only
        documented refusals) or ``conforms``."""
        if self.violations:
            return "violations"
        if self.operation is None or self.note:
            return "not validated"
        return "refused" if self.refused else "conforms"

    @property
    def response_violated(self) -> bool:
        return any(v.where.startswith("response") for v in self.violations)

    def said(self, status: int, api: str) -> str:
        """The verdict as a log line says it: what was refused as it should be, every violation, the note
        (``conforms`` when there is nothing to say)."""
        if self.operation is None:
            return f"not an operation of the {api} spec, not validated"
        said = [f"refused with the documented {status}, as it should be: {v}" for v in self.refused]
        said += [str(v) for v in self.violations]
        said += [self.note] if self.note else []
        return "; ".join(said) or "conforms"


def _decoded(body: bytes, encoding: bytes, max_body: int) -> bytes | str:
    """``body`` without its Content-Encoding (gzip, deflate), or why it cannot be validated."""
    wbits = _DECODERS.get(encoding.strip().lower())
    if wbits is None:
        return f"response not validated: Content-Encoding {encoding.decode('latin-1')} is not decoded by the proxy"
    try:
        decoder = zlib.decompressobj(wbits)
        out = decoder.decompress(body, max_body + 1)
    except zlib.error as exc:
        return f"response not validated: its {encoding.decode('latin-1')} encoding is broken ({exc})"
    if len(out) > max_body:
        return "response not validated: over the --max-body-mb cap once decoded"
    return out


class Judge:
    """Judges exchanges of one API; everything is compiled here, up front."""

    def __init__(self, api: str, base_path: str | None, max_body: int) -> None:
        self.api = api
        self.max_body = max_body
        self.prefixes = vendor_specs.prefixes(api, base_path, with_spec=False)
        self._requests: dict[str, vendor_specs.RequestPredicate | None] = {}
        self._bodies: dict[tuple[str, int], vendor_specs.Predicate | None] = {}
        for op in vendor_specs.operations(api):
            self._requests[op.operation_id] = vendor_specs.request_validator(api, op.operation_id)
            for status in op.statuses:
                self._bodies[op.operation_id, status] = vendor_specs.body_validator(api, op.operation_id, status)
        vendor_specs.openapi_core_spec(api)  # built now, not on the first invalid exchange

    def match(self, method: str, path: str) -> OperationMatch | None:
        """The operation ``path`` (as sent) addresses under one of the prefixes, or None."""
        for prefix in self.prefixes:
            found = vendor_specs.match_operation(self.api, method, path, prefix)
            if found is not None:
                return found
        return None

    # ----------------------------------------------------------------- fast checks
    def fast(self, match: OperationMatch, exchange: Exchange) -> tuple[bool, bool]:
        """(request passes, response passes) by the fast checks; False means openapi-core must look."""
        return self._request_passes(match, exchange), self._response_passes(match, exchange)

    def _request_passes(self, match: OperationMatch, exchange: Exchange) -> bool:
        check = self._requests.get(match.operation.operation_id)
        if check is None:
            return False
        # Each location is read only if the operation asks something of it (most have no cookie, many no query).
        query = _OnDemand(lambda: dict(reversed(_query(exchange))))
        headers = _OnDemand(lambda: {k.lower(): v for k, v in reversed(_headers(exchange))})
        cookies = _OnDemand(lambda: _cookies(_headers(exchange)))
        return check(match.path_params, query, headers, cookies)

    def _response_passes(self, match: OperationMatch, exchange: Exchange) -> bool:
        op = match.operation
        response = op.responses.get(str(exchange.status))
        if response is None or "headers" in response:
            return False
        if "content" not in response:
            return True
        content = response["content"]
        content_type = exchange.response_header(b"content-type")
        if content_type is None or not _JSON_TYPE.fullmatch(content_type) or "application/json" not in content:
            return False
        if content_type.lower() != "application/json" and content_type.lower() in content:
            return False  # openapi-core would pick the media type spelled with these very parameters
        body = self.decoded(exchange)
        if not isinstance(body, bytes) or not body or _LONG_DIGITS.search(body):
            return False
        check = self._bodies.get((op.operation_id, exchange.status))
        if check is None:
            return False
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False
        return check(value)

    def decoded(self, exchange: Exchange) -> bytes | str:
        """The response body without its Content-Encoding, or why it cannot be decoded."""
        encoding = exchange.response_header(b"content-encoding")
        if encoding is None or encoding.strip().lower() == "identity":
            return exchange.body
        return _decoded(exchange.body, encoding.encode("latin-1"), self.max_body)

    def judged(self, exchange: Exchange) -> Verdict:
        """The whole verdict on one exchange, in this thread (the proxy runs openapi-core off its event loop)."""
        match = self.match(exchange.method, exchange.path)
        if match is None:
            return Verdict(None)
        request_ok, response_ok = self.fast(match, exchange)
        if request_ok and response_ok:
            return Verdict(match.operation.operation_id)
        return self.verdict(match, exchange, request_ok, response_ok)

    # ----------------------------------------------------------------- openapi-core
    def verdict(self, match: OperationMatch, exchange: Exchange, request_ok: bool, response_ok: bool) -> Verdict:
        """openapi-core's findings on the sides the fast checks did not pass (slow: run it off the event loop)."""
        op = match.operation
        found: list[Violation] = []
        if not request_ok:
            query, headers, cookies = _request_parts(exchange)
            found += vendor_specs.request_violations(match, query, headers, cookies)
        refused: tuple[Violation, ...] = ()
        if found and vendor_specs.documented_refusal(op, exchange.status):
            refused, found = tuple(found), []
        note = ""
        if not response_ok:
            body = self.decoded(exchange)
            if isinstance(body, str):
                note = body
            else:
                content_type = exchange.response_header(b"content-type")
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in exchange.response_headers]
                found += vendor_specs.response_violations(match, exchange.status, body, content_type, headers)
        return Verdict(op.operation_id, tuple(found), refused, note)


def _query(exchange: Exchange) -> list[tuple[str, str]]:
    """The query's pairs, percent-decoded as UTF-8."""
    return [
        (name.decode("utf-8", "replace"), value.decode("utf-8", "replace"))
        for name, value in parse_qsl(exchange.query, keep_blank_values=True)
    ]


def _headers(exchange: Exchange) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in exchange.headers]


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    cookie = next((value for name, value in headers if name.lower() == "cookie"), None)
    return cookie_parser(cookie) if cookie else {}


def _request_parts(exchange: Exchange) -> tuple[list[tuple[str, str]], list[tuple[str, str]], dict[str, str]]:
    """(query pairs, header pairs, cookies) as openapi-core reads them."""
    headers = _headers(exchange)
    return _query(exchange), headers, _cookies(headers)


class _OnDemand(Mapping[str, str]):
    """A mapping built by ``make`` the first time it is read."""

    __slots__ = ("_data", "_make")

    def __init__(self, make: Callable[[], dict[str, str]]) -> None:
        self._make = make
        self._data: dict[str, str] | None = None

    def _built(self) -> dict[str, str]:
        if self._data is None:
            self._data = self._make()
        return self._data

    def __getitem__(self, name: str) -> str:
        return self._built()[name]

    def get(self, name: str, default: Any = None) -> Any:
        return self._built().get(name, default)

    def __contains__(self, name: object) -> bool:
        return name in self._built()

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())
