"""Hypothesis strategies for the differential test: payloads from OpenAPI 3.0 schemas, and mutations.

``values(schema)`` draws bodies meant to be valid; ``mutated(value)`` breaks them in the ways where
validators disagree most often: ``1.0`` for integers, ``true`` for 1, null, impossible dates, extra
and missing keys, NaN, huge integers.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st

__all__ = ["TRICKY", "any_json", "finite", "mutated", "values"]

TRICKY: list[Any] = [
    None,
    True,
    False,
    0,
    1,
    -1,
    1.0,
    0.0,
    -0.5,
    2.5,
    2**64,
    -(2**70),
    math.nan,
    1e308,
    "",
    "x",
    "0",
    "1",
    "read",
    "write",
    "custom",
    "valid",
    "chat",
    "***masked***",
    [],
    [1],
    ["a"],
    {},
    {"detail": "x"},
    "2025-12-01T10:30:00Z",
    "2025-12-01t10:30:00z",
    "2024-02-29T00:00:00+01:00",
    "2025-02-29T00:00:00Z",
    "2025-04-31T10:30:00Z",
    "0000-01-01T00:00:00Z",
    "2025-12-01T10:30:00Z\n",
    "2025-12-01 10:30:00Z",
    "2025-12-01T24:00:00Z",
    "2016-12-31T23:59:60Z",
    "2025-12-01T10:30:00.123456-05:30",
    "2025-12-01",
    "١٢٣٤-01-01T00:00:00Z",
]

any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)

_datetimes = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31), timezones=st.just(timezone(timedelta(hours=2)))
).map(lambda d: d.isoformat()) | st.sampled_from(["2025-12-01T10:30:00Z", "2024-02-29T23:59:59.5Z"])


def _typed(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) if schema["enum"] else st.nothing()
    if "oneOf" in schema:
        return st.one_of([values(sub) for sub in schema["oneOf"]])
    kind = schema.get("type")
    low = schema.get("minimum")
    if kind == "string":
        return (
            _datetimes
            if schema.get("format") == "date-time"
            else st.text(min_size=schema.get("minLength", 0), max_size=10)
        )
    if kind == "integer":
        return st.integers(min_value=low)
    if kind == "number":
        return st.integers(min_value=low) | st.floats(min_value=low, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(values(schema.get("items", {})), max_size=3)
    if kind == "object" or "properties" in schema:
        return _object(schema)
    return any_json


def _object(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    props, required = schema.get("properties", {}), set(schema.get("required", []))
    fixed = st.fixed_dictionaries(
        {k: values(v) for k, v in props.items() if k in required},
        optional={k: values(v) for k, v in props.items() if k not in required},
    )
    extra = schema.get("additionalProperties", True)
    if extra is False:
        return fixed
    extra_values = any_json if extra is True else values(extra)
    extras = st.dictionaries(st.text(max_size=6).filter(lambda k: k not in props), extra_values, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, fixed, extras)


def values(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Bodies valid against ``schema`` (a resolved OpenAPI 3.0 schema object)."""
    base = _typed(schema)
    return st.none() | base if schema.get("nullable") is True else base


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, sub in value.items():
            found += _paths(sub, (*prefix, key))
    elif isinstance(value, list):
        for index, sub in enumerate(value):
            found += _paths(sub, (*prefix, index))
    return found


def _replace(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    copy: Any = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


_DATES = [t for t in TRICKY if isinstance(t, str) and t[:1].isdigit()]
# Replacements by the JSON type of the spot they replace: the confusions validators get wrong.
_CONFUSIONS: dict[type, list[Any]] = {
    bool: [0, 1, 1.0, "true", None, "false"],
    int: [1.0, 0.0, True, False, -1, 2.5, 2**64, -(2**70), "1", None, math.nan],
    float: [1, True, None, math.nan, -0.5, "1.5", 1e308],
    str: [1, None, True, "", "x", "read", "write", "valid", "chat", [], *_DATES],
    type(None): ["x", 0, False, {}, []],
    list: [None, {}, [None], [1], ["a", 1], "[]"],
    dict: [None, [], {}, "{}"],
}


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one spot replaced by a confusable value, a key dropped or a key added."""
    path = draw(st.sampled_from(_paths(value)))
    target: Any = value
    for part in path:
        target = target[part]
    action = draw(st.sampled_from(["confuse", "confuse", "confuse", "drop", "add", "anything"]))
    if action == "drop" and isinstance(target, dict) and target:
        key = draw(st.sampled_from(sorted(target)))
        return _replace(value, path, {k: v for k, v in target.items() if k != key})
    if action == "add" and isinstance(target, dict):
        key = draw(st.sampled_from(["extra", "Leak", "version_id", "role"]))
        return _replace(value, path, {**target, key: draw(st.sampled_from(TRICKY))})
    if action == "anything":
        return _replace(value, path, draw(st.sampled_from(TRICKY) | any_json))
    return _replace(value, path, draw(st.sampled_from(_CONFUSIONS[type(target)])))


def finite(value: Any) -> bool:
    """JSON proper: no NaN or infinity anywhere (orjson never produces them; openapi-core may accept them)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(finite(v) for v in value.values())
    if isinstance(value, list):
        return all(finite(v) for v in value)
    return True
