"""The packaging metadata lists every package, so a built wheel is complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIRS = {"vendor_specs": "openapi"}


def test_every_package_directory_is_listed_in_pyproject() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = set()
    for top in ("mock_server", "contracts", "openapi"):
        for init in (ROOT / top).rglob("__init__.py"):
            parts = list(init.parent.relative_to(ROOT).parts)
            parts[0] = {v: k for k, v in PACKAGE_DIRS.items()}.get(parts[0], parts[0])
            found.add(".".join(parts))
    assert found == listed


def test_package_data_ships_specs_and_fixtures() -> None:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "*.yaml" in data["vendor_specs"]
    assert list((ROOT / "mock_server" / "data").glob("*.yaml")), "default fixtures are missing"
