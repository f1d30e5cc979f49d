"""The Prefer header: code=, example=, dynamic=true; documented statuses and examples only."""

from __future__ import annotations

from datetime import datetime

import pytest
from openapi_schema_validator import OAS30Validator, oas30_format_checker

from contracts.relations import related
from contracts.reply import Reply
from mock_server.errors import spec_example
from mock_server.prefer import parse_prefer
from tests.mock_server.conftest import bearer, identities
from vendor_specs import documented_statuses, examples_for, mask, model_operation, response_schema

MASK = mask("selise", "ApiKey")

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
    assert r.status_code == 422 and "missing_id" in r.text and "access_prohibited" in r.text


def test_prefer_does_not_bypass_auth(make_client):
    r = make_client("respan").get("/api/models/x/", headers={"Prefer": "code=200"})
    assert (r.status_code, r.json()) == (401, spec_example("respan", 401, "not_provided"))


def test_parse_prefer():
    assert parse_prefer('code=404, example="x"; dynamic=true') == {"code": "404", "example": "x", "dynamic": "true"}


@pytest.mark.parametrize(
    ("query", "headers", "example"),
    [
        ("", {}, "missing_project_key"),
        ("?project_key=bogus", {}, None),
        ("", {"X-Blocks-Key": "bogus"}, None),
    ],
)
@pytest.mark.parametrize("prefer", ["code=200", "example=documented", "dynamic=true", "code=404"])
def test_prefer_does_not_bypass_selise_project_key(make_client, query, headers, example, prefer):
    r = make_client("selise", overlay="selise-genesis").get(
        f"/models/model_123{query}", headers={**headers, "Prefer": prefer}
    )
    assert r.status_code == 400 and r.json()["is_success"] is False
    if example is not None:
        assert r.json() == spec_example("selise@selise-genesis", 400, example)
    else:
        assert "bogus" in r.json()["errors"]["message"]


def test_prefer_forces_the_status_once_the_project_context_holds(make_client):
    """Per-model access is what a forced answer overrides: another project's model may be forced to 200."""
    keys = identities("selise")
    client = make_client("selise")
    r = client.get("/models/model_123", headers={"X-Blocks-Key": keys["beta"], "Prefer": "code=200"})
    assert r.status_code == 200
    r = client.get("/models/model_123", params={"project_key": keys["alpha"]}, headers={"Prefer": "code=404"})
    assert (r.status_code, r.json()) == (404, spec_example("selise", 404, "model_not_found"))


@pytest.mark.parametrize(
    ("headers", "example"),
    [({}, "not_authenticated"), ({"Authorization": "Bearer nope"}, "invalid_token")],
)
@pytest.mark.parametrize("prefer", ["code=200", "dynamic=true", "code=404"])
def test_prefer_does_not_bypass_openwebui_auth(make_client, headers, example, prefer):
    client = make_client("openwebui", overlay="openwebui-0.12.4")
    r = client.get("/api/models/model?id=gpt-4-custom", headers={**headers, "Prefer": prefer})
    assert (r.status_code, r.json()) == (401, spec_example("openwebui@openwebui-0.12.4", 401, example))


DYNAMIC = {  # api -> (url, headers, {id field: requested id}, (created, updated))
    "openwebui": (
        "/api/models/model?id=acme%2Fsome-model%3Av2",
        bearer("openwebui", "reader"),
        {"id": "acme/some-model:v2"},
        ("created_at", "updated_at"),
    ),
    "respan": (
        "/api/models/acme%2Fnot-stored/",
        bearer("respan", "acme"),
        {"id": "acme/not-stored", "model_name": "acme/not-stored"},
        ("created_at", "updated_at"),
    ),
    "selise": (
        "/models/any-model:1",
        {"X-Blocks-Key": identities("selise")["beta"]},
        {"_id": "any-model:1", "ProjectKey": identities("selise")["beta"]},
        ("CreatedDate", "LastUpdatedDate"),
    ),
}


def _instant(value):
    if isinstance(value, int):
        return float(value)
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


@pytest.mark.parametrize("api", sorted(DYNAMIC))
def test_dynamic_bodies_are_plausible_for_the_request(make_client, api):
    """The harness' own rules: the requested id, updated >= created, Unix seconds of recent years, and the relations
    the page's rules state between fields (`user.id` = `user_id`, values among those listed, ...)."""
    url, headers, ids, (created, updated) = DYNAMIC[api]
    client = make_client(api)
    validator = OAS30Validator(response_schema(api, 200), format_checker=oas30_format_checker)
    pairs = 0
    for draw in range(400):  # at least 40 bodies, and until 5 carry both timestamps (each is there half the time)
        if draw >= 40 and pairs >= 5:
            break
        r = client.get(url, headers={**headers, "Prefer": "dynamic=true"})
        body = r.json()
        assert r.status_code == 200 and not [e.message for e in validator.iter_errors(body)]
        assert {name: body.get(name) for name in ids} == ids
        reply = Reply(api, model_operation(api), 200, "application/json", r.content)  # the page's field relations
        assert [p.message for c in ("consistency", "access_control") for p in related(reply, c)] == []
        for name in (created, updated):
            if isinstance(body.get(name), int):
                assert 1_000_000_000 <= body[name] < 1e11, (name, body[name])
        if body.get(created) is not None and body.get(updated) is not None:
            pairs += 1
            assert _instant(body[updated]) >= _instant(body[created]), (body[created], body[updated])
    assert pairs >= 5


# --prefer / --dynamic / --seed: modes for an app whose requests cannot be changed


@pytest.mark.parametrize("api", sorted(AUTH))
def test_dynamic_mode_needs_no_header(make_client, api):
    client = make_client(api, dynamic=True)
    url, headers = AUTH[api]
    validator = OAS30Validator(response_schema(api, 200), format_checker=oas30_format_checker)
    bodies = [client.get(url, headers=headers) for _ in range(5)]
    assert all(r.status_code == 200 and not list(validator.iter_errors(r.json())) for r in bodies)
    assert len({r.text for r in bodies}) > 1  # no --seed: new data every time


def test_default_prefer_applies_unless_the_request_sends_its_own(make_client):
    client = make_client("respan", prefer="code=404")
    url, headers = AUTH["respan"]
    assert client.get("/api/models/openai/gpt-4/", headers=headers).status_code == 404
    own = client.get("/api/models/openai/gpt-4/", headers={**headers, "Prefer": "code=403"})
    assert own.status_code == 403
    assert client.get(url).status_code == 401  # still after auth


def test_an_unservable_default_prefer_is_a_usage_error():
    from mock_server import UsageError, create_app

    with pytest.raises(UsageError, match="code=418"):
        create_app("respan", prefer="code=418", access_log=False)
    with pytest.raises(UsageError, match="example=observed_admin"):
        create_app("respan", prefer="example=observed_admin", access_log=False)


@pytest.mark.parametrize("api", sorted(AUTH))
def test_seeded_bodies_are_a_function_of_seed_vendor_and_id(make_client, api):
    url, headers = AUTH[api]
    first = make_client(api, dynamic=True, seed=7)
    again = make_client(api, dynamic=True, seed=7)  # a new app: as after a restart
    other = make_client(api, dynamic=True, seed=8)
    body = first.get(url, headers=headers).json()
    assert first.get(url, headers=headers).json() == body == again.get(url, headers=headers).json()
    assert other.get(url, headers=headers).json() != body
    other_id = url.replace("anything", "something-else")
    assert first.get(other_id, headers=headers).json() != body


@pytest.mark.slow
def test_seeded_bodies_survive_a_restart(run_mock):
    from tests.mock_server.conftest import free_port

    url_path, headers = AUTH["respan"]
    bodies = []
    for _ in range(2):
        port = free_port()
        mock = run_mock("--api", "respan", "--port", str(port), "--dynamic", "--seed", "42", "--quiet")
        url = f"http://127.0.0.1:{port}{url_path}"
        mock.wait_url(url)
        import httpx

        bodies.append(httpx.get(url, headers=headers).json())
        mock.stop()
    assert bodies[0] == bodies[1] and bodies[0]["model_name"] == "anything"
