"""mock_server/hot.py: the hot path answers every request exactly as the whole Connexion stack does.

Each vendor (and each shipped overlay) gets the same requests twice, from an app with the hot path and from one
without it: every caller (none, each fixture identity, an unknown token, one that extends a known one, a malformed
header) in every place the spec lets a credential go, every fixture model and ids that are not, other methods,
paths and ``Prefer`` forms. Status, headers and body must be identical.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from starlette.testclient import TestClient

import vendor_specs
from mock_server import create_app
from mock_server.fixtures import FixtureStore, fixture_path
from mock_server.hot import HotPath
from tests.mock_server.conftest import DATA, identities

KEYS = [*vendor_specs.APIS, *(f"{name.split('-')[0]}@{name}" for name in vendor_specs.overlays())]


def _client(key: str, hot: bool) -> TestClient:
    app = create_app(key, access_log=False, seed=7)
    for layer in app.middleware.middleware_stack or ():
        if isinstance(layer, HotPath) and not hot:
            layer.shortcuts = None  # every request through the whole stack
    return TestClient(app)


def _credentials(key: str) -> list[tuple[dict[str, str], dict[str, str]]]:
    """(headers, query) carrying each caller's credential in each documented place, and broken ones."""
    tokens = list(identities(vendor_specs.vendor_of(key)).values())
    values = [*tokens[:2], tokens[0] + "-77119", "sk-unknown-0123456789abcdef", ""]
    out: list[tuple[dict[str, str], dict[str, str]]] = [({}, {})]
    for op in vendor_specs.operations(key):
        for credential in vendor_specs.placements(key, op):
            for value in values:
                headers, query, _ = credential.place(value)
                out.append((headers, query))
    out += [({"Authorization": "Bearer"}, {}), ({"Authorization": f"Basic {tokens[0]}"}, {})]
    return out


def _requests(key: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    facts = vendor_specs.model_facts(key)
    fixture_ids = [str(m[facts.key]) for m in yaml.safe_load(_fixture_text(key))["models"] if facts.key in m]
    ids = [*fixture_ids[:3], "missing", "a/b", "x y", ""]
    base = vendor_specs.base_path(key)
    for op in vendor_specs.operations(key):
        for ident, (headers, query), prefer in itertools.product(
            ids, _credentials(key), [None, "code=404", "example=x", "dynamic=true"]
        ):
            path = op.path
            params = dict(query)
            if "{" + facts.id_parameter + "}" in path:
                path = path.replace("{" + facts.id_parameter + "}", quote(ident, safe=""))
            else:
                params[facts.id_parameter] = ident
            target = base + path + ("?" + "&".join(f"{k}={quote(v)}" for k, v in params.items()) if params else "")
            sent = {**headers, **({"Prefer": prefer} if prefer else {})}
            yield op.method, target, sent
        for headers, query in _credentials(key)[:3]:  # no id at all
            yield (
                "GET",
                base + op.path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
                headers,
            )
        yield "HEAD", base + op.path, {}
        yield "POST", base + op.path, {}
        yield "GET", base + op.path + "/extra", {}
        yield "GET", base + "/ui/", {}
        yield "GET", base + op.path.rstrip("/") + "x", {}


def _fixture_text(key: str) -> str:
    return fixture_path(vendor_specs.vendor_of(key), None).read_text()


def _answer(client: TestClient, method: str, target: str, headers: dict[str, str]) -> tuple[Any, ...]:
    response = client.request(method, target, headers=headers)
    return response.status_code, response.headers.multi_items(), response.content


@pytest.mark.parametrize("key", KEYS)
def test_the_hot_path_answers_as_the_whole_stack(key: str) -> None:
    hot, whole = _client(key, True), _client(key, False)
    requests = list(_requests(key))
    assert len(requests) > 100
    statuses = set()
    for method, target, headers in requests:
        expected = _answer(whole, method, target, headers)
        assert _answer(hot, method, target, headers) == expected, (method, target, headers)
        statuses.add(expected[0])
    assert {200, 404} <= statuses and len(statuses) >= 4, statuses  # answers of many kinds were compared


def test_the_hot_path_takes_the_routed_requests() -> None:
    """It is used: a routed request never reaches Connexion's router, an unrouted one does."""
    app = create_app("respan", access_log=False)
    hot = next(layer for layer in app.middleware.middleware_stack or () if isinstance(layer, HotPath))
    assert hot.shortcuts is not None and set(hot.shortcuts.found) == {("", "retrieve_custom_model")}
    client = TestClient(app)
    token = identities("respan")["acme"]
    assert client.get("/api/models/openai/gpt-4/", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/nowhere").status_code == 404
    routes = {(method, path): route is not None for (method, path, _), route in hot._routes.items()}
    assert routes == {("GET", "/api/models/openai/gpt-4/"): True, ("GET", "/nowhere"): False}


def test_a_reloaded_fixture_file_changes_who_the_caller_is(tmp_path) -> None:
    """Callers are remembered per fixture version: a token taken away by an edit is refused at once."""
    old = identities("respan")["acme"]
    (tmp_path / "respan.yaml").write_text((DATA / "respan.yaml").read_text())
    client = TestClient(create_app("respan", FixtureStore("respan", tmp_path, interval=0), access_log=False))
    target = "/api/models/openai/gpt-4/"
    assert client.get(target, headers={"Authorization": f"Bearer {old}"}).status_code == 200
    edited = (DATA / "respan.yaml").read_text().replace(old, "rsp-acme-new")
    (tmp_path / "respan.yaml").write_text(edited)
    os.utime(tmp_path / "respan.yaml", ns=(1, 1))  # a new mtime, whatever the clock's resolution
    assert client.get(target, headers={"Authorization": f"Bearer {old}"}).status_code == 401
    assert client.get(target, headers={"Authorization": "Bearer rsp-acme-new"}).status_code == 200
