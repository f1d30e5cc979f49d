"""Schema-generated bodies for ``Prefer: dynamic=true``: random data valid against a resolved OAS 3.0 schema.

A small generator is enough for these specs (objects, arrays, strings with ``date-time``, enums,
numbers with ``minimum``, ``nullable``, ``oneOf``); fields marked ``x-secret`` get ``masks(name)``.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

__all__ = ["generate"]

_EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


def _string(schema: dict[str, Any], rng: random.Random) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return (_EPOCH + timedelta(seconds=rng.randrange(0, 3 * 365 * 86400))).strftime("%Y-%m-%dT%H:%M:%SZ")
    low = max(schema.get("minLength", 1), 1)
    high = max(schema.get("maxLength", 16), low)
    size = rng.randint(low, min(high, low + 15))
    text = "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(size))
    if fmt == "path" and size > 2:
        text = text[:2] + "/" + text[3:]
    return text


def _number(schema: dict[str, Any], rng: random.Random, integer: bool) -> int | float:
    low = schema.get("minimum", 0)
    high = schema.get("maximum", low + 100000)
    return rng.randint(int(low), int(high)) if integer else round(rng.uniform(low, high), 4)


def generate(
    schema: dict[str, Any], rng: random.Random | None = None, masks: Callable[[str], Any] | None = None
) -> Any:
    """One random instance of ``schema`` (``$ref`` already resolved); ``masks(name)`` is the value of an
    ``x-secret`` property ``name``."""
    rng = rng or random.Random()
    if "enum" in schema:
        return rng.choice(schema["enum"])
    if "oneOf" in schema or "anyOf" in schema:
        return generate(rng.choice(schema.get("oneOf") or schema["anyOf"]), rng, masks)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = set(schema.get("required", []))
        return {
            name: masks(name) if prop.get("x-secret") and masks is not None else generate(prop, rng, masks)
            for name, prop in props.items()
            if name in required or rng.random() < 0.5
        }
    if kind == "array":
        count = rng.randint(schema.get("minItems", 0), max(schema.get("minItems", 0), 3))
        return [generate(schema.get("items", {}), rng, masks) for _ in range(count)]
    if kind == "string":
        return _string(schema, rng)
    if kind == "integer":
        return _number(schema, rng, True)
    if kind == "number":
        return _number(schema, rng, False)
    if kind == "boolean":
        return rng.random() < 0.5
    return None if schema.get("nullable") else _string({}, rng)
