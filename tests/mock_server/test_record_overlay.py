"""`mock-server record --write-overlay FILE`: what the recorded server does differently, learnt from the traffic.

The mock serving Open WebUI 0.12.4 is recorded by the page's spec: every 200 of the model operation violates the
page, so nothing is stored as a fixture, and the overlay file learns each difference a contract can state. The
harness, judging the same server by that file, finds its shape described.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.mock_server.conftest import free_port
from tests.mock_server.test_record_cli import MOCK_PROFILES, running, send
from vendor_specs import base_path, load_overlay

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def test_record_learns_the_overlay_of_the_server_it_records(tmp_path: Path) -> None:
    learned, out = tmp_path / "ours.yaml", tmp_path / "recorded"
    profile = yaml.safe_load((MOCK_PROFILES / "openwebui.yaml").read_text())
    mock_port, port = free_port(), free_port()
    mock = f"http://127.0.0.1:{mock_port}"
    with running(
        "--api", "openwebui", "--overlay", "openwebui-0.12.4", "--port", str(mock_port), "--quiet", url=mock + "/"
    ):
        args = ["record", "--api", "openwebui", "--upstream", mock + base_path("openwebui"), "--out", str(out)]
        args += ["--profile", str(MOCK_PROFILES / "openwebui.yaml"), "--write-overlay", str(learned)]
        with running(*args, "--port", str(port), url=f"http://127.0.0.1:{port}/") as recorder:
            for model in ("acme/test-model:v1", "gpt-4-custom"):
                assert (
                    send(f"http://127.0.0.1:{port}", "openwebui", profile["tokens"]["owner"], model).status_code == 200
                )
        stdout, stderr = recorder.stop()
        assert f"record: wrote {learned}" in stderr, stderr
        actions = yaml.safe_load(learned.read_text())["actions"]
        targets = {a["target"] for a in actions}
        # the shapes the traffic showed (texts need the errors' situations: the harness learns those)
        shipped = {
            a.target for a in load_overlay("openwebui-0.12.4").actions if not a.page_silent and "paths" not in a.target
        }
        assert shipped <= targets, targets
        assert profile["tokens"]["owner"] not in learned.read_text()  # credentials hidden in the evidence
        check = [str(BIN / "contracts"), "check", "--api", "openwebui", "--base-url", mock + base_path("openwebui")]
        check += [
            "--profile",
            "mock",
            "--overlay",
            str(learned),
            "--no-property-based",
            "--json",
            str(tmp_path / "r.json"),
        ]
        done = subprocess.run(check, capture_output=True, text=True, timeout=300)
    # judged by what was learnt, the server's shape is described: only the error texts (warnings) remain
    assert done.returncode == 0, done.stdout + done.stderr
    assert "response_schema_conformance" not in done.stdout.split("Checks run:")[0], done.stdout
