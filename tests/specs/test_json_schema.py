"""The jsonschema-rs translation beyond the vendor specs: every keyword, against openapi-core's own validators.

The oracles are ``OAS30ReadValidator`` (response bodies) and ``OAS30WriteValidator`` (requests) with the
format checker openapi-core builds for the spec: the classes openapi-core validates with.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30ReadValidator, OAS30WriteValidator

from tests.validate.strategies import TRICKY, any_json, finite, mutated, values
from vendor_specs import UnsupportedSchema, compile_schema, fast_valid, format_checker, to_json_schema

CHECKER = format_checker("respan")

SCHEMAS: dict[str, dict[str, Any]] = {
    "nullable enum": {"type": "string", "nullable": True, "enum": ["a", "b"]},
    "nullable enum with null": {"type": "string", "nullable": True, "enum": ["a", None]},
    "int enum": {"type": "integer", "enum": [0, 1, 2**70]},
    "mixed enum": {"enum": [True, 1, "1", None, [1], {"a": 1}]},
    "bounds": {"type": "number", "minimum": 0, "maximum": 10, "exclusiveMaximum": True},
    "exclusive min": {"type": "integer", "minimum": 1, "exclusiveMinimum": True},
    "untyped bounds": {"minimum": 5, "maxLength": 2, "maxItems": 1, "maxProperties": 1},
    "strings": {"type": "string", "minLength": 1, "maxLength": 3, "pattern": "^[a-z]+$"},
    "unicode pattern": {"type": "string", "pattern": r"^\d+$"},
    "formats": {"type": "string", "format": "date-time", "nullable": True},
    "other formats": {"anyOf": [{"format": "date"}, {"format": "int32"}, {"format": "uuid"}, {"format": "byte"}]},
    "integer formats": {"type": "integer", "format": "int32"},
    "untyped int64": {"format": "int64"},
    "unknown format": {"type": "string", "format": "no-such-format"},
    "path format": {"type": "string", "format": "path"},
    "arrays": {"type": "array", "items": {"type": "integer"}, "minItems": 1, "uniqueItems": True},
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
    "read and write only": {
        "type": "object",
        "required": ["id", "secret", "name"],
        "properties": {
            "id": {"type": "string", "readOnly": True},
            "secret": {"type": "string", "writeOnly": True},
            "name": {"type": "string"},
        },
    },
    "untyped object keywords": {"required": ["a"], "properties": {"a": {"type": "string"}}, "minProperties": 2},
    "one of": {"oneOf": [{"type": "integer"}, {"type": "number", "minimum": 1}]},
    "all of and not": {"allOf": [{"type": "object"}, {"not": {"required": ["x"]}}], "nullable": True},
    "nullable object": {"type": "object", "nullable": True, "required": ["a"], "properties": {"a": {"type": "string"}}},
    "annotations": {"type": "string", "description": "d", "example": 3, "x-secret": True, "deprecated": True},
    "empty": {},
    "empty combinators": {"allOf": [], "anyOf": [{"allOf": []}, {"type": "string"}]},
    "empty any of": {"anyOf": []},
    "empty one of": {"oneOf": []},
    "empty enum": {"enum": []},
    "pattern and format": {"type": "string", "pattern": "^2", "format": "date"},
    "all of and a format": {"allOf": [{"type": "string"}], "format": "date", "minLength": 1},
}
EXTRA_VALUES = [
    2**31 - 1,
    2**31,
    -(2**31),
    -(2**31) - 1,
    2**63,
    "12",
    "١٢",
    "abc",
    {"id": "x", "secret": "s", "name": "n"},
    {"name": "n"},
    {"id": "x", "name": "n"},
    {"secret": "s", "name": "n"},
    "2025-12-01",
    "1999-01-01",
    "aGVsbG8=",
    "not base64!",
]


def verdict(check: Any, value: Any) -> bool:
    """A check that raises (jsonschema's multipleOf on NaN does) has not found the value valid."""
    try:
        return bool(check(value))
    except (ValueError, TypeError, OverflowError):
        return False


@pytest.mark.parametrize("write", [False, True], ids=["response", "request"])
@pytest.mark.parametrize("name", sorted(SCHEMAS))
@settings(max_examples=50, deadline=None)
@given(data=st.data())
def test_translated_keyword_agrees_with_openapi_cores_validator(name: str, write: bool, data: st.DataObject) -> None:
    schema = SCHEMAS[name]
    oracle_class = OAS30WriteValidator if write else OAS30ReadValidator
    oracle = oracle_class(schema, format_checker=CHECKER).is_valid
    predicate = compile_schema(schema, CHECKER, write=write)
    source = (
        st.sampled_from(TRICKY + EXTRA_VALUES) | any_json | values(schema).flatmap(lambda v: st.just(v) | mutated(v))
    )
    value = data.draw(source)
    quick, expected = fast_valid(predicate, value), verdict(oracle, value)
    if finite(value):
        assert quick == expected, f"{name}: disagree on {value!r}"
    else:
        assert not quick or expected, f"{name}: jsonschema-rs accepts {value!r}, openapi-core does not"


@pytest.mark.parametrize("write", [False, True], ids=["response", "request"])
@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_listed_value_agrees(name: str, write: bool) -> None:
    """The same comparison on every value listed above, for every schema: no draw can miss one."""
    schema = SCHEMAS[name]
    oracle = (OAS30WriteValidator if write else OAS30ReadValidator)(schema, format_checker=CHECKER).is_valid
    predicate = compile_schema(schema, CHECKER, write=write)
    for value in [v for v in TRICKY + EXTRA_VALUES if finite(v)]:
        assert fast_valid(predicate, value) == verdict(oracle, value), f"{name}: disagree on {value!r}"


def test_bodies_are_responses_by_default() -> None:
    """``compile_schema`` and ``to_json_schema`` without ``write`` judge a response: readOnly may be present."""
    schema = SCHEMAS["read and write only"]
    assert compile_schema(schema, CHECKER)({"id": "x", "name": "n"})
    assert not compile_schema(schema, CHECKER, write=True)({"id": "x", "name": "n"})
    translated, _ = to_json_schema(schema, CHECKER)
    assert translated["properties"]["id"] == {"type": "string"} and translated["properties"]["secret"] == {"not": {}}


@pytest.mark.parametrize(
    "keyword",
    [
        {"$ref": "#/x"},
        {"discriminator": {"propertyName": "t"}, "oneOf": []},
        {"properties": {"a": {"multipleOf": 3}}},
    ],
)
def test_what_is_left_to_openapi_core_is_refused(keyword: dict[str, Any]) -> None:
    with pytest.raises(UnsupportedSchema, match="^keyword '.*' is left to openapi-core$"):
        compile_schema(keyword, CHECKER)


def test_refusals_say_why() -> None:
    with pytest.raises(UnsupportedSchema, match="^schema 5 is not an object$"):
        compile_schema({"items": 5}, CHECKER)
    with pytest.raises(UnsupportedSchema, match="^not translatable to a valid Draft 4 schema: "):
        compile_schema({"type": "nonsense"}, CHECKER)


# A string of date-time shape with every field drawn from a wider range than RFC 3339 allows (year 0000,
# month 13, day 31 of any month, 29 February of any year, hour 24, second 60, offsets past 23:59), either
# case of T and Z, optional fraction, and Python's trailing-newline quirk: where the rules can disagree.
NEAR_DATE_TIME = st.from_regex(
    r"\A(0000|1900|2000|2023|2024|[0-9]{4})-(0[0-9]|1[0-3])-([0-3][0-9])[Tt ]([0-2][0-9]):([0-6][0-9]):([0-6][0-9])"
    r"(\.[0-9]{0,3})?([Zz]|[+-][0-2][0-9]:?[0-6][0-9])?(\n|\n\n|x)?\Z"
)


@settings(max_examples=500, deadline=None)
@given(value=NEAR_DATE_TIME | st.text(max_size=30))
@example("2024-02-29T00:00:00Z")
@example("2000-02-29T00:00:00Z")
@example("1900-02-29T00:00:00Z")
@example("2023-02-29T00:00:00Z")
@example("0000-02-29T00:00:00Z")
@example("2025-04-31T00:00:00Z")
@example("2016-12-31T23:59:60Z")
@example("2025-01-01t00:00:00z\n")
@example("2025-01-01T00:00:00+24:00")
@example("2025-01-01T00:00:00+23:60")
@example("2025-01-01T24:00:00Z")
@example("2025-01-01T00:60:00Z")
@example("2025-13-01T00:00:00Z")
@example("2025-00-10T00:00:00Z")
@example("2025-01-00T00:00:00Z")
@example("2025-01-01T00:00:00.Z")
def test_date_time_patterns_agree_with_rfc3339_validator(value: str) -> None:
    """``date-time`` is checked by regular expressions in jsonschema-rs (no Python call per string): they must
    accept exactly what openapi-core's checker (rfc3339-validator) accepts."""
    predicate = compile_schema({"type": "string", "format": "date-time"}, CHECKER)
    assert predicate(value) == CHECKER.conforms(value, "date-time"), repr(value)


def test_date_time_is_checked_without_a_python_call() -> None:
    translated, formats = to_json_schema({"type": "string", "format": "date-time"}, CHECKER)
    assert formats == {} and "pattern" in str(translated)


def test_a_checker_without_date_time_checks_no_date_time() -> None:
    """As openapi-core without rfc3339-validator: the patterns stand in for that checker only."""
    no_formats = type(OAS30ReadValidator.FORMAT_CHECKER)(formats=())  # jsonschema's FormatChecker, none known
    predicate = compile_schema({"type": "string", "format": "date-time"}, no_formats)
    assert predicate("not a date") and predicate("2025-02-30T00:00:00Z")
