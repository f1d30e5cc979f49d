"""`[project.dependencies]` is exactly what the three packages import; the tests import nothing undeclared.

Module names are mapped to the distributions that install them with the installed metadata
(``importlib.metadata.packages_distributions``), so ``yaml`` is PyYAML and ``werkzeug`` is Werkzeug.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import PackageNotFoundError, packages_distributions, version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
PACKAGES = ("vendor_specs", "mock_server", "contracts")
FIRST_PARTY = {*PACKAGES, "tests", "benchmarks"}
#: declared, but the import is still on its way (remove the entry when it lands)
PENDING: dict[str, str] = {}  # declared ahead of the code that imports it: name -> what will


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
    assert match, requirement
    return canonical(match.group())


def imported_modules(*folders: str) -> dict[str, str]:
    """Top-level third-party module -> the first file importing it (inside functions too)."""
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top not in sys.stdlib_module_names and top not in FIRST_PARTY and top != "__future__":
                        found.setdefault(top, str(path.relative_to(ROOT)))
    return found


@cache
def _distributions() -> dict[str, list[str]]:
    return packages_distributions()


def distributions_of(modules: dict[str, str]) -> dict[str, str]:
    """Distribution (canonical name) -> the module and file that need it."""
    out = {}
    for module, where in modules.items():
        dists = _distributions().get(module)
        assert dists, f"{where} imports {module}, which no installed distribution provides"
        for dist in dists:
            out[canonical(dist)] = f"{module} ({where})"
    return out


def test_runtime_dependencies_are_exactly_the_packages_imports() -> None:
    needed = distributions_of(imported_modules(*PACKAGES))
    declared = {requirement_name(r) for r in PROJECT["dependencies"]}
    undeclared = {dist: why for dist, why in needed.items() if dist not in declared}
    assert not undeclared, f"imported but not in [project.dependencies]: {undeclared}"
    unused = declared - set(needed) - set(PENDING)
    assert not unused, f"in [project.dependencies] but imported by none of {', '.join(PACKAGES)}: {sorted(unused)}"
    assert set(PENDING) <= declared


def test_tests_and_benchmarks_import_only_declared_distributions() -> None:
    needed = distributions_of(imported_modules("tests", "benchmarks"))
    declared = {requirement_name(r) for r in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]}
    undeclared = {dist: why for dist, why in needed.items() if dist not in declared}
    assert not undeclared, f"imported by the tests but in neither [project.dependencies] nor [dev]: {undeclared}"


def test_every_requirement_has_an_upper_bound_and_a_lower_bound() -> None:
    for requirement in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]:
        assert ">=" in requirement and "<" in requirement.replace("<=", ""), requirement


def test_the_test_environment_is_the_constrained_set() -> None:
    """`make test` runs with exactly constraints.txt (the Makefile installs with `-c constraints.txt`)."""
    pins = [line.split("==") for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line]
    assert len(pins) > 20, "constraints.txt looks truncated: `make constraints` regenerates it"
    drift = {}
    for name, pinned in pins:
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "not installed"
        if installed != pinned:
            drift[name] = f"{installed} (constraints.txt: {pinned})"
    assert not drift, f"this environment is not the tested set; `make install` reinstalls it: {drift}"
