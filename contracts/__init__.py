"""Conformance harness: test a live server against its vendor spec's response and error contracts.

``run(RunConfig(...)) -> RunResult`` is the entry point; the ``contracts`` CLI and the pytest plugin are
thin layers over it.

The names below are imported on first use (PEP 562 ``__getattr__``), not when the package is: the pytest
plugin (``contracts.pytest_plugin``) is loaded into every pytest run of a project that installs this
package, and must not pull in Schemathesis, openapi-core or httpx for a run that never uses it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contracts.baseline import Accepted, load_baseline
    from contracts.checks import CHECKS
    from contracts.diagnosis import Diagnosis
    from contracts.errors import BaselineError, ContractsError, ProfileError, ReportFileError, TargetError, UsageError
    from contracts.findings import CheckOutcome, Finding
    from contracts.html import render_html
    from contracts.profile import Profile, load_profile
    from contracts.progress import Progress
    from contracts.registry import Check, check
    from contracts.reply import Problem, Reply
    from contracts.report import render_json, render_junit, render_text
    from contracts.runfile import load_run
    from contracts.runner import RunConfig, RunResult, run

__all__ = [
    "CHECKS",
    "Accepted",
    "BaselineError",
    "Check",
    "CheckOutcome",
    "ContractsError",
    "Diagnosis",
    "Finding",
    "Problem",
    "Profile",
    "ProfileError",
    "Progress",
    "Reply",
    "ReportFileError",
    "RunConfig",
    "RunResult",
    "TargetError",
    "UsageError",
    "check",
    "load_baseline",
    "load_profile",
    "load_run",
    "render_html",
    "render_json",
    "render_junit",
    "render_text",
    "run",
]

#: the module each exported name lives in (``tests/contracts/test_exports.py`` holds it to ``__all__``)
_MODULE_OF = {
    "Accepted": "contracts.baseline",
    "load_baseline": "contracts.baseline",
    "CHECKS": "contracts.checks",
    "Check": "contracts.registry",
    "check": "contracts.registry",
    "Problem": "contracts.reply",
    "Reply": "contracts.reply",
    "Diagnosis": "contracts.diagnosis",
    "ReportFileError": "contracts.errors",
    "render_html": "contracts.html",
    "Progress": "contracts.progress",
    "load_run": "contracts.runfile",
    "BaselineError": "contracts.errors",
    "ContractsError": "contracts.errors",
    "ProfileError": "contracts.errors",
    "TargetError": "contracts.errors",
    "UsageError": "contracts.errors",
    "CheckOutcome": "contracts.findings",
    "Finding": "contracts.findings",
    "Profile": "contracts.profile",
    "load_profile": "contracts.profile",
    "render_json": "contracts.report",
    "render_junit": "contracts.report",
    "render_text": "contracts.report",
    "RunConfig": "contracts.runner",
    "RunResult": "contracts.runner",
    "run": "contracts.runner",
}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'contracts' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
