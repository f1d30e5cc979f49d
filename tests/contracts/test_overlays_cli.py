"""`contracts overlays`, `contracts diff` and `--overlay` at the command line, output included."""

from __future__ import annotations

import json

import pytest

from contracts.cli import main


def test_overlays_lists_the_shipped_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["overlays"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["name", "extends", "actions", "title"]
    assert "openwebui-0.12.4  openwebui.yaml  10" in out and "selise-genesis    selise.yaml     2" in out
    assert main(["overlays", "--json"]) == 0
    names = [o["name"] for o in json.loads(capsys.readouterr().out)]
    assert names == ["openwebui-0.12.4", "selise-genesis"]


def test_diff_is_a_table_per_deviation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--overlay", "openwebui-0.12.4"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("openwebui-0.12.4: Open WebUI 0.12.4, as observed on a running server\n")
    assert "8 deviation(s) from the page, 2 where the page is silent (10 action(s))" in out
    assert "[deviation] action 1\n  $.components.schemas.ModelUser\n" in out
    assert "[where the page is silent] action 9" in out
    line = next(line for line in out.splitlines() if line.strip().startswith("nullable"))
    assert line.split() == ["nullable", "(absent)", "true"]


def test_diff_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--overlay", "selise-genesis", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["extends"] == "selise.yaml" and len(doc["differences"]) == 1
    assert [a["number"] for a in doc["differences"][0]["actions"]] == [1, 2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["diff", "--overlay", "nope"], "overlay 'nope': neither a shipped overlay"),
        (
            ["check", "--api", "respan", "--base-url", "http://127.0.0.1:9", "--overlay", "openwebui-0.12.4"],
            "extends openwebui.yaml, not respan",
        ),
        (["validate", "--api", "respan", "--overlay", "selise-genesis", "-"], "extends selise.yaml, not respan"),
    ],
)
def test_bad_overlay_is_exit_2_with_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_validate_with_an_overlay(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    body = tmp_path / "b.json"
    body.write_text(json.dumps({"detail": "We could not find what you're looking for :/"}))
    assert main(["validate", "--api", "openwebui", "--status", "404", str(body)]) == 0
    capsys.readouterr()
    user_null = tmp_path / "u.json"
    from vendor_specs import examples_for

    page = examples_for("openwebui", 200)["documented"]["value"]
    user_null.write_text(json.dumps({**page, "user": None}))
    assert main(["validate", "--api", "openwebui", str(user_null)]) == 1
    assert "$.user" in capsys.readouterr().out
    assert (
        main(["validate", "--api", "openwebui", "--overlay", "openwebui-0.12.4", str(user_null)]) == 1
    )  # grants, version_id
    out = capsys.readouterr().out
    assert "$.user" not in out and "version_id" in out
