"""Validate a browser's HAR capture: every entry whose URL matches one of the vendor specs.

For a matching entry the request (parameters, presence of documented credentials) and the response
(documented status, media type, body) are validated. Entries of other services are only counted.
A malformed entry (missing fields, undecodable body) is reported as unusable; the rest still runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import vendor_specs
from contracts.validate.errors import UnusableInput
from contracts.validate.findings import Report, Result
from contracts.validate.payload import DEFAULT_MAX_BYTES, decode_json, fast_valid
from vendor_specs import (
    HAR_NOT_ANSWERS,
    InvalidHar,
    OperationMatch,
    documented_refusal,
    har_body,
    har_entries,
    har_pairs,
    request_violations,
    response_violations,
)

__all__ = ["HostRule", "match_url", "validate_har", "validate_har_file"]


class HostRule(vendor_specs.HostRule):
    """Which hosts of a capture belong to the API under test (``vendor_specs.HostRule``); a malformed host is
    :class:`UnusableInput`."""

    def __init__(self, hosts: Sequence[str] | None = None) -> None:
        try:
            super().__init__(hosts)
        except InvalidHar as exc:
            raise UnusableInput(str(exc)) from None


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
        headers = har_pairs(request.get("headers"), "request.headers")
        cookies = har_pairs(request.get("cookies"), "request.cookies")
        query = dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))
        request_found = request_violations(match, query, headers, cookies)
        result.violations += request_found
        response = entry.get("response")
        status = response.get("status") if isinstance(response, dict) else None
        if not isinstance(status, int) or isinstance(status, bool):
            raise UnusableInput("has no response.status; re-export the HAR with responses")
        if status in HAR_NOT_ANSWERS:
            result.skipped = HAR_NOT_ANSWERS[status]
            return result
        result.status = status
        if request_found and documented_refusal(op, status):  # the server did its job: the request is not its finding
            result.violations, result.refused = [], request_found
        response_headers = {k.lower(): v for k, v in har_pairs(response.get("headers"), "response.headers").items()}
        content = response.get("content") if isinstance(response.get("content"), dict) else {}
        content_type = response_headers.get("content-type") or content.get("mimeType") or None
        body = har_body(content, max_bytes)
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
    except (UnusableInput, InvalidHar) as exc:
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
    if api is not None:
        vendor_specs.require_api(api, UnusableInput)
    apis = vendor_specs.APIS if api is None else (api,)
    rule = HostRule(hosts)
    try:
        entries = har_entries(har)
    except InvalidHar as exc:
        raise UnusableInput(str(exc)) from None
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
                report.other_hosts[HostRule.shown(request["url"])] += 1
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
