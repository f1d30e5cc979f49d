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

from contracts.findings import Finding, spec_location
from contracts.reply import Problem
from vendor_specs import (
    MISSING,
    Operation,
    Violation,
    instance_pointer,
    json_path,
    json_pointer,
    render_value,
    response_pointer,
    rule_at,
    rules,
)

__all__ = ["Observed", "violation_check"]


def rule_for(key: str, check: str, rule_id: str, pointer: str, keyword: str = "") -> tuple[str, str]:
    """(rule id, severity) of a finding of ``check``: the rule named, else the one rule ``check`` is the judge of,
    else the rule that holds the spec node it is about (``pointer``, and the schema ``keyword`` broken there), else
    the one rule that names ``check``. A finding no rule holds is a failure."""
    found = next((r for r in rules(key) if r.id == rule_id), None) if rule_id else None
    if found is None:
        primary = [r for r in rules(key) if r.check == check]
        found = primary[0] if len(primary) == 1 else None
    if found is None and pointer:
        found = rule_at(key, f"{pointer}/{keyword}" if keyword else pointer)
    if found is None:
        judged = [r for r in rules(key) if check in r.checks]
        found = judged[0] if len(judged) == 1 else None
    return (found.id, found.severity) if found is not None else ("", "failure")


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
        return self.op.label

    def finding(
        self,
        check: str,
        message: str,
        *where: str | int,
        rule: str = "",
        path: str = "",
        value: Any = MISSING,
        pointer: str = "",
        rule_id: str = "",
        keyword: str = "",
        answer: bool = False,
    ) -> Finding:
        """A finding of ``check`` on this exchange; ``pointer`` (a spec pointer) or ``where`` (below the
        operation, e.g. ``"responses", 404``) says where the spec states what was broken, ``rule_id`` (else that
        place, and the schema ``keyword`` broken there) which rule of the page it breaks."""
        node = pointer or json_pointer("paths", self.op.path, self.op.method.lower(), *where)
        location = spec_location(self.api, node)
        page_rule, severity = rule_for(self.api, check, rule_id, node, keyword)
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
            rule_id=page_rule,
            severity=severity,
            exchange=self.exchange,
            answer=answer,
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
            keyword=violation.rule.split(":")[0] if violation.kind == "body" else "",
        )

    @property
    def response_where(self) -> tuple[str | int, ...]:
        """``("responses", status)`` when the status is documented, else ``("responses",)``."""
        documented = self.status is not None and str(self.status) in self.op.responses
        return ("responses", self.status) if documented and self.status is not None else ("responses",)

    def problem(self, check: str, problem: Problem, prefix: str = "") -> Finding:
        """A check's problem; one naming a body field is located at that field's subschema."""
        if problem.violation is not None:
            return self.violation(problem.violation, check)
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
            rule_id=problem.rule_id,
            keyword=problem.keyword,
            answer=problem.answer,
        )
