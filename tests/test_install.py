"""The wheel installs into a project that already has the lowest supported pytest and hypothesis, changes
neither, and everything works there: both commands, a `contracts check` of the mock, the pytest plugin. The wheel
is built and installed by the README's own commands ("Installing into your own project"), run as written.

Needs the package index (pip's own configuration): skipped, saying so, when pip cannot reach it.
``INSTALL_TEST_PYTHON=python3.13`` runs it with another interpreter (default: the one running the tests).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest

from tests.docs import sh_commands
from tests.mock_server.conftest import free_port

pytestmark = [pytest.mark.slow, pytest.mark.install]  # `make test-install`, not `make test`

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
#: the lowest versions Schemathesis 4 (and so this project) accepts, as a host project may already have them
HOST = {"pytest": "8.4.0", "hypothesis": "6.130.12"}
PIP = ("-m", "pip", "--disable-pip-version-check", "--timeout", "60", "--retries", "2")
SOURCES = shutil.ignore_patterns(".*", "build", "dist", "*.egg-info", "__pycache__", "benchmarks", "tests")


def sh(*argv: str | Path, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k not in ("VIRTUAL_ENV", "PYTHONPATH")
    }
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def doc_commands() -> list[str]:
    """The README's install commands: build the wheel in a checkout, install it, ask both commands' versions."""
    return [c.line for c in sh_commands("README.md", "Installing into your own project")]


def shell(line: str, python: Path | str, cwd: Path, path: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A README command as written, its ``python -m pip`` being ``python``'s pip (with this file's pip options)."""
    line = line.replace("python -m pip", " ".join(map(shlex.quote, (str(python), *PIP))))
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k not in ("VIRTUAL_ENV", "PYTHONPATH")
    }
    if path is not None:
        env["PATH"] = f"{path}{os.pathsep}{env['PATH']}"
    return subprocess.run(["bash", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def ok(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, f"{' '.join(map(str, proc.args))}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def frozen(python: Path) -> dict[str, str]:
    lines = ok(sh(python, *PIP, "freeze", "--all")).splitlines()
    return dict(line.lower().split("==", 1) for line in lines if "==" in line)


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv holding only the host's pytest and hypothesis, from the package index."""
    base = tmp_path_factory.mktemp("install")
    interpreter = os.environ.get("INSTALL_TEST_PYTHON", sys.executable)
    ok(sh(interpreter, "-m", "venv", base / "venv"))
    python = base / "venv" / "bin" / "python"
    probe = sh(
        python, *PIP, "download", "--no-deps", "--dest", base / "probe", f"pytest=={HOST['pytest']}", timeout=180
    )
    if probe.returncode != 0:
        pytest.skip(
            f"pip cannot reach the package index (or it lacks pytest=={HOST['pytest']}): {(probe.stderr.strip().splitlines() or ['?'])[-1]}"
        )
    ok(sh(python, *PIP, "install", *(f"{name}=={version}" for name, version in HOST.items())))
    return python


@pytest.fixture(scope="module")
def installed(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of this checkout's sources, installed into ``venv``."""
    base = tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT, base / "src", ignore=SOURCES)
    build, install, _ = doc_commands()
    ok(shell(build, sys.executable, base / "src"))  # python -m pip wheel ... .: in the checkout
    before = frozen(venv)
    ok(shell(install, venv, base / "src"))  # python -m pip install dist/...whl: into the project's environment
    after = frozen(venv)
    for name, version in HOST.items():
        assert before[name] == after[name] == version, f"installing the wheel changed {name}: {after[name]}"
    ok(sh(venv, *PIP, "check"))
    return venv.parent


@pytest.fixture(scope="module")
def mock(installed: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [installed / "mock-server", "--api", "respan", "--port", str(port), "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url + "/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                assert proc.poll() is None and time.monotonic() < deadline, "the installed mock-server did not start"
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_the_readme_version_line_runs_where_the_package_is_installed(installed: Path, tmp_path: Path) -> None:
    *_, versions = doc_commands()
    out = ok(shell(versions, installed / "python", tmp_path, path=installed))
    assert out == f"mock-server {PROJECT['version']}\ncontracts {PROJECT['version']}\n"


@pytest.mark.parametrize("command", ["mock-server", "contracts"])
def test_commands_report_the_version(installed: Path, command: str) -> None:
    assert ok(sh(installed / command, "--version")) == f"{command} {PROJECT['version']}\n"


def test_contracts_check_of_the_mock_with_the_shipped_profile(installed: Path, mock: str, tmp_path: Path) -> None:
    out = ok(
        sh(
            installed / "contracts",
            *("check", "--api", "respan", "--base-url", mock, "--profile", "mock", "--max-examples", "5"),
            *("--seed", "1", "--junit", tmp_path / "junit.xml", "--json", tmp_path / "report.json"),
        )
    )
    assert "PASSED: 0 failure(s)" in out and "site-packages" in out  # the profile came from the installed wheel
    cases = list(ET.parse(tmp_path / "junit.xml").getroot().iter("testcase"))
    assert cases and all(c.get("classname") and c.get("name") for c in cases), [c.attrib for c in cases]
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["exit_code"] == 0 and report["findings"] == [], report["findings"]


def test_plugin_options_are_in_pytest_help(installed: Path) -> None:
    out = ok(sh(installed / "python", "-m", "pytest", "--help"))
    assert "--contracts-api=API" in out and "--contracts-profile=PROFILE" in out


def test_plugin_runs_a_selected_contract_test(installed: Path, mock: str, tmp_path: Path) -> None:
    (tmp_path / "test_host.py").write_text("def test_host():\n    pass\n")
    out = ok(
        sh(
            installed / "python",
            *(
                "-m",
                "pytest",
                "-p",
                "no:cacheprovider",
                "-v",
                "--contracts-api=respan",
                f"--contracts-base-url={mock}",
            ),
            *("--contracts-profile=mock", "--contracts-max-examples=3", "test_host.py", "contracts::respan::auth"),
            cwd=tmp_path,
        )
    )
    assert f"pytest-{HOST['pytest']}" in out and f"hypothesis-{HOST['hypothesis']}" in out
    assert "collected 2 items" in out and "contracts::respan::auth PASSED" in out, out
