"""JSON bodies as openapi-core reads them: the stdlib's decoding and its messages, and the one orjson rule
(when a verdict on orjson's reading is openapi-core's verdict on the stdlib's)."""

from __future__ import annotations

import json
from typing import Any

import orjson
import pytest
from openapi_schema_validator import OAS30ReadValidator

import vendor_specs
from vendor_specs import InvalidJson, compile_schema, decode_json, fast_valid, float_safe, format_checker, orjson_safe

CHECKER = format_checker("respan")
BIG = 2**64 + 1  # orjson reads it as the float 2**64; the stdlib (openapi-core) as this integer


def test_decode_json_says_why_there_is_no_value() -> None:
    assert decode_json(b"\xef\xbb\xbf[1]", 10) == [1]  # a BOM, as openapi-core allows
    cases = [
        (b"[1, 2]", 3, "is 6 bytes, over the 3-byte limit; raise it with --max-body-mb if intended"),
        (b'{"a": "\xff"}', 99, "is not UTF-8 (byte 0xff at offset 7); JSON must be UTF-8 encoded"),
        (b'{"a": 1', 99, "is not JSON (truncated?): Expecting ',' delimiter (line 1, column 8)"),
        (b"{x}", 99, "is not JSON: Expecting property name enclosed in double quotes (line 1, column 2)"),
        (b"[" * 100_000, 10**6, "is nested too deeply to decode"),
    ]
    for data, limit, message in cases:
        with pytest.raises(InvalidJson) as caught:
            decode_json(data, limit)
        assert str(caught.value) == message
    with pytest.raises(InvalidJson, match=r"^is not JSON \(truncated\?\): .* \(column 6\)$"):
        decode_json(b'{"a":\n', 99, one_line=True)
    assert issubclass(InvalidJson, ValueError)


def test_float_safety() -> None:
    assert not float_safe({"properties": {"a": {"multipleOf": 3}}})
    assert not float_safe({"maximum": 2**60})
    assert float_safe({"enum": [2**70, "x"]}) is False
    assert float_safe({"type": "integer", "format": "int64"}) and float_safe({"not": {}})
    assert float_safe({"items": {"oneOf": [{"type": "string"}, {"type": "integer"}]}})  # the 422s' `loc`


@pytest.mark.parametrize(
    "schema",
    [
        {"oneOf": [{"type": "integer"}, {"type": "number"}]},
        {"type": "number", "format": "int64"},
        {"not": {"type": "integer"}},
        {"type": "object", "properties": {"a": {"oneOf": [{"type": "integer"}, {"type": "number"}]}}},
    ],
)
def test_what_is_not_float_safe_is_where_orjson_would_mislead(schema: dict[str, Any]) -> None:
    """Each of these accepts orjson's float where openapi-core refuses the integer: the fast verdict on orjson's
    reading would be wrong, so the rule sends the body to openapi-core."""
    value: Any = {"a": BIG} if "properties" in schema else BIG
    assert fast_valid(compile_schema(schema, CHECKER), orjson.loads(json.dumps(value)))
    assert not OAS30ReadValidator(schema, format_checker=CHECKER).is_valid(value)
    assert not float_safe(schema)


def test_every_documented_response_is_float_safe() -> None:
    """No body the proxy or an NDJSON line carries needs a scan for long integers today."""
    for api in vendor_specs.APIS:
        op = vendor_specs.operations(api)[0]
        assert all(orjson_safe(api, op.operation_id, status) for status in op.statuses), api


def test_orjson_safe_scans_the_body_only_where_the_schema_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    import vendor_specs._decoding as decoding

    op = vendor_specs.operations("respan")[0]
    monkeypatch.setattr(decoding, "_schema_safe", lambda *_: False)
    assert orjson_safe("respan", op.operation_id, 200, b'{"a": 1234567890123456789}') is False
    assert orjson_safe("respan", op.operation_id, 200, b'{"a": 123456789012345678}') is True
    assert orjson_safe("respan", op.operation_id, 200) is False  # no body to look at: no
