"""Checks register once; the page's rules and the checks cover each other; a new check is one function."""

from __future__ import annotations

import importlib
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from contracts.checks import CHECKS
from contracts.cli import main
from contracts.registry import Registry
from vendor_specs import rules

SHIPPED = ("openwebui", "respan", "selise")


@pytest.mark.parametrize("api", SHIPPED)
def test_every_rule_is_judged_by_a_registered_check(api: str) -> None:
    for rule in rules(api):
        unknown = [c for c in rule.checks if c not in CHECKS]
        assert not unknown, f"{api} rule {rule.id} names unregistered check(s) {unknown}"
        assert CHECKS[rule.check].judge is not None or CHECKS[rule.check].kind == "schemathesis", rule.id


def test_every_check_judges_a_rule() -> None:
    """A check that judges no rule of any vendor's page checks nothing the page says (the run's own bounds aside)."""
    idle = [c.name for c in CHECKS if c.kind != "limit" and not any(c.rule_ids(api) for api in SHIPPED)]
    assert idle == []
    assert {c.name for c in CHECKS if c.kind == "limit"} == {"timeout", "body_size"}


def test_a_check_is_registered_once() -> None:
    registry = Registry()

    @registry.register
    def mine(reply: object) -> list[object]:
        """Mine."""
        return []

    with pytest.raises(ValueError, match="registered twice"):
        registry.register(mine)
    with pytest.raises(ValueError, match="needs a description"):
        registry.register(lambda reply: [])
    with pytest.raises(ValueError, match="kind must be one of"):
        registry.register(mine, kind="plugin")
    assert registry.names() == ("mine",) and registry["mine"].description == "Mine."


@pytest.fixture
def plugin_check(tmp_path: Path) -> Iterator[str]:
    """A check in a module of its own, as a team adds one: one decorated function."""
    (tmp_path / "team_checks.py").write_text(
        textwrap.dedent(
            '''
            from contracts import Problem, check

            @check
            def no_vendor_names(reply):
                """Display names never name the model's vendor (our team's own rule)."""
                body = reply.json
                if reply.status == 200 and isinstance(body, dict) and "GPT" in str(body.get("display_name", "")):
                    return [Problem("a display name names its vendor", ("responses", 200), "no GPT", ("display_name",))]
                return []
            '''
        )
    )
    sys.path.insert(0, str(tmp_path))
    try:
        importlib.import_module("team_checks")
        yield "no_vendor_names"
    finally:
        CHECKS.unregister("no_vendor_names")
        sys.modules.pop("team_checks", None)
        sys.path.remove(str(tmp_path))


def test_a_new_check_is_one_function_run_reported_and_documented(
    plugin_check: str, reference, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "no_vendor_names" in capsys.readouterr().out  # documented, from its docstring
    from tests.contracts.fixtures import reference_profile

    with reference("respan") as url:  # its models are "My Custom GPT-4"
        code = main(
            ["check", "--api", "respan", "--base-url", url, "--profile", reference_profile("respan")]
            + ["--no-property-based", "--seed", "1"]
        )
    out = capsys.readouterr().out
    assert code == 1, out  # a finding no page rule holds is a failure
    assert "[no_vendor_names] GET /api/models/{model_name}/: a display name names its vendor" in out
    assert "no_vendor_names" in out.split("Checks run:")[1]
