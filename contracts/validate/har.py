"""Validate a browser's HAR capture: every entry whose URL matches one of the vendor specs.

For a matching entry ``vendor_specs``' HAR reader makes the exchange and ``vendor_specs.Judge`` judges its
request (parameters, presence of documented credentials) and response (documented status, media type, body),
as the proxy judges what it forwards. Entries of other services are only counted. A malformed entry (missing
fields, a body not captured or cut short) is reported as unusable; the rest still runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import vendor_specs
from contracts.validate.errors import UnusableInput
from contracts.validate.findings import Report, Result
from contracts.validate.payload import DEFAULT_MAX_BYTES
from vendor_specs import HAR_NOT_ANSWERS, InvalidHar, Judge, OperationMatch, har_entries, har_exchange, har_request

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


class _Entries:
    """Judges a capture's entries: one :class:`vendor_specs.Judge` per vendor, built when first needed."""

    def __init__(self, base_path: str | None, max_bytes: int, apis: tuple[str, ...], hosts: HostRule) -> None:
        self.base_path, self.max_bytes, self.apis, self.hosts = base_path, max_bytes, apis, hosts
        self._judges: dict[str, Judge] = {}

    def judge(self, api: str) -> Judge:
        if api not in self._judges:
            self._judges[api] = Judge(api, self.base_path, self.max_bytes, with_spec=True)
        return self._judges[api]

    def result(self, entry: Any, number: int, limit: int | None = None) -> Result | None:
        """The entry's result; None when it addresses no vendor operation on its hosts."""
        try:
            method, url = har_request(entry)
        except InvalidHar as exc:
            return Result(f"entry {number}", problem=str(exc))
        result = Result(f"entry {number} {method} {url}")
        match = match_url(method, url, self.base_path, self.apis, self.hosts)
        if match is None:
            return None
        op = match.operation
        result.api, result.operation = op.api, op.operation_id
        try:
            exchange = har_exchange(entry, op, self.max_bytes)
        except InvalidHar as exc:
            result.problem = str(exc)
            return result
        answered = exchange.status not in HAR_NOT_ANSWERS
        verdict = self.judge(op.api).judged(exchange, match, limit=limit, answered=answered)
        result.violations, result.refused = list(verdict.violations), list(verdict.refused)
        result.omitted = verdict.omitted
        if answered:
            result.status = exchange.status
        else:
            result.skipped = HAR_NOT_ANSWERS[exchange.status]
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
    try:
        entries = har_entries(har)
    except InvalidHar as exc:
        raise UnusableInput(str(exc)) from None
    return _report(entries, base_path, max_bytes, api, hosts, max_violations)


def _report(
    entries: list[Any],
    base_path: str | None,
    max_bytes: int,
    api: str | None,
    hosts: Sequence[str] | None,
    max_violations: int | None,
) -> Report:
    if api is not None:
        vendor_specs.require_api(api, UnusableInput)
    apis = vendor_specs.APIS if api is None else (api,)
    rule = HostRule(hosts)
    report = Report()
    judged = _Entries(base_path, max_bytes, apis, rule)
    for number, entry in enumerate(entries, start=1):
        try:
            result = judged.result(entry, number, max_violations)
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
        entries = vendor_specs.read_har(path)
        return _report(entries, base_path, max_bytes, api, hosts, max_violations)
    except (InvalidHar, UnusableInput) as exc:
        raise UnusableInput(f"{path}: {exc}") from None
