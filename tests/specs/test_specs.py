"""Each spec is valid OpenAPI, loads in every tool that reads it, and its examples obey its schemas."""

from __future__ import annotations

import copy
import json

import connexion
import pytest
import schemathesis
from connexion.resolver import Resolver
from openapi_spec_validator import validate

import vendor_specs
from vendor_specs import APIS, core_request, core_response, match_operation, openapi_core_spec, operations, raw_spec


@pytest.fixture(params=APIS)
def api(request: pytest.FixtureRequest) -> str:
    return request.param


def test_spec_passes_openapi_spec_validator(api: str) -> None:
    validate(raw_spec(api))


def accept_any_token(token: str, *args: object) -> dict[str, str]:
    return {"sub": token}


def test_spec_loads_in_connexion_and_routes_its_operation(api: str) -> None:
    app = connexion.AsyncApp(__name__)
    seen = []

    def handler(**kwargs):
        seen.append(kwargs)
        return {"ok": True}, 200

    spec = raw_spec(api)
    for scheme in spec["components"]["securitySchemes"].values():
        scheme["x-bearerInfoFunc" if scheme["type"] == "http" else "x-apikeyInfoFunc"] = f"{__name__}.accept_any_token"
    app.add_api(spec, resolver=Resolver(function_resolver=lambda _name: handler), validate_responses=False)
    op = operations(api)[0]
    path = vendor_specs.base_path(api) + op.path.replace("{model_name}", "openai/gpt-4").replace("{model_id}", "m1")
    client = app.test_client()
    response = client.get(path, params={"id": "acme/x:1"}, headers={"Authorization": "Bearer t"})
    assert response.status_code == 200, response.text
    assert len(seen) == 1


def test_spec_loads_in_openapi_core(api: str) -> None:
    spec = openapi_core_spec(api)
    with (spec.spec / "paths").open() as paths:
        assert list(paths) == [op.path for op in operations(api)]


def test_spec_loads_in_schemathesis(api: str) -> None:
    schema = schemathesis.openapi.from_dict(raw_spec(api))
    labels = [result.ok().label for result in schema.get_all_operations()]
    op = operations(api)[0]
    assert labels == [f"{op.method} {op.path}"]


def _example_cases():
    for api in APIS:
        for op in operations(api):
            for status, response in op.responses.items():
                for name, example in response["content"]["application/json"].get("examples", {}).items():
                    yield pytest.param(api, int(status), example["value"], id=f"{api}-{status}-{name}")


def _validate_body(api: str, status: int, body: object) -> list:
    op = operations(api)[0]
    params = {
        p["name"]: "openai/gpt-4" if p["schema"].get("format") == "path" else "model_123"
        for p in op.parameters
        if p["in"] == "path"
    }
    raw = vendor_specs.base_path(api) + op.path.format(**params)
    match = match_operation(api, op.method, raw)
    assert match is not None
    request = core_request(match, query={"id": "x"}, headers={"Authorization": "Bearer t"})
    result = openapi_core_spec(api).unmarshal_response(
        request, core_response(status, json.dumps(body).encode(), "application/json")
    )
    return list(result.errors)


@pytest.mark.parametrize(("api", "status", "body"), list(_example_cases()))
def test_every_response_example_validates_against_its_schema(api: str, status: int, body: object) -> None:
    assert _validate_body(api, status, body) == []


@pytest.mark.parametrize(("api", "status", "body"), list(_example_cases()))
def test_a_broken_example_is_rejected(api: str, status: int, body: object) -> None:
    """The example check can fail: the same example with its first required field removed is refused."""
    op = operations(api)[0]
    schema = op.responses[str(status)]["content"]["application/json"]["schema"]
    broken = copy.deepcopy(body)
    del broken[schema["required"][0]]
    assert _validate_body(api, status, broken) != []


@pytest.mark.parametrize("api", APIS)
def test_every_parameter_example_is_valid_for_its_parameter(api: str) -> None:
    from openapi_schema_validator import OAS30Validator

    for op in operations(api):
        for param in op.parameters:
            examples = param.get("examples", {})
            assert examples, f"{api} parameter {param['name']} has no examples"
            for example in examples.values():
                OAS30Validator(param["schema"], format_checker=None).validate(example["value"])


@pytest.mark.parametrize("raw", ["/api/models/openai/gpt-4/", "/api/models/openai%2Fgpt-4/"])
def test_respan_literal_and_encoded_slash_match_the_operation_in_openapi_core(raw: str) -> None:
    match = match_operation("respan", "GET", raw)
    assert match is not None and match.operation.operation_id == "retrieve_custom_model"
    result = openapi_core_spec("respan").unmarshal_request(core_request(match, headers={"Authorization": "Bearer k"}))
    assert result.errors == []
    assert result.parameters.path == {"model_name": "openai/gpt-4"}


def test_respan_path_keeps_its_trailing_slash() -> None:
    assert match_operation("respan", "GET", "/api/models/openai/gpt-4") is None
    assert [op.path for op in operations("respan")] == ["/api/models/{model_name}/"]


@pytest.mark.parametrize(
    ("api", "prefix", "path"),
    [("openwebui", "/api/v1", "/api/v1/models/model"), ("selise", "/blocksai-api/v1", "/blocksai-api/v1/models/m1")],
)
def test_a_prefixed_deployment_is_the_same_spec_with_another_base(api: str, prefix: str, path: str) -> None:
    match = match_operation(api, "GET", path, base_path=prefix)
    assert match is not None
    assert match_operation(api, "GET", path) is None
    servers = [s["url"] for s in raw_spec(api)["servers"]]
    assert any(prefix in url for url in servers), servers
