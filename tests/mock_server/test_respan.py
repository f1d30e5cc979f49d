"""Respan: global vs organisation-owned models, DRF errors, names with '/' literal and %2F."""

from __future__ import annotations

import pytest

from mock_server.errors import spec_example
from tests.mock_server.conftest import bearer

API = "respan"


@pytest.fixture
def client(make_client):
    return make_client(API)


@pytest.mark.parametrize("org", ["acme", "globex"])
@pytest.mark.parametrize("path", ["/api/models/openai/gpt-4/", "/api/models/openai%2Fgpt-4/"])
def test_global_model_for_every_valid_key_both_slash_forms(client, org, path):
    r = client.get(path, headers=bearer(API, org))
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.json()["model_name"] == "openai/gpt-4"


def test_name_with_colon(client):
    r = client.get("/api/models/anthropic/claude-3-5-sonnet:20241022/", headers=bearer(API, "globex"))
    assert r.status_code == 200


@pytest.mark.parametrize("path", ["/api/models/acme/custom-gpt-4/", "/api/models/acme%2Fcustom-gpt-4/"])
def test_custom_model_for_owner_only(client, path):
    assert client.get(path, headers=bearer(API, "acme")).json()["affiliation_category"] == "custom"
    r = client.get(path, headers=bearer(API, "globex"))
    assert (r.status_code, r.json()) == (403, spec_example(API, 403, "owned_by_others"))


def test_unknown_name_404(client):
    r = client.get("/api/models/no/such-model/", headers=bearer(API, "acme"))
    assert (r.status_code, r.json()) == (404, spec_example(API, 404, "not_found"))


def test_empty_name_is_drf_404(client):
    r = client.get("/api/models//", headers=bearer(API, "acme"))
    assert (r.status_code, r.json()) == (404, spec_example(API, 404, "not_found"))


@pytest.mark.parametrize(
    ("headers", "example"),
    [
        ({}, "not_provided"),
        ({"Authorization": "Token abc"}, "not_provided"),
        ({"Authorization": "Bearer wrong"}, "invalid_token"),
    ],
)
def test_credentials_errors(client, headers, example):
    r = client.get("/api/models/openai/gpt-4/", headers=headers)
    assert (r.status_code, r.json()) == (401, spec_example(API, 401, example))


def test_unknown_path_is_drf_404(client):
    r = client.get("/api/nothing-here", headers=bearer(API, "acme"))
    assert (r.status_code, r.json()) == (404, spec_example(API, 404, "not_found"))
