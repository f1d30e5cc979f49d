"""Bulk validation of NDJSON: one ``{"api": ..., "status": ..., "body": ...}`` object per line.

- ``body`` (required): the decoded JSON response body.
- ``api``: ``openwebui``, ``respan`` or ``selise``; may be left out when the caller gives a default.
- ``status``: the HTTP status whose documented response applies; default 200.
- ``name`` (optional): a label used in messages instead of the line number alone.

Blank lines are ignored. A line that cannot be used (not UTF-8, not JSON, no ``body``, unknown API,
undocumented status, too long) is reported as unusable and the rest of the file is still validated.

A valid line costs what decoding it (orjson) and validating its body (jsonschema-rs) cost, and little
more: the fast loop below does nothing else; every other line takes the careful path (:func:`_line`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

import vendor_specs
from contracts.validate.errors import UnusableInput
from contracts.validate.findings import Report, Result
from contracts.validate.payload import DEFAULT_MAX_BYTES, decode_json, documented_operation, validate_value
from vendor_specs import fast_valid, orjson_safe

__all__ = ["validate_ndjson", "validate_ndjson_file"]


def _status(record: dict[str, Any], default: int) -> int:
    status = record.get("status", default)
    if not isinstance(status, int) or isinstance(status, bool):
        kind = "a string" if isinstance(status, str) else f"of type {type(status).__name__}"
        raise UnusableInput(f'"status" must be an integer HTTP status code such as 404, got {status!r} ({kind})')
    return status


def _record(raw: bytes, max_bytes: int) -> Any:
    """The decoded line. orjson first (3x faster); whatever it refuses (NaN, a BOM, lone surrogates, bad
    UTF-8) goes through ``decode_json`` (the stdlib ``json`` openapi-core uses), which decodes it the same
    way openapi-core would or says why it is unusable.
    """
    if len(raw) <= max_bytes:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return decode_json(raw, max_bytes, one_line=True)


def _line(
    raw: bytes, number: int, api: str | None, status: int, max_bytes: int, report: Report, limit: int | None
) -> None:
    source, line_api, line_status = f"line {number}", None, None
    try:
        record = _record(raw, max_bytes)
        if not isinstance(record, dict) or "body" not in record:
            raise UnusableInput('is not an object with a "body" key; write one {"api", "status", "body"} per line')
        if isinstance(record.get("name"), str):
            source += f" ({record['name']})"
        line_api = record.get("api", api)
        if line_api is None:
            raise UnusableInput('has no "api" and no default was given (--api); add "api" to the line')
        line_status = _status(record, status)
        op = documented_operation(line_api, line_status)
    except UnusableInput as exc:
        report.add(Result(source, line_api, None, line_status, problem=str(exc)))
        return
    predicate = vendor_specs.body_validator(line_api, op.operation_id, line_status)
    if orjson_safe(line_api, op.operation_id, line_status, raw) and fast_valid(predicate, record["body"]):
        report.valid[(line_api, op.operation_id, line_status)] += 1
        return
    try:  # decoded again with the stdlib, exactly as openapi-core decodes (orjson reads huge integers as floats)
        body = decode_json(raw, max_bytes, one_line=True)["body"]
    except (UnusableInput, KeyError, TypeError):
        body = record["body"]
    report.add(validate_value(line_api, body, line_status, source=source, max_violations=limit))


def _fast_check(api: Any, status: Any) -> Callable[[Any], bool] | None:
    """The raw jsonschema-rs check for orjson-decoded bodies of (api, status); None where the fast path may
    not decide (unknown API, undocumented status, no JSON schema, not orjson-safe)."""
    if not vendor_specs.is_api(api) or not isinstance(status, int) or isinstance(status, bool):
        return None
    try:
        op = documented_operation(api, status)
    except UnusableInput:
        return None
    check = vendor_specs.body_validator(api, op.operation_id, status)
    return check if check is not None and orjson_safe(api, op.operation_id, status) else None


def validate_ndjson(
    lines: Iterable[bytes],
    *,
    api: str | None = None,
    status: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_violations: int | None = None,
) -> Report:
    """Validate every non-blank line; ``api`` and ``status`` are defaults for lines without them; at most
    ``max_violations`` violations are kept per line."""
    report = Report()
    checks: dict[tuple[Any, Any], Callable[[Any], bool] | None] = {}
    valid: dict[tuple[Any, Any], int] = {}
    loads: Callable[[bytes], Any] = orjson.loads
    unset = object()
    key: tuple[Any, Any] = (unset, unset)
    check: Callable[[Any], bool] | None = None
    count = 0
    for number, raw in enumerate(lines, start=1):
        try:  # the fast loop: a valid line is decoded, checked and counted, nothing more
            record = loads(raw)
            line_api, line_status = record.get("api", api), record.get("status", status)
            # Same (api, status) as the line before: reuse its check. `is` for the status, so that 200.0
            # or True never pass for 200 (the careful path calls them unusable).
            if line_status is not key[1] or line_api != key[0]:
                if count:
                    valid[key] = valid.get(key, 0) + count
                key, count = (line_api, line_status), 0
                if key not in checks:
                    checks[key] = _fast_check(*key)
                check = checks[key]
            if check is not None and check(record["body"]) and len(raw) <= max_bytes:
                count += 1
                continue
        except Exception:  # noqa: BLE001 - anything unusual takes the careful path, which names it
            pass
        if raw.strip():
            try:
                _line(raw, number, api, status, max_bytes, report, max_violations)
            except Exception as exc:  # noqa: BLE001 - one odd line must not stop the others; it is named
                report.add(Result(f"line {number}", problem=f"could not be validated ({type(exc).__name__}: {exc})"))
    if count:
        valid[key] = valid.get(key, 0) + count
    for (line_api, line_status), total in valid.items():
        report.valid[(line_api, documented_operation(line_api, line_status).operation_id, line_status)] += total
    return report


def validate_ndjson_file(
    path: str | Path,
    *,
    api: str | None = None,
    status: int = 200,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_violations: int | None = None,
) -> Report:
    """Validate an NDJSON file; raises :class:`UnusableInput` if it cannot be opened."""
    try:
        with open(path, "rb") as handle:
            return validate_ndjson(handle, api=api, status=status, max_bytes=max_bytes, max_violations=max_violations)
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot be read ({exc.strerror or exc}); check the path") from None
