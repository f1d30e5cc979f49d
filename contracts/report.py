"""Renderers for a :class:`RunResult`: human summary (the likely cause first, then grouped by check), JUnit XML,
JSON. Same findings in each; :mod:`contracts.html` renders them as a page."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

from contracts.checks import CHECKS
from contracts.findings import Finding
from contracts.runfile import run_to_dict

if TYPE_CHECKING:
    from contracts.runner import RunResult

__all__ = ["cells", "consequences_by_check", "render_json", "render_junit", "render_matrix", "render_text", "verdict"]

MAX_SHOWN = 20  # findings shown per check and operation in the human summary


def verdict(result: RunResult) -> str:
    if result.not_the_api:
        return "NOT JUDGED"
    return {0: "PASSED", 1: "FAILED"}.get(result.exit_code, "INCOMPLETE")


def consequences_by_check(result: RunResult) -> dict[tuple[str, str], list[tuple[Finding, Finding]]]:
    """(check, operation) -> (consequence, its cause) for each finding that follows from a failing one (one that
    fails the run: not accepted, and a failure, or a warning with --fail-on warning)."""
    out: dict[tuple[str, str], list[tuple[Finding, Finding]]] = defaultdict(list)
    for cause in result.failures:  # what follows from a warning or an accepted finding fails nothing either
        for consequence in cause.consequences:
            out[consequence.key].append((consequence, cause))
    return out


def _testcases(result: RunResult) -> dict[tuple[str, str], str | None]:
    """(check, operation) -> skip reason (None = ran), for every check that ran or was skipped."""
    cases: dict[tuple[str, str], str | None] = {}
    for outcome in result.outcomes:
        if cases.get((outcome.check, outcome.operation), "ran") is not None:
            cases[(outcome.check, outcome.operation)] = outcome.skipped
    for finding in result.findings:
        cases[finding.key] = None
        for consequence in finding.consequences:
            cases[consequence.key] = None
    return cases


def cells(result: RunResult) -> dict[tuple[str, str], tuple[str, str]]:
    """(check, operation) -> (state, text) for a check x operation matrix. States: ``failed`` (its own
    findings), ``follows`` (only findings that follow from another check's), ``accepted`` (only findings the
    baseline accepts), ``warned`` (only warnings), ``passed``, ``skipped`` (the text is the reason)."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    follows = consequences_by_check(result)
    failures = {id(f) for f in result.failures}
    for key, reason in _testcases(result).items():
        own = [f for f in result.findings if f.key == key]
        failing = [f for f in own if id(f) in failures]
        warned = [f for f in own if f.accepted is None and id(f) not in failures]
        if failing:
            out[key] = ("failed", f"{len(failing)} failure{'s' if len(failing) > 1 else ''}")
        elif warned:
            out[key] = ("warned", f"{len(warned)} warning{'s' if len(warned) > 1 else ''}")
        elif key in follows:
            causes = sorted({cause.check for _, cause in follows[key]})
            out[key] = ("follows", f"follows from {', '.join(causes)}")
        elif own:
            out[key] = ("accepted", f"{len(own)} accepted")
        elif reason:
            out[key] = ("skipped", reason)
        else:
            out[key] = ("passed", "passed")
    return out


def _diagnoses(result: RunResult) -> list[str]:
    lines = []
    ids = {f.id for f in result.failures}
    for diagnosis in result.diagnoses:
        covered = len(ids & set(diagnosis.findings))
        lines.append("")
        lines += str(diagnosis).splitlines()
        if diagnosis.not_the_api:
            lines.append(
                "  The target is not the API: nothing it answered can be judged by the spec (exit 2). The findings "
                "below are what the spec says of those answers, its consequences."
            )
        elif covered == len(ids):
            lines.append(
                "  Every finding below follows from it." if covered > 1 else "  The finding below follows from it."
            )
        elif covered:
            lines.append(f"  {covered} of the {len(ids)} findings below follow from it.")
    return lines


_SECTIONS = (
    ("failure", "FAILURES: what the page states, broken", "failure(s)"),
    (
        "warning",
        "WARNINGS: what the spec infers where the page is silent, or a text the page gives verbatim, worded "
        "otherwise (they fail the run only with --fail-on warning)",
        "warning(s)",
    ),
    ("note", "NOTES", "note(s)"),
)


def _section(findings: list[Finding], heading: str, lines: list[str], noun: str) -> None:
    if not findings:
        return
    lines.append("")
    lines.append(heading)
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        grouped[finding.check].append(finding)
    for check in sorted(grouped, key=CHECKS.order):
        items = grouped[check]
        described = CHECKS[check].description if check in CHECKS else ""
        lines.append("")
        lines.append(f"== {check}: {len(items)} {noun} — {described}".rstrip(" —"))
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


def render_text(result: RunResult) -> str:
    lines = [f"contracts check {result.api} at {result.root} (profile: {result.profile}, seed {result.seed})"]
    lines += _diagnoses(result)
    for fit in result.overlays:
        lines.append("")
        lines.append(str(fit))
    for severity, heading, noun in _SECTIONS:
        _section([f for f in result.open if f.severity == severity], heading, lines, noun)
    _section(result.accepted, "ACCEPTED by the baseline", lines, "accepted")
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
    nested = sum(len(f.consequences) for f in result.open)
    follows = f" (and {nested} finding(s) that follow from them)" if nested else ""
    failing = [f for f in result.open if f.severity == "failure"]
    lines.append(
        f"{verdict(result)}: {len(failing)} failure(s), {len(result.warnings)} warning(s){follows}, "
        f"{len(result.accepted)} accepted by baseline, {result.requests} request(s) in {result.seconds:.1f} s"
    )
    return "\n".join(lines) + "\n"


def _junit_unjudged(result: RunResult) -> str:
    """A run that could not judge its target: one test case in error (not a failure: nothing was judged)."""
    suite = ET.Element("testsuite", name=f"contracts.{result.api}", tests="1", failures="0", errors="1", skipped="0")
    suite.set("time", f"{result.seconds:.3f}")
    case = ET.SubElement(suite, "testcase", classname=f"contracts.{result.api}", name="judge the target")
    node = ET.SubElement(case, "error", message=(result.error or "")[:500], type="could not judge")
    node.text = f"contracts check {result.api} at {result.root or '(no base URL)'}: {result.error}"
    suites = ET.Element("testsuites")
    suites.append(suite)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def render_junit(result: RunResult) -> str:
    if result.error is not None:
        return _junit_unjudged(result)
    cases = _testcases(result)
    by_key = defaultdict(list)
    for finding in result.findings:
        by_key[finding.key].append(finding)
    suite = ET.Element(
        "testsuite",
        name=f"contracts.{result.api}",
        tests=str(len(cases)),
        failures=str(sum(1 for state, _text in cells(result).values() if state in ("failed", "follows"))),
        skipped=str(sum(1 for reason in cases.values() if reason)),
        time=f"{result.seconds:.3f}",
    )
    failing = {id(f) for f in result.failures}
    for (check, operation), reason in sorted(cases.items(), key=lambda item: (CHECKS.order(item[0][0]), item[0])):
        case = ET.SubElement(
            suite, "testcase", classname=f"contracts.{result.api}.{check}", name=f"{check} {operation}"
        )
        failures = [f for f in by_key[(check, operation)] if id(f) in failing]
        warnings = [f for f in by_key[(check, operation)] if f.accepted is None and id(f) not in failing]
        accepted = [f for f in by_key[(check, operation)] if f.accepted is not None]
        follows = consequences_by_check(result).get((check, operation), [])
        if failures:
            node = ET.SubElement(case, "failure", message=failures[0].message[:500], type=check)
            node.text = "\n\n".join(str(f) for f in failures)
        elif follows:
            consequence, cause = follows[0]
            message = f"follows from [{cause.check}] {cause.message}"
            node = ET.SubElement(case, "failure", message=message[:500], type=check)
            node.text = "\n\n".join(f"{c}\n  follows from: {k}" for c, k in follows)
        elif reason:
            ET.SubElement(case, "skipped", message=reason)
        shown = [f"WARNING (does not fail the run): {f}" for f in warnings]
        shown += [f"ACCEPTED by the baseline: {f}" for f in accepted]
        if shown:
            out = ET.SubElement(case, "system-out")
            out.text = "\n\n".join(shown)
    suites = ET.Element("testsuites")
    suites.append(suite)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def render_json(result: RunResult) -> str:
    """The run report :mod:`contracts.runfile` describes (``contracts report`` reads it back)."""
    return json.dumps(run_to_dict(result), indent=2) + "\n"


_SHORT = {
    "failed": "FAIL",
    "warned": "warn",
    "follows": "follows",
    "accepted": "accepted",
    "passed": "pass",
    "skipped": "skip",
}


def render_matrix(results: list[RunResult]) -> str:
    """Several runs at a glance: one line per run (verdict, counts), then a check x run matrix."""
    lines = []
    columns: list[tuple[int, str]] = []
    tables = [cells(r) for r in results]
    for i, r in enumerate(results):
        ops = list(dict.fromkeys(op for _, op in sorted(tables[i]) if op != "*"))
        if r.error is not None:  # nothing was judged: no column, the reason
            lines.append(f"--  {verdict(r):10} {r.api} at {r.root}: could not judge: {r.error}")
        for op in ops:
            columns.append((i, op))
            lines.append(f"#{len(columns)}  {verdict(r):10} {r.api} {op} at {r.root}: {len(r.failures)} failure(s)")
        for d in r.diagnoses:
            lines.append(f"    likely cause: {d.cause}")
    checks = [c for c in CHECKS.names() if any(k == c for t in tables for k, _ in t)]
    checks += sorted({k for t in tables for k, _ in t if k not in CHECKS})
    width = max(len(c) for c in checks) if checks else 5
    lines.append("")
    lines.append(" " * width + "  " + "".join(f"{'#' + str(n):>10}" for n in range(1, len(columns) + 1)))
    for check in checks:
        row = []
        for i, op in columns:
            state, text = tables[i].get((check, op)) or tables[i].get((check, "*")) or ("none", "")
            shown = _SHORT.get(state, "-")
            if state == "failed":
                shown = f"FAIL {text.split()[0]}"
            row.append(f"{shown:>10}")
        lines.append(f"{check:<{width}}  " + "".join(row))
    return "\n".join(lines) + "\n"
