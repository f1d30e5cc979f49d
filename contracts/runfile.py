"""The JSON run report: what ``contracts check --json`` writes and ``contracts report`` reads back.

The file states what it is (``"report": "contracts-run"``) and its format's ``version``; :func:`load_run`
refuses anything else with a :class:`ReportFileError` saying what the file is and what to do (exit 2), and
rebuilds the :class:`RunResult` every renderer takes, consequences, diagnoses and outcomes included.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from contracts.baseline import Accepted
from contracts.diagnosis import Diagnosis
from contracts.errors import ReportFileError
from contracts.findings import CheckOutcome, Finding
from contracts.guard import AnswerKind
from contracts.overlayfit import OverlayFit
from contracts.runner import RunResult

__all__ = ["REPORT_KIND", "REPORT_VERSION", "load_run", "run_from_dict", "run_to_dict"]

REPORT_KIND = "contracts-run"
#: the format's version: 1 is the first with ``report`` and ``version`` (findings with count, sources,
#: consequences, field, rule, value, request and response; diagnoses; answers; every outcome; ``error``: why a
#: run could not judge its target, null otherwise)
REPORT_VERSION = 2
#: versions this reads: 2 adds each finding's ``severity`` and ``rule_id``, the run's ``fail_on`` and the shipped
#: ``overlays`` that describe its findings (a version 1 report's findings are all failures)
READS = (1, 2)


def run_to_dict(result: RunResult) -> dict[str, Any]:
    return {
        "report": REPORT_KIND,
        "version": REPORT_VERSION,
        "api": result.api,
        "base_url": result.base_url,
        "root": result.root,
        "seed": result.seed,
        "profile": result.profile,
        "exit_code": result.exit_code,
        "error": result.error,  # why the run could not judge the target (exit 2), else null
        "requests": result.requests,
        "seconds": round(result.seconds, 3),
        "diagnoses": [
            {
                "kind": d.kind,
                "cause": d.cause,
                "evidence": d.evidence,
                "advice": d.advice,
                "findings": list(d.findings),
                "base_urls": list(d.base_urls),
            }
            for d in result.diagnoses
        ],
        "findings": [f.as_dict() for f in result.findings],
        "outcomes": [{"check": o.check, "operation": o.operation, "skipped": o.skipped} for o in result.outcomes],
        "skipped": [{"check": o.check, "operation": o.operation, "reason": o.skipped} for o in result.skipped],
        "answers": [
            {"status": a.status, "media_type": a.media_type, "location": a.location, "title": a.title, "count": n}
            for a, n in result.answers.most_common()
        ],
        "overlays": [fit.as_dict() for fit in result.overlays],
        "fail_on": result.fail_on,
        "notes": result.notes,
        "observations": result.observations,
        "incomplete": result.incomplete,
        "stale_baseline": [
            {"check": e.check, "operation": e.operation, "reason": e.reason} for e in result.stale_baseline
        ],
    }


def _finding(data: dict[str, Any]) -> Finding:
    return Finding(
        check=str(data["check"]),
        operation=str(data["operation"]),
        message=str(data["message"]),
        location=str(data["location"]),
        curl=str(data.get("curl") or ""),
        status=data.get("status"),
        accepted=data.get("accepted"),
        rule=str(data.get("rule") or ""),
        rule_id=str(data.get("rule_id") or ""),
        severity=str(data.get("severity") or "failure"),
        path=str(data.get("path") or ""),
        value=data.get("value"),
        request=str(data.get("request") or ""),
        response=str(data.get("response") or ""),
        count=int(data.get("count", 1)),
        sources=tuple(data.get("sources") or ()),
        consequences=tuple(_finding(c) for c in data.get("consequences") or ()),
    )


def run_from_dict(data: Any, source: str = "the report") -> RunResult:
    """A :class:`RunResult` from a parsed run report; :class:`ReportFileError` if it is not one."""
    if not isinstance(data, dict) or data.get("report") != REPORT_KIND:
        raise ReportFileError(
            f'{source}: is not a contracts run report (no "report": "{REPORT_KIND}"); '
            "give the files `contracts check --json PATH` writes"
        )
    if data.get("version") not in READS:
        raise ReportFileError(
            f"{source}: is a run report of format version {data.get('version')!r}; this contracts reads version "
            f"{REPORT_VERSION}: run `contracts check --json` again with this version (or use the contracts that wrote it)"
        )
    try:
        result = RunResult(
            api=str(data["api"]),
            base_url=str(data["base_url"]),
            root=str(data["root"]),
            seed=int(data["seed"]),
            profile=str(data["profile"]),
            findings=[_finding(f) for f in data["findings"]],
            outcomes=[CheckOutcome(str(o["check"]), str(o["operation"]), o.get("skipped")) for o in data["outcomes"]],
            stale_baseline=[
                Accepted(str(e["check"]), e.get("operation"), str(e["reason"])) for e in data["stale_baseline"]
            ],
            requests=int(data["requests"]),
            seconds=float(data["seconds"]),
            notes=[str(n) for n in data["notes"]],
            observations=[str(o) for o in data["observations"]],
            incomplete=data.get("incomplete"),
            error=None if data.get("error") is None else str(data["error"]),
            fail_on=str(data.get("fail_on") or "failure"),
            overlays=[
                OverlayFit(
                    str(o["overlay"]),
                    tuple(str(i) for i in o["explained"]),
                    int(o["total"]),
                    tuple(str(r) for r in o.get("rest") or ()),
                )
                for o in data.get("overlays") or ()
            ],
            diagnoses=[
                Diagnosis(
                    str(d["kind"]),
                    str(d["cause"]),
                    str(d["evidence"]),
                    str(d["advice"]),
                    tuple(d.get("findings") or ()),
                    tuple(d.get("base_urls") or ()),
                )
                for d in data["diagnoses"]
            ],
            answers=Counter(
                {
                    AnswerKind(
                        int(a["status"]), str(a["media_type"]), str(a.get("location", "")), str(a.get("title", ""))
                    ): int(a["count"])
                    for a in data["answers"]
                }
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ReportFileError(
            f"{source}: is a damaged run report ({what}); write it again with `contracts check --json`"
        ) from None
    return result


def load_run(path: str | Path) -> RunResult:
    """Read a run report file; :class:`ReportFileError` (exit 2) for a file that is not one."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportFileError(f"{source}: cannot be read ({exc.strerror or exc}); check the path") from None
    except UnicodeDecodeError:
        raise ReportFileError(f"{source}: is not UTF-8 text, so not a run report (contracts check --json)") from None
    try:
        data = json.loads(text)
    except ValueError:
        raise ReportFileError(
            f"{source}: is not JSON, so not a run report; give the files `contracts check --json PATH` writes"
        ) from None
    return run_from_dict(data, source)
