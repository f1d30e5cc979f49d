"""The one judge of an HTTP exchange: the fast verdict first, openapi-core only to explain what it refuses.

openapi-core (through :func:`request_violations` / :func:`response_violations`) is the judge of record and the
source of every violation line. It runs only on the side of an exchange that a fast check could not pass:

- the request: :func:`request_validator`, whose verdict equals openapi-core's (parameters and presence of
  documented credentials);
- the response: documented status, a JSON media type, a body decoded by orjson (where :func:`orjson_safe`
  says its reading is the stdlib's) and judged by :func:`body_validator` (jsonschema-rs, openapi-core's
  verdicts). Anything unusual (an undocumented status, documented response headers, another media type, NaN)
  simply goes to openapi-core.

A request violation answered with a documented 4xx is ``refused``, not a violation (:func:`documented_refusal`:
the server kept its contract). The proxy, ``mock-server record`` and ``contracts validate`` (HAR entries through
:class:`Judge`, bodies alone through :func:`judge_body`) all judge here. Nothing is memoised: every exchange is
judged afresh (only the compiled checks are kept).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.requests import cookie_parser

from vendor_specs._decoding import orjson_safe
from vendor_specs._facts import documented_refusal
from vendor_specs._json_schema import Predicate, body_validator
from vendor_specs._load import openapi_core_spec
from vendor_specs._match import Operation, OperationMatch, match_operation, operations
from vendor_specs._request_check import RequestPredicate, request_validator
from vendor_specs._servers import prefixes
from vendor_specs._upstream import decoded
from vendor_specs._violations import Violation, Violations, request_violations, response_violations

__all__ = ["HttpExchange", "Judge", "Verdict", "fast_valid", "judge_body"]

Pairs = Sequence[tuple[bytes, bytes]]
_JSON_TYPE = re.compile(r"application/json(\s*;[^;=]*=[^;=]*)*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class HttpExchange:
    """One request and the answer to it, as bytes from the wire (header names as sent; ASGI's are lower case).

    The proxy builds one from each exchange it forwards, :func:`har_exchange` from a capture's entry."""

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

    @property
    def content_type(self) -> str | None:
        return self.response_header(b"content-type")


@dataclass(frozen=True)
class Verdict:
    """``violations``: what breaks the spec (``omitted``: how many more were found beyond a limit, only
    counted); ``refused``: request violations the server refused with a documented 4xx (it kept its
    contract); ``note``: why part of the exchange was not validated."""

    operation: str | None  # None: the path is no operation of the spec, nothing was validated
    violations: tuple[Violation, ...] = ()
    refused: tuple[Violation, ...] = ()
    note: str = ""
    omitted: int = 0

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


def fast_valid(predicate: Predicate | None, value: Any) -> bool:
    """The fast verdict on a decoded body: True only where openapi-core finds nothing (no predicate: no)."""
    try:
        return predicate is not None and predicate(value)
    except (ValueError, TypeError, OverflowError):  # e.g. multipleOf on NaN: openapi-core decides and reports
        return False


def judge_body(op: Operation, status: int, value: Any, *, limit: int | None = None) -> Violations:
    """A decoded JSON body alone (a payload, an NDJSON line) as ``op``'s documented response for ``status``:
    the fast verdict; openapi-core's violations (at most ``limit``) only where it refuses. ``TypeError`` or
    ``ValueError`` when ``value`` is not JSON data."""
    if fast_valid(body_validator(op.api, op.operation_id, status), value):
        return Violations()
    body = json.dumps(value).encode()
    match = OperationMatch(op, {p["name"]: "x" for p in op.parameters if p.get("in") == "path"})
    return response_violations(match, status, body, "application/json", limit=limit)


class Judge:
    """Judges exchanges of one spec key under ``base_path`` (with ``with_spec``, also under the spec's servers'
    prefixes; without, ``base_path`` replaces them); everything is compiled here, up front."""

    def __init__(
        self, key: str, base_path: str | None = None, max_body: int = 16 * 1_048_576, *, with_spec: bool = False
    ) -> None:
        self.key = key
        self.max_body = max_body
        self.prefixes = prefixes(key, base_path, with_spec=with_spec)
        self._requests: dict[str, RequestPredicate | None] = {}
        self._bodies: dict[tuple[str, int], Predicate | None] = {}
        for op in operations(key):
            self._requests[op.operation_id] = request_validator(key, op.operation_id)
            for status in op.statuses:
                self._bodies[op.operation_id, status] = body_validator(key, op.operation_id, status)
        openapi_core_spec(key)  # built now, not on the first invalid exchange

    def match(self, method: str, path: str) -> OperationMatch | None:
        """The operation ``path`` (as sent) addresses under one of the prefixes, or None."""
        for prefix in self.prefixes:
            found = match_operation(self.key, method, path, prefix)
            if found is not None:
                return found
        return None

    def judged(
        self,
        exchange: HttpExchange,
        match: OperationMatch | None = None,
        *,
        limit: int | None = None,
        answered: bool = True,
    ) -> Verdict:
        """The whole verdict on one exchange, in this thread (the proxy runs openapi-core off its event loop);
        ``match``: the operation, when the caller found it; ``limit``: at most that many response violations
        built; ``answered=False``: there is no answer to judge (a capture's blocked or cached entry), the
        request alone is."""
        match = match or self.match(exchange.method, exchange.path)
        if match is None:
            return Verdict(None)
        request_ok = self._request_passes(match, exchange)
        response_ok = self._response_passes(match, exchange) if answered else True
        if request_ok and response_ok:
            return Verdict(match.operation.operation_id)
        return self.verdict(match, exchange, request_ok, response_ok, limit)

    # ----------------------------------------------------------------- fast checks
    def fast(self, match: OperationMatch, exchange: HttpExchange) -> tuple[bool, bool]:
        """(request passes, response passes) by the fast checks; False means openapi-core must look."""
        return self._request_passes(match, exchange), self._response_passes(match, exchange)

    def _request_passes(self, match: OperationMatch, exchange: HttpExchange) -> bool:
        check = self._requests.get(match.operation.operation_id)
        if check is None:
            return False
        # Each location is read only if the operation asks something of it (most have no cookie, many no query).
        query = _OnDemand(lambda: dict(reversed(_query(exchange))))
        headers = _OnDemand(lambda: {k.lower(): v for k, v in reversed(_headers(exchange))})
        cookies = _OnDemand(lambda: _cookies(_headers(exchange)))
        return check(match.path_params, query, headers, cookies)

    def _response_passes(self, match: OperationMatch, exchange: HttpExchange) -> bool:
        op = match.operation
        response = op.responses.get(str(exchange.status))
        if response is None or "headers" in response:
            return False
        if "content" not in response:
            return True
        content = response["content"]
        content_type = exchange.content_type
        if content_type is None or not _JSON_TYPE.fullmatch(content_type) or "application/json" not in content:
            return False
        if content_type.lower() != "application/json" and content_type.lower() in content:
            return False  # openapi-core would pick the media type spelled with these very parameters
        body = self.decoded(exchange)
        if not isinstance(body, bytes) or not body or not orjson_safe(self.key, op.operation_id, exchange.status, body):
            return False
        check = self._bodies.get((op.operation_id, exchange.status))
        if check is None:
            return False
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False
        return check(value)

    def decoded(self, exchange: HttpExchange) -> bytes | str:
        """The response body without its Content-Encoding, or why it cannot be decoded."""
        encoding = exchange.response_header(b"content-encoding")
        if encoding is None or encoding.strip().lower() == "identity":
            return exchange.body
        try:
            body = decoded(exchange.body, encoding, self.max_body + 1)
        except ValueError as exc:
            return f"response not validated: {exc}"
        return body if len(body) <= self.max_body else "response not validated: over the --max-body-mb cap once decoded"

    # ----------------------------------------------------------------- openapi-core
    def verdict(
        self,
        match: OperationMatch,
        exchange: HttpExchange,
        request_ok: bool,
        response_ok: bool,
        limit: int | None = None,
    ) -> Verdict:
        """openapi-core's findings on the sides the fast checks did not pass (slow: run it off the event loop)."""
        op = match.operation
        found = Violations()
        if not request_ok:
            query, headers, cookies = _request_parts(exchange)
            found += request_violations(match, query, headers, cookies)
        refused: tuple[Violation, ...] = ()
        if found and documented_refusal(op, exchange.status):
            refused, found = tuple(found), Violations()
        note = ""
        if not response_ok:
            body = self.decoded(exchange)
            if isinstance(body, str):
                note = body
            else:
                headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in exchange.response_headers]
                room = found.room(limit)
                found.merge(
                    response_violations(match, exchange.status, body, exchange.content_type, headers, room), limit
                )
        return Verdict(op.operation_id, tuple(found), refused, note, found.omitted)


def _query(exchange: HttpExchange) -> list[tuple[str, str]]:
    """The query's pairs, percent-decoded as UTF-8."""
    return [
        (name.decode("utf-8", "replace"), value.decode("utf-8", "replace"))
        for name, value in parse_qsl(exchange.query, keep_blank_values=True)
    ]


def _headers(exchange: HttpExchange) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in exchange.headers]


def _cookies(headers: list[tuple[str, str]]) -> dict[str, str]:
    cookie = next((value for name, value in headers if name.lower() == "cookie"), None)
    return cookie_parser(cookie) if cookie else {}


def _request_parts(exchange: HttpExchange) -> tuple[list[tuple[str, str]], list[tuple[str, str]], dict[str, str]]:
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
