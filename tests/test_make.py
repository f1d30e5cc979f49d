"""`make test` is the quick suite on every core, `make test-install` the install tests, and CI runs both."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def recipe(target: str) -> list[list[str]]:
    """The commands of a Makefile target, split as the shell would (``$(BIN)`` left as it is)."""
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(rf"^{re.escape(target)}:.*\n((?:\t.*\n)+)", text, flags=re.M)
    assert match, f"the Makefile has no {target} target"
    return [shlex.split(line.strip()) for line in match.group(1).splitlines()]


def test_make_test_runs_the_suite_on_every_core_without_the_install_tests() -> None:
    (command,) = recipe("test")
    assert command[:3] == ["$(BIN)/python", "-m", "pytest"]
    options = command[3:]
    assert options[options.index("-n") + 1] == "$(WORKERS)" and options[options.index("-m") + 1] == "not install"
    workers = re.search(r"^WORKERS \?= (.*)$", (ROOT / "Makefile").read_text(encoding="utf-8"), flags=re.M)
    assert workers and "nproc" in workers.group(1) and "+ 1" in workers.group(1)  # every core, and one more


def test_make_test_install_runs_exactly_the_install_tests() -> None:
    (command,) = recipe("test-install")
    assert command[1:] == ["-m", "pytest", "-m", "install"]
    marked = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if "mark.install" in path.read_text(encoding="utf-8") and path != Path(__file__)
    )
    assert marked == ["tests/examples/test_ci.py", "tests/test_install.py"]
    assert "pytestmark = [pytest.mark.slow, pytest.mark.install]" in (ROOT / "tests" / "test_install.py").read_text()


def test_ci_runs_the_suite_then_the_install_tests() -> None:
    lines = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line.startswith("make ")]
    assert lines == ["make test", "make test-install"]
