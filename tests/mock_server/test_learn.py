"""What each vendor module tells the recorder (``caller``, ``observe``, ``identify``): fed what the mock's own
handlers serve each shipped fixture identity, it learns identities that the access rules serve the same again."""

from __future__ import annotations

from typing import Any

import pytest

from mock_server.fixtures import DEFAULT_DIR, load_fixtures
from mock_server.identities import answer
from mock_server.vendors import Asked, vendor
from mock_server.vendors._common import Context, FixtureSet
from mock_server.vendors._learn import Observation, generated_id, spec_credential
from vendor_specs import APIS


def _seen(api: str, fixtures: FixtureSet, token: str) -> list[Observation]:
    module = vendor(api)
    bodies = [answer(api, fixtures, token, model_id) for model_id in fixtures.models]
    return [module.observe(api, body, token) for body in bodies if body is not None]


def _learnt(api: str, fixtures: FixtureSet) -> FixtureSet:
    """The fixtures with every identity replaced by what ``identify`` learns from the answers it got."""
    module = vendor(api)
    idents: dict[str, dict[str, Any]] = {}
    for name, ident in fixtures.identities.items():
        found = module.identify(
            Asked(api, name, _seen(api, fixtures, ident["token"]), ident["token"], fixtures.models, idents)
        )
        idents[name] = {"token": ident["token"], **found.fields, "name": name}
        assert found.notes and all("\n" not in note for note in found.notes)
    by_token = {ident["token"]: ident for ident in idents.values()}
    return FixtureSet(api, fixtures.file, idents, fixtures.models, by_token)


@pytest.mark.parametrize("api", APIS)
def test_learnt_identities_are_served_what_the_fixture_identities_were(api: str) -> None:
    fixtures = load_fixtures(api, DEFAULT_DIR / f"{api}.yaml")
    learnt = _learnt(api, fixtures)
    for token in fixtures.by_token:
        for model_id in fixtures.models:
            assert answer(api, learnt, token, model_id) == answer(api, fixtures, token, model_id), (token, model_id)


def test_openwebui_learns_user_ids_and_roles_from_write_access_and_grants() -> None:
    fixtures = load_fixtures("openwebui", DEFAULT_DIR / "openwebui.yaml")
    learnt = _learnt("openwebui", fixtures).identities
    for name in ("owner", "reader", "writer"):  # owner: write access to gpt-4-custom, reader/writer: their grants
        assert learnt[name]["user_id"] == fixtures.identities[name]["user_id"] and learnt[name]["role"] == "user"
    assert learnt["admin"]["role"] == "admin"  # write access to models of three owners
    assert learnt["stranger"] == {
        **learnt["stranger"],
        "role": "user",
        "user_id": generated_id("openwebui", "stranger"),
    }


def test_openwebui_observation_drops_write_access_and_says_what_a_read_only_view_lacks() -> None:
    module = vendor("openwebui")
    full = module.observe("openwebui", {"id": "m", "params": {"t": 1}, "write_access": True}, "tok")
    partial = module.observe("openwebui", {"id": "m", "params": {}, "write_access": False}, "tok")
    assert full == Observation({"id": "m", "params": {"t": 1}}) and full.full
    assert partial.record == {"id": "m", "params": {}} and "params" in partial.lacks and not partial.full


def test_openwebui_a_group_grant_puts_the_identity_in_the_group() -> None:
    grants = [{"access_type": "group", "access_id": "team-a", "permission": "read"}]
    seen = [Observation({"id": "m", "user_id": "u-1", "access_grants": grants}, lacks="params")]
    found = vendor("openwebui").identify(Asked("openwebui", "reader", seen, "tok", {}, {}))
    assert found.fields["groups"] == ["team-a"] and found.fields["role"] == "user"


def test_respan_generated_organisation_owns_no_recorded_custom_model() -> None:
    fixtures = load_fixtures("respan", DEFAULT_DIR / "respan.yaml")
    globals_only = [
        obs for obs in _seen("respan", fixtures, "rsp-acme-6f1c2e9d4b7a40c1a8e2") if obs.record["provider"] is None
    ]
    found = vendor("respan").identify(
        Asked("respan", "owner", globals_only, "t", fixtures.models, {"x": {"organization_id": 303}})
    )
    assert found.fields == {"organization_id": 304} and "generated" in found.notes[0]


def test_selise_stores_the_callers_stand_in_as_project_key_and_a_tokenless_identity_keeps_it() -> None:
    module = vendor("selise")
    obs = module.observe("selise", {"_id": "m", "ProjectKey": "real-key"}, "<anonymous-1>")
    assert obs.record == {"_id": "m", "ProjectKey": "<anonymous-1>"}
    assert module.identify(Asked("selise", "anonymous-1", [obs], None, {}, {})).fields == {"project": "<anonymous-1>"}
    assert module.identify(Asked("selise", "owner", [obs], "new-token", {}, {})).fields == {}


@pytest.mark.parametrize(
    ("api", "headers", "query", "expect"),
    [
        ("openwebui", [(b"authorization", b"Bearer  sk-1 ")], b"", "sk-1"),
        ("openwebui", [(b"authorization", b"Basic abc")], b"", None),
        ("respan", [], b"", None),
        ("selise", [(b"x-blocks-key", b"hdr")], b"project_key=qry", "qry"),  # the query wins, as in the mock
        ("selise", [(b"x-blocks-key", b"hdr")], b"", "hdr"),
    ],
)
def test_caller_is_the_credential_the_mock_reads(
    api: str, headers: list[tuple[bytes, bytes]], query: bytes, expect: str | None
) -> None:
    empty = FixtureSet(api, "-", {}, {}, {})
    ctx = Context(api, empty, None, {"type": "http", "headers": headers, "query_string": query})
    assert vendor(api).caller(ctx) == expect
    if api != "selise":
        assert spec_credential(ctx) == expect
