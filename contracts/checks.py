"""Vendor contract checks on one response: pure functions, shared by Schemathesis and the explicit cases.

Each returns a list of :class:`Problem` (empty = passed). Statuses, schemas, example messages and
secret fields are read from the spec; the vendor module only names fields and examples.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vendor_specs import (
    MISSING,
    Operation,
    json_body_schema,
    message_field,
    message_of,
    model_facts,
    secret_fields,
    varying_message,
)

__all__ = [
    "CHECK_DOCS",
    "Problem",
    "consistency",
    "error_contract",
    "identity",
    "looks_masked",
    "redacted",
    "secrets",
]

#: every check the harness reports, with what it proves (used by --help, the README and JUnit).
CHECK_DOCS: dict[str, str] = {
    "not_a_server_error": "No 5xx answers (Schemathesis, and an explicit case sending unusual ids).",
    "status_code_conformance": "Every status is documented (Schemathesis; openapi-core for the explicit cases).",
    "content_type_conformance": "Every Content-Type is documented for its status (Schemathesis; openapi-core for the explicit cases).",
    "response_headers_conformance": "Schemathesis: documented response headers are present and valid.",
    "response_schema_conformance": "Bodies match the documented schema (Schemathesis; openapi-core for the explicit cases).",
    "negative_data_rejection": "Schemathesis: invalid requests are refused with 4xx.",
    "missing_required_header": "Schemathesis: requests without a required header are refused.",
    "ignored_auth": "Schemathesis: requests without or with wrong credentials are refused.",
    "error_contract": "Every documented error status carries the documented media type and body shape "
    "(and, with --strict-messages, a documented `detail` text); a missing model gets the documented not-found answer.",
    "auth": "No credentials and bad credentials are refused with the documented status and body.",
    "access_control": "`stranger` cannot read `models.own`, `owner` can; Open WebUI readers get params {} and write_access false.",
    "identity": "The returned id is the requested one, for ids with `/` sent as literal slashes and as %2F.",
    "secrets": "Fields marked `x-secret: true` are never returned unmasked, in any response.",
    "consistency": "Timestamps are plausible: ISO 8601 where the spec says date-time, updated >= created, Unix seconds not milliseconds.",
    "timeout": "Every answer arrives whole (status line, headers and body) within --timeout seconds.",
    "body_size": "Every answer's body fits within --max-body-mb.",
}


@dataclass(frozen=True)
class Problem:
    """One way a response breaks a check. ``where`` is the spec location below the operation (e.g.
    ``("responses", 404)``); a problem with one body field names it: ``field`` (its keys and indexes, so
    that the report can name the subschema it is written in), the ``rule`` and the offending ``value``."""

    message: str
    where: tuple[str | int, ...] = ()
    rule: str = ""
    field: tuple[str | int, ...] | None = None
    value: Any = MISSING


def error_contract(op: Operation, status: int, media_type: str, body: Any, strict: bool) -> list[Problem]:
    """A documented error status must carry a documented media type and a JSON body of the documented shape."""
    if status < 400 or status >= 500:
        return []
    response = op.responses.get(str(status))
    if response is None:
        return []  # undocumented statuses are status_code_conformance's business
    where: tuple[str | int, ...] = ("responses", status)
    content = response.get("content") or {}
    if content and media_type not in content:
        documented = ", ".join(content)
        message = f"{status} answered with Content-Type {media_type or '(none)'!r}; documented: {documented}"
        return [Problem(message, where + ("content",), "documented media type", value=media_type or None)]
    if body is None and content:
        return [Problem(f"{status} body is not JSON; documented: a JSON body", where, "valid JSON", ())]
    problems = []
    schema = json_body_schema(response, media_type) or {}
    for name in schema.get("required", []):
        if not isinstance(body, dict) or name not in body:
            problems.append(Problem(f"{status} body lacks the documented field {name}", where, "required", (name,)))
    if schema.get("additionalProperties") is False and isinstance(body, dict):
        for name in sorted(set(body) - set(schema.get("properties") or {})):
            message = f"{status} body has the undocumented field {name}"
            problems.append(Problem(message, where, "additionalProperties: false", (name,), body[name]))
    if strict and not problems and not varying_message(op.api, status):
        examples = (content.get(media_type) or {}).get("examples") or {}
        documented_msgs = [message_of(schema, e.get("value")) for e in examples.values()]
        documented_msgs = [m for m in documented_msgs if isinstance(m, str)]
        actual = message_of(schema, body)
        if documented_msgs and isinstance(actual, str) and actual not in documented_msgs:
            shown = " | ".join(repr(m) for m in documented_msgs)
            problems.append(
                Problem(
                    f"{status} detail {actual!r} is not a documented text ({shown})",
                    where + ("content",),
                    "documented message",
                    message_field(schema),
                    actual,
                )
            )
    return problems


def secrets(api: str, body: Any) -> list[Problem]:
    """No ``x-secret`` field anywhere in the body carries a value other than a documented masked one."""
    fields = secret_fields(api)
    problems = []
    for parts, value in _fields(body):
        key = parts[-1]
        if key in fields and value is not None and value not in fields[key] and not looks_masked(value):
            masked = ", ".join(repr(v) for v in sorted(fields[key], key=str)) or "a masked value"
            message = f"`{key}` is returned unmasked ({_redact(value)}); documented: {masked}"
            problems.append(Problem(message, ("responses", 200), "x-secret: masked", parts, _redact(value)))
    return problems


def redacted(api: str, body: bytes) -> bytes:
    """``body`` with the value of every ``x-secret`` field that is not masked shown as in findings
    (``sk-…(24 chars)``): a report never repeats a leaked key."""
    fields = secret_fields(api)
    if not fields or not any(name.encode() in body for name in fields):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    leaked = False
    for parts, value in list(_fields(data)):
        if (
            parts[-1] in fields
            and isinstance(value, str)
            and value not in fields[parts[-1]]
            and not looks_masked(value)
        ):
            node = data
            for part in parts[:-1]:
                node = node[part]
            node[parts[-1]] = _redact(value)
            leaked = True
    return json.dumps(data, ensure_ascii=False).encode() if leaked else body


def _fields(body: Any, parts: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every (path, value) of an object's fields in a JSON value, depth first."""
    if isinstance(body, dict):
        for key, value in body.items():
            yield (*parts, key), value
            yield from _fields(value, (*parts, key))
    elif isinstance(body, list):
        for index, item in enumerate(body):
            yield from _fields(item, (*parts, index))


_MASK_RUN = re.compile(r"[*\u2022x]{3,}|\.{3,}|\u2026", re.IGNORECASE)
_MASK_WORDS = re.compile(r"masked|redacted|hidden", re.IGNORECASE)


def looks_masked(value: Any) -> bool:
    """A common masking style: a run of mask characters and at most 4 characters of the secret left
    visible (``sk-****abcd``, ``••••1234``, ``[REDACTED]``). Anything longer reveals the key."""
    if not isinstance(value, str):
        return False
    if value == "":
        return True  # reveals nothing
    if not (_MASK_RUN.search(value) or _MASK_WORDS.search(value)):
        return False
    visible = re.sub(r"[^0-9A-Za-z]", "", _MASK_WORDS.sub("", _MASK_RUN.sub("", value)))
    prefix = re.match(r"(sk|pk|key|api)", visible, re.IGNORECASE)
    return len(visible) - (len(prefix.group(0)) if prefix else 0) <= 4


def _redact(value: Any) -> str:
    text = str(value)
    return f"{text[:3]}…({len(text)} chars)" if len(text) > 6 else "a short unmasked value"


def _parse_iso(value: str) -> dt.datetime | None:
    """An ISO 8601 / RFC 3339 date-time (``T`` and ``Z`` in either case); one without a zone is read as UTC."""
    try:
        parsed = dt.datetime.fromisoformat(value.upper())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def consistency(api: str, op: Operation, status: int, body: Any) -> list[Problem]:
    """Timestamps in a 2xx body: ISO 8601 where documented as date-time, seconds where integers, updated >= created.
    A timestamp whose type the spec leaves open is judged only against its pair, when both are ISO 8601
    date-times or both numbers: never for its format."""
    if not 200 <= status < 300 or not isinstance(body, dict):
        return []
    response = op.responses.get(str(status)) or {}
    schema = json_body_schema(response) or {}
    props = schema.get("properties") or {}
    where = ("responses", status, "content", "application/json", "schema")
    problems = []
    values: dict[str, float] = {}
    kinds: dict[str, str] = {}  # of untyped timestamps: "date-time" or "number"
    for name, prop in props.items():
        value = body.get(name)
        if value is None:
            continue
        if prop.get("format") == "date-time" and isinstance(value, str):
            parsed = _parse_iso(value)
            if parsed is None:
                message = f"`{name}` = {value!r} is not an ISO 8601 date-time"
                problems.append(Problem(message, where + ("properties", name), "format: date-time", (name,), value))
            else:
                values[name] = parsed.timestamp()
        elif prop.get("type") == "integer" and isinstance(value, int) and not isinstance(value, bool):
            values[name] = float(value)
        elif "type" not in prop and "format" not in prop:
            instant = _untyped_instant(value)
            if instant is not None:
                kinds[name], values[name] = instant
    pair = model_facts(api).timestamps
    for created, updated in [pair] if pair else []:
        if kinds.get(created) != kinds.get(updated):
            continue  # an ISO date beside a number: two readings, no order to judge
        if created in values and updated in values:
            if values[updated] < values[created]:
                message = f"`{updated}` ({body[updated]!r}) is before `{created}` ({body[created]!r})"
                problems.append(Problem(message, where, f"{updated} >= {created}", (updated,), body[updated]))
            for name in (created, updated):
                if props[name].get("type") == "integer" and values[name] > 1e11:
                    message = f"`{name}` = {body[name]} looks like milliseconds; documented: Unix seconds"
                    problems.append(Problem(message, where + ("properties", name), "Unix seconds", (name,), body[name]))
    return problems


def _untyped_instant(value: Any) -> tuple[str, float] | None:
    """A value of a timestamp the spec types nowhere, as (kind, comparable number), or None."""
    if isinstance(value, str):
        parsed = _parse_iso(value)
        return ("date-time", parsed.timestamp()) if parsed is not None else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return ("number", float(value))
    return None


def identity(api: str, requested: str | None, status: int, body: Any) -> list[Problem]:
    """A 200 for model X describes model X."""
    if requested is None or status != 200 or not isinstance(body, dict):
        return []
    return [
        Problem(
            f"asked for {requested!r}, `{name}` is {body.get(name)!r}",
            ("responses", 200),
            "the requested id (x-model id-fields)",
            (name,),
            body.get(name),
        )
        for name in model_facts(api).id_fields
        if name in body and body[name] != requested
    ]
