"""Overlays (OpenAPI Overlay 1.0.0): loading, applying with RFC 9535 targets, refusing broken ones, spec keys."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import vendor_specs
from vendor_specs import (
    SpecError,
    load_overlay,
    load_spec,
    overlays,
    raw_spec,
    response_schema,
    situation,
    spec_key,
)

OWUI = "openwebui@openwebui-0.12.4"


def _write(tmp_path: Path, actions: list[dict], extends: str = "openwebui.yaml", name: str = "mine") -> Path:
    path = tmp_path / f"{name}.yaml"
    doc = {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "extends": extends, "actions": actions}
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def test_every_shipped_overlay_extends_a_vendor_and_gives_a_valid_spec() -> None:
    assert set(overlays()) >= {"openwebui-0.12.4", "selise-genesis"}
    for name, path in overlays().items():
        found = load_overlay(name)
        assert found.path == path and found.vendor in vendor_specs.APIS
        assert all(action.description for action in found.actions)
        key = spec_key(found.vendor, name)
        assert key == f"{found.vendor}@{name}"
        assert raw_spec(key) != raw_spec(found.vendor)


def test_keys_never_share_a_cached_answer() -> None:
    """The page's spec and the overlaid one are both answered, alternately, in one process."""
    for _ in range(2):
        assert situation("openwebui", "not_found").preferred.body == {"detail": "Model not found"}
        assert situation(OWUI, "not_found").preferred.body == {"detail": "We could not find what you're looking for :/"}
        assert response_schema("openwebui", 200)["properties"]["user"].get("nullable") is None
        assert response_schema(OWUI, 200)["properties"]["user"]["nullable"] is True
        assert vendor_specs.body_validator("openwebui", "get_model", 200)({"x": 1}) is False


def test_the_page_is_untouched_by_an_overlay() -> None:
    before = raw_spec("openwebui")
    load_spec(OWUI)
    assert raw_spec("openwebui") == before and "version_id" not in repr(before)


def test_a_file_overlay_and_its_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {
                "target": "$.components.schemas.ModelUser",
                "description": "my fork sends null",
                "update": {"nullable": True},
            }
        ],
    )
    key = spec_key("openwebui", path)
    assert key == f"openwebui@{path}"
    assert response_schema(key, 200)["properties"]["user"]["nullable"] is True


def test_update_appends_to_an_array_and_remove_deletes(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {
                "target": "$.servers",
                "description": "a staging server",
                "update": {"url": "https://staging.example.com/api"},
            },
            {"target": "$.servers[?@.url == 'https://api.example.com/api']", "description": "gone", "remove": True},
        ],
    )
    urls = [s["url"] for s in raw_spec(spec_key("openwebui", path))["servers"]]
    assert urls == ["http://localhost:8080/api/v1", "https://staging.example.com/api"]


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (
            [{"target": "$.components.schemas.Nope", "description": "x", "update": {"a": 1}}],
            r"overlay mine \(.*mine.yaml\) action 1 \(target \$\.components\.schemas\.Nope\): matches nothing in openwebui.yaml",
        ),
        (
            [
                {"target": "$.info", "description": "fine", "update": {"x-a": 1}},
                {"target": "$.components.schemas.ModelUser", "description": "bad", "update": {"type": 7}},
            ],
            r"action 2 \(target \$\.components\.schemas\.ModelUser\): the result is invalid OpenAPI",
        ),
        ([{"target": "$.info[", "description": "x", "update": {}}], r"action 1 \(target \$\.info\[\): not an RFC 9535"),
        ([{"target": "$.info", "update": {}}], r"action 1 \(target \$\.info\): needs a `description`"),
        ([{"target": "$.info", "description": "x"}], r"needs an `update` or `remove: true`"),
        ([{"target": "$.info.title", "description": "x", "update": {}}], r"not an object or array"),
    ],
)
def test_a_broken_overlay_is_refused_naming_the_action(tmp_path: Path, actions: list[dict], message: str) -> None:
    path = _write(tmp_path, actions)
    with pytest.raises(SpecError, match=message):
        spec_key("openwebui", path)


def test_an_overlay_of_another_vendor_is_refused() -> None:
    with pytest.raises(
        SpecError, match=r"extends selise.yaml, not openwebui; pick an overlay of openwebui \(openwebui-0.12.4\)"
    ):
        spec_key("openwebui", "selise-genesis")


def test_an_unknown_overlay_lists_the_shipped_ones() -> None:
    with pytest.raises(SpecError, match=r"neither a shipped overlay \(.*openwebui-0.12.4.*\) nor a file"):
        spec_key("openwebui", "openwebui-9.9")


def test_extends_must_name_a_vendor(tmp_path: Path) -> None:
    path = _write(tmp_path, [{"target": "$", "description": "x", "update": {}}], extends="petstore.yaml")
    with pytest.raises(SpecError, match="`extends` must name the vendor spec"):
        load_overlay(path)


def test_an_overlay_that_breaks_a_vendor_fact_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        [
            {
                "target": "$.paths['/models/model'].get['x-situations'].not_found",
                "description": "x",
                "update": {"answers": [{"status": 404, "example": "nope"}]},
            }
        ],
    )
    with pytest.raises(SpecError, match="names example 'nope' of status 404"):
        spec_key("openwebui", path)


def test_changes_per_action_name_the_nodes() -> None:
    changes = vendor_specs.overlay_changes(load_overlay("openwebui-0.12.4"), vendor_specs.base_spec("openwebui"))
    first = changes[0][1]
    assert [(c.pointer, c.page, c.overlay) for c in first] == [
        ("/components/schemas/ModelUser/nullable", vendor_specs.ABSENT, True),
        ("/components/schemas/ModelUser/x-observed-value", vendor_specs.ABSENT, None),
    ]
