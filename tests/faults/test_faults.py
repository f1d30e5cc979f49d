"""Each broken server of the catalogue makes the harness exit 1 and name the responsible check.

A check "catches" a fault when it reports it: as a finding of its own, or listed under the finding it follows
from (one cause, one finding: an error body of the wrong media type is ``content_type_conformance``'s finding,
and ``error_contract`` saying the same is listed under it). The JSON report holds both; the text shows both.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from tests.faults.catalogue import FAULTS, Fault
from tests.faults.reference import DATA, make_app
from tests.faults.serve import serve
from vendor_specs import base_path, rule, rules

#: checks only Schemathesis runs: their faults need its phases (the others are judged on the harness's own requests)
SCHEMATHESIS_ONLY = ("negative_data_rejection", "ignored_auth")

pytestmark = pytest.mark.slow


def _check(api: str, url: str, *args: str) -> list[str]:
    return [
        "check",
        "--api",
        api,
        "--base-url",
        url,
        "--profile",
        str(DATA / f"{api}.yaml"),
        "--seed",
        "7",
        "--max-examples",
        "10",
        *args,
    ]


def every_finding(findings: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The findings of a JSON run report and, under each, those that follow from it."""
    for finding in findings:
        yield finding
        yield from every_finding(finding["consequences"])


def _expected_code(fault: Fault) -> int:
    if fault.code is not None:
        return fault.code
    strict = "--strict-messages" in fault.args and rule(fault.api, fault.rule).text if fault.rule else False
    return 1 if not fault.rule or strict or rule(fault.api, fault.rule).severity == "failure" else 0


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f"{f.api}-{f.name}")
def test_fault_is_caught_by_its_check(fault: Fault, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _caught(fault, tmp_path, capsys)


def _caught(fault: Fault, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "report.json"
    generated = fault.generated or fault.check in SCHEMATHESIS_ONLY or fault.name.startswith("example_")
    args = () if generated else ("--no-property-based",)
    with serve(make_app(fault.api, {fault.name}, prefix=base_path(fault.api))) as url:
        code = main(_check(fault.api, url, *fault.args, *args, "--json", str(report)))
    out = capsys.readouterr().out
    assert code == _expected_code(fault), out
    data = json.loads(report.read_text())
    findings = list(every_finding(data["findings"]))
    caught = [f for f in findings if f["check"] == fault.check and (not fault.rule or f["rule_id"] == fault.rule)]
    assert caught, out
    assert f"[{fault.check}" in out, out  # the text shows it too, on its own or under its cause
    if fault.message:
        assert any(fault.message in f["message"] for f in caught), out
        assert fault.message in out, out
    if fault.alone:
        assert {f["rule_id"] for f in data["findings"]} == {fault.rule}, out
        assert {f["check"] for f in data["findings"]} <= set(rule(fault.api, fault.rule).checks), out


@pytest.mark.parametrize("api", ["openwebui", "respan", "selise"])
def test_reference_apps_pass(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    """The unbroken reference apps are conformant, so every fault above is caught for its fault alone."""
    with serve(make_app(api, prefix=base_path(api))) as url:
        code = main(_check(api, url, "--strict-messages"))
    out = capsys.readouterr().out
    assert code == 0, out


def test_catalogue_is_large_and_distinct() -> None:
    assert len(FAULTS) >= 15
    assert len({(f.api, f.name) for f in FAULTS}) == len(FAULTS)
    assert all("\n" not in f.description for f in FAULTS)


@pytest.mark.parametrize("api", ["openwebui", "respan", "selise"])
def test_every_rule_has_a_fault_that_breaks_it_alone(api: str) -> None:
    """The catalogue lists rule -> fault: a rule no reference server breaks on its own is a rule nothing proves."""
    alone = {f.rule for f in FAULTS if f.api == api and f.alone}
    named = {f.rule for f in FAULTS if f.api == api and f.rule}
    assert named <= {r.id for r in rules(api)}, named - {r.id for r in rules(api)}
    assert {r.id for r in rules(api)} - alone == set()
