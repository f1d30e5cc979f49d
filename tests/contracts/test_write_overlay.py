"""`contracts check --write-overlay`: learn an implementation's overlay from the server itself, then keep it under
contract with it (drift: what changes fails, what always was so does not)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from contracts.cli import main
from mock_server.app import create_app
from tests.contracts.fixtures import reference_profile
from tests.faults.serve import serve
from vendor_specs import base_path, load_overlay

pytestmark = pytest.mark.slow


def _check(api: str, url: str, *extra: str, profile: str | None = None) -> list[str]:
    return [
        "check",
        "--api",
        api,
        "--base-url",
        url,
        "--profile",
        profile or reference_profile(api),
        "--seed",
        "3",
        "--max-examples",
        "10",
        *extra,
    ]


def _actions(path: Path) -> list[dict]:
    return list((yaml.safe_load(path.read_text()) or {}).get("actions") or [])


def test_learning_0_12_4_from_the_mock_that_serves_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    learned, again = tmp_path / "ours.yaml", tmp_path / "again.yaml"
    api = "openwebui"
    with serve(create_app(api, overlay="openwebui-0.12.4", access_log=False)) as url:
        root = url + base_path(api)
        assert main(_check(api, root, "--strict-messages", "--write-overlay", str(learned), profile="mock")) == 1
        said = capsys.readouterr().err
        assert f"learned 8 action(s) into {learned}" in said
        # the same run, judged by what was learned: conformant; learning again adds nothing
        assert main(_check(api, root, "--strict-messages", "--overlay", str(learned), profile="mock")) == 0
        assert (
            main(
                _check(
                    api,
                    root,
                    "--strict-messages",
                    "--overlay",
                    str(learned),
                    "--write-overlay",
                    str(again),
                    profile="mock",
                )
            )
            == 0
        )
        assert "learned nothing new" in capsys.readouterr().err
    assert _actions(again) == _actions(learned)
    # its targets cover the shipped overlay's deviations (those where the page is silent are not deviations)
    shipped = {a.target for a in load_overlay("openwebui-0.12.4").actions if not a.page_silent}
    assert shipped <= {a["target"] for a in _actions(learned)}
    assert all(a["description"].startswith("Learned: ") and "curl " in a["description"] for a in _actions(learned))
    # the mock serves the learned overlay (its shape: the learned meta keys, null where it has no value) and passes
    with serve(create_app(api, overlay=str(learned), access_log=False)) as url:
        assert (
            main(_check(api, url + base_path(api), "--strict-messages", "--overlay", str(learned), profile="mock")) == 0
        )
    assert "PASSED" in capsys.readouterr().out


def test_a_page_conformant_server_teaches_nothing(
    reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    learned = tmp_path / "ours.yaml"
    with reference("respan") as url:
        assert main(_check("respan", url, "--strict-messages", "--write-overlay", str(learned))) == 0
    assert "nothing to learn: the server keeps the page" in capsys.readouterr().err
    assert not learned.exists()


@pytest.mark.parametrize(
    ("api", "fault", "extra"),
    [
        ("respan", "missing_required_field", ()),  # a field the page's example has, never sent
        ("openwebui", "wrong_field_type", ()),  # another type
        ("openwebui", "null_profile_image_url", ()),  # null where the page says string
        ("openwebui", "real_server_wording", ("--strict-messages",)),  # the implementation's error texts
        ("respan", "problem_json", ()),  # a status and media type... not learnable: see below
    ],
)
def test_a_shape_or_text_deviation_is_learned_and_then_passes(
    api: str, fault: str, extra: tuple[str, ...], reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    learned = tmp_path / "ours.yaml"
    with reference(api, faults=(fault,)) as url:
        first = main(_check(api, url, *extra, "--write-overlay", str(learned)))
        capsys.readouterr()
        second = main(_check(api, url, *extra, "--overlay", str(learned)))
    out = capsys.readouterr().out
    if fault == "problem_json":  # another media type is no shape: it stays a failure, listed to fix
        assert first == 1 and second == 1 and "fix them in the server" in learned.read_text()
        return
    assert first == 1 and _actions(learned), learned.read_text()
    assert second == 0, out


def test_an_access_deviation_is_not_learned(reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    learned = tmp_path / "ours.yaml"
    with reference("respan", faults=("leak_other_model",)) as url:
        assert main(_check("respan", url, "--write-overlay", str(learned))) == 1
        capsys.readouterr()
        assert main(_check("respan", url, "--overlay", str(learned))) == 1  # still a failure
    text = learned.read_text()
    assert "# Not described here: no contract excuses these; fix them in the server:" in text
    assert "`stranger` reading models.own 'acme/custom-gpt-4': expected 403 (denied), got 200" in text
    # nothing describable: the file is still an overlay (one action that changes nothing judged), usable as one
    assert [a["target"] for a in _actions(learned)] == ["$.info"]


def test_learning_extends_the_overlay_given(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The mock as 0.12.4, judged by 0.12.4 but with a server whose 404 text is yet another: the learned file keeps
    0.12.4's actions and adds the new text."""
    learned = tmp_path / "ours.yaml"
    with serve(create_app("openwebui", overlay="openwebui-0.12.4", access_log=False)) as url:
        code = main(
            _check(
                "openwebui",
                url + base_path("openwebui"),
                "--overlay",
                "openwebui-0.12.4",
                "--write-overlay",
                str(learned),
                profile="mock",
            )
        )
    assert code == 0 and "learned nothing new" in capsys.readouterr().err
    given = [a.target for a in load_overlay("openwebui-0.12.4").actions]
    assert [a["target"] for a in _actions(learned)] == given


def test_write_overlay_refuses_a_target_that_is_not_the_api(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.faults.misplaced import web_app

    learned = tmp_path / "ours.yaml"
    with serve(web_app("openwebui")) as url:  # the web app, the API under /api/v1
        assert main(_check("openwebui", url, "--no-property-based", "--write-overlay", str(learned))) == 2
    assert "nothing was learned" in capsys.readouterr().err and not learned.exists()


def test_a_learned_overlay_is_an_overlay_like_the_shipped_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`contracts diff` and `contracts validate` take the learned file as they take a shipped overlay's name."""
    learned = tmp_path / "ours.yaml"
    api = "openwebui"
    with serve(create_app(api, overlay="openwebui-0.12.4", access_log=False)) as url:
        main(_check(api, url + base_path(api), "--no-property-based", "--write-overlay", str(learned), profile="mock"))
    capsys.readouterr()
    assert main(["diff", "--overlay", str(learned)]) == 0
    shown = capsys.readouterr().out
    assert "components.schemas.ModelMeta" in shown or "ModelMeta" in shown, shown
    body = tmp_path / "body.json"
    body.write_text('{"detail": "We could not find what you\'re looking for :/"}')
    assert main(["validate", "--api", api, "--overlay", str(learned), "--status", "404", str(body)]) == 0
