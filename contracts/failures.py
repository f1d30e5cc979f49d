"""Schemathesis' check failures as findings, in the same words as the explicit cases' openapi-core verdicts.

Schemathesis 4.32 reports a schema violation as ``JsonSchemaError`` (jsonschema-rs' ``schema_path`` into its
bundled copy of the response schema, ``instance_path``, ``instance``), an undocumented status as
``UndefinedStatusCode``, a media type as ``UndefinedContentType`` / ``MissingContentType``, a body that is not
JSON as ``MalformedJson``, a 5xx as ``ServerError``. Each becomes the :class:`Violation` openapi-core's verdict
would have been (``vendor_specs.schema_violations``, ``status_violation``, ``media_type_violation``), so that
the same wrong field found by both is one finding with one JSON path, rule and spec pointer. Other failures
(``ignored_auth``, ``negative_data_rejection``, ...) keep Schemathesis' title as their rule.
"""

from __future__ import annotations

from typing import Any

from schemathesis.core.jsonschema.bundler import BUNDLE_STORAGE_KEY, unbundle_path

from contracts.findings import Finding
from contracts.observed import Observed
from vendor_specs import (
    Violation,
    media_type_violation,
    response_pointer,
    rules,
    schema_at,
    schema_pointer,
    schema_violations,
    status_violation,
)

__all__ = ["failure_finding"]


class _SchemaError:
    """A jsonschema-rs error seen through the attributes ``schema_violations`` reads from jsonschema's
    ``ValidationError``, its keyword's value and subschema read from the spec as written."""

    def __init__(self, failure: Any, api: str, base: str) -> None:
        path = list(failure.schema_path)
        names = getattr(failure, "_name_to_uri", None) or {}
        if path[:1] == [BUNDLE_STORAGE_KEY] and names:
            self.absolute_schema_path: list[str | int] = unbundle_path(path, names)  # from the document root
            start = "#"
        else:
            self.absolute_schema_path, start = path, base
        self.start = start
        holder = schema_pointer(api, start, self.absolute_schema_path[:-1])
        self.schema = schema_at(api, holder) or {}
        self.validator = str(path[-1]) if path else ""
        self.validator_value = self.schema.get(self.validator) if isinstance(self.schema, dict) else None
        self.absolute_path = list(failure.instance_path)
        self.instance = failure.instance
        self.message = str(getattr(failure, "_raw_message", "") or failure.message)


def _violation(observed: Observed, failure: Any) -> Violation | None:
    """The violation openapi-core would report for ``failure``, or None for failures it has no word for."""
    kind = type(failure).__name__
    op, status = observed.op, observed.status
    if kind == "JsonSchemaError" and getattr(failure, "schema_path", None):
        base = response_pointer(op, status, observed.media_type or "application/json")
        error = _SchemaError(failure, observed.api, base)
        found = schema_violations([error], spec=observed.api, base=error.start)
        return found[0] if found else None
    if kind == "UndefinedStatusCode":
        return status_violation(op, status)
    if kind == "UndefinedContentType":
        return media_type_violation(op, status, failure.content_type, failure.defined_content_types)
    if kind == "MissingContentType":
        return media_type_violation(op, status, None, failure.media_types)
    if kind == "MalformedJson":
        where = response_pointer(op, status, observed.media_type or "application/json")
        return Violation(
            "response", "body", "valid JSON", f"is not valid {observed.media_type or 'JSON'}", None, pointer=where
        )
    return None


def failure_finding(observed: Observed, check: str, failure: Any) -> Finding:
    """A Schemathesis check's failure on ``observed``, reported under ``check``."""
    violation = _violation(observed, failure)
    if violation is not None:
        return observed.violation(violation, check)
    title = str(getattr(failure, "title", "") or type(failure).__name__)
    if type(failure).__name__ in ("ServerError", "ContentTypeServerError"):
        return observed.finding(check, f"answered {observed.status} (a server error)", "responses", rule="no 5xx")
    message = " ".join(str(failure.message or "").split())
    return observed.finding(
        check,
        f"{title}: {message}".rstrip(": "),
        *observed.response_where,
        rule=title,
        rule_id=_rule_of(observed, check, title),
    )


def _rule_of(observed: Observed, check: str, title: str) -> str:
    """The page's rule an ``ignored_auth`` failure breaks: Schemathesis' title says whether the request had no
    credentials or invalid ones, and a rule predicts each situation."""
    if check != "ignored_auth":
        return ""
    wanted = "bad_credentials" if "invalid" in title.lower() else "no_credentials"
    for rule in rules(observed.api):
        if check in rule.checks and rule.expect is not None and rule.expect.situation == wanted:
            return rule.id
    return ""
