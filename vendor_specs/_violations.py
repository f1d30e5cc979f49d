"""openapi-core's verdicts as data: every error it raises on an exchange becomes :class:`Violation` s.

openapi-core decides; this module only translates its exceptions (and the jsonschema errors inside
them) into violations with a kind, a JSON path, the rule, the offending value and a message. The proxy,
the harness and payload validation all report through here.
"""

from __future__ import annotations

import ast
import heapq
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vendor_specs._adapter import Pairs, core_request, core_response
from vendor_specs._load import openapi_core_spec
from vendor_specs._match import Operation, OperationMatch
from vendor_specs._pointers import instance_pointer, response_pointer, schema_pointer
from vendor_specs._security import credentials

__all__ = [
    "MISSING",
    "Violation",
    "Violations",
    "json_path",
    "media_type_violation",
    "render_value",
    "request_violations",
    "response_violations",
    "schema_violations",
    "status_violation",
]

MAX_VALUE = 80  # characters of an offending value shown in a message


class _Missing:
    """The value of a violation about something absent (a required property, an empty body)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def render_value(value: Any, limit: int = MAX_VALUE) -> str:
    """The offending value as compact JSON, cut to ``limit`` characters (never more work than that needs)."""
    if isinstance(value, str) and len(value) > limit:
        value = value[: limit + 1]  # a huge string is cut before it is encoded
    elif isinstance(value, (dict, list)):
        value = _head(value, limit)
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)[: limit + 1]
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _head(value: Any, limit: int, depth: int = 0) -> Any:
    """Enough of a container to show ``limit`` characters: at most ``limit`` items per level, 8 levels deep."""
    if depth > 8:
        return "..."
    if isinstance(value, dict):
        return {k: _head(v, limit, depth + 1) for k, v in list(value.items())[:limit]}
    if isinstance(value, list):
        return [_head(v, limit, depth + 1) for v in value[:limit]]
    if isinstance(value, str) and len(value) > limit:
        return value[: limit + 1]
    return value


@dataclass(frozen=True)
class Violation:
    """One way a request or response breaks the spec.

    ``kind`` is what is wrong: ``status``, ``media_type``, ``body`` (the JSON body against its schema),
    ``parameter``, ``security``. ``where`` is ``request``, ``response`` or ``response body``; ``path`` a
    JSON path into the body (``$.meta.capabilities``) or a request location (``query.id``); ``rule`` the
    schema rule or spec requirement (``type: string``, ``required``, ``documented status``); ``pointer``
    where the spec states that rule, as written in the file (``#/components/schemas/ModelMeta/properties/
    profile_image_url``: the subschema, ``$ref`` followed), '' when unknown.
    """

    where: str
    path: str
    rule: str
    message: str
    value: Any = None
    kind: str = "body"
    pointer: str = ""

    def __str__(self) -> str:
        at = f"{self.where} {self.path}" if self.path else self.where
        value = "" if self.value is MISSING else f"; value {render_value(self.value)}"
        spec = f" at {self.pointer}" if self.pointer else ""
        return f"{at}: {self.message} [rule {self.rule}{value}]{spec}"


class Violations(list[Violation]):
    """Violations found on one exchange; with a ``limit``, at most that many are built and ``omitted``
    counts the rest (a body with a million unknown keys costs a count, not a million violations)."""

    omitted: int = 0

    def room(self, limit: int | None) -> int | None:
        """How many more may be built under ``limit`` (None: no limit)."""
        return None if limit is None else max(limit - len(self), 0)

    def merge(self, more: list[Violation], limit: int | None) -> None:
        """Add ``more`` (and what it omitted), keeping at most ``limit`` in all."""
        room = self.room(limit)
        kept = more if room is None else more[:room]
        self.extend(kept)
        self.omitted += len(more) - len(kept) + getattr(more, "omitted", 0)


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
    if error.validator in ("properties", "items", "allOf", "anyOf", "oneOf", "not"):
        return str(error.validator)
    value = error.validator_value
    text = value if isinstance(value, str) else render_value(value, 60)
    return f"{error.validator}: {text}"


_BOUNDS = {
    "minimum": "is less than the minimum of {}",
    "maximum": "is greater than the maximum of {}",
    "exclusiveMinimum": "is not greater than {}",
    "exclusiveMaximum": "is not less than {}",
    "minLength": "is shorter than the minimum length {}",
    "maxLength": "is longer than the maximum length {}",
    "minItems": "has fewer items than the minimum {}",
    "maxItems": "has more items than the maximum {}",
    "minProperties": "has fewer properties than the minimum {}",
    "maxProperties": "has more properties than the maximum {}",
    "pattern": "does not match {}",
    "multipleOf": "is not a multiple of {}",
    "uniqueItems": "has non-unique items",
}


def _message(error: Any) -> str:
    """The error's message without the offending value in it (jsonschema puts the whole value into
    ``message``; the value is shown separately, truncated)."""
    kind, expected = error.validator, error.validator_value
    if kind == "type":
        return f"is not of type {expected!r}"
    if kind == "enum":
        return f"is not one of {render_value(expected, 60)}"
    if kind == "format":
        return f"is not a {expected!r}"
    if kind in _BOUNDS:
        return _BOUNDS[kind].format(render_value(expected, 60))
    if kind in ("oneOf", "anyOf"):
        return f"is not valid under {'exactly one' if kind == 'oneOf' else 'any'} of the given schemas"
    message = str(error.message)
    return message if len(message) <= 200 else message[:197] + "..."


def _schema_path(error: Any) -> list[str | int]:
    return list(getattr(error, "absolute_schema_path", None) or [])


def schema_violations(
    errors: Iterable[Any],
    where: str = "response body",
    limit: int | None = None,
    spec: str | Path | None = None,
    base: str = "#",
) -> Violations:
    """One violation per jsonschema error (one per missing or extra property); at most ``limit`` are built,
    the rest only counted (``Violations.omitted``). With ``spec`` (an API or a spec file), each names the
    subschema where its rule is written: the error's ``absolute_schema_path`` below ``base`` (the pointer of
    the schema that was validated), walked through the raw spec."""

    def locate(error: Any, below: Iterable[str | int] = ()) -> str:
        if spec is None:
            return ""
        at = schema_pointer(spec, base, _schema_path(error)[:-1])  # the subschema holding the failing keyword
        return instance_pointer(spec, at, below) if below else at

    found = Violations()
    for error in errors:
        parts = list(error.absolute_path)
        room = found.room(limit)
        if error.validator == "additionalProperties" and error.validator_value is False:
            known = set((error.schema or {}).get("properties", {}))
            extras = [k for k in error.instance if k not in known]
            shown = sorted(extras) if room is None else heapq.nsmallest(room, extras)
            found.omitted += len(extras) - len(shown)
            message = "is not allowed: the schema is closed (additionalProperties: false)"
            rule = "additionalProperties: false"
            at = locate(error)
            found += [
                Violation(where, json_path([*parts, k]), rule, message, error.instance[k], pointer=at) for k in shown
            ]
            continue
        if room == 0:
            found.omitted += 0 if error.validator == "type" and error.message == "None for not nullable" else 1
            continue
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = _missing_name(error.message)
            found.append(
                Violation(
                    where,
                    json_path([*parts, missing]),
                    "required",
                    "is required but missing",
                    MISSING,
                    pointer=locate(error, [missing]),
                )
            )
        elif error.validator == "type" and error.instance is None:
            if error.message == "None for not nullable":
                continue
            message = f"is null, but the schema is {error.validator_value} and not nullable"
            found.append(
                Violation(
                    where, json_path(parts), f"type: {error.validator_value}", message, None, pointer=locate(error)
                )
            )
        else:
            found.append(
                Violation(where, json_path(parts), _rule(error), _message(error), error.instance, pointer=locate(error))
            )
    return found


def status_violation(op: Operation, status: int | None) -> Violation:
    """``status`` is not one the operation documents."""
    documented = ", ".join(str(s) for s in op.statuses)
    message = f"{status} is not documented for {op.operation_id} (documented: {documented})"
    return Violation("response", "status", "documented status", message, status, "status", response_pointer(op))


def media_type_violation(op: Operation, status: int | None, mimetype: str | None, expected: Iterable[str]) -> Violation:
    """The answer's media type ``mimetype`` is not one documented for ``status`` (``expected``)."""
    message = f"{mimetype or '(none)'} is not documented; expected {', '.join(expected)}"
    where = response_pointer(op, status, "")  # the status's content
    return Violation("response", "content-type", "documented media type", message, mimetype, "media_type", where)


def _translate(
    exc: Exception, op: Operation, status: int | None, limit: int | None = None, content_type: str | None = None
) -> list[Violation]:
    # openapi-core is imported on the explaining path only (see vendor_specs._load.openapi_core_spec)
    from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
    from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
    from openapi_core.templating.responses.exceptions import ResponseNotFound
    from openapi_core.validation.request.exceptions import (
        MissingRequiredParameter,
        ParameterValidationError,
        SecurityValidationError,
    )
    from openapi_core.validation.response.exceptions import MissingData

    cause = exc.__cause__
    if isinstance(exc, ResponseNotFound):
        return [status_violation(op, status)]
    if isinstance(cause, MediaTypeNotFound):
        return [media_type_violation(op, status, cause.mimetype, cause.availableMimetypes)]
    body_at = response_pointer(op, status, content_type or "application/json") if status is not None else ""
    # a body that is missing or is not JSON breaks the documented content itself, not a rule about its schema or
    # about how its JSON is written (duplicate keys)
    content_at = body_at.split("/content/", 1)[0] + "/content" if "/content/" in body_at else body_at
    if isinstance(exc, MissingData):
        return [
            Violation(
                "response",
                "body",
                "body required",
                "is empty, but the spec documents a JSON body",
                MISSING,
                pointer=content_at,
            )
        ]
    if isinstance(cause, MediaTypeDeserializeError):
        return [Violation("response", "body", "valid JSON", f"is not valid {cause.mimetype}", None, pointer=content_at)]
    if isinstance(exc, SecurityValidationError):
        ways = [c.describe() for c in credentials(op.api, op.definition)]
        message = f"has no credentials of a documented scheme; send {' or '.join(ways) or 'the documented credentials'}"
        return [Violation("request", "security", "documented security", message, MISSING, "security")]
    if isinstance(exc, MissingRequiredParameter):
        where = f"{exc.location}.{exc.name}"
        return [Violation("request", where, "required", "required parameter is missing", MISSING, "parameter")]
    if isinstance(exc, ParameterValidationError):
        errors = getattr(cause, "schema_errors", None)
        if errors:
            where = f"request {exc.location}.{exc.name}"
            return [
                Violation(where, v.path.removeprefix("$") or "", v.rule, v.message, v.value, "parameter")
                for v in schema_violations(errors, where)
            ]
        message = str(exc) + (f": {cause}" if cause else "")
        return [Violation("request", f"{exc.location}.{exc.name}", "parameter", message, kind="parameter")]
    errors = getattr(cause, "schema_errors", None)
    if errors is not None:
        return schema_violations(errors, limit=limit, spec=op.api, base=body_at)
    kind = "body" if status is not None else "parameter"
    return [Violation("response" if status is not None else "request", "", type(exc).__name__, str(exc), kind=kind)]


def response_violations(
    match: OperationMatch,
    status: int,
    body: bytes | None,
    content_type: str | None,
    headers: Pairs | None = None,
    limit: int | None = None,
) -> Violations:
    """openapi-core's findings on a response to ``match``'s operation (status, media type, body); at most
    ``limit`` are built, the rest counted in ``omitted``."""
    openapi = openapi_core_spec(match.operation.api)
    request = core_request(match)
    response = core_response(status, body or b"", content_type, headers)
    found = Violations()
    try:
        for exc in openapi.iter_response_errors(request, response):
            found.merge(_translate(exc, match.operation, status, found.room(limit), content_type), limit)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # a validator crashed on this value
        found.append(
            Violation("response body", "", "openapi-core", f"could not be validated: {type(exc).__name__}: {exc}")
        )
    return found


def request_violations(
    match: OperationMatch, query: Pairs | None = None, headers: Pairs | None = None, cookies: Pairs | None = None
) -> list[Violation]:
    """openapi-core's findings on a request: parameters and presence of documented credentials."""
    openapi = openapi_core_spec(match.operation.api)
    request = core_request(match, query=query, headers=headers, cookies=cookies, body=None)
    found: list[Violation] = []
    for exc in openapi.iter_request_errors(request):
        found += _translate(exc, match.operation, None)
    return found
