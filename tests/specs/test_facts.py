"""The vendor facts the specs state as `x-` extensions, and the errors a spec without them gets."""

from __future__ import annotations

import pytest

from vendor_specs import (
    APIS,
    SpecError,
    documented_refusal,
    load_spec,
    mask,
    message_of,
    model_facts,
    model_operation,
    secret_fields,
    situation,
    with_message,
)

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
    with pytest.raises(SpecError, match="has no 'nope' .*not_found"):
        situation("respan", "nope")


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
