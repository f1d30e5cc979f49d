"""The packaging metadata lists every package, each in the folder of its own name, and ships the specs; both
commands report the installed version."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]


def test_every_package_directory_is_listed_in_pyproject() -> None:
    found = set()
    for top in ("vendor_specs", "mock_server", "contracts"):
        for init in (ROOT / top).rglob("__init__.py"):
            found.add(".".join(init.parent.relative_to(ROOT).parts))
    # data folders are data-only packages (else setuptools warns at every build): the top-level openapi/
    # folder shipped inside vendor_specs, its overlays, the mock's fixtures and profiles
    data_only = {"vendor_specs." + ".".join(d.relative_to(ROOT).parts) for d in _data_dirs(ROOT / "openapi")}
    data_only |= {".".join(d.relative_to(ROOT).parts) for d in _data_dirs(ROOT / "mock_server" / "data")}
    assert {"vendor_specs.openapi.overlays", "mock_server.data.profiles"} <= data_only
    assert found | data_only == set(SETUPTOOLS["packages"])
    for package in data_only:
        assert SETUPTOOLS["package-data"][package] == ["*.yaml"], package


def _data_dirs(top: Path) -> list[Path]:
    return [d for d in [top, *top.rglob("*")] if d.is_dir() and any(f.suffix == ".yaml" for f in d.iterdir())]


def test_every_python_package_is_the_folder_of_its_name() -> None:
    mapped = SETUPTOOLS.get("package-dir", {})
    assert mapped == {"vendor_specs.openapi": "openapi"}, "only the spec folder is mapped, and it holds no Python"
    assert not list((ROOT / "openapi").rglob("*.py"))


def test_package_data_ships_specs_and_fixtures() -> None:
    data = SETUPTOOLS["package-data"]
    assert "*.yaml" in data["vendor_specs.openapi"]
    assert list((ROOT / "openapi").glob("*.yaml")), "the specs are missing"
    assert list((ROOT / "mock_server" / "data").glob("*.yaml")), "default fixtures are missing"
    assert data["mock_server.data"] == data["mock_server.data.profiles"] == ["*.yaml"]
    assert list((ROOT / "mock_server" / "data" / "profiles").glob("*.yaml")), "the mock's profiles are missing"


@pytest.mark.parametrize("command", ["mock-server", "contracts"])
def test_version_is_the_installed_distribution_version(command: str) -> None:
    proc = subprocess.run(
        [str(Path(sys.executable).with_name(command)), "--version"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"{command} {version(PYPROJECT['project']['name'])}\n"
