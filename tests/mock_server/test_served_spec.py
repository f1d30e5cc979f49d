"""The spec the mock serves to Swagger UI: the mock's URL as server, its tokens in the security schemes,
a readable model pre-filled, optional parameters not pre-filled. The spec files stay as they are."""

from __future__ import annotations

import pytest

from mock_server.fixtures import load_fixtures
from tests.mock_server.conftest import DATA
from vendor_specs import credentials, load_spec, model_facts, model_operation

BASE = {"openwebui": "/api", "respan": "", "selise": ""}


@pytest.mark.parametrize("api", sorted(BASE))
def test_servers_is_the_url_the_mock_is_served_at(make_client, api):
    spec = make_client(api).get(f"{BASE[api]}/openapi.json", headers={"Host": "mock.local:9999"}).json()
    assert spec["servers"] == [{"url": f"http://mock.local:9999{BASE[api]}", "description": "this mock (mock-server)"}]


@pytest.mark.parametrize("api", sorted(BASE))
def test_nothing_served_names_the_build_environment(make_client, api):
    """What a user's browser receives names the vendor's page and URL, never this project's build files."""
    text = make_client(api).get(f"{BASE[api]}/openapi.json").text
    assert "seeds" not in text and ".txt" not in text and "shared/" not in text


@pytest.mark.parametrize("api", sorted(BASE))
def test_security_schemes_list_the_fixture_tokens(make_client, api):
    spec = make_client(api).get(f"{BASE[api]}/openapi.json").json()
    fixtures = load_fixtures(api, DATA / f"{api}.yaml")
    for name, scheme in spec["components"]["securitySchemes"].items():
        assert scheme["description"].startswith(
            load_spec(api)["components"]["securitySchemes"][name]["description"].rstrip()
        )
        for ident in fixtures.identities.values():
            assert f"`{ident['token']}`" in scheme["description"]


@pytest.mark.parametrize("api", sorted(BASE))
def test_the_prefilled_request_is_answered_200(make_client, api):
    """What Swagger UI sends after Authorize with the first identity that may read the pre-filled model."""
    client = make_client(api)
    spec = client.get(f"{BASE[api]}/openapi.json").json()
    ((template, item),) = spec["paths"].items()
    params = item["get"]["parameters"]
    id_param = next(p for p in params if p["name"] == model_facts(api).id_parameter)
    model_id = next(iter(id_param["examples"].values()))["value"]
    assert not any("example" in p or "examples" in p for p in params if not p.get("required"))
    doc = client.get("/").json()
    person = next(p for p in doc["identities"] if model_id in p["may_read"])
    headers, query, _ = credentials(api, model_operation(api).definition)[0].place(person["token"])
    path = template.replace("{" + id_param["name"] + "}", model_id) if id_param["in"] == "path" else template
    query = {**query, id_param["name"]: model_id} if id_param["in"] == "query" else query
    r = client.get(BASE[api] + path, params=query, headers=headers)
    assert r.status_code == 200, r.text


def test_the_spec_files_are_unchanged(make_client):
    make_client("selise").get("/openapi.json")
    param = next(
        p for p in load_spec("selise")["paths"]["/models/{model_id}"]["get"]["parameters"] if p["name"] == "project_key"
    )
    assert param["examples"]["documented"]["value"] == "YOUR_PROJECT_KEY"
    assert load_spec("respan")["servers"][0]["url"] == "https://api.respan.ai"


def _descriptions(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [node["description"]] if isinstance(node.get("description"), str) else []
        return own + [d for key, value in node.items() if not key.startswith("x-") for d in _descriptions(value)]
    if isinstance(node, list):
        return [d for item in node for d in _descriptions(item)]
    return []


@pytest.mark.parametrize("api", sorted(BASE))
def test_no_description_cites_a_build_environment_path(make_client, api):
    """Swagger UI shows every description to every user: they name the vendor's page, not `shared/seeds/...`."""
    spec = make_client(api).get(f"{BASE[api]}/openapi.json").json()
    texts = _descriptions(spec)
    assert texts and not [text for text in texts if "shared/" in text or "seeds/" in text]
    assert load_spec(api)["info"]["title"].split(" — ")[-1] in spec["info"]["description"] or api == "openwebui"
