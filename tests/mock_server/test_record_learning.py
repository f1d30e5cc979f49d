"""What a recording learns from answers: models merged by id (the fullest view wins), callers named by the
profile or anonymous, credentials and secrets never stored, records the mock could not serve refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from mock_server.fixtures import DEFAULT_DIR, load_fixtures
from mock_server.identities import answer
from mock_server.record.learning import Learning
from vendor_specs import examples_for

OWUI = load_fixtures("openwebui", DEFAULT_DIR / "openwebui.yaml")
OWNER, READER = OWUI.identities["owner"]["token"], OWUI.identities["reader"]["token"]
MODEL = "acme/test-model:v1"


def _learning(api: str = "openwebui", **tokens: str) -> Learning:
    return Learning(api, tokens, "p.yaml", make_token=lambda name: f"new-{name}")


def _body(token: str, model_id: str = MODEL) -> dict[str, Any]:
    body = answer("openwebui", OWUI, token, model_id)
    assert body is not None
    return copy.deepcopy(body)


def test_a_read_only_view_never_replaces_the_full_one_and_a_full_one_replaces_it() -> None:
    learning = _learning(owner=OWNER, reader=READER)
    assert learning.learn(READER, _body(READER)).kind == "new"
    assert learning.recording().models[0].record["params"] == {}
    assert learning.learn(OWNER, _body(OWNER)).kind == "fuller"
    assert learning.learn(READER, _body(READER)).kind == "kept"
    (model,) = learning.recording().models
    assert model.record["params"] == {"system": "You are helpful.", "temperature": 0.5}
    assert "write_access" not in model.record  # per caller: the mock computes it
    assert model.notes == ("seen by owner (full view); reader (lacks params, {} for read-only callers)",)
    changed = {**_body(OWNER), "name": "Renamed"}
    assert (
        learning.learn(OWNER, changed).kind == "changed" and learning.recording().models[0].record["name"] == "Renamed"
    )
    assert learning.learn(OWNER, changed).kind == "same"


def test_profile_callers_get_new_tokens_and_others_become_anonymous_identities_without_one() -> None:
    learning = _learning(owner=OWNER)
    learning.learn(READER, _body(READER))
    identities = {ident.name: ident for ident in learning.recording().identities}
    assert identities["owner"].fields["token"] == "new-owner"
    assert identities["anonymous-1"].fields == {
        "token": None,
        "user_id": OWUI.identities["reader"]["user_id"],  # its read grant names it
        "role": "user",
    }
    assert "not kept" in identities["anonymous-1"].notes[0]
    assert learning.credentials() == {OWNER: "<owner>", READER: "<anonymous-1>"}


def test_credentials_anywhere_in_an_answer_are_stored_as_the_callers_stand_in() -> None:
    learning = _learning(owner=OWNER)
    body = _body(OWNER)
    body["meta"] = {**body["meta"], "description": f"call with {OWNER}"}
    body["params"] = {**body["params"], OWNER: [OWNER]}  # an open object: any key
    assert learning.learn(OWNER, body).kind == "new"
    record = learning.recording().models[0].record
    assert record["meta"]["description"] == "call with new-owner" and record["params"]["new-owner"] == ["new-owner"]


def test_secrets_are_stored_masked_and_selise_project_keys_as_the_callers_token() -> None:
    body = {**examples_for("selise", 200)["documented"]["value"], "ApiKey": "sk-live-unmasked", "ProjectKey": "real"}
    learning = _learning("selise", owner="real")
    assert learning.learn("real", body).kind == "new"
    record = learning.recording().models[0].record
    assert record["ApiKey"] == "***masked***" and record["ProjectKey"] == "new-owner"
    learning.learn("someone-elses-key", {**body, "_id": "other", "ProjectKey": "someone-elses-key"})
    assert learning.recording().data()["identities"]["anonymous-1"] == {"token": None, "project": "<anonymous-1>"}
    assert learning.fixtures().models["other"]["ProjectKey"] == "<anonymous-1>"


def test_a_record_the_mock_could_not_serve_is_refused_and_leaves_nothing_behind() -> None:
    good = examples_for("respan", 200)["documented"]["value"]
    learning = _learning("respan", owner="k")
    custom_without_owner = {**good, "affiliation_category": "custom", "provider": None}
    learnt = learning.learn("unknown-key", custom_without_owner)
    assert learnt.kind == "refused" and "field `provider`: a custom model needs a provider" in str(learnt)
    assert learning.model_count == 0 and list(learning.callers) == ["owner"] and learning.known("unknown-key") is None


@pytest.mark.parametrize("body", [{"no": "name"}, {"model_name": True}])
def test_an_answer_without_an_id_is_refused(body: dict[str, Any]) -> None:
    learnt = _learning("respan").learn("k", body)
    assert learnt.kind == "refused" and learnt.why == "the answer has no `model_name` to store it under"


def test_a_request_without_credentials_teaches_the_model_but_no_identity() -> None:
    learning = _learning("respan")
    assert learning.learn(None, dict(examples_for("respan", 200)["documented"]["value"])).kind == "new"
    assert learning.recording().identities == () and learning.model_count == 1
