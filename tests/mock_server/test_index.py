"""`GET /` (and the base path): the vendor, its base URL, Swagger UI and the fixture identities to try."""

from __future__ import annotations

import pytest

from mock_server.fixtures import load_fixtures
from tests.mock_server.conftest import DATA
from vendor_specs import load_spec


@pytest.mark.parametrize(
    ("api", "paths"), [("openwebui", ["/", "/api", "/api/"]), ("respan", ["/"]), ("selise", ["/"])]
)
def test_index_names_the_vendor_and_its_identities(make_client, api, paths):
    client = make_client(api)
    fixtures = load_fixtures(api, DATA / f"{api}.yaml")
    for path in paths:
        r = client.get(path)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        doc = r.json()
        assert doc["vendor"] == api and doc["title"] == load_spec(api)["info"]["title"]
        assert doc["swagger_ui"] == doc["base_url"] + "/ui/" and doc["base_url"].startswith("http://testserver")
        assert {p["name"]: p["token"] for p in doc["identities"]} == {
            name: ident["token"] for name, ident in fixtures.identities.items()
        }
        assert doc["journal"].endswith("/__mock/requests")


def test_what_each_identity_may_read_is_what_the_mock_answers(make_client):
    client = make_client("respan")
    doc = client.get("/").json()
    for person in doc["identities"]:
        for model in doc["models"]:
            r = client.get(f"/api/models/{model}/", headers={"Authorization": f"Bearer {person['token']}"})
            assert (r.status_code == 200) == (model in person["may_read"]), (person["name"], model, r.status_code)


def test_a_browser_gets_html(make_client):
    r = make_client("selise").get("/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.headers["content-type"].startswith("text/html")
    assert "SELISE" in r.text and "/ui/" in r.text and "proj-alpha-7c1e0b2f" in r.text and "<script" not in r.text


def test_the_index_follows_the_base_path(make_client):
    client = make_client("openwebui", base_path="/api/v1")
    doc = client.get("/api/v1").json()
    assert doc["base_url"] == "http://testserver/api/v1" and doc["operations"][0]["path"] == "/api/v1/models/model"
    assert client.get("/api").status_code == 404  # the spec's own prefix is not served any more
