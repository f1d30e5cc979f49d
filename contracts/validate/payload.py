"""Validate one response body against the response a vendor's spec documents for a status.

``vendor_specs.judge_body`` judges: the fast verdict (``vendor_specs.body_validator``: jsonschema-rs on the
translated schema) decides valid/invalid; only invalid bodies go to openapi-core, whose detailed errors become
the findings. So openapi-core's verdict is final: if it found nothing, the body is valid.
"""

from __future__ import annotations

import functools
from typing import Any

import vendor_specs
from contracts.validate.errors import UnusableInput
from contracts.validate.findings import Result
from vendor_specs import InvalidJson, Operation, judge_body

__all__ = ["DEFAULT_MAX_BYTES", "decode_json", "documented_operation", "validate_payload", "validate_value"]

DEFAULT_MAX_BYTES = 16 * 1024 * 1024


@functools.lru_cache(maxsize=None)
def _documented(api: str) -> tuple[Operation, frozenset[int]]:
    op = vendor_specs.operations(api)[0]
    return op, frozenset(op.statuses)


def documented_operation(api: str, status: int) -> Operation:
    """The vendor's operation; raises :class:`UnusableInput` for an unknown API or undocumented status."""
    vendor_specs.require_api(api, UnusableInput)
    op, statuses = _documented(api)
    if status not in statuses:
        documented = ", ".join(str(s) for s in op.statuses)
        raise UnusableInput(f"status {status} is not documented for {api} {op.operation_id}; use one of {documented}")
    return op


def decode_json(data: bytes | str, max_bytes: int = DEFAULT_MAX_BYTES, *, one_line: bool = False) -> Any:
    """The JSON value in ``data`` (``vendor_specs.decode_json``); :class:`UnusableInput` says why there is none."""
    try:
        return vendor_specs.decode_json(data, max_bytes, one_line=one_line)
    except InvalidJson as exc:
        raise UnusableInput(str(exc)) from None


def validate_value(
    api: str, value: Any, status: int = 200, *, source: str = "payload", max_violations: int | None = None
) -> Result:
    """Validate an already decoded body. Unknown API or status gives an ``unusable`` result.

    At most ``max_violations`` violations are kept (the rest are counted in ``Result.omitted``)."""
    try:
        op = documented_operation(api, status)
    except UnusableInput as exc:
        return Result(source, api, None, status, problem=str(exc))
    result = Result(source, api, op.operation_id, status)
    try:
        found = judge_body(op, status, value, limit=max_violations)
    except (TypeError, ValueError) as exc:
        result.problem = f"is not JSON data ({exc})"
        return result
    result.add_violations(found, max_violations)
    return result


def validate_payload(
    api: str,
    data: bytes | str,
    status: int = 200,
    *,
    source: str = "payload",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_violations: int | None = None,
) -> Result:
    """Validate a JSON response body (text or bytes) against ``api``'s documented response for ``status``;
    at most ``max_violations`` violations are kept, the rest counted."""
    try:
        documented_operation(api, status)
        value = decode_json(data, max_bytes)
    except UnusableInput as exc:
        return Result(source, api, None, status, problem=str(exc))
    return validate_value(api, value, status, source=source, max_violations=max_violations)
