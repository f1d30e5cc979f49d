"""Compile an OpenAPI 3.0 response schema to a specialised Python predicate.

The predicate answers only "valid or not", ~50x faster than openapi-core, with openapi-core's verdict:
each keyword mirrors openapi-schema-validator's OAS 3.0 *read* validator (``nullable`` only inside ``type``,
``integer`` excludes ``1.0`` and ``true``, ``enum`` compares with jsonschema's ``equal``, formats use the
very format checker openapi-core builds for the spec, keywords openapi-core ignores are ignored). Rare
keywords (``pattern``, ``multipleOf``, ``uniqueItems``) are delegated to that same validator class. A
schema that uses something not mirrored here raises :class:`UnsupportedSchema`; callers then use
openapi-core alone. ``tests/validate/test_differential.py`` proves the equivalence on generated payloads.
"""

from __future__ import annotations

import copy
import numbers
import operator
from collections.abc import Callable
from typing import Any

from jsonschema._utils import equal
from openapi_schema_validator import OAS30ReadValidator

from contracts.validate._datetime import fast_format
from contracts.validate.errors import UnsupportedSchema

__all__ = ["Predicate", "compile_schema", "float_safe", "format_checker_for"]

Predicate = Callable[[Any], bool]

_TYPES = {
    "string": "isinstance({v}, str)",
    "integer": "(isinstance({v}, int) and {v}.__class__ is not bool)",
    "number": "({v}.__class__ in _NUM or (isinstance({v}, _Number) and {v}.__class__ is not bool))",
    "boolean": "({v}.__class__ is bool)",
    "array": "isinstance({v}, list)",
    "object": "isinstance({v}, dict)",
}
_PLAIN = {"string": str, "boolean": bool}  # isinstance alone decides these types
_ANNOTATIONS = frozenset({"type", "description", "title", "example", "externalDocs", "deprecated", "readOnly", "xml"})
_DELEGATED = ("pattern", "multipleOf", "uniqueItems")
_UNSUPPORTED = ("$ref", "discriminator", "writeOnly", "patternProperties")
_BOUNDS = {  # keyword -> (the type it applies to, comparison that PASSES)
    "minimum": ("number", "not {v} < {c}"),  # negated failure test: NaN passes, as in jsonschema
    "maximum": ("number", "not {v} > {c}"),
    "minLength": ("string", "len({v}) >= {c}"),
    "maxLength": ("string", "len({v}) <= {c}"),
    "minItems": ("array", "len({v}) >= {c}"),
    "maxItems": ("array", "len({v}) <= {c}"),
    "minProperties": ("object", "len({v}) >= {c}"),
    "maxProperties": ("object", "len({v}) <= {c}"),
}


def format_checker_for(openapi: Any) -> Any:
    """The format checker openapi-core uses for response bodies of ``openapi`` (an ``openapi_core.OpenAPI``)."""
    checker = copy.deepcopy(OAS30ReadValidator.FORMAT_CHECKER)
    for name, check in (openapi.config.extra_format_validators or {}).items():
        checker.checks(name)(check)
    return checker


def _keywords(schema: dict[str, Any]) -> set[str]:
    return {key for key in schema if not key.startswith("x-")}


def _enum_ok(value: Any, options: list[Any]) -> bool:
    return any(equal(option, value) for option in options)


class _Compiler:
    def __init__(self, checker: Any) -> None:
        self.checker = checker
        self.ns: dict[str, Any] = {
            "_NUM": (int, float),
            "_Number": numbers.Number,
            "_enum_ok": _enum_ok,
            "_KEYS": (str, int),
        }
        self.lines: list[str] = []
        self.count = 0

    def const(self, value: Any) -> str:
        name = f"_k{len(self.ns)}"
        self.ns[name] = value
        return name

    def expr(self, schema: Any, v: str) -> str:
        """A Python expression over the variable ``v``: true iff ``v`` is valid against ``schema``."""
        if not isinstance(schema, dict):
            raise UnsupportedSchema(f"schema {schema!r} is not an object")
        for keyword in _UNSUPPORTED:
            if keyword in schema:
                raise UnsupportedSchema(f"keyword {keyword!r} is not compiled; openapi-core alone validates it")
        typ, nullable = schema.get("type"), schema.get("nullable") is True
        terms: list[str] = []
        if typ is not None:
            if not isinstance(typ, str) or typ not in _TYPES:
                raise UnsupportedSchema(f"type {typ!r} is not an OpenAPI 3.0 type")
            check = _TYPES[typ].format(v=v)
            terms.append(f"({v} is None or {check})" if nullable else check)

        def when(kind: str, passes: str) -> str:  # a keyword that only applies to values of type ``kind``
            if typ == kind or (kind == "number" and typ == "integer"):
                return f"({v} is None or {passes})" if nullable else passes
            return f"(not {_TYPES[kind].format(v=v)} or {passes})"

        if "enum" in schema:
            options = list(schema["enum"])
            if options and all(isinstance(o, str) for o in options):
                terms.append(f"(isinstance({v}, str) and {v} in {self.const(frozenset(options))})")
            elif all(isinstance(o, (str, int)) and not isinstance(o, bool) for o in options):
                hashed, listed = self.const(frozenset(options)), self.const(options)
                terms.append(f"({v} in {hashed} if {v}.__class__ in _KEYS else _enum_ok({v}, {listed}))")
            else:
                terms.append(f"_enum_ok({v}, {self.const(options)})")
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in self.checker.checkers:
            terms.append(f"({v} is None or {self.const(fast_format(self.checker, fmt))}({v}))")
        for keyword in _DELEGATED:
            if keyword in schema:
                check_fn = OAS30ReadValidator({keyword: schema[keyword]}, format_checker=self.checker).is_valid
                terms.append(f"{self.const(check_fn)}({v})")
        for keyword, (kind, passes) in _BOUNDS.items():
            if keyword in schema:
                passes = passes.format(v=v, c=self.const(schema[keyword]))
                if schema.get("exclusive" + keyword.capitalize(), False):  # truthy, as jsonschema tests it
                    passes = passes.replace(" < ", " <= ").replace(" > ", " >= ")
                terms.append(when(kind, passes))
        if schema.get("required") or schema.get("properties") or schema.get("additionalProperties", True) is not True:
            terms.append(when("object", f"{self._object(schema)}({v})"))
        if "items" in schema:
            terms.append(when("array", f"{self._array(schema['items'])}({v})"))
        for keyword, joiner, empty in (("allOf", " and ", "True"), ("anyOf", " or ", "False")):
            if keyword in schema:
                terms.append("(" + (joiner.join(self.expr(sub, v) for sub in schema[keyword]) or empty) + ")")
        if "oneOf" in schema:
            terms.append("(sum((" + "".join(f"{self.expr(sub, v)}, " for sub in schema["oneOf"]) + ")) == 1)")
        if "not" in schema:
            terms.append(f"(not {self.expr(schema['not'], v)})")
        return "(" + " and ".join(terms) + ")" if terms else "True"

    def _function(self, body: list[str]) -> str:
        self.count += 1
        name = f"_f{self.count}"
        self.lines += [f"def {name}(x):", *("    " + line for line in body), "    return True", ""]
        return name

    def _object(self, schema: dict[str, Any]) -> str:
        """A function for an object already known to be a dict: required, properties, additionalProperties."""
        required, properties = list(schema.get("required", [])), dict(schema.get("properties", {}))
        extra = schema.get("additionalProperties", True)
        body: list[str] = []
        if required:
            body += [f"if not x.keys() >= {self.const(frozenset(required))}:", "    return False"]
        if extra is False:
            body += [f"if not x.keys() <= {self.const(frozenset(properties))}:", "    return False"]
        grouped: dict[type, list[str]] = {}
        for prop in required:  # plain required strings/booleans: one C-level isinstance sweep per type
            sub = properties.get(prop)
            if isinstance(sub, dict) and sub.get("type") in _PLAIN and _ANNOTATIONS.issuperset(_keywords(sub)):
                grouped.setdefault(_PLAIN[sub["type"]], []).append(prop)
        for kind, names in grouped.items():
            if len(names) > 1:
                getter, kinds = self.const(operator.itemgetter(*names)), self.const((kind,) * len(names))
                body += [f"if not all(map(isinstance, {getter}(x), {kinds})):", "    return False"]
        done = {name for names in grouped.values() if len(names) > 1 for name in names}
        for prop, sub in properties.items():
            check = self.expr(sub, "v")
            if check == "True" or prop in done:
                continue
            if prop in required:
                body += [f"v = x[{prop!r}]", f"if not {check}:", "    return False"]
            else:
                body += [f"if {prop!r} in x:", f"    v = x[{prop!r}]", f"    if not {check}:", "        return False"]
        if isinstance(extra, dict) and self.expr(extra, "v") != "True":
            known = self.const(frozenset(properties))
            body += ["for k, v in x.items():", f"    if k not in {known} and not {self.expr(extra, 'v')}:"]
            body += ["        return False"]
        return self._function(body)

    def _array(self, items: Any) -> str:
        if not isinstance(items, dict):
            raise UnsupportedSchema("`items` must be a schema object in OpenAPI 3.0")
        return self._function(["for v in x:", f"    if not {self.expr(items, 'v')}:", "        return False"])


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


def compile_schema(schema: dict[str, Any], checker: Any) -> Predicate:
    """A predicate with openapi-core's verdict for ``schema`` (resolved, no ``$ref``) and ``checker``.

    Raises :class:`UnsupportedSchema` when the schema uses something the compiler does not mirror.
    """
    compiler = _Compiler(checker)
    entry = compiler._function([f"return {compiler.expr(schema, 'x')}"])
    source = "\n".join(compiler.lines)
    exec(compile(source, f"<fast validator {entry}>", "exec"), compiler.ns)  # noqa: S102 - generated from the spec
    predicate: Predicate = compiler.ns[entry]
    return predicate
