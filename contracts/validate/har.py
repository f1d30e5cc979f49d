"""Validate a browser's HAR capture: every entry whose URL matches one of the vendor specs.

For a matching entry the request (parameters, presence of documented credentials) and the response
(documented status, media type, body) are validated. Entries of other services are only counted.
A malformed entry (missing fields, undecodable body) is reported as unusable; the rest still runs.
"""

from __future__ import annotations

import base64
import binascii
import functools
import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import vendor_specs
from contracts.validate.errors import UnusableInput
from contracts.validate.findings import Report, Result
from contracts.validate.payload import DEFAULT_MAX_BYTES, decode_json, fast_valid
from vendor_specs import OperationMatch, documented_refusal, request_violations, response_violations

__all__ = ["HostRule", "match_url", "validate_har", "validate_har_file"]


_NOT_ANSWERS = {  # statuses a browser records that are not the API's answer
    0: "no response (blocked, cancelled or failed in the browser)",
    304: "304 Not Modified: the browser reused its cached copy, the capture has no answer to validate",
}


@functools.lru_cache(maxsize=None)
def _hosts(api: str) -> frozenset[str]:
    """The host names of ``api``'s ``servers`` (variables at their defaults)."""
    return frozenset(server.host for server in vendor_specs.servers(api) if server.host)


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

    Given hosts (``HOST`` or ``HOST:PORT``, e.g. ``staging.example.com:8443``): only those. Otherwise the
    host names of each spec's ``servers`` for that spec, plus loopback hosts (``localhost``, ``127.x.x.x``,
    ``[::1]``: a mock or dev server) for every spec.
    """

    def __init__(self, hosts: Sequence[str] | None = None) -> None:
        self.given: list[tuple[str, int | None]] = [self._parse(h) for h in hosts or ()]

    @staticmethod
    def _parse(value: str) -> tuple[str, int | None]:
        text = value.strip()
        parts = urlsplit(text if "://" in text else "//" + text)
        try:
            port = parts.port
        except ValueError:
            raise UnusableInput(f"--host {value!r}: the port is not a number from 1 to 65535") from None
        if not parts.hostname or parts.path not in ("", "/") or parts.query or parts.username:
            raise UnusableInput(f"--host {value!r} is not HOST or HOST:PORT, e.g. staging.example.com:8443")
        if port is None and "://" in text:
            port = {"http": 80, "https": 443}.get(parts.scheme.lower())
        return parts.hostname.rstrip("."), port

    def allows(self, api: str, url: str) -> bool:
        host, port = _host_port(url)
        if self.given:
            return any(host == h and (p is None or port == p) for h, p in self.given)
        return host in _hosts(api) or _is_loopback(host)


def match_url(
    method: str,
    url: str,
    base_path: str | None = None,
    apis: tuple[str, ...] = vendor_specs.APIS,
    hosts: HostRule | None = None,
) -> OperationMatch | None:
    """The operation of a vendor in ``apis`` that ``url`` addresses: on a host ``hosts`` allows for it
    (default: the spec's servers and loopback), under one of its servers' prefixes or ``base_path``."""
    path = urlsplit(url).path
    rule = hosts or HostRule()
    for api in apis:
        if not rule.allows(api, url):
            continue
        for prefix in vendor_specs.prefixes(api, base_path):
            match = vendor_specs.match_operation(api, method, path, prefix)
            if match is not None:
                return match
    return None


def _vendor_path(method: str, url: str, base_path: str | None, apis: tuple[str, ...]) -> bool:
    """Whether ``url``'s path addresses a vendor operation, whatever its host (for the hint on other hosts)."""
    path = urlsplit(url).path
    return any(
        vendor_specs.match_operation(api, method, path, prefix) is not None
        for api in apis
        for prefix in vendor_specs.prefixes(api, base_path)
    )


def _pairs(items: Any, where: str) -> dict[str, str]:
    if items is None:
        return {}
    if not isinstance(items, list) or not all(isinstance(i, dict) and "name" in i for i in items):
        raise UnusableInput(f"{where} is not a list of {{name, value}} objects")
    return {str(i["name"]): str(i.get("value", "")) for i in items if not str(i["name"]).startswith(":")}


def _body(content: Any, max_bytes: int) -> bytes | None:
    if not isinstance(content, dict) or content.get("text") is None:
        return None
    text = content["text"]
    if not isinstance(text, str):
        raise UnusableInput("response.content.text is not a string")
    encoding = content.get("encoding")
    if encoding == "base64":
        if len(text) > max_bytes * 4 // 3 + 4:
            raise UnusableInput(f"response body is over the {max_bytes:,}-byte limit; raise it with --max-body-mb")
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise UnusableInput("response.content.text is marked base64 but is not valid base64") from None
    if encoding not in (None, ""):
        raise UnusableInput(
            f"response.content.encoding {encoding!r} is not supported: a HAR body is plain text or base64; "
            "re-export the HAR from the browser"
        )
    return text.encode("utf-8", "surrogatepass")


def _entry(
    entry: Any,
    number: int,
    base_path: str | None,
    max_bytes: int,
    apis: tuple[str, ...],
    hosts: HostRule,
    limit: int | None = None,
) -> Result | None:
    request = entry.get("request") if isinstance(entry, dict) else None
    if not isinstance(request, dict):
        request = {}
    method, url = request.get("method"), request.get("url")
    if not isinstance(method, str) or not isinstance(url, str):
        return Result(f"entry {number}", problem="has no request.method or request.url; is this a HAR entry?")
    result = Result(f"entry {number} {method} {url}")
    match = match_url(method, url, base_path, apis, hosts)
    if match is None:
        return None
    op = match.operation
    result.api, result.operation = op.api, op.operation_id
    try:
        headers = _pairs(request.get("headers"), "request.headers")
        cookies = _pairs(request.get("cookies"), "request.cookies")
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        request_found = request_violations(match, query, headers, cookies)
        result.violations += request_found
        response = entry.get("response")
        status = response.get("status") if isinstance(response, dict) else None
        if not isinstance(status, int) or isinstance(status, bool):
            raise UnusableInput("has no response.status; re-export the HAR with responses")
        if status in _NOT_ANSWERS:
            result.skipped = _NOT_ANSWERS[status]
            return result
        result.status = status
        if request_found and documented_refusal(op, status):  # the server did its job: the request is not its finding
            result.violations, result.refused = [], request_found
        response_headers = {k.lower(): v for k, v in _pairs(response.get("headers"), "response.headers").items()}
        content = response.get("content") if isinstance(response.get("content"), dict) else {}
        content_type = response_headers.get("content-type") or content.get("mimeType") or None
        body = _body(content, max_bytes)
        if body is None and op.responses.get(str(status), {}).get("content"):
            result.problem = "response body was not captured (no content.text); export the HAR with content"
            return result
        if body is not None and content_type and "json" in content_type and status in op.statuses:
            value = decode_json(body, max_bytes)  # unusable when the captured body is cut or not UTF-8
            predicate = vendor_specs.body_validator(op.api, op.operation_id, status)
            if content_type.split(";")[0].strip() == "application/json" and fast_valid(predicate, value):
                return result
        room = None if limit is None else max(limit - len(result.violations), 0)
        result.add_violations(response_violations(match, status, body, content_type, limit=room), limit)
    except UnusableInput as exc:
        result.problem = f"response body {exc}" if str(exc).startswith("is ") else str(exc)
    return result


def validate_har(
    har: Any,
    *,
    base_path: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    api: str | None = None,
    hosts: Sequence[str] | None = None,
    max_violations: int | None = None,
) -> Report:
    """Validate a decoded HAR document (at most ``max_violations`` violations kept per entry); raises :class:`UnusableInput` if it has no ``log.entries`` list.

    An entry is validated when its host belongs to the API under test and its path addresses an
    operation of a spec (under the spec's servers prefixes or ``base_path``). The host belongs to it when
    it is one of ``hosts`` (``HOST`` or ``HOST:PORT``); without ``hosts``, when it is a host of that
    spec's ``servers`` or a loopback host (a mock or dev server). ``api`` restricts matching to one
    vendor. Other entries are only counted (``Report.unmatched``), those on other hosts whose path
    looks like a vendor's in ``Report.other_hosts``.

    A request violation that the server refused with a documented 4xx status is not a finding: it is
    kept in ``Result.refused`` (info). Answered 2xx (or 5xx), it is a violation.
    """
    if api is not None and not vendor_specs.is_api(api):
        raise UnusableInput(f"unknown API {api!r}: choose one of {', '.join(vendor_specs.APIS)}")
    apis = vendor_specs.APIS if api is None else (api,)
    rule = HostRule(hosts)
    entries = har.get("log", {}).get("entries") if isinstance(har, dict) and isinstance(har.get("log"), dict) else None
    if not isinstance(entries, list):
        raise UnusableInput("is not a HAR file: no log.entries list; export it from the browser's network panel")
    report = Report()
    for number, entry in enumerate(entries, start=1):
        try:
            result = _entry(entry, number, base_path, max_bytes, apis, rule, max_violations)
        except Exception as exc:  # noqa: BLE001 - one odd entry must not stop the others; it is named
            result = Result(f"entry {number}", problem=f"could not be validated ({type(exc).__name__}: {exc})")
        if result is None:
            report.unmatched += 1
            request = entry["request"]
            if _vendor_path(request["method"], request["url"], base_path, apis):
                report.other_hosts[urlsplit(request["url"]).netloc.rsplit("@", 1)[-1].lower()] += 1
        else:
            report.add(result)
    return report


def validate_har_file(
    path: str | Path,
    *,
    base_path: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    api: str | None = None,
    hosts: Sequence[str] | None = None,
    max_violations: int | None = None,
) -> Report:
    """Read and validate a HAR file. The size limit applies per body, not to the file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot be read ({exc.strerror or exc}); check the path") from None
    try:
        har = decode_json(data, max(len(data), 1))
    except UnusableInput as exc:
        raise UnusableInput(f"{path}: {exc}") from None
    try:
        return validate_har(
            har, base_path=base_path, max_bytes=max_bytes, api=api, hosts=hosts, max_violations=max_violations
        )
    except UnusableInput as exc:
        raise UnusableInput(f"{path}: {exc}") from None
