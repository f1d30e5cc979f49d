"""OAS 3.0 schemas as JSON Schema, validated by jsonschema-rs, with openapi-core's verdicts.

openapi-core (openapi-schema-validator's OAS 3.0 validators) stays the judge of record and the source
of detailed findings; this module answers only "valid or not", many times faster, and with the same
verdict for every JSON value (``tests/specs/test_json_schema.py`` holds the two to it). The translation,
done once per schema:

- ``nullable: true`` with ``type: T``: ``type: [T, "null"]`` (``nullable`` means nothing without ``type``);
- ``readOnly`` / ``writeOnly`` (read = a response, write = a request): the property that must not be
  present becomes ``{"not": {}}`` and leaves ``required``;
- ``format``: ``date-time`` becomes regular expressions with openapi-core's exact rules (run by
  jsonschema-rs, no Python call); every other format openapi-core's checker knows is checked by that very
  checker (a Python call per string); ``int32``/``int64`` (which apply to numbers) become bounds on integers; a format it does not know
  is ignored, as openapi-core ignores it; ``pattern`` is checked by openapi-core's own pattern keyword;
- Draft 4 keywords as OAS 3.0 has them (boolean ``exclusiveMinimum``, ``1.0`` is not an ``integer``);
- annotations and ``x-`` extensions dropped. ``discriminator``, ``$ref`` and ``multipleOf`` raise
  :class:`UnsupportedSchema`: callers then let openapi-core alone decide.
"""

from __future__ import annotations

import copy
import functools
import itertools
from collections.abc import Callable
from typing import Any

import jsonschema_rs
from openapi_schema_validator import OAS30ReadValidator

from vendor_specs._facts import json_body_schema
from vendor_specs._load import EXTRA_FORMATS
from vendor_specs._match import operations

__all__ = ["Predicate", "UnsupportedSchema", "body_validator", "compile_schema", "format_checker", "to_json_schema"]

Predicate = Callable[[Any], bool]

_ANNOTATIONS = frozenset(
    {"nullable", "readOnly", "writeOnly", "description", "title", "example", "externalDocs", "deprecated", "xml"}
)
_UNSUPPORTED = ("discriminator", "$ref", "multipleOf")
_SUBSCHEMA = ("items", "not")
_SUBSCHEMAS = ("allOf", "anyOf", "oneOf")
_INT_BOUNDS = {"int32": 31, "int64": 63}  # openapi-schema-validator's is_int32/is_int64 on integers


# openapi-core's date-time check: rfc3339-validator on the upper-cased string (a dependency of
# openapi-schema-validator; without it openapi-core checks no date-time and neither does this module).
_RFC3339_CHECK = OAS30ReadValidator.FORMAT_CHECKER.checkers.get("date-time")
# The same rules as regular expressions jsonschema-rs runs: RFC3339_REGEX (ASCII digits, `T`/`Z` in either
# case, hours 00-23, seconds 00-59: no leap second, offsets up to 23:59, and Python's `$`, which also
# matches before one trailing newline), a day that exists in its month (29 February in leap years only),
# and no year 0000. tests/specs/test_json_schema.py compares it with rfc3339-validator.
_D = "[0-9]"
_LEAP_YEAR = f"(?:{_D}{_D}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_MONTH_DAY = "(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
_TIME = f"[Tt](?:[01]{_D}|2[0-3]):[0-5]{_D}:[0-5]{_D}(?:\\.{_D}+)?(?:[Zz]|[+-](?:[01]{_D}|2[0-3]):[0-5]{_D})\\n?$"
_DATE_TIME: list[dict[str, Any]] = [
    {"pattern": f"^(?:{_D}{{4}}-{_MONTH_DAY}|{_LEAP_YEAR}-02-29){_TIME}"},
    {"not": {"type": "string", "pattern": "^0000-"}},
]


class UnsupportedSchema(Exception):
    """A schema uses something this translation does not reproduce exactly; openapi-core alone decides."""


class _Translator:
    def __init__(self, checker: Any, write: bool) -> None:
        self.checker = checker
        self.write = write
        self.formats: dict[str, Callable[[str], bool]] = {}
        self._names = itertools.count()

    def _hidden(self, schema: dict[str, Any]) -> bool:
        """A property that must not appear in this direction (writeOnly in a response, readOnly in a request)."""
        return schema.get("readOnly" if self.write else "writeOnly") is True

    def _string_format(self, check: Callable[[str], bool]) -> str:
        name = f"x-oas-{next(self._names)}"
        self.formats[name] = check
        return name

    def schema(self, schema: Any) -> dict[str, Any]:
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"schema {schema!r} is not an object")
        for keyword in _UNSUPPORTED:
            if keyword in schema:
                raise UnsupportedSchema(f"keyword {keyword!r} is left to openapi-core")
        if self._hidden(schema):
            return {"not": {}}
        out: dict[str, Any] = {}
        extra: list[dict[str, Any]] = []
        props: dict[str, Any] = schema["properties"] if isinstance(schema.get("properties"), dict) else {}
        for key, value in schema.items():
            if key in _ANNOTATIONS or key.startswith("x-"):
                continue
            if key == "type":
                out["type"] = [value, "null"] if schema.get("nullable") is True else value
            elif key == "properties":
                out[key] = {name: self.schema(sub) for name, sub in value.items()}
            elif key in _SUBSCHEMA or (key == "additionalProperties" and isinstance(value, dict)):
                out[key] = self.schema(value)
            elif key in _SUBSCHEMAS:
                if value:
                    out[key] = [self.schema(sub) for sub in value]
                elif key != "allOf":  # Draft 4 wants a non-empty list: no branch means no value passes
                    extra.append({"not": {}})
            elif key == "required":
                out[key] = [n for n in value if not (isinstance(props.get(n), dict) and self._hidden(props[n]))]
                if not out[key]:
                    del out[key]  # Draft 4 wants at least one name
            elif key == "format":
                extra += self._format(value)
            elif key == "pattern":
                check = OAS30ReadValidator({"pattern": value}).is_valid
                extra.append({"format": self._string_format(check)})
            else:
                out[key] = copy.deepcopy(value)
        if extra:
            out["allOf"] = [*out.get("allOf", []), *extra]
        return out

    def _format(self, name: Any) -> list[dict[str, Any]]:
        if name == "date-time" and _RFC3339_CHECK is not None and self.checker.checkers.get(name) == _RFC3339_CHECK:
            return _DATE_TIME  # the same rules, checked by jsonschema-rs itself instead of a Python call
        if name in _INT_BOUNDS:
            bits = _INT_BOUNDS[name]
            in_range = {"minimum": -(1 << bits), "maximum": (1 << bits) - 1}
            return [{"anyOf": [{"not": {"type": "integer"}}, in_range]}]
        if not isinstance(name, str) or name not in self.checker.checkers:
            return []  # a format openapi-core does not know passes every value
        checker = self.checker
        return [{"format": self._string_format(lambda value: bool(checker.conforms(value, name)))}]


def to_json_schema(
    schema: dict[str, Any], checker: Any, *, write: bool = False
) -> tuple[dict[str, Any], dict[str, Callable[[str], bool]]]:
    """(Draft 4 JSON Schema, its custom string formats) for an OAS 3.0 ``schema`` (``$ref`` resolved).

    ``write``: validate as a request (``readOnly`` properties forbidden) instead of a response."""
    translator = _Translator(checker, write)
    return translator.schema(schema), translator.formats


def compile_schema(schema: dict[str, Any], checker: Any, *, write: bool = False) -> Predicate:
    """jsonschema-rs' ``is_valid`` for ``schema``: openapi-core's verdict on every value orjson decodes.

    A value JSON cannot carry is never judged valid when openapi-core would not: NaN and infinities are
    invalid here (openapi-core may accept them) and a Python object that is not JSON data raises
    ``ValueError``; either way, let openapi-core decide such a value."""
    translated, formats = to_json_schema(schema, checker, write=write)
    try:
        validator = jsonschema_rs.Draft4Validator(translated, formats=formats, validate_formats=True)
    except (jsonschema_rs.ValidationError, ValueError) as exc:  # not a valid Draft 4 schema once translated
        raise UnsupportedSchema(f"not translatable to a valid Draft 4 schema: {exc}") from None
    predicate: Predicate = validator.is_valid
    return predicate


@functools.lru_cache(maxsize=None)
def format_checker(api: str) -> Any:
    """The format checker openapi-core uses on ``api``'s response bodies: OpenAPI 3.0's formats and
    ``EXTRA_FORMATS`` (the same for every spec today; per spec, so that one could add its own)."""
    checker = copy.deepcopy(OAS30ReadValidator.FORMAT_CHECKER)
    for name, check in EXTRA_FORMATS.items():
        checker.checks(name)(check)
    return checker


@functools.lru_cache(maxsize=None)
def body_validator(api: str, operation_id: str, status: int, media_type: str = "application/json") -> Predicate | None:
    """The fast validator of the body ``operation_id`` documents for ``status``, or None when there is no
    such JSON schema or it uses what the translation leaves to openapi-core."""
    op = next((o for o in operations(api) if o.operation_id == operation_id), None)
    response = op.responses.get(str(status)) if op is not None else None
    schema = json_body_schema(response, media_type) if response is not None else None
    if schema is None:
        return None
    try:
        return compile_schema(schema, format_checker(api))
    except UnsupportedSchema:
        return None
