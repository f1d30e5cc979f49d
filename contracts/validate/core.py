"""openapi-core's detailed verdicts, turned into :class:`Violation` data.

openapi-core decides; this module only translates its exceptions (and the jsonschema errors inside
them) into violations with a JSON path, the rule and the offending value. Requests and responses are
built by ``vendor_specs.core_request`` / ``core_response``, the project's one adapter to openapi-core.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Mapping
from typing import Any

from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from openapi_core.validation.request.exceptions import (
    MissingRequiredParameter,
    ParameterValidationError,
    SecurityValidationError,
)
from openapi_core.validation.response.exceptions import MissingData

import vendor_specs
from contracts.validate.findings import MISSING, Violation

__all__ = ["json_path", "request_violations", "response_violations", "schema_violations"]


def json_path(parts: Iterable[Any]) -> str:
    """``$.a[0]['odd key']`` for the path ``a, 0, odd key``."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.isidentifier():
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out


def _missing_name(message: str) -> str:
    quoted = message.removesuffix(" is a required property")
    try:
        name = ast.literal_eval(quoted)
    except (ValueError, SyntaxError):
        return quoted
    return name if isinstance(name, str) else quoted


def _rule(error: Any) -> str:
    value = error.validator_value
    if error.validator in ("properties", "items", "allOf", "anyOf", "oneOf", "not"):
        return str(error.validator)
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    return f"{error.validator}: {text if len(text) <= 60 else text[:57] + '...'}"


def schema_violations(errors: Iterable[Any], where: str = "response body") -> list[Violation]:
    """One violation per jsonschema error (one per missing or extra property)."""
    found: list[Violation] = []
    for error in errors:
        parts = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = _missing_name(error.message)
            found.append(Violation(where, json_path([*parts, missing]), "required", "is required but missing", MISSING))
        elif error.validator == "additionalProperties" and error.validator_value is False:
            known = set((error.schema or {}).get("properties", {}))
            for extra in sorted(k for k in error.instance if k not in known):
                message = "is not allowed: the schema is closed (additionalProperties: false)"
                found.append(
                    Violation(
                        where, json_path([*parts, extra]), "additionalProperties: false", message, error.instance[extra]
                    )
                )
        elif error.validator == "type" and error.instance is None:
            if error.message == "None for not nullable":
                continue
            message = f"is null, but the schema is {error.validator_value} and not nullable"
            found.append(Violation(where, json_path(parts), f"type: {error.validator_value}", message, None))
        else:
            found.append(Violation(where, json_path(parts), _rule(error), error.message, error.instance))
    return found


def _credential(api: str, name: str) -> str:
    """How a request carries the security scheme ``name``: ``Authorization: Bearer <token> (bearerAuth)``."""
    scheme = vendor_specs.load_spec(api).get("components", {}).get("securitySchemes", {}).get(name, {})
    if scheme.get("type") == "http":
        return f"Authorization: {str(scheme.get('scheme', '')).capitalize()} <credentials> ({name})"
    if scheme.get("type") == "apiKey":
        return f"{scheme.get('in')} {scheme.get('name')} ({name})"
    return name


def _violations(exc: Exception, op: vendor_specs.Operation, status: int | None) -> list[Violation]:
    cause = exc.__cause__
    if isinstance(exc, ResponseNotFound):
        documented = ", ".join(str(s) for s in op.statuses)
        return [
            Violation(
                "response",
                "status",
                "documented status",
                f"{status} is not documented for {op.operation_id} (documented: {documented})",
                status,
            )
        ]
    if isinstance(cause, MediaTypeNotFound):
        expected = ", ".join(cause.availableMimetypes)
        return [
            Violation(
                "response",
                "content-type",
                "documented media type",
                f"{cause.mimetype or '(none)'} is not documented; expected {expected}",
                cause.mimetype,
            )
        ]
    if isinstance(exc, MissingData):
        return [Violation("response", "body", "body required", "is empty, but the spec documents a JSON body", MISSING)]
    if isinstance(cause, MediaTypeDeserializeError):
        return [Violation("response", "body", "valid JSON", f"is not valid {cause.mimetype}", None)]
    if isinstance(exc, SecurityValidationError):
        wanted = " or ".join(_credential(op.api, name) for group in getattr(cause, "schemes", []) for name in group)
        return [
            Violation(
                "request",
                "security",
                "documented security",
                f"has no credentials of a documented scheme; send {wanted or 'the documented credentials'}",
                MISSING,
            )
        ]
    if isinstance(exc, MissingRequiredParameter):
        return [
            Violation("request", f"{exc.location}.{exc.name}", "required", "required parameter is missing", MISSING)
        ]
    if isinstance(exc, ParameterValidationError):
        errors = getattr(cause, "schema_errors", None)
        if errors:
            where = f"request {exc.location}.{exc.name}"
            return [
                Violation(where, v.path.removeprefix("$") or "", v.rule, v.message, v.value)
                for v in schema_violations(errors, where)
            ]
        return [
            Violation("request", f"{exc.location}.{exc.name}", "parameter", str(exc) + (f": {cause}" if cause else ""))
        ]
    errors = getattr(cause, "schema_errors", None)
    if errors is not None:
        return schema_violations(errors)
    return [Violation("response" if status is not None else "request", "", type(exc).__name__, str(exc))]


def response_violations(
    match: vendor_specs.OperationMatch, status: int, body: bytes | None, content_type: str | None
) -> list[Violation]:
    """openapi-core's findings on a response to ``match``'s operation (status, media type, body)."""
    openapi = vendor_specs.openapi_core_spec(match.operation.api)
    request = vendor_specs.core_request(match)
    response = vendor_specs.core_response(status, body or b"", content_type)
    found: list[Violation] = []
    try:
        for exc in openapi.iter_response_errors(request, response):
            found += _violations(exc, match.operation, status)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a validator crashed on this value
        found.append(
            Violation("response body", "", "openapi-core", f"could not be validated: {type(exc).__name__}: {exc}")
        )
    return found


def request_violations(
    match: vendor_specs.OperationMatch,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
) -> list[Violation]:
    """openapi-core's findings on a request: parameters and presence of documented credentials."""
    openapi = vendor_specs.openapi_core_spec(match.operation.api)
    request = vendor_specs.core_request(match, query=query, headers=headers, cookies=cookies, body=None)
    found: list[Violation] = []
    for exc in openapi.iter_request_errors(request):
        found += _violations(exc, match.operation, None)
    return found
