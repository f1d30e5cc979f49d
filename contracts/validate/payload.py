"""Validate one response body against the response a vendor's spec documents for a status.

The fast path (``vendor_specs.body_validator``: jsonschema-rs on the translated schema) decides
valid/invalid; only invalid bodies go to openapi-core, whose detailed errors become the findings. So
openapi-core's verdict is final: if it found nothing, the body is valid.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import vendor_specs
from contracts.validate.errors import UnusableInput
from contracts.validate.findings import Result
from vendor_specs import Operation, OperationMatch, Predicate, body_validator, response_violations

__all__ = [
    "DEFAULT_MAX_BYTES",
    "decode_json",
    "documented_operation",
    "fast_valid",
    "float_safe",
    "orjson_safe",
    "validate_payload",
    "validate_value",
]

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


def _match(op: Operation) -> OperationMatch:
    names = [p["name"] for p in op.parameters if p.get("in") == "path"]
    return OperationMatch(op, {name: "x" for name in names})


def float_safe(schema: Any) -> bool:
    """True if no verdict of ``schema`` changes when an integer beyond 64 bits is read as the nearest float.

    orjson reads such integers as floats. Their magnitude is over 9.2e18, so bounds and enum values under
    2**53 compare the same either way; only ``multipleOf`` and huge bounds make a difference. (``integer``
    rejects the float, and rejected payloads are decoded again with the stdlib before openapi-core runs.)
    """
    if isinstance(schema, list):
        return all(float_safe(item) for item in schema)
    if not isinstance(schema, dict):
        return True
    if "multipleOf" in schema:
        return False
    for keyword in ("minimum", "maximum"):
        if isinstance(schema.get(keyword), (int, float)) and abs(schema[keyword]) >= 2**53:
            return False
    for option in schema.get("enum", []) if isinstance(schema.get("enum"), list) else []:
        if isinstance(option, (int, float)) and not isinstance(option, bool) and abs(option) >= 2**53:
            return False
    return all(float_safe(value) for key, value in schema.items() if key != "enum")


@functools.lru_cache(maxsize=None)
def orjson_safe(api: str, operation_id: str, status: int) -> bool:
    """Whether bodies for this response may be decoded with orjson (see :func:`float_safe`)."""
    op = next(o for o in vendor_specs.operations(api) if o.operation_id == operation_id)
    return float_safe(op.responses.get(str(status), {}))


def decode_json(data: bytes | str, max_bytes: int = DEFAULT_MAX_BYTES, *, one_line: bool = False) -> Any:
    """The JSON value in ``data``; :class:`UnusableInput` says why there is none (size, encoding, syntax).

    ``one_line``: ``data`` is one line of a file (NDJSON), whose number the caller names; the error then
    gives the column in that line, not a line of its own (a trailing newline is not part of the line).
    """
    if len(data) > max_bytes:
        raise UnusableInput(
            f"is {len(data):,} bytes, over the {max_bytes:,}-byte limit; raise it with --max-body-mb if intended"
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnusableInput(
                f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); JSON must be UTF-8 encoded"
            ) from None
    if one_line:
        data = data.rstrip("\r\n")
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(data.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (truncated?)" if cut else ""
        where = f"column {exc.pos + 1}" if one_line else f"line {exc.lineno}, column {exc.colno}"
        raise UnusableInput(f"is not JSON{hint}: {exc.msg} ({where})") from None
    except RecursionError:
        raise UnusableInput("is nested too deeply to decode") from None


def fast_valid(predicate: Predicate | None, value: Any) -> bool:
    try:
        return predicate is not None and predicate(value)
    except (ValueError, TypeError, OverflowError):  # e.g. multipleOf on NaN: openapi-core decides and reports
        return False


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
    if fast_valid(body_validator(api, op.operation_id, status), value):
        return result
    try:
        body = json.dumps(value).encode()
    except (TypeError, ValueError) as exc:
        result.problem = f"is not JSON data ({exc})"
        return result
    found = response_violations(_match(op), status, body, "application/json", limit=max_violations)
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
