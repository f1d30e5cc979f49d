"""Framework-level errors in each vendor's format (application/json, never problem+json), CORS, 500s."""

from __future__ import annotations

import pytest

from mock_server import create_app
from mock_server.errors import spec_example
from tests.mock_server.conftest import bearer, identities

VALID = {
    "openwebui": ("/api/models/model?id=gpt-4-custom", bearer("openwebui", "owner")),
    "respan": ("/api/models/openai/gpt-4/", bearer("respan", "acme")),
    "selise": ("/models/model_123", {"X-Blocks-Key": identities("selise")["alpha"]}),
}
NOT_FOUND = {
    "openwebui": {"detail": "Not Found"},
    "respan": spec_example("respan", 404, "not_found"),
    "selise": spec_example("selise", 404, "model_not_found"),  # FastAPI's own 404 body, as the page implies
}


@pytest.mark.parametrize("api", sorted(VALID))
def test_unknown_path(make_client, api):
    r = make_client(api).get("/no/such/path", headers=VALID[api][1])
    assert (r.status_code, r.json()) == (404, NOT_FOUND[api])
    assert r.headers["content-type"] == "application/json"


@pytest.mark.parametrize("api", sorted(VALID))
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_wrong_method_405_with_allow(make_client, api, method):
    url, headers = VALID[api]
    r = make_client(api).request(method, url, headers=headers)
    assert r.status_code == 405 and r.headers["content-type"] == "application/json"
    assert "GET" in r.headers["allow"]
    assert "detail" in r.json()


@pytest.mark.parametrize("api", sorted(VALID))
def test_head_is_answered(make_client, api):
    url, headers = VALID[api]
    r = make_client(api).head(url, headers=headers)
    assert r.status_code == 200 and r.content == b""


@pytest.mark.parametrize("api", sorted(VALID))
def test_cors_preflight_with_credentials_echoes_origin(make_client, api):
    url, _ = VALID[api]
    r = make_client(api).options(
        url,
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization, x-blocks-key, prefer",
        },
    )
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert r.headers["access-control-allow-credentials"] == "true"
    assert "GET" in r.headers["access-control-allow-methods"]
    assert "authorization" in r.headers["access-control-allow-headers"].lower()


@pytest.mark.parametrize("api", sorted(VALID))
def test_cors_on_success_and_error_never_star(make_client, api):
    url, headers = VALID[api]
    client = make_client(api)
    for h in (headers, {}):
        r = client.get(url, headers={**h, "Origin": "https://app.example.com"})
        assert r.headers["access-control-allow-origin"] == "https://app.example.com"
        assert r.headers["access-control-allow-credentials"] == "true"
        assert "Origin" in r.headers["vary"]


@pytest.mark.parametrize("api", sorted(VALID))
def test_handler_crash_is_vendor_format_500(monkeypatch, api):
    from mock_server.vendors import vendor

    module = vendor(api)
    operation_id = {"openwebui": "get_model", "respan": "retrieve_custom_model", "selise": "get_model_by_id"}[api]

    def boom(ctx):
        raise RuntimeError("boom")

    monkeypatch.setattr(module, operation_id, boom)
    client = create_app(api, access_log=False).test_client(raise_server_exceptions=False)
    url, headers = VALID[api]
    r = client.get(url, headers=headers)
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    assert "boom" not in r.text


@pytest.mark.parametrize("api", sorted(VALID))
def test_swagger_ui_and_spec_served(make_client, api):
    client = make_client(api)
    prefix = "/api" if api == "openwebui" else ""
    assert client.get(f"{prefix}/ui/").status_code == 200
    spec = client.get(f"{prefix}/openapi.json").json()
    assert spec["paths"]


def test_access_log_one_line_per_request(make_client, caplog):
    client = make_client("respan", access_log=True)
    with caplog.at_level("INFO", logger="mock_server.access"):
        client.get("/api/models/openai%2Fgpt-4/", headers=bearer("respan", "acme"))
        client.get("/api/models/x/")
    lines = [r.getMessage() for r in caplog.records if r.name == "mock_server.access"]
    assert len(lines) == 2
    assert '"GET /api/models/openai%2Fgpt-4/" 200' in lines[0] and " 401 " in lines[1]


def test_latency_is_applied(make_client):
    import time

    client = make_client("respan", latency="120ms")
    start = time.perf_counter()
    client.get("/api/models/openai/gpt-4/", headers=bearer("respan", "acme"))
    assert time.perf_counter() - start >= 0.12


@pytest.mark.parametrize("api", sorted(VALID))
def test_failing_error_handler_still_answers_vendor_500(monkeypatch, api):
    from mock_server.vendors import vendor

    def broken():
        raise RuntimeError("handler bug")

    monkeypatch.setattr(vendor(api).errors(api), "route_not_found", broken)
    client = create_app(api, access_log=False).test_client(raise_server_exceptions=False)
    r = client.get("/no/such/path")
    assert r.status_code == 500 and r.headers["content-type"] == "application/json"
    assert r.json() == vendor(api).errors(api).server_error().body


@pytest.mark.parametrize("api", sorted(VALID))
def test_cors_preflight_for_a_disallowed_method_lists_the_allowed_ones(make_client, api):
    """Answered like any preflight (200, allowed methods listed, never 400 text/plain): the browser refuses."""
    url, _ = VALID[api]
    r = make_client(api).options(
        url, headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "DELETE"}
    )
    assert r.status_code == 200 and r.content == b""
    assert r.headers["access-control-allow-origin"] == "http://localhost:5173"
    allowed = {m.strip() for m in r.headers["access-control-allow-methods"].split(",")}
    assert "GET" in allowed and "DELETE" not in allowed
    assert "text/plain" not in r.headers.get("content-type", "")
