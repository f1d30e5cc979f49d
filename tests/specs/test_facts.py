"""The vendor facts the specs state as `x-` extensions, and the errors a spec without them gets."""

from __future__ import annotations

import re

import pytest

from vendor_specs import (
    APIS,
    Operation,
    Situation,
    SpecError,
    documented_refusal,
    json_body_schema,
    load_spec,
    mask,
    message_of,
    mock_port,
    model_facts,
    model_operation,
    secret_fields,
    situation,
    varying_message,
    with_message,
)
from vendor_specs import _facts as facts_module
from vendor_specs._facts import _example, _schema_props

SITUATIONS = ("no_credentials", "bad_credentials", "denied", "not_found")


@pytest.mark.parametrize("api", APIS)
def test_model_facts_name_fields_of_the_spec(api: str) -> None:
    facts = model_facts(api)
    op = model_operation(api)
    assert facts.id_parameter in {p["name"] for p in op.parameters}
    props = op.responses["200"]["content"]["application/json"]["schema"]["properties"]
    for name in (*facts.id_fields, *(facts.timestamps or ())):
        assert name in props, name


@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("name", SITUATIONS)
def test_every_situation_has_a_documented_error_answer(api: str, name: str) -> None:
    found = situation(api, name)
    assert found.answers and all(a.status >= 400 and isinstance(a.body, dict) for a in found.answers)
    assert found.preferred == found.answers[0]


def test_situations_read_the_spec() -> None:
    assert situation("respan", "denied").preferred.status == 403
    assert situation("selise", "denied").preferred.status == 422
    assert situation("openwebui", "not_found").preferred.body == {"detail": "Model not found"}
    assert situation("selise", "bad_credentials").preferred.exact_message is False


def test_unknown_situation_names_the_known_ones() -> None:
    with pytest.raises(SpecError) as raised:
        situation("respan", "nope")
    assert str(raised.value) == (
        "spec respan: x-situations has no 'nope' (has no_credentials, bad_credentials, denied, not_found)"
    )


def test_message_field_is_read_from_the_error_schema() -> None:
    schemas = load_spec("selise@selise-genesis")["components"]["schemas"]
    body = {"is_success": False, "errors": {"message": "Project key is required"}}
    assert message_of(schemas["InvalidRequest"], body) == "Project key is required"
    assert message_of(schemas["ErrorDetail"], {"detail": "Model not found"}) == "Model not found"
    assert message_of(schemas["HTTPValidationError"], {"detail": []}) is None  # no x-message-field: unknown
    changed = with_message(schemas["InvalidRequest"], body, "other")
    assert changed["errors"]["message"] == "other" and body["errors"]["message"] == "Project key is required"


def test_secret_fields_and_masks_come_from_the_spec() -> None:
    assert secret_fields("selise") == {"ApiKey": ("***masked***",)}
    assert secret_fields("respan") == {} and secret_fields("openwebui") == {}
    assert mask("selise", "ApiKey") == "***masked***"
    with pytest.raises(SpecError, match="masked"):
        mask("respan", "ApiKey")


def test_documented_refusal_is_a_documented_4xx() -> None:
    op = model_operation("openwebui")
    assert documented_refusal(op, 401) and documented_refusal(op, 422)
    assert not documented_refusal(op, 400) and not documented_refusal(op, 200) and not documented_refusal(op, 500)


def test_varying_message_is_per_status() -> None:
    assert varying_message("selise", 400) and varying_message("selise", 422)
    assert not varying_message("selise", 500) and not varying_message("openwebui", 404)


def test_documented_refusal_boundaries() -> None:
    fake = Operation("x", "GET", "/x", "x", {"responses": {"400": {}, "499": {}, "500": {}}}, re.compile("^/x$"))
    assert documented_refusal(fake, 400) and documented_refusal(fake, 499)
    assert not documented_refusal(fake, 500)


def test_with_message_builds_missing_levels_and_deep_paths() -> None:
    assert with_message({"x-message-field": "a.b.c"}, {}, "t") == {"a": {"b": {"c": "t"}}}
    assert with_message({"x-message-field": "errors.message"}, {"is_success": False}, "t") == {
        "is_success": False,
        "errors": {"message": "t"},
    }
    with pytest.raises(SpecError, match="^this error schema has no `x-message-field`; say where its message lives$"):
        with_message({"type": "object"}, {}, "t")


def test_a_situation_naming_an_undocumented_example_is_a_spec_error() -> None:
    op = model_operation("respan")
    with pytest.raises(SpecError) as raised:
        _example(op, 404, "nope")
    assert str(raised.value) == (
        "spec respan: x-situations names example 'nope' of status 404, which retrieve_custom_model does not document"
    )


def test_json_body_schema_is_an_object_or_none() -> None:
    assert json_body_schema({"content": {"application/json": {"schema": True}}}) is None
    assert json_body_schema({"content": {"text/plain": {"schema": {}}}}) is None
    assert json_body_schema({"content": {"text/plain": {"schema": {}}}}, "text/plain") == {}


def test_secret_fields_are_found_anywhere_in_a_schema() -> None:
    secret = {"x-secret": True}
    schema = {
        "properties": {"a": {"properties": {"deep": secret}}},
        "items": {"properties": {"in_items": secret}},
        "additionalProperties": {"properties": {"in_extra": secret}},
        "allOf": [{"properties": {"in_all": secret}}],
        "oneOf": [{"properties": {"in_one": secret}}],
        "anyOf": [{"properties": {"in_any": secret}}],
    }
    found = {name for name, prop in _schema_props(schema) if prop.get("x-secret")}
    assert found == {"deep", "in_items", "in_extra", "in_all", "in_one", "in_any"}


def test_mock_ports_are_the_specs_and_a_bad_one_is_a_spec_error(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [mock_port(api) for api in ("openwebui", "respan", "selise")] == [9001, 9002, 9003]
    for bad in (None, "9001", 0, 65536, True):
        spec = {"info": {"x-mock-port": bad}}
        monkeypatch.setattr(facts_module, "load_spec", lambda api, spec=spec: spec)
        with pytest.raises(SpecError, match=r"^spec x: `info.x-mock-port` must be the mock's default port \(1-65535\)"):
            mock_port("x")
    for good in (1, 65535):
        monkeypatch.setattr(facts_module, "load_spec", lambda api, good=good: {"info": {"x-mock-port": good}})
        assert mock_port("x") == good


def test_statuses_keep_the_pages_order_without_repeats() -> None:
    assert situation("selise", "denied").statuses() == (422, 404)
    answer = situation("respan", "not_found").preferred
    twice = Situation("x", "", (answer, answer))
    assert twice.statuses() == (404,)


@pytest.mark.parametrize("api", APIS)
def test_check_facts_passes_every_shipped_spec(api: str) -> None:
    assert facts_module.check_facts(api) is None


def test_check_facts_names_what_is_wrong(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(facts_module, "load_spec", lambda api: {"info": {"x-mock-port": "9001"}})
    monkeypatch.setattr(facts_module, "model_facts", lambda api: None)
    monkeypatch.setattr(facts_module, "situations", lambda api: ())
    monkeypatch.setattr(facts_module, "secret_fields", lambda api: {})
    with pytest.raises(SpecError, match=r"^spec x: `info.x-mock-port`"):
        facts_module.check_facts("x")


def test_walk_visits_every_key_at_every_depth() -> None:
    value = {"a": {"b": 1}, "l": [{"c": [2, {"d": None}]}]}
    assert [key for key, _ in facts_module.walk(value)] == ["a", "b", "l", "c", "d"]
