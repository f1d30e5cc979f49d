"""The pure per-response checks of ``contracts/checks.py``, one by one (every branch that decides a verdict).

``secrets`` accepts the documented mask and common partial masks, and refuses anything revealing the key.
"""

from __future__ import annotations

import pytest

from contracts.checks import consistency, error_contract, identity, looks_masked, secrets
from vendor_specs import model_operation


@pytest.mark.parametrize(
    "value", ["***masked***", "sk-****abcd", "\u2022\u2022\u2022\u20221234", "[REDACTED]", "sk-...wxyz", "********", ""]
)
def test_masked_values_pass(value: str) -> None:
    assert looks_masked(value)
    assert secrets("selise", {"ApiKey": value}) == []


@pytest.mark.parametrize(
    "value", ["sk-live-0123456789abcdef", "sk-****0123456789", "abcd***efgh", "plain-key-value", "x"]
)
def test_unmasked_values_fail(value: str) -> None:
    assert not looks_masked(value)
    assert secrets("selise", {"ApiKey": value}) != []


def test_the_documented_mask_passes_anywhere_in_a_body() -> None:
    assert secrets("selise", {"items": [{"ApiKey": "***masked***"}]}) == []
    assert secrets("selise", {"items": [{"ApiKey": "sk-proj-AAAAAAAAAAAAAAAAAAAAAAAA"}]}) != []


def test_a_secret_message_never_shows_the_key() -> None:
    (problem,) = secrets("selise", {"ApiKey": "sk-live-0123456789abcdef"})
    assert "0123456789abcdef" not in problem.message and "sk-…(24 chars)" in problem.message
    assert problem.where == ("responses", 200)
    assert (problem.field, problem.rule, problem.value) == (("ApiKey",), "x-secret: masked", "sk-…(24 chars)")
    (nested,) = secrets("selise", {"items": [{"ApiKey": "sk-live-0123456789abcdef"}]})
    assert nested.field == ("items", 0, "ApiKey")  # the field, wherever it is
    assert secrets("selise", {"ApiKey": None}) == [] and secrets("respan", {"ApiKey": "sk-live-1"}) == []


# --------------------------------------------------------------------------- error_contract
OWUI, SELISE = model_operation("openwebui"), model_operation("selise")


def test_error_contract_ignores_success_and_server_errors_and_undocumented_statuses() -> None:
    for status in (200, 302, 500, 418):
        assert error_contract(OWUI, status, "text/html", None, strict=True) == []


def test_error_contract_media_type() -> None:
    (problem,) = error_contract(OWUI, 404, "application/problem+json", {"detail": "x"}, strict=False)
    assert problem.message == "404 answered with Content-Type 'application/problem+json'; documented: application/json"
    assert problem.where == ("responses", 404, "content")
    assert (problem.rule, problem.value) == ("documented media type", "application/problem+json")
    (problem,) = error_contract(OWUI, 404, "", {"detail": "x"}, strict=False)
    assert "Content-Type '(none)'" in problem.message


def test_error_contract_body_not_json_missing_and_extra_fields() -> None:
    (not_json,) = error_contract(OWUI, 404, "application/json", None, strict=False)
    assert not_json.message.startswith("404 body is not JSON") and (not_json.rule, not_json.field) == ("valid JSON", ())
    (missing,) = error_contract(OWUI, 404, "application/json", {"error": "x"}, strict=False)[:1]
    assert missing.message == "404 body lacks the documented field detail"
    assert (missing.rule, missing.field) == ("required", ("detail",))
    problems = error_contract(OWUI, 404, "application/json", {"detail": "x", "code": 1}, strict=False)
    assert [p.message for p in problems] == ["404 body has the undocumented field code"]
    assert (problems[0].rule, problems[0].field, problems[0].value) == ("additionalProperties: false", ("code",), 1)
    assert error_contract(OWUI, 404, "application/json", ["detail"], strict=False)[0].message.endswith("detail")


def test_error_contract_strict_messages() -> None:
    assert error_contract(OWUI, 404, "application/json", {"detail": "Model not found"}, strict=True) == []
    (problem,) = error_contract(OWUI, 404, "application/json", {"detail": "Gone"}, strict=True)
    assert problem.message == "404 detail 'Gone' is not a documented text ('Model not found')"
    assert problem.where == ("responses", 404, "content")
    assert (problem.rule, problem.field, problem.value) == ("documented message", ("detail",), "Gone")
    assert error_contract(OWUI, 404, "application/json", {"detail": "Gone"}, strict=False) == []
    # SELISE's 400 text names the unknown key (x-situations: exact-message false): only its shape is compared
    body = {"is_success": False, "errors": {"message": "Project key 'x' is unknown"}}
    assert error_contract(SELISE, 400, "application/json", body, strict=True) == []


# --------------------------------------------------------------------------- consistency
RESPAN = model_operation("respan")


def test_consistency_only_judges_2xx_objects() -> None:
    assert consistency("respan", RESPAN, 404, {"created_at": "x"}) == []
    assert consistency("respan", RESPAN, 200, ["x"]) == []


def test_consistency_iso_dates_and_order() -> None:
    ok = {"created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}
    assert consistency("respan", RESPAN, 200, ok) == []
    (problem,) = consistency("respan", RESPAN, 200, {**ok, "updated_at": "2024-12-31T23:59:59Z"})
    assert problem.message == "`updated_at` ('2024-12-31T23:59:59Z') is before `created_at` ('2025-01-01T00:00:00Z')"
    (problem,) = consistency("respan", RESPAN, 200, {**ok, "created_at": "Mon, 01 Jan 2024 10:00:00 GMT"})
    assert problem.message.endswith("is not an ISO 8601 date-time")
    assert problem.where[-2:] == ("properties", "created_at")
    assert (problem.rule, problem.field) == ("format: date-time", ("created_at",))
    naive = {"created_at": "2025-01-01T00:00:00", "updated_at": "2025-01-01T00:00:00+00:00"}
    assert consistency("respan", RESPAN, 200, naive) == []  # no zone: read as UTC


def test_consistency_unix_seconds() -> None:
    assert consistency("openwebui", OWUI, 200, {"created_at": 1704067200, "updated_at": 1704067200}) == []
    problems = consistency("openwebui", OWUI, 200, {"created_at": 1704067200000, "updated_at": 1704067200000})
    assert [p.message for p in problems] == [
        "`created_at` = 1704067200000 looks like milliseconds; documented: Unix seconds",
        "`updated_at` = 1704067200000 looks like milliseconds; documented: Unix seconds",
    ]
    assert consistency("openwebui", OWUI, 200, {"created_at": 100000000000, "updated_at": 100000000000}) == []
    (problem,) = consistency("openwebui", OWUI, 200, {"created_at": 2, "updated_at": 1})
    assert problem.message == "`updated_at` (1) is before `created_at` (2)"
    assert consistency("openwebui", OWUI, 200, {"created_at": True, "updated_at": 0}) == []  # a bool is no time


# --------------------------------------------------------------------------- identity
def test_identity() -> None:
    assert identity("respan", "a/b", 200, {"id": "a/b", "model_name": "a/b"}) == []
    problems = identity("respan", "a/b", 200, {"id": "b", "model_name": "a/b"})
    assert [p.message for p in problems] == ["asked for 'a/b', `id` is 'b'"]
    assert (problems[0].field, problems[0].value) == (("id",), "b")
    assert len(identity("respan", "a/b", 200, {"id": "b", "model_name": "b"})) == 2
    assert identity("respan", None, 200, {"id": "b"}) == []
    assert identity("respan", "a", 404, {"id": "b"}) == []
    assert identity("respan", "a", 200, "b") == []
    assert identity("selise", "m", 200, {"_id": "n"})[0].where == ("responses", 200)
