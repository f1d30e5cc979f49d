"""Open WebUI: every documented status, the access rules, ids with '/' and ':' both ways."""

from __future__ import annotations

import pytest

from mock_server.errors import spec_example
from tests.mock_server.conftest import bearer

API = "openwebui"
URL = "/api/models/model"
OWN = "acme/test-model:v1"


@pytest.fixture
def client(make_client):
    return make_client(API)


@pytest.mark.parametrize(
    ("who", "write"),
    [("admin", True), ("owner", True), ("writer", True), ("reader", False)],
)
def test_access_levels_on_private_model(client, who, write):
    r = client.get(URL, params={"id": OWN}, headers=bearer(API, who))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["id"] == OWN and body["write_access"] is write
    assert body["params"] == ({"system": "You are helpful.", "temperature": 0.5} if write else {})


def test_stranger_is_refused_with_documented_401(client):
    r = client.get(URL, params={"id": OWN}, headers=bearer(API, "stranger"))
    assert (r.status_code, r.json()) == (401, spec_example(API, 401, "access_prohibited"))


def test_public_grant_reads_for_everyone(client):
    for who in ("stranger", "reader"):
        body = client.get(URL, params={"id": "gpt-4-custom"}, headers=bearer(API, who)).json()
        assert body["write_access"] is False and body["params"] == {}
    assert client.get(URL, params={"id": "gpt-4-custom"}, headers=bearer(API, "owner")).json()["write_access"] is True


def test_admin_reads_model_without_grants_others_do_not(client):
    assert client.get(URL, params={"id": "ollama/llama3.1:8b"}, headers=bearer(API, "admin")).status_code == 200
    assert client.get(URL, params={"id": "ollama/llama3.1:8b"}, headers=bearer(API, "owner")).status_code == 401


@pytest.mark.parametrize("query", ["id=acme/test-model:v1", "id=acme%2Ftest-model%3Av1"])
def test_id_with_slash_and_colon_raw_and_encoded(client, query):
    r = client.get(f"{URL}?{query}", headers=bearer(API, "owner"))
    assert r.status_code == 200 and r.json()["id"] == OWN


def test_unknown_id_404(client):
    r = client.get(URL, params={"id": "no-such-model"}, headers=bearer(API, "admin"))
    assert (r.status_code, r.json()) == (404, spec_example(API, 404, "model_not_found"))


def test_missing_id_is_fastapi_422(client):
    r = client.get(URL, headers=bearer(API, "admin"))
    assert (r.status_code, r.json()) == (422, spec_example(API, 422, "missing_id"))
    assert r.headers["content-type"] == "application/json"


OBSERVED = "openwebui@openwebui-0.12.4"


@pytest.mark.parametrize(
    ("headers", "example"),
    [
        ({}, "not_authenticated"),
        ({"Authorization": "Bearer"}, "not_authenticated"),
        ({"Authorization": "Basic dTpw"}, "not_authenticated"),
        ({"Authorization": "Bearer garbage"}, "invalid_token"),
    ],
)
def test_credentials_errors_as_0_12_4_answers_them(make_client, headers, example):
    r = make_client(API, overlay="openwebui-0.12.4").get(URL, params={"id": OWN}, headers=headers)
    assert (r.status_code, r.json()) == (401, spec_example(OBSERVED, 401, example))


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer"}, {"Authorization": "Basic dTpw"}, {"Authorization": "Bearer garbage"}]
)
def test_credentials_errors_as_the_page_documents_them(client, headers):
    """The page has one 401 body; without an overlay the mock answers every unauthorized request with it."""
    r = client.get(URL, params={"id": OWN}, headers=headers)
    assert (r.status_code, r.json()) == (401, spec_example(API, 401, "access_prohibited"))


def test_credentials_checked_before_parameters(client):
    assert client.get(URL).status_code == 401


@pytest.mark.parametrize("base_path", ["/api/v1", "/api/v1/"])
def test_base_path_replaces_documented_prefix(make_client, base_path):
    client = make_client(API, base_path=base_path)
    assert client.get("/api/v1/models/model", params={"id": OWN}, headers=bearer(API, "owner")).status_code == 200
    assert client.get(URL, params={"id": OWN}, headers=bearer(API, "owner")).status_code == 404


def test_empty_base_path_serves_at_the_root(make_client):
    client = make_client(API, base_path="")
    assert client.get("/models/model", params={"id": OWN}, headers=bearer(API, "owner")).status_code == 200


def test_group_grants_and_page_shaped_grants(tmp_path, make_client):
    import shutil

    import yaml

    from mock_server.fixtures import DEFAULT_DIR

    shutil.copy(DEFAULT_DIR / "openwebui.yaml", tmp_path)
    data = yaml.safe_load((tmp_path / "openwebui.yaml").read_text())
    data["identities"]["stranger"]["groups"] = ["team-a"]
    model = data["models"][2]  # admin-only model
    model["access_grants"] = [
        {"access_type": "group", "access_id": "team-a", "permission": "write"},
        {"access_type": "user", "access_id": data["identities"]["reader"]["user_id"], "permission": "read"},
    ]
    (tmp_path / "openwebui.yaml").write_text(yaml.safe_dump(data))
    client = make_client(API, fixtures=tmp_path)
    url = f"{URL}?id=ollama/llama3.1:8b"
    assert client.get(url, headers=bearer(API, "stranger")).json()["write_access"] is True  # via its group
    assert client.get(url, headers=bearer(API, "reader")).json()["write_access"] is False  # page-shaped grant
    assert client.get(url, headers=bearer(API, "writer")).status_code == 401
