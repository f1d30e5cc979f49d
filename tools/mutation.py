"""`make mutation`: mutmut over the code that decides verdicts, and a report of every surviving mutant.

Runs mutmut from scratch (the modules and tests are `[tool.mutmut]` in pyproject.toml), then writes
`docs/mutation.md`: the counts, and each survivor with its diff and the reason it may survive, looked up in
`docs/mutation-reasons.yaml` by function and the changed line. A survivor without a reason is listed as
needing a test or a reason, and the script exits 1: every survivor that could change a verdict gets a test
(so it is killed) or a written reason (an equivalent mutant, a message text only).

    .venv/bin/python tools/mutation.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")
REASONS = ROOT / "docs" / "mutation-reasons.yaml"
REPORT = ROOT / "docs" / "mutation.md"


@dataclass(frozen=True)
class Survivor:
    name: str  # e.g. contracts.checks.x_secrets__mutmut_16
    function: str  # e.g. contracts.checks.secrets
    removed: str
    added: str


def _function(name: str) -> str:
    module, _, mangled = name.rpartition(".")
    mangled = re.sub(r"__mutmut_\d+$", "", mangled)
    mangled = (
        mangled.removeprefix("xǁ") if mangled.startswith("xǁ") else mangled.removeprefix("x_")
    )  # method / function
    return f"{module}.{mangled.replace('ǁ', '.')}"


def _survivor(name: str) -> Survivor:
    diff = subprocess.run([str(MUTMUT), "show", name], cwd=ROOT, capture_output=True, text=True).stdout
    lines = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    removed = " ".join(line[1:].strip() for line in lines if line.startswith("-"))
    added = " ".join(line[1:].strip() for line in lines if line.startswith("+"))
    return Survivor(name, _function(name), removed, added)


def main() -> int:
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)  # from scratch: mutmut would reuse stale results
    run = subprocess.run([str(MUTMUT), "run"], cwd=ROOT, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout[-2000:], run.stderr[-2000:], file=sys.stderr)
        print("mutation: mutmut run failed (see above)", file=sys.stderr)
        return 2
    results = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=ROOT, capture_output=True, text=True)
    statuses = dict(re.findall(r"^\s*(\S+): (\w[\w ]*)$", results.stdout, flags=re.M))
    # "no tests": no selected test runs the function at all, which is worse than surviving
    survivors = [_survivor(name) for name, status in sorted(statuses.items()) if status in ("survived", "no tests")]
    reasons = yaml.safe_load(REASONS.read_text(encoding="utf-8")) or []
    killed = sum(1 for status in statuses.values() if status == "killed")

    def reason(s: Survivor) -> str | None:
        for entry in reasons:
            if entry["function"] == s.function and entry["from"] in s.removed and entry["to"] in s.added:
                return str(entry["reason"])
        return None

    unexplained = [s for s in survivors if reason(s) is None]
    lines = [
        "# Mutation testing: the surviving mutants",
        "",
        "Written by `make mutation` (`tools/mutation.py`); do not edit by hand. The modules and tests are",
        "`[tool.mutmut]` in `pyproject.toml`; the reasons are `docs/mutation-reasons.yaml`.",
        "",
        f"{len(statuses)} mutants: {killed} killed, {len(survivors)} survived "
        f"({len(survivors) - len(unexplained)} with a reason, {len(unexplained)} without).",
        "",
    ]
    for s in survivors:
        lines += [
            f"## `{s.function}` ({s.name.rsplit('_', 1)[-1]})",
            "",
            "```diff",
            f"- {s.removed}",
            f"+ {s.added}",
            "```",
        ]
        lines += ["", f"Reason: {reason(s) or '**NONE: needs a test or a reason**'}", ""]
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print(
        f"mutation: {len(statuses)} mutants, {killed} killed, {len(survivors)} survived; report: {REPORT.relative_to(ROOT)}"
    )
    for s in unexplained:
        print(f"mutation: no test kills and no reason explains {s.name}: {s.removed!r} -> {s.added!r}", file=sys.stderr)
    return 1 if unexplained else 0


if __name__ == "__main__":
    raise SystemExit(main())
