"""The Prefer header: code=, example=, dynamic=true; documented statuses and examples only."""

from __future__ import annotations

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from mock_server.errors import spec_example
from mock_server.prefer import parse_prefer
from mock_server.vendors.selise import MASK
from tests.mock_server.conftest import bearer, identities
from vendor_specs import documented_statuses, examples_for, response_schema

AUTH = {
    "openwebui": ("/api/models/model?id=anything", bearer("openwebui", "admin")),
    "respan": ("/api/models/anything/", bearer("respan", "acme")),
    "selise": ("/models/anything", {"X-Blocks-Key": identities("selise")["alpha"]}),
}


@pytest.mark.parametrize("api", sorted(AUTH))
def test_every_documented_status_and_example_by_prefer(make_client, api):
    client = make_client(api)
    url, headers = AUTH[api]
    for status in documented_statuses(api):
        r = client.get(url, headers={**headers, "Prefer": f"code={status}"})
        assert r.status_code == status and r.headers["content-type"] == "application/json"
        for name, example in examples_for(api, status).items():
            r = client.get(url, headers={**headers, "Prefer": f"code={status}, example={name}"})
            assert (r.status_code, r.json()) == (status, example["value"])


def test_example_name_alone_searches_every_status(make_client):
    url, headers = AUTH["openwebui"]
    r = make_client("openwebui").get(url, headers={**headers, "Prefer": "example=access_prohibited"})
    assert (r.status_code, r.json()) == (401, spec_example("openwebui", 401, "access_prohibited"))


@pytest.mark.parametrize("api", sorted(AUTH))
def test_dynamic_bodies_match_the_schema(make_client, api):
    client = make_client(api)
    url, headers = AUTH[api]
    validator = OAS30Validator(response_schema(api, 200), format_checker=oas30_format_checker)
    seen = set()
    for _ in range(15):
        r = client.get(url, headers={**headers, "Prefer": "dynamic=true"})
        assert r.status_code == 200
        errors = [e.message for e in validator.iter_errors(r.json())]
        assert not errors
        seen.add(r.text)
        if api == "selise":
            assert r.json()["ApiKey"] == MASK
    assert len(seen) > 1


def test_dynamic_error_status(make_client):
    url, headers = AUTH["respan"]
    r = make_client("respan").get(url, headers={**headers, "Prefer": "code=404, dynamic=true"})
    assert r.status_code == 404 and isinstance(r.json()["detail"], str)


@pytest.mark.parametrize(("api", "status"), [("openwebui", 422), ("respan", 400), ("selise", 400)])
def test_undocumented_code_is_a_vendor_error(make_client, api, status):
    url, headers = AUTH[api]
    r = make_client(api).get(url, headers={**headers, "Prefer": "code=418"})
    assert r.status_code == status and r.headers["content-type"] == "application/json"
    assert "418" in r.text and "documented" in r.text


def test_unknown_example_lists_the_known_ones(make_client):
    url, headers = AUTH["openwebui"]
    r = make_client("openwebui").get(url, headers={**headers, "Prefer": "example=nope"})
    assert r.status_code == 422 and "observed_admin" in r.text


def test_prefer_does_not_bypass_auth(make_client):
    r = make_client("respan").get("/api/models/x/", headers={"Prefer": "code=200"})
    assert (r.status_code, r.json()) == (401, spec_example("respan", 401, "not_provided"))


def test_parse_prefer():
    assert parse_prefer('code=404, example="x"; dynamic=true') == {"code": "404", "example": "x", "dynamic": "true"}
