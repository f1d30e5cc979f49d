"""Renderers for a :class:`RunResult`: human summary (grouped by check), JUnit XML, JSON. Same findings in each."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from contracts.checks import CHECK_DOCS

if TYPE_CHECKING:
    from contracts.runner import RunResult

__all__ = ["render_json", "render_junit", "render_text"]

MAX_SHOWN = 5  # findings shown per check and operation in the human summary


def _testcases(result: RunResult) -> dict[tuple[str, str], str | None]:
    """(check, operation) -> skip reason (None = ran), for every check that ran or was skipped."""
    cases: dict[tuple[str, str], str | None] = {}
    for outcome in result.outcomes:
        if cases.get((outcome.check, outcome.operation), "ran") is not None:
            cases[(outcome.check, outcome.operation)] = outcome.skipped
    for finding in result.findings:
        cases[finding.key] = None
    return cases


def render_text(result: RunResult) -> str:
    lines = [f"contracts check {result.api} at {result.root} (profile: {result.profile}, seed {result.seed})"]
    grouped = defaultdict(list)
    for finding in result.findings:
        grouped[finding.check].append(finding)
    for check in sorted(grouped):
        items = grouped[check]
        failing = sum(1 for f in items if f.accepted is None)
        lines.append("")
        lines.append(
            f"== {check}: {failing} failure(s), {len(items) - failing} accepted — {CHECK_DOCS.get(check, '')}".rstrip(
                " —"
            )
        )
        per_operation: dict[str, int] = defaultdict(int)
        for finding in items:
            per_operation[finding.operation] += 1
            if per_operation[finding.operation] <= MAX_SHOWN:
                lines.append(str(finding))
        for operation, count in per_operation.items():
            if count > MAX_SHOWN:
                lines.append(
                    f"  ... and {count - MAX_SHOWN} more on {operation} (all of them are in the JSON/JUnit reports)"
                )
    by_reason: dict[str, set[str]] = defaultdict(set)
    for outcome in result.skipped:
        by_reason[outcome.skipped or ""].add(outcome.check)
    if by_reason:
        lines.append("")
        lines.append("Skipped checks:")
        lines += [f"  {', '.join(sorted(checks))}: skipped, {reason}" for reason, checks in sorted(by_reason.items())]
    if result.notes:
        lines.append("")
        lines += [f"Note: {note}" for note in result.notes]
    if result.observations:
        lines.append("")
        lines.append("Where the vendor's page allows several answers:")
        lines += [f"  {line}" for line in result.observations]
    if result.incomplete:
        lines.append("")
        lines.append(f"INCOMPLETE: {result.incomplete}")
    if result.stale_baseline:
        lines.append("")
        lines.append("Baseline entries that matched nothing (remove them?):")
        lines += [f"  {e.check} {e.operation or '(any operation)'}: {e.reason}" for e in result.stale_baseline]
    ran = sorted({c for (c, _), reason in _testcases(result).items() if reason is None})
    lines.append("")
    lines.append(f"Checks run: {', '.join(ran)}")
    verdict = {0: "PASSED", 1: "FAILED"}.get(result.exit_code, "INCOMPLETE")
    lines.append(
        f"{verdict}: {len(result.failures)} failure(s), {len(result.accepted)} accepted by baseline, "
        f"{result.requests} request(s) in {result.seconds:.1f} s"
    )
    return "\n".join(lines) + "\n"


def render_junit(result: RunResult) -> str:
    cases = _testcases(result)
    by_key = defaultdict(list)
    for finding in result.findings:
        by_key[finding.key].append(finding)
    suite = ET.Element(
        "testsuite",
        name=f"contracts.{result.api}",
        tests=str(len(cases)),
        failures=str(sum(1 for key in cases if any(f.accepted is None for f in by_key[key]))),
        skipped=str(sum(1 for reason in cases.values() if reason)),
        time=f"{result.seconds:.3f}",
    )
    for (check, operation), reason in sorted(cases.items()):
        case = ET.SubElement(
            suite, "testcase", classname=f"contracts.{result.api}.{check}", name=f"{check} {operation}"
        )
        failures = [f for f in by_key[(check, operation)] if f.accepted is None]
        accepted = [f for f in by_key[(check, operation)] if f.accepted is not None]
        if failures:
            node = ET.SubElement(case, "failure", message=failures[0].message[:500], type=check)
            node.text = "\n\n".join(str(f) for f in failures)
        elif reason:
            ET.SubElement(case, "skipped", message=reason)
        if accepted:
            out = ET.SubElement(case, "system-out")
            out.text = "\n\n".join(str(f) for f in accepted)
    suites = ET.Element("testsuites")
    suites.append(suite)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def render_json(result: RunResult) -> str:
    data = {
        "api": result.api,
        "base_url": result.base_url,
        "root": result.root,
        "seed": result.seed,
        "profile": result.profile,
        "exit_code": result.exit_code,
        "requests": result.requests,
        "seconds": round(result.seconds, 3),
        "findings": [f.as_dict() for f in result.findings],
        "skipped": [{"check": o.check, "operation": o.operation, "reason": o.skipped} for o in result.skipped],
        "notes": result.notes,
        "observations": result.observations,
        "incomplete": result.incomplete,
        "stale_baseline": [
            {"check": e.check, "operation": e.operation, "reason": e.reason} for e in result.stale_baseline
        ],
    }
    return json.dumps(data, indent=2) + "\n"
