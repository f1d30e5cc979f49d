"""``contracts check --write-overlay FILE``: the run's findings as the overlay that would describe them.

A finding a contract can describe becomes a :class:`vendor_specs.Deviation` (a key an object has or lacks, a
value of another type or null, another enum value or bound, a format the values do not have, an error text,
the status a situation is answered with); one no contract excuses (a broken access rule, a leaked secret, a
server error, a wrong id, a duplicate key, a relation between fields) stays a failure and is listed in the
file's header as something to fix in the server. Learning with ``--overlay`` extends that overlay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.errors import UsageError
from contracts.findings import Finding
from contracts.merge import OBJECT_SHAPE
from vendor_specs import Deviation, base_actions, draft, json_pointer, rules, schema_deviation

if TYPE_CHECKING:
    from contracts.runner import RunResult

__all__ = ["deviations_of", "learned_overlay"]


def _pointer(f: Finding) -> str:
    return "#" + f.location.split("#", 1)[1] if "#" in f.location else ""


def _evidence(f: Finding) -> str:
    seen = f"seen {f.count} time{'s' if f.count != 1 else ''}" + (f": {', '.join(f.sources)}" if f.sources else "")
    return f"{f.message} ({seen})"


def _example(f: Finding) -> str:
    answer = " ".join(f.response.split())
    return f"{f.curl} -> {answer[:160]}{'...' if len(answer) > 160 else ''}" if f.curl else ""


def _schema_deviation(f: Finding) -> Deviation | None:
    body = getattr(f.evidence, "json", None)
    return schema_deviation(f.rule, f.path, _pointer(f), body, _evidence(f), _example(f))


def _deviation(key: str, f: Finding) -> Deviation | None:
    """The difference ``f`` shows, when a contract can state it (None: fix it in the server)."""
    reply = f.evidence
    if f.rule == "the page's text" and f.rule_id and reply is not None:
        text_rule = next((r for r in rules(key) if r.id == f.rule_id), None)
        if text_rule is not None and text_rule.text:
            return Deviation("text", text_rule.where[0], value=reply.json, evidence=_evidence(f), example=_example(f))
    if f.answer and reply is not None and f.status is not None and 400 <= f.status < 500:
        situation = next((p.situation for p in reply.predictions if p.rule.id == f.rule_id and p.situation), None)
        if situation is not None:  # a refusal answered with another status: a refused caller stays refused
            operation = json_pointer("paths", reply.op.path, reply.op.method.lower())
            return Deviation(
                "status",
                operation,
                situation=situation,
                status=f.status,
                value=reply.json,
                evidence=_evidence(f),
                example=_example(f),
            )
        return None
    if f.path and f.check in ("response_schema_conformance", "error_contract") and not f.answer:
        return _schema_deviation(f)
    return None


def deviations_of(key: str, findings: list[Finding]) -> tuple[list[Deviation], list[str]]:
    """The learnable differences of a run's open findings, and the headlines of the others."""
    learned: list[Deviation] = []
    unfixable: list[str] = []
    for f in findings:
        if f.accepted is not None:
            continue
        parts = list(f.consequences) if f.rule == OBJECT_SHAPE else [f]
        found = [_deviation(key, part) for part in parts]
        if all(d is not None for d in found):
            learned += [d for d in found if d is not None]
        else:
            unfixable.append(f"[{f.check}] {f.operation}: {f.message}")
    return learned, unfixable


def learned_overlay(result: RunResult, path: str) -> tuple[str | None, str]:
    """The overlay learned from ``result`` (None: nothing to write) and the sentence saying what it holds."""
    if result.not_the_api or result.error:
        raise UsageError(f"--write-overlay {path}: not written: the target could not be judged, so nothing was learned")
    learned, unfixable = deviations_of(result.api, result.findings)
    base = base_actions(result.api)
    if not learned and not unfixable and not base:
        return None, f"nothing to learn: the server keeps the page; {path} not written"
    text, new = draft(result.api, learned, unfixable, base, source=f"contracts check at {result.root}")
    said = f"learned {new} action(s) into {path}" if new else f"learned nothing new; {path} holds the overlay as given"
    if unfixable:
        said += (
            f"; {len(unfixable)} finding(s) no overlay can describe are listed in its header (fix them in the server)"
        )
    return text, said
