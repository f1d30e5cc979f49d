"""The CI example runs: the script starts a server, waits for it, checks it, keeps the reports and exits with
the check's exit code; the GitHub Actions workflow has the same steps. Its defaults install the harness from the
checkout it belongs to (a fresh virtualenv, the package index for the dependencies: skipped without it); a
failing install or server command is exit 2, never 1 (the code of contract violations)."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.contracts.fixtures import reference_profile
from tests.faults.reference import make_app
from tests.faults.serve import serve
from tests.mock_server.conftest import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "examples" / "ci" / "contracts-check.sh"
WORKFLOW = ROOT / "examples" / "ci" / "github-actions.yml"
BIN = Path(sys.executable).parent
FAST = "--max-examples 3 --seed 1"


def run_script(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """The script as CI runs it, with this venv's commands on PATH and the harness already installed."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    base |= {
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "INSTALL_CMD": "",
        "REPORT_DIR": str(tmp_path / "reports"),
    }
    return subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=300)


def port_is_closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_script_checks_the_mock_and_keeps_the_reports(tmp_path: Path) -> None:
    port = free_port()
    proc = run_script(
        tmp_path,
        API="selise",
        PORT=str(port),
        SERVER_CMD=f"mock-server --api selise --port {port} --quiet",
        CONTRACTS_ARGS=FAST,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    reports = tmp_path / "reports"
    cases = list(ET.parse(reports / "junit.xml").getroot().iter("testcase"))
    assert cases and not any(case.find("failure") is not None for case in cases)
    assert json.loads((reports / "report.json").read_text())["findings"] == []
    assert (reports / "server.log").exists()
    assert "contracts-check: exit 0" in proc.stderr
    assert port_is_closed(port), "the script left the server running"


def test_script_propagates_violations_with_reports(tmp_path: Path) -> None:
    """A server with a fault (the catalogue's reference app): exit 1, and the reports name the failing check."""
    port = free_port()
    app = "make_app('respan', {'leak_other_model'}, prefix=base_path('respan'))"
    server = (
        "import uvicorn; from tests.faults.reference import make_app; from vendor_specs import base_path; "
        f"uvicorn.run({app}, host='127.0.0.1', port={port}, log_level='warning')"
    )
    proc = run_script(
        tmp_path,
        PORT=str(port),
        SERVER_CMD=f"{shlex.quote(sys.executable)} -c {shlex.quote(server)}",
        PROFILE=reference_profile("respan"),
        CONTRACTS_ARGS=FAST,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "reports" / "report.json").read_text())
    assert "access_control" in {finding["check"] for finding in report["findings"]}
    assert port_is_closed(port)


def test_script_gives_up_on_a_server_that_never_answers(tmp_path: Path) -> None:
    port = free_port()
    proc = run_script(tmp_path, PORT=str(port), SERVER_CMD="sleep 60", WAIT_SECONDS="2")
    assert proc.returncode == 2
    assert f"target http://127.0.0.1:{port} did not answer within --wait 2 s" in proc.stderr


def test_script_reports_a_server_that_exits(tmp_path: Path) -> None:
    proc = run_script(tmp_path, PORT=str(free_port()), SERVER_CMD="mock-server --api nope", WAIT_SECONDS="3")
    assert proc.returncode == 2
    assert "the server exited with status 2 before the check ended; its log:" in proc.stderr
    assert "invalid choice: 'nope'" in proc.stderr
    # the check could not reach it: its reports say so (a JUnit error, the JSON's error)
    reports = tmp_path / "reports"
    assert ET.parse(reports / "junit.xml").getroot().find("testsuite/testcase/error") is not None
    assert "did not answer within --wait 3 s" in json.loads((reports / "report.json").read_text())["error"]


def test_a_server_that_fails_to_start_is_exit_2_even_if_another_answers(tmp_path: Path) -> None:
    """Its port taken by a conformant server: the check passes that one, but the server under test never ran."""
    with serve(make_app("respan")) as url:
        port = url.rsplit(":", 1)[1]
        proc = run_script(
            tmp_path,
            PORT=port,
            SERVER_CMD="echo 'address already in use' >&2; exit 3",
            PROFILE=reference_profile("respan"),
            CONTRACTS_ARGS=FAST,
        )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "the server exited with status 3 before the check ended; its log:" in proc.stderr
    assert "address already in use" in proc.stderr and "contracts-check: exit 2;" in proc.stderr


def test_a_failing_install_is_exit_2(tmp_path: Path) -> None:
    proc = run_script(tmp_path, INSTALL_CMD="python3 -m pip install --no-index no-such-distribution-xyz")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "contracts-check: the install failed (INSTALL_CMD: python3 -m pip install --no-index" in proc.stderr
    assert not (tmp_path / "reports").exists()  # nothing started, nothing checked


def test_without_contracts_on_path_is_exit_2(tmp_path: Path) -> None:
    proc = run_script(tmp_path, PATH=os.defpath)
    assert proc.returncode == 2
    assert "no `contracts` command on PATH after the install" in proc.stderr


def test_a_copy_outside_the_repository_asks_for_install_cmd(tmp_path: Path) -> None:
    copy = tmp_path / "ci" / "ci" / "contracts-check.sh"
    copy.parent.mkdir(parents=True)
    shutil.copy(SCRIPT, copy)
    env = {k: v for k, v in os.environ.items() if k != "INSTALL_CMD" and not k.startswith("PYTEST_")}
    proc = subprocess.run(["bash", str(copy)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "INSTALL_CMD is not set and" in proc.stderr and "is not the harness's repository" in proc.stderr


#: what a checkout holds that the install does not need (as tests/test_install.py copies it)
SOURCES = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "benchmarks", "tests")
PIP = ("-m", "pip", "--disable-pip-version-check", "--timeout", "60", "--retries", "2")


@pytest.mark.install
def test_the_defaults_install_from_the_checkout_and_check_the_mock(tmp_path: Path) -> None:
    """`examples/ci/contracts-check.sh` with nothing set but a free PORT, from a copy of this repository, with a
    fresh virtualenv's python3 first on PATH (as after actions/setup-python): it installs the checkout, starts
    the mock, checks it with the shipped profile, exit 0."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    probe = subprocess.run(
        [venv / "bin" / "python", *PIP, "download", "--no-deps", "--dest", tmp_path / "probe", "httpx"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    if probe.returncode != 0:
        pytest.skip(f"pip cannot reach the package index: {(probe.stderr.strip().splitlines() or ['?'])[-1]}")
    checkout = tmp_path / "checkout"
    shutil.copytree(ROOT, checkout, ignore=SOURCES)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "VIRTUAL_ENV")) and k != "INSTALL_CMD"}
    env |= {"PATH": f"{venv / 'bin'}{os.pathsep}{os.defpath}", "CONTRACTS_ARGS": FAST, "PORT": str(port)}
    proc = subprocess.run(
        ["bash", str(checkout / "examples" / "ci" / "contracts-check.sh")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert f"installing: python3 -m pip install --quiet {checkout}" in proc.stderr
    assert (venv / "bin" / "contracts").exists() and (venv / "bin" / "mock-server").exists()
    assert json.loads((tmp_path / "contracts-reports" / "report.json").read_text())["exit_code"] == 0
    assert port_is_closed(port)


def test_the_script_and_the_workflow_let_contracts_wait() -> None:
    """No wait loop of their own: `contracts check --wait` waits for the server."""
    workflow = (SCRIPT.parent / "github-actions.yml").read_text()
    assert '--wait "$WAIT_SECONDS"' in SCRIPT.read_text() and '--wait "$WAIT_SECONDS"' in workflow
    assert "curl" not in SCRIPT.read_text() and "curl" not in workflow
