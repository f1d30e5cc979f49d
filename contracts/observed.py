"""The one place where something seen on an exchange becomes a :class:`Finding`.

An :class:`Observed` is one request and its answer as the report shows them (the operation, the status, the
reproduction, the request and response excerpts, which exchange and which part of the run). Everything a
check finds on it goes through here: openapi-core's :class:`Violation` s (the explicit cases' spec checks),
the vendor checks' :class:`Problem` s (explicit cases and Schemathesis alike), and the explicit cases' own
expectations; :mod:`contracts.failures` turns Schemathesis' built-in failures into the same. So every body
violation, whoever found it, names the same field, rule, value and spec pointer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.checks import Problem
from contracts.findings import Finding, spec_location
from vendor_specs import MISSING, Operation, Violation, instance_pointer, json_path, render_value, response_pointer

__all__ = ["Observed", "violation_check"]


def violation_check(violation: Violation) -> str:
    """The check an openapi-core violation reports under: the names Schemathesis uses for the same rules."""
    return {"status": "status_code_conformance", "media_type": "content_type_conformance"}.get(
        violation.kind, "response_schema_conformance"
    )


@dataclass(frozen=True)
class Observed:
    """One exchange, as its findings show it. ``exchange`` identifies it within the run (findings on the same
    exchange are nested by cause), ``source`` is the part of the run that sent it (``explicit``, ``examples``,
    ``coverage``, ``fuzzing``)."""

    api: str
    op: Operation
    status: int | None
    media_type: str = ""
    curl: str = ""
    request: str = ""
    response: str = ""
    exchange: str = ""
    source: str = ""

    @property
    def label(self) -> str:
        return f"{self.op.method} {self.op.path}"

    def finding(
        self,
        check: str,
        message: str,
        *where: str | int,
        rule: str = "",
        path: str = "",
        value: Any = MISSING,
        pointer: str = "",
    ) -> Finding:
        """A finding of ``check`` on this exchange; ``pointer`` (a spec pointer) or ``where`` (below the
        operation, e.g. ``"responses", 404``) says where the spec states what was broken."""
        location = (
            spec_location(self.api, pointer)
            if pointer
            else spec_location(self.api, self.op.path, self.op.method, *where)
        )
        return Finding(
            check=check,
            operation=self.label,
            message=message,
            location=location,
            curl=self.curl,
            status=self.status,
            rule=rule,
            path=path,
            value=None if value is MISSING else render_value(value),
            request=self.request,
            response=self.response,
            sources=(self.source,) if self.source else (),
            exchange=self.exchange,
        )

    def violation(self, violation: Violation, check: str | None = None) -> Finding:
        """An openapi-core violation (or one built the same way from a Schemathesis failure)."""
        path = violation.path if violation.kind == "body" and violation.path.startswith("$") else ""
        if path:
            message = f"{path} {violation.message}"
        elif violation.kind == "media_type":
            message = f"{self.status}: {violation.message}"
        elif violation.kind == "body":
            message = f"{self.status} body {violation.message}"
        else:
            message = violation.message
        return self.finding(
            check or violation_check(violation),
            message,
            *self.response_where,
            rule=violation.rule,
            path=path,
            value=violation.value,
            pointer=violation.pointer,
        )

    @property
    def response_where(self) -> tuple[str | int, ...]:
        """``("responses", status)`` when the status is documented, else ``("responses",)``."""
        documented = self.status is not None and str(self.status) in self.op.responses
        return ("responses", self.status) if documented and self.status is not None else ("responses",)

    def problem(self, check: str, problem: Problem, prefix: str = "") -> Finding:
        """A vendor check's problem; one naming a body field is located at that field's subschema."""
        pointer = ""
        path = ""
        if problem.field is not None:
            path = json_path(problem.field)
            base = response_pointer(self.op, self.status, self.media_type or "application/json")
            pointer = instance_pointer(self.api, base, problem.field) if base.endswith("/schema") else ""
        return self.finding(
            check,
            f"{prefix}{problem.message}",
            *problem.where,
            rule=problem.rule,
            path=path,
            value=problem.value,
            pointer=pointer,
        )
