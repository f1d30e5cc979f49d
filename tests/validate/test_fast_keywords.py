"""The compiler beyond the vendor specs: every keyword it compiles, against openapi-core's own validator class.

The oracle is ``OAS30ReadValidator`` with the format checker openapi-core builds for the spec: the class
openapi-core validates response bodies with.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30ReadValidator

import vendor_specs
from contracts.validate import UnsupportedSchema, compile_schema
from contracts.validate.fast import float_safe, format_checker_for

from .strategies import TRICKY, any_json, mutated, values

CHECKER = format_checker_for(vendor_specs.openapi_core_spec("respan"))

SCHEMAS: dict[str, dict[str, Any]] = {
    "nullable enum": {"type": "string", "nullable": True, "enum": ["a", "b"]},
    "nullable enum with null": {"type": "string", "nullable": True, "enum": ["a", None]},
    "int enum": {"type": "integer", "enum": [0, 1, 2**70]},
    "mixed enum": {"enum": [True, 1, "1", None, [1], {"a": 1}]},
    "bounds": {"type": "number", "minimum": 0, "maximum": 10, "exclusiveMaximum": True},
    "exclusive min": {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
    "untyped bounds": {"minimum": 5, "maxLength": 2, "maxItems": 1, "maxProperties": 1},
    "strings": {"type": "string", "minLength": 1, "maxLength": 3, "pattern": "^[a-z]+$"},
    "formats": {"type": "string", "format": "date-time", "nullable": True},
    "other formats": {"anyOf": [{"format": "date"}, {"format": "int32"}, {"format": "uuid"}, {"format": "byte"}]},
    "arrays": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "uniqueItems": True},
    "multiple": {"type": "number", "multipleOf": 0.5},
    "closed object": {
        "type": "object",
        "required": ["a", "b"],
        "additionalProperties": False,
        "properties": {"a": {"type": "string"}, "b": {"type": "boolean"}, "c": {"type": "integer"}},
    },
    "typed extras": {
        "type": "object",
        "properties": {"a": {"type": "string"}},
        "additionalProperties": {"type": "integer", "nullable": True},
    },
    "untyped object keywords": {"required": ["a"], "properties": {"a": {"type": "string"}}, "minProperties": 2},
    "one of": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 1}]},
    "all of and not": {"allOf": [{"type": "object"}, {"not": {"required": ["x"]}}], "nullable": True},
    "nullable object": {"type": "object", "nullable": True, "required": ["a"], "properties": {"a": {"type": "string"}}},
    "empty": {},
    "empty combinators": {"allOf": [], "anyOf": [{"allOf": []}, {"type": "string"}]},
}


def oracle(schema: dict[str, Any], value: Any) -> bool:
    return verdict(OAS30ReadValidator(schema, format_checker=CHECKER).is_valid, value)


def verdict(check: Any, value: Any) -> bool:
    """A check that raises (jsonschema's multipleOf on NaN does) has not found the value valid."""
    try:
        return bool(check(value))
    except (ValueError, TypeError, OverflowError):
        return False


@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_compiled_keyword_agrees_with_openapi_cores_validator(name: str, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    predicate = compile_schema(schema, CHECKER)
    source = st.sampled_from(TRICKY) | any_json | values(schema).flatmap(lambda v: st.just(v) | mutated(v))
    value = data.draw(source)
    assert verdict(predicate, value) == oracle(schema, value), f"{name}: disagree on {value!r}"


@pytest.mark.parametrize(
    "keyword",
    [
        {"$ref": "#/x"},
        {"discriminator": {"propertyName": "t"}, "oneOf": []},
        {"properties": {"a": {"writeOnly": True}}},
        {"patternProperties": {}},
        {"type": ["string", "null"]},
        {"items": [{}]},
    ],
)
def test_unsupported_keywords_fall_back_to_openapi_core(keyword: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedSchema):
        compile_schema(keyword, CHECKER)


def test_float_safety() -> None:
    assert float_safe(vendor_specs.load_spec("selise"))
    assert not float_safe({"properties": {"a": {"multipleOf": 3}}})
    assert not float_safe({"maximum": 2**60})
    assert float_safe({"enum": [2**70, "x"]}) is False


@settings(max_examples=300, deadline=None)
@given(
    text=st.from_regex(r"\A\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-6]\d:[0-6]\d(\.\d{1,3})?([zZ]|[+-][0-2]\d:[0-6]\d)\n?\Z")
    | st.sampled_from([t for t in TRICKY if isinstance(t, str)])
    | st.text(max_size=25)
)
def test_fast_date_time_is_jsonschemas_date_time(text: str) -> None:
    from jsonschema._format import is_datetime

    from contracts.validate._datetime import _is_datetime

    assert _is_datetime(text) == bool(is_datetime(text))
    assert _is_datetime(text) == bool(is_datetime(text))  # the memoised answer too
