"""A recording as files: YAML with provenance comments that the mock and the harness load, written atomically
(a failed write leaves the previous file and no temporary one), only when it changes; and the recorded
profile's roles, chosen with the mock's access rules."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import yaml

import vendor_specs
from mock_server.errors import FixtureError, UsageError
from mock_server.fixtures import DEFAULT_DIR, load_fixtures
from mock_server.identities import answer
from mock_server.record import writing
from mock_server.record.learning import Learning
from mock_server.record.roles import recorded_profile
from mock_server.record.writing import Output
from vendor_specs import APIS


def _learnt(api: str) -> Learning:
    """Every shipped identity of ``api`` (all named in the profile) shown every model it may read."""
    fixtures = load_fixtures(api, DEFAULT_DIR / f"{api}.yaml")
    tokens = {name: ident["token"] for name, ident in fixtures.identities.items()}
    learning = Learning(api, tokens, "p.yaml", make_token=lambda name: f"new-{name}-token")
    for token in tokens.values():
        for model_id in fixtures.models:
            body = answer(api, fixtures, token, model_id)
            if body is not None:
                learning.learn(token, dict(body))
    return learning


def _output(tmp_path: Path, api: str) -> Output:
    return Output(api, tmp_path / "rec", header=["Recorded for a test."], base_url="http://127.0.0.1:9/x")


@pytest.mark.parametrize("api", APIS)
def test_written_files_load_as_fixtures_and_as_a_profile(tmp_path: Path, api: str) -> None:
    output = _output(tmp_path, api)
    assert output.write(_learnt(api).recording())
    fixtures = load_fixtures(api, output.fixture_path)
    shipped = load_fixtures(api, DEFAULT_DIR / f"{api}.yaml")
    assert list(fixtures.models) == list(shipped.models)
    profile = vendor_specs.read_profile(output.profile_path)
    assert profile.api == api and profile.base_url == "http://127.0.0.1:9/x"
    assert set(profile.tokens.values()) <= {ident["token"] for ident in fixtures.identities.values()}
    text = output.fixture_path.read_text()
    first = next(iter(shipped.identities))
    assert text.startswith("# Recorded for a test.\nidentities:\n") and f"  # tokens.{first} of p.yaml" in text
    mode = stat.S_IMODE(os.stat(output.fixture_path).st_mode)
    assert mode == 0o666 & ~writing._umask()  # as open() would make it, not mkstemp's 0600


def test_comments_are_one_line_each_and_never_break_an_id(tmp_path: Path) -> None:
    output = _output(tmp_path, "openwebui")
    output.write(_learnt("openwebui").recording())
    text = output.fixture_path.read_text()
    assert "  # seen by admin (full view); owner (full view); reader (lacks params, {} for read-only callers);" in text
    assert all(len(line) <= 120 or "#" not in line for line in text.splitlines())
    assert "acme/test-\n" not in text and "# user_id 7609a4c2-1f0e-4f63-a1b3-0c2c7e8f9d10: the only user" in text


def test_nothing_is_written_when_nothing_changed(tmp_path: Path) -> None:
    output = _output(tmp_path, "respan")
    recording = _learnt("respan").recording()
    assert output.write(recording)
    stamp = output.fixture_path.stat().st_mtime_ns
    assert not output.write(recording) and output.fixture_path.stat().st_mtime_ns == stamp


def test_a_write_the_mock_could_not_load_leaves_the_previous_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = _output(tmp_path, "respan")
    output.write(_learnt("respan").recording())
    before = output.fixture_path.read_text()

    def broken(*args: Any, **kwargs: Any) -> str:
        return "identities: {}\nmodels: [{id: half"  # what a crash in the middle of a write would leave

    monkeypatch.setattr(writing, "render_fixtures", broken)
    with pytest.raises(FixtureError):
        output.write(_learnt("respan").recording())
    assert output.fixture_path.read_text() == before
    assert sorted(p.name for p in output.directory.iterdir()) == ["profiles", "respan.yaml"]


def test_check_refuses_an_existing_recording_and_an_unwritable_directory(tmp_path: Path) -> None:
    output = _output(tmp_path, "respan")
    output.check()
    assert not output.directory.exists()  # checked, nothing created
    output.write(_learnt("respan").recording())
    with pytest.raises(UsageError, match="respan.yaml already exists; record into a new directory"):
        output.check()
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match=r"--out .*file/rec cannot be written \(.*\); choose a directory"):
        Output("respan", tmp_path / "file" / "rec", header=[], base_url="http://h").check()


def test_profile_roles_follow_the_mocks_access_rules() -> None:
    fixtures = load_fixtures("openwebui", DEFAULT_DIR / "openwebui.yaml")
    data, notes = recorded_profile("openwebui", fixtures, "http://127.0.0.1:9001/api")
    assert data["models"] == {"own": "acme/test-model:v1", "shared": "gpt-4-custom", "missing": "no-such-model-0000"}
    assert set(data["tokens"]) == {"owner", "stranger", "reader", "admin"}  # `writer` is no profile role
    assert "the reader is shown it read-only" in notes["models.own"]


def test_selise_shared_falls_back_to_another_model_of_the_owner() -> None:
    fixtures = load_fixtures("selise", DEFAULT_DIR / "selise.yaml")
    fixtures.identities["owner"] = fixtures.identities.pop("alpha")
    fixtures.identities["stranger"] = fixtures.identities.pop("beta")
    data, notes = recorded_profile("selise", fixtures, "http://127.0.0.1:9003")
    assert data["models"]["own"] == "model_123" and data["models"]["shared"] == "azure-gpt-4o:eastus"
    assert "no other recorded model may be read by every identity" in notes["models.shared"]


def test_a_role_nothing_fills_is_left_out_saying_why(tmp_path: Path) -> None:
    data = yaml.safe_load((DEFAULT_DIR / "openwebui.yaml").read_text())
    data["models"][0]["access_grants"][0]["permission"] = "write"  # the reader's grant: now it sees it in full
    (tmp_path / "openwebui.yaml").write_text(yaml.safe_dump(data))
    fixtures = load_fixtures("openwebui", tmp_path / "openwebui.yaml")
    profile, notes = recorded_profile("openwebui", fixtures, "http://h")
    assert "reader" not in profile["tokens"] and notes["tokens.reader"].startswith("left out: no such model")
    text = writing.render_profile(profile, notes, ["header"])
    assert "# left out: no such model is shown read-only to the reader" in text
    vendor_specs.parse_profile(yaml.safe_load(text))
    del fixtures.identities["owner"]
    profile, notes = recorded_profile("openwebui", fixtures, "http://h")
    assert "own" not in profile["models"] and notes["models.own"].startswith("none: the profile named no owner")
