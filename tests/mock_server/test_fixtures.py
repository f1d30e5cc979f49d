"""Fixture files: validation against the spec on load (file, record, field, problem) and hot reload."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import pytest
import yaml

from mock_server import FixtureError, FixtureStore, create_app, load_fixtures
from mock_server.fixtures import DEFAULT_DIR
from tests.mock_server.conftest import bearer
from vendor_specs import APIS


def _copy(tmp_path: Path, api: str) -> tuple[Path, dict]:
    target = tmp_path / f"{api}.yaml"
    shutil.copy(DEFAULT_DIR / f"{api}.yaml", target)
    return target, yaml.safe_load(target.read_text())


def _write(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    stamp = time.time() + 5  # a distinct mtime even on coarse-grained file systems
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("api", APIS)
def test_shipped_fixtures_load(api):
    fixtures = load_fixtures(api, DEFAULT_DIR / f"{api}.yaml")
    assert fixtures.models and fixtures.identities


@pytest.mark.parametrize(
    ("api", "index", "field", "value", "expect"),
    [
        ("respan", 0, "input_cost", "cheap", "'cheap' is not of type 'number'"),
        ("respan", 2, "streaming_support", 2, "2 is not one of [0, 1]"),
        ("respan", 0, "id", "other", "must equal model_name"),
        ("openwebui", 0, "created_at", -1, "less than the minimum"),
        ("openwebui", 1, "write_access", True, "computed per caller"),
        ("selise", 0, "Status", "weird", "'weird' is not one of"),
        ("selise", 1, "CreatedDate", "yesterday", "is not a 'date-time'"),
        ("selise", 0, "Leaked", "x", "Additional properties are not allowed"),
        ("selise", 2, "ProjectKey", "proj-gamma", "is not the token"),
    ],
)
def test_bad_record_names_file_record_field_problem(tmp_path, api, index, field, value, expect):
    path, data = _copy(tmp_path, api)
    data["models"][index][field] = value
    _write(path, data)
    with pytest.raises(FixtureError) as info:
        load_fixtures(api, path)
    message = str(info.value)
    assert str(path) in message and f"#{index + 1}" in message and expect in message
    if field != "Leaked":
        assert f"`{field}`" in message


def test_missing_required_field_is_named(tmp_path):
    path, data = _copy(tmp_path, "respan")
    del data["models"][1]["display_name"]
    _write(path, data)
    with pytest.raises(
        FixtureError, match=r"#2 \(anthropic/claude-3-5-sonnet:20241022\).*'display_name' is a required property"
    ):
        load_fixtures("respan", path)


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("models: [\n  - {id: 1", "is not valid YAML"),
        ("- just a list", "must be a mapping with `identities`"),
        ("identities: {a: {token: t}}\nmodels: []\n", "identity `a`: 'user_id' is a required property"),
    ],
)
def test_malformed_files(tmp_path, text, expect):
    path = tmp_path / "openwebui.yaml"
    path.write_text(text)
    with pytest.raises(FixtureError, match=expect):
        load_fixtures("openwebui", path)


def test_duplicate_token_and_duplicate_model(tmp_path):
    path, data = _copy(tmp_path, "respan")
    data["identities"]["globex"]["token"] = data["identities"]["acme"]["token"]
    _write(path, data)
    with pytest.raises(FixtureError, match="identity `globex` field `token`: token is already used"):
        load_fixtures("respan", path)
    path, data = _copy(tmp_path, "respan")
    data["models"].append(dict(data["models"][0]))
    _write(path, data)
    with pytest.raises(FixtureError, match="duplicate model_name 'openai/gpt-4'"):
        load_fixtures("respan", path)


def test_missing_file(tmp_path):
    with pytest.raises(FixtureError, match="cannot be read"):
        load_fixtures("selise", tmp_path / "selise.yaml")


def test_custom_directory_is_served(tmp_path, make_client):
    path, data = _copy(tmp_path, "respan")
    data["models"][0]["display_name"] = "Mine"
    _write(path, data)
    r = make_client("respan", fixtures=tmp_path).get("/api/models/openai/gpt-4/", headers=bearer("respan", "acme"))
    assert r.json()["display_name"] == "Mine"


def test_reload_picks_up_edits_and_keeps_last_good_data(tmp_path, caplog):
    path, data = _copy(tmp_path, "respan")
    store = FixtureStore("respan", tmp_path, interval=0)
    client = create_app("respan", fixtures=store, access_log=False).test_client()
    url, headers = "/api/models/openai/gpt-4/", bearer("respan", "acme")
    assert client.get(url, headers=headers).json()["display_name"] == "GPT-4"

    data["models"][0]["display_name"] = "GPT-4 (edited)"
    _write(path, data)
    assert client.get(url, headers=headers).json()["display_name"] == "GPT-4 (edited)"

    data["models"][0]["input_cost"] = "cheap"
    with caplog.at_level(logging.ERROR, logger="mock_server.fixtures"):
        _write(path, data)
        r = client.get(url, headers=headers)
    assert r.json()["display_name"] == "GPT-4 (edited)"
    assert any("input_cost" in rec.getMessage() and "last good data" in rec.getMessage() for rec in caplog.records)

    data["models"][0]["input_cost"] = 1.5
    data["models"][0]["display_name"] = "fixed"
    _write(path, data)
    assert client.get(url, headers=headers).json()["display_name"] == "fixed"


def test_reload_of_identities(tmp_path):
    path, data = _copy(tmp_path, "selise")
    store = FixtureStore("selise", tmp_path, interval=0)
    client = create_app("selise", fixtures=store, access_log=False).test_client()
    data["identities"]["gamma"] = {"token": "proj-gamma"}
    data["models"][2]["ProjectKey"] = "proj-gamma"
    _write(path, data)
    assert client.get("/models/custom-llama-3:70b", params={"project_key": "proj-gamma"}).status_code == 200


def test_non_utf8_file_is_a_fixture_error(tmp_path):
    path = tmp_path / "respan.yaml"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(FixtureError, match="is not UTF-8 text") as info:
        load_fixtures("respan", path)
    assert str(path) in str(info.value)


def test_any_loading_failure_is_a_fixture_error(tmp_path, monkeypatch):
    path, _ = _copy(tmp_path, "respan")

    def boom(*args):
        raise RuntimeError("unforeseen")

    monkeypatch.setattr("mock_server.fixtures._first_error", boom)
    with pytest.raises(FixtureError, match="cannot be loaded.*RuntimeError: unforeseen") as info:
        load_fixtures("respan", path)
    assert str(path) in str(info.value)


def test_reload_of_a_non_utf8_edit_keeps_last_good_data(tmp_path, caplog):
    path, _ = _copy(tmp_path, "respan")
    store = FixtureStore("respan", tmp_path, interval=0)
    client = create_app("respan", fixtures=store, access_log=False).test_client()
    url, headers = "/api/models/openai/gpt-4/", bearer("respan", "acme")
    path.write_bytes(b"\xff\xfe")
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))
    with caplog.at_level(logging.ERROR, logger="mock_server.fixtures"):
        r = client.get(url, headers=headers)
    assert r.status_code == 200 and r.json()["model_name"] == "openai/gpt-4"
    assert any("not UTF-8" in rec.getMessage() and "last good data" in rec.getMessage() for rec in caplog.records)


def test_fixture_watcher_never_dies(caplog):
    import asyncio

    from mock_server.serve import Listener, _watch_fixtures

    calls = []

    class Store:
        path = "x.yaml"

        def get(self):
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("unforeseen")

    class App:
        store = Store()

    async def main():
        task = asyncio.create_task(_watch_fixtures([Listener("respan", App(), None, "")], interval=0.01))  # type: ignore[arg-type]
        await asyncio.sleep(0.1)
        assert not task.done()
        task.cancel()

    with caplog.at_level(logging.ERROR, logger="mock_server"):
        asyncio.run(main())
    assert len(calls) > 2 and any("unforeseen" in rec.getMessage() for rec in caplog.records)


def test_an_identity_with_token_null_counts_for_the_rules_but_nobody_can_call_as_it(tmp_path):
    path, data = _copy(tmp_path, "selise")
    data["identities"]["recorded"] = {"token": None, "project": "recorded-project"}
    data["models"][2]["ProjectKey"] = "recorded-project"  # its project: no identity's token, yet a valid record
    _write(path, data)
    fixtures = load_fixtures("selise", path)
    assert fixtures.identities["recorded"]["token"] is None and None not in fixtures.by_token
    client = create_app("selise", fixtures=str(tmp_path), access_log=False).test_client()
    assert client.get("/").json()["identities"][-1]["name"] == "beta"  # the index lists who can call


@pytest.mark.parametrize(
    ("identity", "expect"),
    [
        ({"user_id": "u-1", "role": "user"}, "'token' is a required property"),  # left out is a mistake
        ({"token": None, "role": "user"}, "'user_id' is a required property"),  # null: the rest still checked
    ],
)
def test_a_missing_token_is_still_an_error(tmp_path, identity, expect):
    path, data = _copy(tmp_path, "openwebui")
    data["identities"]["someone"] = identity
    _write(path, data)
    with pytest.raises(FixtureError, match=expect):
        load_fixtures("openwebui", path)
