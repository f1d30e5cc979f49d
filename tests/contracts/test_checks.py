"""The checks of ``contracts/checks.py``, one by one (every branch that decides a verdict), each given a
:class:`~contracts.reply.Reply` as the harness gives it.

``secrets`` accepts the documented mask and common partial masks, and refuses anything revealing the key.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from typing import Any

import pytest

import vendor_specs
from contracts import checks
from contracts.masking import looks_masked, redacted
from contracts.reply import Problem, Reply
from vendor_specs import Operation, model_operation


def reply(
    api: str,
    status: int,
    body: Any,
    *,
    op: Operation | None = None,
    requested: str | None = None,
    media: str = "application/json",
) -> Reply:
    raw = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
    return Reply(api, op or model_operation(api), status, media, raw, requested)


def secrets(api: str, body: Any) -> list[Problem]:
    return checks.secrets(reply(api, 200, body))


def error_contract(op: Operation, status: int, media: str, body: Any, strict: bool = False) -> list[Problem]:
    """The body-shape part of error_contract (strict texts are judged by text rules, tested apart)."""
    return checks.error_shape(op, status, media, body)


def consistency(api: str, op: Operation, status: int, body: Any) -> list[Problem]:
    return [dataclasses.replace(p, rule_id="", keyword="") for p in checks.consistency(reply(api, status, body, op=op))]


def identity(api: str, requested: str | None, status: int, body: Any) -> list[Problem]:
    return [dataclasses.replace(p, rule_id="") for p in checks.identity(reply(api, status, body, requested=requested))]


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
    assert problem.rule_id == "credentials-masked"
    (nested,) = secrets("selise", {"items": [{"ApiKey": "sk-live-0123456789abcdef"}]})
    assert nested.field == ("items", 0, "ApiKey")  # the field, wherever it is
    assert secrets("selise", {"ApiKey": None}) == [] and secrets("respan", {"ApiKey": "sk-1"}) == []


# --------------------------------------------------------------------------- error_contract
OWUI, SELISE = model_operation("openwebui"), model_operation("selise")
GENESIS = model_operation("selise@selise-genesis")  # the platform library's 400 body (an overlay)


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


def _missing(api: str, body: Any, status: int = 404) -> Reply:
    """The answer to the owner asking for a missing model (a rule predicts: not found)."""
    from contracts.plan import Probe, predictions

    probe = Probe("owner", "missing", "gone")
    return dataclasses.replace(
        reply(api, status, body, requested="gone"), predictions=predictions(api, probe), caller="owner", model="missing"
    )


def test_error_texts_are_the_page_text_rules() -> None:
    """A 404 whose text is not the page's verbatim one is a problem of the page's text rule (a warning)."""
    assert checks.error_contract(_missing("openwebui", {"detail": "Model not found"})) == []
    (problem,) = checks.error_contract(_missing("openwebui", {"detail": "Gone"}))
    assert (
        problem.message == "`owner` reading models.missing 'gone': detail 'Gone', the page's text is 'Model not found'"
    )
    assert (problem.rule, problem.field, problem.value, problem.rule_id) == (
        "the page's text",
        ("detail",),
        "Gone",
        "not-found-text",
    )
    assert vendor_specs.rule("openwebui", "not-found-text").severity == "warning"
    # without a prediction the situation is unknown: no text is compared (a status may carry others)
    assert checks.error_contract(reply("openwebui", 404, {"detail": "Gone"})) == []
    # SELISE's 422 text sits at detail[0].msg (x-message-field detail.0.msg)
    body = {"detail": [{"loc": ["path", "model_id"], "msg": "model is elsewhere", "type": "value_error"}]}
    (text,) = checks.error_contract(_missing("selise", body, 422))
    assert (text.rule_id, text.field) == ("model-not-found-text", ("detail", 0, "msg"))
    # SELISE's 400 text names the unknown key (x-situations: exact-message false): only its shape is compared
    assert checks.error_contract(reply("selise", 400, {"detail": "Project key 'x' is unknown"})) == []
    body = {"is_success": False, "errors": {"message": "Project key 'x' is unknown"}}
    assert checks.error_contract(reply("selise@selise-genesis", 400, body)) == []


# --------------------------------------------------------------------------- consistency
RESPAN = model_operation("respan")


def test_consistency_only_judges_2xx_objects() -> None:
    assert consistency("respan", RESPAN, 404, {"created_at": "x"}) == []
    assert consistency("respan", RESPAN, 200, ["x"]) == []


def test_consistency_iso_dates_and_order() -> None:
    ok = {"CreatedDate": "2025-01-01T00:00:00Z", "LastUpdatedDate": "2025-01-01T00:00:00Z"}
    assert consistency("selise", SELISE, 200, ok) == []
    (problem,) = consistency("selise", SELISE, 200, {**ok, "LastUpdatedDate": "2024-12-31T23:59:59Z"})
    assert problem.message == (
        "`LastUpdatedDate` ('2024-12-31T23:59:59Z') is before `CreatedDate` ('2025-01-01T00:00:00Z')"
    )
    (problem,) = consistency("selise", SELISE, 200, {**ok, "CreatedDate": "Mon, 01 Jan 2024 10:00:00 GMT"})
    assert problem.message.endswith("is not an ISO 8601 date-time")
    assert problem.where[-2:] == ("properties", "CreatedDate")
    assert (problem.rule, problem.field) == ("format: date-time", ("CreatedDate",))
    naive = {"CreatedDate": "2025-01-01T00:00:00", "LastUpdatedDate": "2025-01-01T00:00:00+00:00"}
    assert consistency("selise", SELISE, 200, naive) == []  # no zone: read as UTC


def test_consistency_of_timestamps_the_page_does_not_type() -> None:
    """Respan's page shows no created_at/updated_at (newer docs name them, without a format): any form passes,
    and the pair is still ordered when both are ISO 8601 or both numbers."""
    assert "type" not in RESPAN.responses["200"]["content"]["application/json"]["schema"]["properties"]["created_at"]
    for created, updated in [
        ("Mon, 01 Jan 2024 10:00:00 GMT", "2023-01-01T00:00:00Z"),  # not ISO: not compared, not a format problem
        (1735689600, "2025-01-01T00:00:00Z"),  # a number beside an ISO date: two readings
        (1735689600, 1735689600000),  # seconds then milliseconds: in order
        ("2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"),
        (None, "x"),
    ]:
        assert consistency("respan", RESPAN, 200, {"created_at": created, "updated_at": updated}) == [], created
    (iso,) = consistency(
        "respan", RESPAN, 200, {"created_at": "2025-01-02T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}
    )
    (numbers,) = consistency("respan", RESPAN, 200, {"created_at": 1735689600, "updated_at": 1735689599.5})
    for problem in (iso, numbers):
        assert problem.message.startswith("`updated_at` (") and problem.rule == "updated_at >= created_at"


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


# --------------------------------------------------------------------------- boundaries and shapes beyond the three
# specs (mutation testing, `make mutation`, found what the vendor specs alone do not pin down)
def fake_op(responses: dict[str, Any]) -> Operation:
    return Operation("respan", "GET", "/x", "x", {"responses": responses}, re.compile("^/x$"))


def json_response(schema: dict[str, Any], **examples: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": schema}
    if examples:
        content["examples"] = {name: {"value": value} for name, value in examples.items()}
    return {"description": "x", "content": {"application/json": content}}


DETAIL = {"type": "object", "x-message-field": "detail", "required": ["detail"], "properties": {"detail": {}}}


def test_error_contract_judges_400_and_not_500() -> None:
    op = fake_op({"400": json_response(DETAIL), "500": json_response(DETAIL), "499": json_response(DETAIL)})
    assert error_contract(op, 400, "application/json", {}, strict=False) != []
    assert error_contract(op, 499, "application/json", {}, strict=False) != []
    assert error_contract(op, 500, "application/json", {}, strict=False) == []  # a 5xx is not_a_server_error's


def test_error_contract_reads_the_schema_of_the_media_type_answered() -> None:
    op = fake_op(
        {
            "404": {
                "description": "x",
                "content": {"application/json": {"schema": DETAIL}, "application/problem+json": {"schema": {}}},
            }
        }
    )
    assert error_contract(op, 404, "application/problem+json", {"title": "x"}, strict=False) == []
    assert error_contract(op, 404, "application/json", {"title": "x"}, strict=False) != []


def test_error_contract_with_no_required_fields_and_an_open_schema() -> None:
    op = fake_op({"404": json_response({"type": "object", "properties": {"detail": {}}})})
    assert error_contract(op, 404, "application/json", {"anything": 1}, strict=False) == []
    # the platform library's 400 body is open (additionalProperties: true): more keys are fine
    body = {"is_success": False, "errors": {"message": "Project key is required"}, "trace": "x"}
    assert error_contract(GENESIS, 400, "application/json", body, strict=False) == []


def test_error_contract_messages_and_locations_list_every_field() -> None:
    schema = {**DETAIL, "required": ["detail", "code"], "properties": {"detail": {}, "code": {}}}
    schema["additionalProperties"] = False
    op = fake_op({"409": json_response(schema)})
    missing = error_contract(op, 409, "application/json", {}, strict=False)  # one problem per field
    assert [(p.message, p.where, p.field) for p in missing] == [
        ("409 body lacks the documented field detail", ("responses", 409), ("detail",)),
        ("409 body lacks the documented field code", ("responses", 409), ("code",)),
    ]
    extra = error_contract(op, 409, "application/json", {"detail": 1, "code": 1, "b": 1, "a": 1}, strict=False)
    assert [(p.message, p.where, p.value) for p in extra] == [
        ("409 body has the undocumented field a", ("responses", 409), 1),
        ("409 body has the undocumented field b", ("responses", 409), 1),
    ]
    (not_json,) = error_contract(op, 409, "application/json", None, strict=False)
    assert not_json.where == ("responses", 409)
    two = fake_op({"409": {"description": "x", "content": {"application/json": {}, "text/plain": {}}}})
    (media,) = error_contract(two, 409, "text/html", "x", strict=False)
    assert media.message.endswith("documented: application/json, text/plain")


def test_texts_without_a_page_text_rule_are_not_compared() -> None:
    """0.12.4's 401 texts are the implementation's, not texts the page gives verbatim: none is a rule."""
    assert checks.error_contract(reply("openwebui@openwebui-0.12.4", 401, {"detail": "nope"})) == []


def test_a_secret_that_is_not_a_string_is_not_masked() -> None:
    assert not looks_masked(1234567890) and secrets("selise", {"ApiKey": 1234567890}) != []


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("***ABCDEFGH", False),  # upper-case letters are visible characters too
        ("[REDACTED]1234", True),  # the mask word is no visible character
        ("SK-****abcd", True),  # a key prefix in any case is not counted
        ("****abcde", False),  # five characters of the key are too many
        ("****abcd", True),
    ],
)
def test_partial_mask_boundaries(value: str, masked: bool) -> None:
    assert looks_masked(value) is masked


def test_secret_messages_name_the_documented_mask_and_hide_short_values() -> None:
    (problem,) = secrets("selise", {"ApiKey": "abcdefg"})
    assert problem.message == "`ApiKey` is returned unmasked (abc…(7 chars)); documented: '***masked***'"
    (short,) = secrets("selise", {"ApiKey": "abcdef"})
    assert "(a short unmasked value)" in short.message and "abc" not in short.message


def test_consistency_only_parses_date_time_fields() -> None:
    body = vendor_specs.examples_for("respan", 200)["documented"]["value"]  # display_name etc. are no dates
    assert consistency("respan", RESPAN, 200, body) == []
    assert (
        consistency(
            "respan",
            fake_op({"300": json_response({"properties": {"created_at": {"format": "date-time"}}})}),
            300,
            {"created_at": "x"},
        )
        == []
    )


def test_consistency_compares_instants_across_zones(monkeypatch: pytest.MonkeyPatch) -> None:
    body = {"created_at": "2025-01-01T10:00:00+05:00", "updated_at": "2025-01-01T06:00:00+00:00"}  # 05:00Z, 06:00Z
    assert consistency("respan", RESPAN, 200, body) == []
    lower = {"created_at": "2025-01-01t00:00:00z", "updated_at": "2025-01-01T00:00:00Z"}  # RFC 3339 allows both
    assert consistency("respan", RESPAN, 200, lower) == []
    monkeypatch.setenv("TZ", "America/New_York")  # a zone-less time is UTC, whatever the machine's zone
    time.tzset()
    try:
        mixed = {"created_at": "2025-01-01T04:00:00", "updated_at": "2025-01-01T04:30:00+00:00"}
        assert consistency("respan", RESPAN, 200, mixed) == []
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_consistency_locations_and_the_millisecond_boundary() -> None:
    (order,) = consistency("openwebui", OWUI, 200, {"created_at": 2, "updated_at": 1})
    assert order.where == ("responses", 200, "content", "application/json", "schema")
    (ms,) = consistency("openwebui", OWUI, 200, {"created_at": 100000000001, "updated_at": 100000000001})[:1]
    assert ms.where == ("responses", 200, "content", "application/json", "schema", "properties", "created_at")


def test_consistency_without_a_timestamp_pair(monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: D103
    facts = vendor_specs.model_facts("openwebui")
    monkeypatch.setattr(checks, "model_facts", lambda api: dataclasses.replace(facts, timestamps=None))
    assert consistency("openwebui", OWUI, 200, {"created_at": 2, "updated_at": 1}) == []


def test_secret_messages_list_every_documented_mask(monkeypatch: pytest.MonkeyPatch) -> None:
    import contracts.masking as masking

    for module in (checks, masking):
        monkeypatch.setattr(module, "secret_fields", lambda api: {"ApiKey": ("b", 1, "a")})
    (problem,) = secrets("selise", {"ApiKey": "sk-live-0123456789"})
    assert problem.message.endswith("documented: 1, 'a', 'b'")
    for module in (checks, masking):
        monkeypatch.setattr(module, "secret_fields", lambda api: {"ApiKey": ()})  # no example shows the mask
    (problem,) = secrets("selise", {"ApiKey": "sk-live-0123456789"})
    assert problem.message.endswith("documented: a masked value")


# --------------------------------------------------------------------------- every field of a problem
BODY_SCHEMA = ("responses", 200, "content", "application/json", "schema")


def test_consistency_problems_name_rule_field_and_value() -> None:
    order = {"created_at": "2025-01-02T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}
    assert consistency("respan", RESPAN, 200, order) == [
        Problem(
            "`updated_at` ('2025-01-01T00:00:00Z') is before `created_at` ('2025-01-02T00:00:00Z')",
            BODY_SCHEMA,
            "updated_at >= created_at",
            ("updated_at",),
            "2025-01-01T00:00:00Z",
        )
    ]
    ms = consistency("openwebui", OWUI, 200, {"created_at": 1704067200000, "updated_at": 1704067200000})
    assert ms[0] == checks.Problem(
        "`created_at` = 1704067200000 looks like milliseconds; documented: Unix seconds",
        (*BODY_SCHEMA, "properties", "created_at"),
        "Unix seconds",
        ("created_at",),
        1704067200000,
    )
    rfc1123 = {"CreatedDate": "Mon, 01 Jan 2024 10:00:00 GMT", "LastUpdatedDate": "2025-01-01T00:00:00Z"}
    assert consistency("selise", SELISE, 200, rfc1123) == [
        Problem(
            "`CreatedDate` = 'Mon, 01 Jan 2024 10:00:00 GMT' is not an ISO 8601 date-time",
            (*BODY_SCHEMA, "properties", "CreatedDate"),
            "format: date-time",
            ("CreatedDate",),
            "Mon, 01 Jan 2024 10:00:00 GMT",
        )
    ]


def test_untyped_timestamps_that_are_no_instants_are_not_compared() -> None:
    for created, updated in [(True, False), ([2], [1]), ({"s": 2}, {"s": 1})]:
        assert consistency("respan", RESPAN, 200, {"created_at": created, "updated_at": updated}) == [], created


@pytest.mark.parametrize(
    "prop",
    [{"type": "string"}, {"format": "date-time"}, {"type": "number"}],
    ids=["string without format", "format without type", "number"],
)
def test_only_a_timestamp_with_neither_type_nor_format_is_read_freely(prop: dict[str, Any]) -> None:
    """A string field is no date unless the spec says date-time; a number is ordered only when it is an integer
    (Unix seconds); a date-time without a type is judged as a date-time string, never as a number."""
    op = fake_op({"200": json_response({"properties": {"created_at": prop, "updated_at": prop}})})
    reversed_iso = {"created_at": "2025-01-02T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z"}
    reversed_numbers = {"created_at": 2.5, "updated_at": 1.5}
    found = consistency("respan", op, 200, reversed_iso) + consistency("respan", op, 200, reversed_numbers)
    if prop == {"format": "date-time"}:
        assert [p.rule for p in found] == ["updated_at >= created_at"]  # the ISO pair only
    else:
        assert found == []


def test_identity_problem_names_the_rule() -> None:
    (problem,) = identity("respan", "a/b", 200, {"id": "b", "model_name": "a/b"})
    assert problem == Problem(
        "asked for 'a/b', `id` is 'b'", ("responses", 200), "the requested id (x-model id-fields)", ("id",), "b"
    )


# --------------------------------------------------------------------------- redacted (report excerpts)
LEAK = "sk-live-abcdefghijkl"


def test_redacted_hides_an_unmasked_secret_wherever_it_is() -> None:
    body = json.dumps({"models": [{"ApiKey": LEAK, "Name": "modèle"}], "ApiKey": "***masked***"}, ensure_ascii=False)
    body = body.encode()
    shown = json.loads(redacted("selise", body))
    assert shown == {"models": [{"ApiKey": "sk-…(20 chars)", "Name": "modèle"}], "ApiKey": "***masked***"}
    assert "modèle".encode() in redacted("selise", body)  # as sent: UTF-8 stays UTF-8


@pytest.mark.parametrize(
    "body",
    [
        b'{"Name": "no secret field here"}',
        b'{"ApiKey": "***masked***", "Name": "x"}',  # the documented mask
        b'{"ApiKey": "sk-****abcd", "Name": "x"}',  # a partial mask
        b'{"ApiKey": 1234567890123}',  # not a string: the schema check's business
        b"ApiKey: not JSON",
    ],
)
def test_redacted_leaves_a_body_without_a_leak_as_it_is(body: bytes) -> None:
    assert redacted("selise", body) is body


def test_redacted_hides_every_credential_looking_value_not_only_declared_ones() -> None:
    """Respan declares no secret field: a raw key under any credential name, or of a key's shape, is hidden too."""
    for body in (b'{"ApiKey": "%s"}' % LEAK.encode(), b'{"params": {"note": "use %s"}}' % LEAK.encode()):
        shown = redacted("respan", body)
        assert LEAK.encode() not in shown and "sk-…(20 chars)".encode() in shown, shown
    assert LEAK.encode() not in redacted("respan", b"<html>%s</html>" % LEAK.encode())  # not JSON either


def test_redacted_hides_a_raw_value_behind_a_duplicate_key() -> None:
    body = b'{"ApiKey": "%s", "ApiKey": "***masked***"}' % LEAK.encode()
    assert json.loads(body) == {"ApiKey": "***masked***"}  # what a lenient parser shows
    assert LEAK.encode() not in redacted("selise", body)


# --------------------------------------------------------------------------- what a lenient parser hides
def test_a_raw_key_before_a_masked_one_is_a_secrets_failure_and_a_duplicate() -> None:
    body = b'{"_id": "m", "ApiKey": "sk-live-0123456789abcdef", "ApiKey": "***masked***"}'
    assert json.loads(body)["ApiKey"] == "***masked***"  # what json.loads shows
    found = checks.secrets(reply("selise", 200, body))
    assert [(p.field, p.rule_id) for p in found] == [(("ApiKey",), "credentials-masked")]
    assert "sent 2 times in one object" in found[0].message and "0123456789abcdef" not in found[0].message
    (dup,) = checks.duplicate_keys(reply("selise", 200, body))
    assert (dup.field, dup.rule_id) == (("ApiKey",), "unique-keys")
    assert vendor_specs.rule("selise", "unique-keys").severity == "warning"


def test_duplicate_keys_anywhere_in_a_body() -> None:
    body = b'{"meta": {"description": "a", "description": "b"}, "access_grants": [{"x": 1, "x": 2}]}'
    found = checks.duplicate_keys(reply("openwebui", 200, body))
    assert [p.field for p in found] == [("meta", "description"), ("access_grants", 0, "x")]
    assert checks.duplicate_keys(reply("openwebui", 200, {"a": 1})) == []


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("api_key", "abcdefgh12345678"),
        ("openai_api_key", "0123456789abcdef"),
        ("Authorization", "Basic dXNlcjpwYXNzd29yZA=="),
        ("note", "use sk-proj-AbCdEfGhIjKlMnOpQrSt"),
        ("x", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
        ("token", "ghp_0123456789abcdefghij0123456789abcdef"),
    ],
)
def test_a_credential_looking_value_in_any_field_is_reported(name: str, value: str) -> None:
    (problem,) = checks.secrets(reply("openwebui", 200, {"params": {name: value}}))
    assert problem.field == ("params", name) and problem.rule_id == "no-raw-credentials"
    assert value not in problem.message


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_tokens", "2000"),  # not a credential's name
        ("tokenizer", "cl100k_base"),
        ("ProjectKey", "proj-alpha-7c1e0b2f"),  # the page returns it
        ("api_key", "short"),
        ("api_key", "***masked***"),
        ("OpenAiProjectId", "proj-789012"),
        ("description", "A customized GPT-4 model optimized for code generation"),
    ],
)
def test_what_only_looks_like_a_name_is_no_credential(name: str, value: str) -> None:
    assert checks.secrets(reply("selise", 200, {"CustomParameters": {name: value}})) == []
