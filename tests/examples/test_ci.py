"""The CI example runs: the script starts a server, waits for it, checks it, keeps the reports and exits with
the check's exit code; the GitHub Actions workflow has the same steps."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.contracts.fixtures import reference_profile
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
    # a short wait: contracts check waits for the target, which never comes (the server died at once)
    proc = run_script(tmp_path, PORT=str(free_port()), SERVER_CMD="mock-server --api nope", WAIT_SECONDS="2")
    assert proc.returncode == 2
    assert "the server exited; its log:" in proc.stderr and "invalid choice: 'nope'" in proc.stderr


def test_the_script_and_the_workflow_let_contracts_wait() -> None:
    """No wait loop of their own: `contracts check --wait` waits for the server."""
    workflow = (SCRIPT.parent / "github-actions.yml").read_text()
    assert '--wait "$WAIT_SECONDS"' in SCRIPT.read_text() and '--wait "$WAIT_SECONDS"' in workflow
    assert "curl" not in SCRIPT.read_text() and "curl" not in workflow
