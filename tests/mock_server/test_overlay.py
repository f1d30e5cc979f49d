"""The mock with an overlay answers as that implementation does; its fixtures hold one page-shaped truth."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mock_server.errors import FixtureError
from mock_server.fixtures import DEFAULT_DIR, load_fixtures
from mock_server.observed import observed_form, page_form
from mock_server.vendors import vendor
from tests.mock_server.conftest import bearer
from vendor_specs import overlays, spec_key, vendor_of

URL = "/api/models/model"
OWN = {"id": "acme/test-model:v1"}


def test_page_and_0_12_4_shapes_of_one_fixture(make_client) -> None:
    page = make_client("openwebui").get(URL, params=OWN, headers=bearer("openwebui", "owner")).json()
    real = (
        make_client("openwebui", overlay="openwebui-0.12.4")
        .get(URL, params=OWN, headers=bearer("openwebui", "owner"))
        .json()
    )
    assert page["user"] == {"id": page["user_id"], "name": "Jane Owner", "email": "jane@acme.example"}
    assert real["user"] is None and len(real["version_id"]) == 36
    assert page["meta"] == {"description": "A test model"}
    assert real["meta"]["profile_image_url"] is None and real["meta"]["capabilities"] is None
    assert page["access_grants"][0] == {
        "access_type": "user",
        "access_id": page["access_grants"][0]["access_id"],
        "permission": "read",
    }
    grant = real["access_grants"][0]
    assert {k: grant[k] for k in ("resource_type", "resource_id", "principal_type", "permission")} == {
        "resource_type": "model",
        "resource_id": "acme/test-model:v1",
        "principal_type": "user",
        "permission": "read",
    }
    assert "access_type" not in grant and grant["principal_id"] == page["access_grants"][0]["access_id"]
    again = (
        make_client("openwebui", overlay="openwebui-0.12.4")
        .get(URL, params=OWN, headers=bearer("openwebui", "owner"))
        .json()
    )
    assert again == real  # generated ids are stable


def test_0_12_4_error_texts(make_client) -> None:
    client = make_client("openwebui", overlay="openwebui-0.12.4")
    r = client.get(URL, params={"id": "nope"}, headers=bearer("openwebui", "owner"))
    assert r.json() == {"detail": "We could not find what you're looking for :/"}
    r = client.get(URL, params=OWN, headers=bearer("openwebui", "stranger"))
    assert r.status_code == 401 and r.json()["detail"].startswith("You do not have permission")


@pytest.mark.parametrize("name", sorted(overlays()))
def test_shipped_fixtures_validate_against_the_page_and_every_overlay(name: str) -> None:
    from vendor_specs import load_overlay, spec_key

    key = spec_key(None, name)
    vendor = vendor_of(key)
    assert load_fixtures(key, DEFAULT_DIR / f"{vendor}.yaml").models
    assert load_overlay(name).vendor == vendor


def test_a_fixture_that_breaks_the_page_is_refused_in_both_modes(tmp_path: Path) -> None:
    data = yaml.safe_load((DEFAULT_DIR / "openwebui.yaml").read_text())
    data["models"][0]["user"] = None  # what 0.12.4 sends, but not what the page documents
    (tmp_path / "openwebui.yaml").write_text(yaml.safe_dump(data))
    for key in ("openwebui", "openwebui@openwebui-0.12.4"):
        with pytest.raises(
            FixtureError, match=r"record #1 \(acme/test-model:v1\) field `user`: .*spec openwebui 200 schema"
        ):
            load_fixtures(key, tmp_path / "openwebui.yaml")


@pytest.mark.parametrize("name", sorted(overlays()))
def test_page_form_undoes_observed_form_but_for_what_the_implementation_never_sends(name: str) -> None:
    """`mock-server record --overlay`: an implementation's body back in the page's shape; what the page requires
    and the implementation never sends (0.12.4's `user`, always null) is generated, and said so."""
    key = spec_key(None, name)
    fixtures = load_fixtures(key, DEFAULT_DIR / f"{vendor_of(key)}.yaml")
    for record in fixtures.models.values():
        served = vendor(key).served_form(key, record)
        made: list[str] = []
        back = page_form(key, observed_form(key, served), made)
        differs = sorted(k for k in {*back, *served} if back.get(k) != served.get(k))
        assert differs == sorted(place.rsplit(".", 1)[1] for place in made), (record, back)
    assert page_form(vendor_of(key), {"a": 1}) == {"a": 1}  # the page's own spec: as it is
