"""`contracts rules`: the page's rules of a vendor, as a table and as JSON, end to end."""

from __future__ import annotations

import json

import pytest

from contracts.cli import main
from vendor_specs import rules


@pytest.mark.parametrize("api", ["openwebui", "respan", "selise"])
def test_the_table_lists_every_rule_with_the_pages_words(api: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--api", api]) == 0
    out = capsys.readouterr().out
    found = rules(api)
    assert out.startswith(f"{api}: {len(found)} rules of the page") and len(found) >= 10
    for rule in found:
        assert f"\n{rule.id}  [{rule.severity}: " in out
        assert f"check: {', '.join(rule.checks)}" in out
    assert "page: “Custom models are only accessible by the owning organization.”" in out if api == "respan" else True


def test_json_is_the_same_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--api", "selise", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["api"] == "selise" and data["spec"].endswith("selise.yaml")
    by_id = {r["id"]: r for r in data["rules"]}
    assert by_id["credentials-masked"]["severity"] == "failure" and by_id["credentials-masked"]["basis"] == "states"
    assert by_id["no-project"]["severity"] == "warning" and by_id["no-project"]["reason"]
    assert by_id["project-key-changes-context"]["when"] == {"placement": ["mixed"]}


def test_an_overlay_and_an_unknown_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--api", "openwebui", "--overlay", "openwebui-0.12.4"]) == 0
    assert capsys.readouterr().out.startswith("openwebui@openwebui-0.12.4: ")
    assert main(["rules", "--api", "openwebui", "--overlay", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
