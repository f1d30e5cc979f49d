"""JSON bodies as openapi-core reads them: the stdlib's decoding (with why not, in words) and the one orjson rule.

openapi-core decodes bodies with the stdlib ``json``; the fast verdict decodes them with orjson, which reads
the same text the same way but for one thing: an integer beyond 64 bits becomes the nearest float.
:func:`orjson_safe` says when a verdict on orjson's reading is nevertheless openapi-core's verdict: always for
a :func:`float_safe` schema, otherwise only for a body without an integer of 19 digits or more. Whatever
orjson refuses (NaN, a BOM, lone surrogates, bad UTF-8) is left to the stdlib, that is to openapi-core.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from vendor_specs._facts import json_body_schema
from vendor_specs._match import operations

__all__ = ["InvalidJson", "decode_json", "float_safe", "orjson_safe"]

_LONG_DIGITS = re.compile(rb"[0-9]{19}")  # every integer beyond 64 bits has at least 20 digits
_NO_NUMBERS = frozenset({"string", "boolean"})


class InvalidJson(ValueError):
    """Data that holds no JSON value; the message says why (size, encoding, syntax), starting with ``is``."""


def decode_json(data: bytes | str, max_bytes: int, *, one_line: bool = False) -> Any:
    """The JSON value in ``data``, decoded as openapi-core decodes it (the stdlib ``json``, a UTF-8 BOM allowed).

    ``one_line``: ``data`` is one line of a file (NDJSON), whose number the caller names; the error then
    gives the column in that line, not a line of its own (a trailing newline is not part of the line).
    """
    if len(data) > max_bytes:
        raise InvalidJson(
            f"is {len(data):,} bytes, over the {max_bytes:,}-byte limit; raise it with --max-body-mb if intended"
        )
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidJson(
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
        raise InvalidJson(f"is not JSON{hint}: {exc.msg} ({where})") from None
    except RecursionError:
        raise InvalidJson("is nested too deeply to decode") from None


def _may_hold_numbers(schema: Any) -> bool:
    return not (isinstance(schema, dict) and schema.get("type") in _NO_NUMBERS)


def float_safe(schema: Any) -> bool:
    """True if no verdict of ``schema`` (OAS 3.0, ``$ref`` resolved) can turn from invalid to valid when an
    integer beyond 64 bits is read as the nearest float.

    Such an integer's magnitude is over 1.8e19, so bounds and enum values under 2**53 compare the same either
    way; ``integer`` (Draft 4: no float is one) only refuses the float, which sends the body to openapi-core.
    What can accept the float where it refuses the integer: ``multipleOf``, huge bounds or enum values,
    ``int32``/``int64`` on what is not ``type: integer``, a ``not`` of something that may hold a number, and a
    ``oneOf`` with two branches that may hold one (the integer may match both, the float only one).
    """
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
    if schema.get("format") in ("int32", "int64") and schema.get("type") != "integer":
        return False
    if "not" in schema and _may_hold_numbers(schema["not"]) and schema["not"] != {}:
        return False
    branches = _listed(schema.get("oneOf"))
    if sum(_may_hold_numbers(branch) for branch in branches) > 1:
        return False
    properties = schema.get("properties")
    subschemas = [
        *(properties.values() if isinstance(properties, dict) else ()),
        schema.get("additionalProperties"),
        schema.get("items"),
        schema.get("not"),
        *_listed(schema.get("allOf")),
        *_listed(schema.get("anyOf")),
        *branches,
    ]
    return all(float_safe(sub) for sub in subschemas)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


@functools.lru_cache(maxsize=None)
def _schema_safe(key: str, operation_id: str, status: int) -> bool:
    op = next((o for o in operations(key) if o.operation_id == operation_id), None)
    response = op.responses.get(str(status)) if op is not None else None
    return response is not None and float_safe(json_body_schema(response))


def orjson_safe(key: str, operation_id: str, status: int, raw: bytes | None = None) -> bool:
    """Whether a verdict on orjson's reading of a body that ``operation_id`` answers with ``status`` is
    openapi-core's verdict on the stdlib's reading: always when that response's schema is :func:`float_safe`,
    otherwise when ``raw`` (the body's bytes, or a text holding it) has no run of 19 digits (None: unknown, no)."""
    if _schema_safe(key, operation_id, status):
        return True
    return raw is not None and _LONG_DIGITS.search(raw) is None
