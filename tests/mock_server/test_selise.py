"""SELISE: project scoping (query wins over header), 400/404/422 bodies, ApiKey always masked."""

from __future__ import annotations

import pytest
import yaml

from mock_server.errors import spec_example
from tests.mock_server.conftest import DATA, identities
from vendor_specs import mask

MASK = mask("selise", "ApiKey")

API = "selise"
KEYS = identities(API)


@pytest.fixture
def client(make_client):
    return make_client(API)


def test_project_key_query_or_header(client):
    for kwargs in ({"params": {"project_key": KEYS["alpha"]}}, {"headers": {"X-Blocks-Key": KEYS["alpha"]}}):
        r = client.get("/models/model_123", **kwargs)
        assert r.status_code == 200 and r.headers["content-type"] == "application/json"
        assert r.json()["_id"] == "model_123"


def test_query_wins_over_header(client):
    r = client.get("/models/model_123", params={"project_key": KEYS["beta"]}, headers={"X-Blocks-Key": KEYS["alpha"]})
    assert (r.status_code, r.json()) == (422, spec_example(API, 422, "documented"))


def test_missing_project_key_400_as_the_page_implies(client):
    r = client.get("/models/model_123")
    assert (r.status_code, r.json()) == (400, spec_example(API, 400, "missing_project_key"))
    # FastAPI's body, naming what is missing and both places it may go (Swagger UI before Authorize gets this)
    assert set(r.json()) == {"detail"} and r.headers["content-type"] == "application/json"
    assert "X-Blocks-Key header" in r.json()["detail"] and "project_key query parameter" in r.json()["detail"]
    r = client.get("/models/model_123", params={"project_key": "nope"})
    assert r.status_code == 400 and "nope" in r.json()["detail"]


def test_missing_project_key_400_as_seliseblocks_genesis_answers(make_client):
    client = make_client(API, overlay="selise-genesis")
    r = client.get("/models/model_123")
    assert (r.status_code, r.json()) == (400, spec_example("selise@selise-genesis", 400, "missing_project_key"))
    assert r.json()["errors"]["message"] == "Project key is required"  # the library's own text


def test_unknown_project_key_400_same_shape(make_client):
    r = make_client(API, overlay="selise-genesis").get("/models/model_123", params={"project_key": "nope"})
    body = r.json()
    assert r.status_code == 400 and body["is_success"] is False
    assert "nope" in body["errors"]["message"] and "unknown" in body["errors"]["message"]


def test_unknown_model_404(client):
    r = client.get("/models/no-such", headers={"X-Blocks-Key": KEYS["beta"]})
    assert (r.status_code, r.json()) == (404, spec_example(API, 404, "model_not_found"))


def test_model_of_other_project_is_the_pages_422(client):
    r = client.get("/models/custom-llama-3:70b", headers={"X-Blocks-Key": KEYS["alpha"]})
    assert (r.status_code, r.json()) == (422, spec_example(API, 422, "documented"))


def test_api_key_always_masked_and_providers():
    records = yaml.safe_load((DATA / "selise.yaml").read_text())["models"]
    from mock_server import create_app

    client = create_app(API, access_log=False).test_client()
    providers = set()
    for record in records:
        r = client.get(f"/models/{record['_id']}", headers={"X-Blocks-Key": record["ProjectKey"]})
        assert r.status_code == 200
        body = r.json()
        assert body["ApiKey"] == MASK and record["ApiKey"] not in r.text
        providers.add(body["Provider"])
        if body["Provider"] == "azure":
            assert body["ApiVersion"] and body["DeploymentName"]
    assert providers == {"openai", "azure", "custom"}


def test_encoded_slash_in_id_matches_no_route(client):
    r = client.get("/models/a%2Fb", headers={"X-Blocks-Key": KEYS["alpha"]})
    assert (r.status_code, r.json()) == (404, {"detail": "Not Found"})  # FastAPI's own, as the page implies
