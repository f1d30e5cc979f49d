"""A fourth vendor is three files: a spec (with its page's rules), a fixture file and a mock vendor module.

``tests/data/acme/`` holds a made-up vendor laid out like this repository. Copied into a temporary
folder named by ``VENDOR_PATH``, with no file of the project edited, the mock serves it (its access
rules, its errors from the spec) and the harness checks it by its rules and passes. The vendor module writes
only what makes the vendor different (`mock_server.vendors.Vendor` has a default for everything else).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from tests.mock_server.conftest import RunningMock, free_port

DATA = Path(__file__).resolve().parent / "data" / "acme"
BIN = Path(sys.executable).parent
pytestmark = pytest.mark.slow


@pytest.fixture
def vendor_path(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "vendors"
    shutil.copytree(DATA, folder)
    return {**os.environ, "VENDOR_PATH": str(folder)}


@pytest.fixture
def acme(vendor_path: dict[str, str]) -> Iterator[str]:
    port = free_port()
    mock = RunningMock(["--api", "acme", "--port", str(port), "--quiet"], env=vendor_path)
    url = f"http://127.0.0.1:{port}/v2"
    try:
        mock.wait_url(url + "/things/x")
        yield url
    finally:
        mock.stop()


def test_a_vendor_is_as_small_as_what_makes_it_different() -> None:
    module = DATA / "mock_server" / "vendors" / "acme.py"
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 60
    assert not (DATA / "contracts").exists()  # the page's rules generate the harness's requests


def test_the_registry_lists_the_vendor(vendor_path: dict[str, str]) -> None:
    code = "import vendor_specs; print(' '.join(vendor_specs.APIS), vendor_specs.mock_port('acme'))"
    done = subprocess.run([sys.executable, "-c", code], env=vendor_path, capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["openwebui", "respan", "selise", "acme", "9004"], done.stderr


def test_the_mock_serves_the_vendor_with_its_rules(acme: str) -> None:
    red, blue = {"X-Acme-Key": "acme-red-key-0001"}, {"X-Acme-Key": "acme-blue-key-0002"}
    assert httpx.get(acme + "/things/thing-1", headers=red).json()["name"] == "One"
    refused = httpx.get(acme + "/things/thing-1", headers=blue)
    assert (refused.status_code, refused.json()) == (403, {"message": "not your thing"})
    assert httpx.get(acme + "/things/nope", headers=red).json() == {"message": "no such thing"}
    assert httpx.get(acme + "/things/thing-1").status_code == 401


def test_the_harness_checks_the_vendor_and_passes(acme: str, vendor_path: dict[str, str]) -> None:
    args = ["check", "--api", "acme", "--base-url", acme, "--profile", str(DATA / "profile.yaml")]
    done = subprocess.run(
        [str(BIN / "contracts"), *args, "--max-examples", "5", "--seed", "1"],
        env=vendor_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED" in done.stdout and "access_control" in done.stdout


def test_the_validator_knows_the_vendor(vendor_path: dict[str, str], tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text('{"id": "t", "team": "red", "name": "x", "created_at": 1, "updated_at": "2"}')
    done = subprocess.run(
        [str(BIN / "contracts"), "validate", "--api", "acme", str(body)],
        env=vendor_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and "$.updated_at: is not of type 'integer'" in done.stdout, done.stdout + done.stderr


def test_the_recorder_records_the_vendor(acme: str, vendor_path: dict[str, str], tmp_path: Path) -> None:
    """`mock-server record` learns the vendor through its module's caller/observe/identify, and the mock serves
    what it learnt by the vendor's rules, with the new tokens."""
    port, out = free_port(), tmp_path / "recorded"
    args = ["record", "--api", "acme", "--upstream", acme.removesuffix("/v2"), "--out", str(out)]
    recorder = RunningMock([*args, "--profile", str(DATA / "profile.yaml"), "--port", str(port)], env=vendor_path)
    keys = {"owner": "acme-red-key-0001", "stranger": "acme-blue-key-0002"}
    try:
        recorder.wait_url(f"http://127.0.0.1:{port}/")
        before = {
            (role, thing): httpx.get(f"http://127.0.0.1:{port}/v2/things/{thing}", headers={"X-Acme-Key": key})
            for role, key in keys.items()
            for thing in ("thing-1", "thing-2")
        }
    finally:
        recorder.stop()
    recorded = yaml.safe_load((out / "acme.yaml").read_text())
    assert {name: {**ident, "token": "-"} for name, ident in recorded["identities"].items()} == {
        "owner": {"token": "-", "team": "red"},
        "stranger": {"token": "-", "team": "blue"},
    }
    replay_port = free_port()
    replay = RunningMock(["--api", "acme", "--fixtures", str(out), "--port", str(replay_port)], env=vendor_path)
    try:
        replay.wait_url(f"http://127.0.0.1:{replay_port}/v2/things/x")
        for (role, thing), answer in before.items():
            headers = {"X-Acme-Key": recorded["identities"][role]["token"]}
            again = httpx.get(f"http://127.0.0.1:{replay_port}/v2/things/{thing}", headers=headers)
            assert (again.status_code, again.json()) == (answer.status_code, answer.json()), (role, thing)
    finally:
        replay.stop()


def test_a_spec_without_its_modules_is_a_clear_error(tmp_path: Path) -> None:
    """The mock needs a vendor module (its handlers); the harness does not: the page's rules generate its cases."""
    (tmp_path / "openapi").mkdir()
    shutil.copy(DATA / "openapi" / "acme.yaml", tmp_path / "openapi" / "acme.yaml")
    env = {**os.environ, "VENDOR_PATH": str(tmp_path)}
    done = subprocess.run(
        [str(BIN / "mock-server"), "--api", "acme"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert "vendor 'acme' has a spec but no mock module: add acme.py to" in done.stderr, done.stderr
    done = subprocess.run(
        [str(BIN / "contracts"), "check", "--api", "acme", "--base-url", "http://127.0.0.1:9"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "has a spec but no harness module" not in done.stderr, done.stderr
    assert "cannot reach http://127.0.0.1:9" in done.stderr, done.stderr


def test_a_broken_vendor_module_is_a_clear_error(vendor_path: dict[str, str]) -> None:
    """A user's vendor module that does not import is named with the error, exit 2, no traceback."""
    folder = Path(vendor_path["VENDOR_PATH"])
    with (folder / "mock_server" / "vendors" / "acme.py").open("a", encoding="utf-8") as mock_module:
        mock_module.write("\ndef broken(:\n")
    harness_module = folder / "contracts" / "vendors" / "acme.py"  # a vendor's own cases, when it has any
    harness_module.parent.mkdir(parents=True)
    harness_module.write_text("import a_module_nobody_installed\n", encoding="utf-8")
    for command, said in (
        (["mock-server", "--api", "acme", "--port", "0"], "SyntaxError: invalid syntax (line"),
        (
            ["contracts", "check", "--api", "acme", "--base-url", "http://127.0.0.1:9"],
            "ModuleNotFoundError: No module named 'a_module_nobody_installed'",
        ),
    ):
        done = subprocess.run(
            [str(BIN / command[0]), *command[1:]], env=vendor_path, capture_output=True, text=True, timeout=60
        )
        layer = "mock_server" if command[0] == "mock-server" else "contracts"
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert f"{folder / layer / 'vendors' / 'acme.py'} cannot be imported: {said}" in done.stderr, done.stderr
        assert done.stderr.rstrip().endswith("fix that file"), done.stderr


def test_a_vendor_path_that_is_no_folder_is_said(tmp_path: Path) -> None:
    """Ignored, as PYTHONPATH ignores such entries, but said: else the user sees only `invalid choice`."""
    env = {**os.environ, "VENDOR_PATH": str(tmp_path / "no-such-folder")}
    for command in (["mock-server", "--api", "acme"], ["contracts", "check", "--api", "acme"]):
        done = subprocess.run(
            [str(BIN / command[0]), *command[1:]], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, done.stderr
        first = done.stderr.splitlines()[0]
        assert (
            first
            == f"{command[0]}: VENDOR_PATH names {str(tmp_path / 'no-such-folder')!r}, which is not a folder (ignored)"
        )
        assert "invalid choice: 'acme'" in done.stderr
