"""The record -> replay workflow of docs/mock-server-record.md, run as written: its profile, its `mock-server record`
command and `curl` calls (against the mock playing the staging server), the output it shows, the fixture excerpt,
the replay command and the `contracts check` that passes."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml

from tests.docs import section, sh_commands
from tests.mock_server.conftest import DATA, RunningMock, free_port

pytestmark = pytest.mark.slow
PAGE, HEADING = "docs/mock-server-record.md", "Start to finish"
BIN = Path(sys.executable).parent


def _section() -> str:
    return section(PAGE, HEADING)


def doc_commands() -> list[str]:
    """Every command of the section, as the test below runs them (record, its curls, replay, check)."""
    return [c.line for c in sh_commands(PAGE, HEADING)]


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", _section(), flags=re.S)


def _commands(block: str) -> list[list[str]]:
    return [shlex.split(line) for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def _wait(url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        try:
            httpx.get(url, timeout=0.5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"{url} did not answer")


def _in_order(expected: list[str], lines: list[str]) -> None:
    """Every expected line appears in ``lines``, in this order."""
    position = 0
    for line in expected:
        assert line in lines[position:], f"{line!r} not in {lines[position:]}"
        position = lines.index(line, position) + 1


def test_the_workflow_runs_as_the_readme_shows_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the page's relative paths
    profile_text, excerpt = _blocks("yaml")
    Path("staging.yaml").write_text(profile_text)
    shipped = yaml.safe_load((DATA / "openwebui.yaml").read_text())["identities"]
    for role in ("owner", "reader", "stranger"):
        monkeypatch.setenv(f"OWUI_{role.upper()}_TOKEN", shipped[role]["token"])
    record_block, replay_block, check_block = _blocks("sh")
    record, *curls = _commands(record_block)
    staging_port, port, replay_port = free_port(), free_port(), free_port()
    staging = f"http://127.0.0.1:{staging_port}"
    staging_args = ["--api", "openwebui", "--overlay", "openwebui-0.12.4", "--base-path", "/api/v1"]  # as 0.12.4
    mock = RunningMock([*staging_args, "--port", str(staging_port), "--quiet"])
    try:
        mock.wait_url(staging + "/")
        argv = [a.replace("http://staging:8080", staging) for a in record[1:]] + ["--port", str(port)]
        recorder = subprocess.Popen(
            [str(BIN / "mock-server"), *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            _wait(f"http://127.0.0.1:{port}/", recorder)
            for curl in curls:
                headers = dict(
                    os.path.expandvars(h).split(": ", 1) for f, h in zip(curl, curl[1:], strict=False) if f == "-H"
                )
                assert httpx.get(curl[-1].replace(":9100/", f":{port}/"), headers=headers).status_code == 200
        finally:
            recorder.terminate()
            stdout, stderr = recorder.communicate(timeout=20)
    finally:
        mock.stop()
    assert recorder.returncode == 0, stderr
    recorded = yaml.safe_load(Path("fixtures/openwebui.yaml").read_text())
    tokens = {role: ident["token"] for role, ident in recorded["identities"].items()}

    def actual(line: str) -> str:
        line = re.sub(r"rec-(\w+)-[0-9a-f]{24}", lambda m: tokens[m.group(1)], line)
        return line.replace("http://staging:8080", staging).replace(":9100/", f":{port}/")

    (shown,) = _blocks("text")
    expected = [actual(line) for line in shown.splitlines()]
    logged = [line for line in expected if line.startswith(("record GET", "record:"))]
    _in_order([line for line in expected if line not in logged], stdout.splitlines())
    _in_order(logged, stderr.splitlines())
    written = Path("fixtures/openwebui.yaml").read_text()
    for line in excerpt.splitlines():
        assert line.strip() == "..." or actual(line) in written, line

    (replay,) = _commands(replay_block)
    ((_, *check),) = _commands(check_block)
    served = RunningMock([*replay[1:], "--port", str(replay_port), "--quiet"])
    try:
        served.wait_url(f"http://127.0.0.1:{replay_port}/")
        check = [a.replace("127.0.0.1:9001", f"127.0.0.1:{replay_port}") for a in check]
        done = subprocess.run(
            [str(BIN / "contracts"), *check, "--max-examples", "5"], capture_output=True, text=True, timeout=300
        )
    finally:
        served.stop()
    assert done.returncode == 0 and "PASSED" in done.stdout, done.stdout + done.stderr
