"""Conformance harness: test a live server against its vendor spec's response and error contracts.

``run(RunConfig(...)) -> RunResult`` is the entry point; the ``contracts`` CLI and the pytest plugin are
thin layers over it.
"""

from contracts.baseline import Accepted, load_baseline
from contracts.checks import CHECK_DOCS
from contracts.errors import BaselineError, ContractsError, ProfileError, TargetError, UsageError
from contracts.findings import CheckOutcome, Finding
from contracts.profile import Profile, load_profile
from contracts.report import render_json, render_junit, render_text
from contracts.runner import RunConfig, RunResult, run

__all__ = [
    "CHECK_DOCS",
    "Accepted",
    "BaselineError",
    "CheckOutcome",
    "ContractsError",
    "Finding",
    "Profile",
    "ProfileError",
    "RunConfig",
    "RunResult",
    "TargetError",
    "UsageError",
    "load_baseline",
    "load_profile",
    "render_json",
    "render_junit",
    "render_text",
    "run",
]
