"""A fast yes/no on a request: openapi-core's verdict on its parameters and credentials, without openapi-core.

``request_validator(api, operation_id)`` compiles an operation once into a predicate that is True exactly
when :func:`vendor_specs.request_violations` would find nothing (``tests/specs/test_request_check.py``
holds the two to the same verdict on generated requests). It mirrors openapi-core 0.23's request
validator step by step:

- security: the operation's ``security`` (else the spec's); an empty or absent list needs nothing; one
  requirement whose every scheme is present suffices, so ``{}`` makes credentials optional. An ``apiKey``
  is present when its name is (case-insensitive in headers); ``http`` wants ``Authorization: <word> <rest>``
  whose word, lower-cased, is the scheme as the spec writes it;
- each parameter: absent -> its schema's ``default`` is validated, else a violation only if ``required``;
  present -> a query value ``""`` is a violation; the value is validated by openapi-core's own schema
  validator class and format checker, compiled once.

Only ``type: string`` parameters in their default style are mirrored (other types are cast by openapi-core
first); anything else (``content``, ``allowEmptyValue``, other styles, a request body, oauth2 schemes) makes
``request_validator`` return None: openapi-core alone decides those requests.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from vendor_specs._load import load_spec, openapi_core_spec
from vendor_specs._match import Operation, operations

__all__ = ["RequestPredicate", "request_validator"]

#: ``(path, query, headers, cookies) -> bool``: each mapping holds the first value sent for each name
#: (path parameters percent-decoded, header names in lower case).
RequestPredicate = Callable[[Mapping[str, str], Mapping[str, str], Mapping[str, str], Mapping[str, str]], bool]

_DEFAULT_STYLE = {"path": "simple", "header": "simple", "query": "form", "cookie": "form"}


class _Unsupported(Exception):
    """Something openapi-core does that this check does not mirror."""


@dataclass(frozen=True)
class _Parameter:
    name: str  # header names in lower case
    location: str
    required: bool
    is_valid: Callable[[Any], bool]
    default_valid: bool | None  # the verdict on the schema's default; None: the schema has none

    def ok(self, source: Mapping[str, str]) -> bool:
        value = source.get(self.name)
        if value is None:
            return self.default_valid if self.default_valid is not None else not self.required
        if value == "" and self.location == "query":
            return False  # openapi-core: EmptyQueryParameterValue
        return self.is_valid(value)


@dataclass(frozen=True)
class _Scheme:
    location: str  # header, query, cookie, or "http" (the Authorization header)
    name: str  # header names in lower case; the auth word for "http"

    def present(self, query: Mapping[str, str], headers: Mapping[str, str], cookies: Mapping[str, str]) -> bool:
        if self.location == "http":
            value = headers.get("authorization")
            if value is None or " " not in value:
                return False
            return value.split(" ", 1)[0].lower() == self.name
        return self.name in {"header": headers, "query": query, "cookie": cookies}[self.location]


def _validator_factory(api: str) -> tuple[type[Any], Any]:
    """openapi-core's request schema validator class and format checker for ``api``."""
    request_validator = openapi_core_spec(api).request_validator
    if request_validator.forbid_unspecified_additional_properties:
        raise _Unsupported("additionalProperties default policy 'forbid'")
    factory = request_validator.schema_validators_factory
    checker = factory.get_format_checker(request_validator.format_validators, request_validator.extra_format_validators)
    return factory.schema_validator_cls, checker


def _parameter(raw: dict[str, Any], validator_cls: type[Any], checker: Any) -> _Parameter:
    location = str(raw["in"])
    schema = raw.get("schema")
    if "content" in raw or "allowEmptyValue" in raw or not isinstance(schema, dict):
        raise _Unsupported(f"parameter {raw['name']}: content, allowEmptyValue or no schema")
    if schema.get("type") != "string" or raw.get("style", _DEFAULT_STYLE.get(location)) != _DEFAULT_STYLE[location]:
        raise _Unsupported(f"parameter {raw['name']}: only string parameters in their default style are mirrored")
    is_valid = validator_cls(schema, format_checker=checker).is_valid
    default_valid = bool(is_valid(schema["default"])) if "default" in schema else None
    name = str(raw["name"]).lower() if location == "header" else str(raw["name"])
    return _Parameter(name, location, bool(raw.get("required", False)), is_valid, default_valid)


def _requirements(api: str, op: Operation) -> list[list[_Scheme]]:
    spec = load_spec(api)
    security = op.definition["security"] if "security" in op.definition else spec.get("security")
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    found: list[list[_Scheme]] = []
    for requirement in security or []:
        needed = []
        for name in requirement:
            scheme = schemes.get(name)
            if scheme is None:
                continue  # openapi-core asks nothing of a scheme the spec does not define
            if scheme.get("type") == "http":
                needed.append(_Scheme("http", str(scheme["scheme"])))
            elif scheme.get("type") == "apiKey":
                location, key = str(scheme["in"]), str(scheme["name"])
                needed.append(_Scheme(location, key.lower() if location == "header" else key))
            else:
                raise _Unsupported(f"security scheme {name}: type {scheme.get('type')}")
        found.append(needed)
    return found


@functools.lru_cache(maxsize=None)
def request_validator(api: str, operation_id: str) -> RequestPredicate | None:
    """The fast check of ``operation_id``'s requests, or None when openapi-core must decide every one."""
    op = next((o for o in operations(api) if o.operation_id == operation_id), None)
    if op is None or "requestBody" in op.definition:
        return None
    try:
        validator_cls, checker = _validator_factory(api)
        parameters = [_parameter(p, validator_cls, checker) for p in op.parameters]
        requirements = _requirements(api, op)
    except _Unsupported:
        return None
    by_location = {location: tuple(p for p in parameters if p.location == location) for location in _DEFAULT_STYLE}
    path_params, query_params = by_location["path"], by_location["query"]
    header_params, cookie_params = by_location["header"], by_location["cookie"]

    def check(
        path: Mapping[str, str], query: Mapping[str, str], headers: Mapping[str, str], cookies: Mapping[str, str]
    ) -> bool:
        if requirements and not any(all(s.present(query, headers, cookies) for s in r) for r in requirements):
            return False
        return (
            all(p.ok(path) for p in path_params)
            and all(p.ok(query) for p in query_params)
            and all(p.ok(headers) for p in header_params)
            and all(p.ok(cookies) for p in cookie_params)
        )

    return check
