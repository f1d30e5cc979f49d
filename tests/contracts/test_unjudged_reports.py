"""A run that cannot judge its target (exit 2) still writes every report it was asked for, saying why: a CI job
that could not reach its server has a JUnit error (not a failure), a JSON run report with ``error`` that
``contracts report`` reads back, and an HTML page."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from contracts.cli import main
from contracts.runfile import REPORT_KIND, REPORT_VERSION
from tests.contracts.fixtures import closed_port

CONTRACTS = str(Path(sys.executable).with_name("contracts"))


def reports(tmp_path: Path) -> list[str]:
    return [
        "--junit",
        str(tmp_path / "junit.xml"),
        "--json",
        str(tmp_path / "run.json"),
        "--html",
        str(tmp_path / "run.html"),
    ]


@pytest.mark.slow
def test_an_unreachable_target_writes_every_report(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    proc = subprocess.run(
        [CONTRACTS, "check", "--api", "respan", "--base-url", url, "--profile", "mock", *reports(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    why = line.removeprefix("contracts: error: ")
    assert why.startswith(f"cannot reach {url}: nothing accepts connections")

    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("errors"), suite.get("failures")) == ("1", "1", "0")
    (case,) = suite.iter("testcase")
    error = case.find("error")
    assert error is not None and case.find("failure") is None
    assert error.get("message") == why and error.get("type") == "could not judge"

    data = json.loads((tmp_path / "run.json").read_text())
    assert (data["report"], data["version"]) == (REPORT_KIND, REPORT_VERSION)
    assert data["error"] == why and data["exit_code"] == 2 and data["findings"] == [] and data["outcomes"] == []
    assert data["api"] == "respan" and data["root"] == url and data["profile"].startswith("mock")

    page = (tmp_path / "run.html").read_text()
    assert '<span class="verdict INCOMPLETE">INCOMPLETE</span>' in page
    assert f"the run could not judge the target: {why}" in page

    back = subprocess.run([CONTRACTS, "report", str(tmp_path / "run.json")], capture_output=True, text=True, timeout=60)
    assert back.returncode == 2, back.stderr
    assert f"INCOMPLETE respan at {url}: could not judge: {why}" in back.stdout


def test_a_judged_run_has_no_error(tmp_path: Path) -> None:
    """The field is null when the run judged its target (a report of `contracts report` reads both)."""
    from contracts.runfile import run_from_dict, run_to_dict
    from contracts.runner import RunResult

    judged = RunResult(api="respan", base_url="http://h", root="http://h", seed=1, profile="p")
    assert run_to_dict(judged)["error"] is None and run_from_dict(run_to_dict(judged)).exit_code == 0


def test_options_that_cannot_make_a_run_write_the_reports_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("api: respan\ntokens:\n  owner: ${CONTRACTS_TEST_UNSET_VAR}\n")
    code = main(
        ["check", "--api", "respan", "--base-url", "http://127.0.0.1:1", "--profile", str(profile), *reports(tmp_path)]
    )
    assert code == 2
    data = json.loads((tmp_path / "run.json").read_text())
    assert "CONTRACTS_TEST_UNSET_VAR" in data["error"] and data["profile"] == str(profile)
    (error,) = ET.parse(tmp_path / "junit.xml").getroot().iter("error")
    assert "CONTRACTS_TEST_UNSET_VAR" in error.get("message", "")
    assert "CONTRACTS_TEST_UNSET_VAR" in (tmp_path / "run.html").read_text()


def test_a_report_that_cannot_be_written_is_one_more_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    code = main(["check", "--api", "respan", "--base-url", url, "--json", str(tmp_path / "no" / "run.json")])
    assert code == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "Traceback" not in "\n".join(err)
    assert err[0].startswith("contracts: error: cannot write ") and "check the directory exists" in err[0]
    assert err[1].startswith(f"contracts: error: cannot reach {url}")
