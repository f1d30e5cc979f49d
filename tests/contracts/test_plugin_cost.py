"""The auto-loaded plugin costs a host project that never uses it nothing: no harness import.

Each run is a real ``python -m pytest`` of a one-test host project in a temporary directory; its conftest
records ``sys.modules`` at the end of the run. What it costs in time is measured by ``benchmarks/bench_plugin.py``
(a figure, not a test: a timed test fails on a busy machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: what the harness needs and a host run without --contracts-* must not import
HEAVY = (
    "schemathesis",
    "hypothesis",
    "httpx",
    "httpcore",
    "requests",
    "openapi_core",
    "jsonschema",
    "yaml",
    "vendor_specs",
    "contracts.runner",
    "contracts.fuzz",
    "contracts.checks",
)
#: the other auto-loaded plugins that come with the dependencies (Schemathesis' imports its engine at load time)
OTHERS = ("-p", "no:schemathesis", "-p", "no:hypothesispytest")
CONFTEST = """\
import json, os, sys

def pytest_unconfigure(config):
    with open(os.environ["MODULES_OUT"], "w", encoding="utf-8") as out:
        json.dump(sorted(sys.modules), out)
"""


@pytest.fixture
def host(tmp_path: Path) -> Path:
    (tmp_path / "test_trivial.py").write_text("def test_trivial():\n    assert True\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    return tmp_path


def run(host: Path, *args: str) -> tuple[float, set[str]]:
    """Seconds for the whole ``pytest`` process, and the modules it had imported at the end."""
    out = host / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")} | {"MODULES_OUT": str(out)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=host,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout, proc.stdout
    return seconds, set(json.loads(out.read_text(encoding="utf-8")))


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_loaded_plugin_imports_nothing_heavy(host: Path) -> None:
    _, modules = run(host, *OTHERS)
    assert "contracts.pytest_plugin" in modules, "the plugin was not loaded: the check below would prove nothing"
    assert heavy(modules) == []


@pytest.mark.slow
def test_plugin_adds_only_itself_to_a_default_run(host: Path) -> None:
    """With every auto-loaded plugin (Schemathesis' too), the difference ``-p no:contracts`` makes is the plugin."""
    _, with_plugin = run(host)
    _, without = run(host, "-p", "no:contracts")
    assert with_plugin - without <= {"contracts", "contracts.pytest_plugin"}, sorted(with_plugin - without)
