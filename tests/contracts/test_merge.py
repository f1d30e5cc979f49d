"""One finding per cause (``contracts/merge.py``): occurrences merged, consequences nested under their cause."""

from __future__ import annotations

from dataclasses import replace

from contracts.findings import Finding
from contracts.merge import Tally, nest

OP = "GET /models/model"


def seen(check: str, rule: str, *, status: int = 200, path: str = "", curl: str = "curl x", exchange: str = "e1", source: str = "explicit", value: str | None = None) -> Finding:  # fmt: skip
    return Finding(check, OP, f"{check} {rule} {path}", "spec#/x", curl, status, rule=rule, path=path, value=value, sources=(source,), exchange=exchange)  # fmt: skip


def test_same_cause_from_explicit_cases_and_phases_is_one_finding_with_count_and_shortest_reproduction() -> None:
    tally = Tally()
    tally.add(
        [
            seen("error_contract", "documented message", status=404, path="$.detail", curl="curl -H 'A: b' long-url", exchange="explicit:1"),
            seen("error_contract", "documented message", status=404, path="$.detail", curl="curl short", exchange="case:a", source="coverage"),
            seen("error_contract", "documented message", status=404, path="$.detail", curl="curl medium-one", exchange="case:b", source="fuzzing"),
        ]
    )  # fmt: skip
    (finding,) = tally.findings()
    assert finding.count == 3 and finding.curl == "curl short"
    assert finding.sources == ("explicit", "coverage", "fuzzing")  # in the run's order
    assert finding.exchange == ""


def test_array_indexes_are_one_cause_other_statuses_and_rules_are_not() -> None:
    tally = Tally()
    tally.add(
        [
            seen("response_schema_conformance", "enum: [\"read\", \"write\"]", path="$.access_grants[0].permission", exchange="1"),
            seen("response_schema_conformance", "enum: [\"read\", \"write\"]", path="$.access_grants[3].permission", exchange="2"),
            seen("response_schema_conformance", "type: string", path="$.access_grants[0].permission", exchange="3"),
            seen("error_contract", "documented message", status=401, path="$.detail", exchange="4"),
            seen("error_contract", "documented message", status=404, path="$.detail", exchange="5"),
        ]
    )  # fmt: skip
    assert [f.count for f in tally.findings()] == [2, 1, 1, 1]


def test_an_html_answer_nests_what_follows_from_its_media_type() -> None:
    media = seen("content_type_conformance", "documented media type", value='"text/html"')
    body = seen("access_control", "JSON object", path="$")
    status = seen("auth", "no_credentials: 401")  # a wrong status is a cause of its own
    (first, under), (second, nothing) = nest([body, status, media])
    assert first is media and under == [body]
    assert second is status and nothing == []


def test_a_server_error_holds_everything_seen_on_its_answer() -> None:
    crash = seen("not_a_server_error", "no 5xx", status=500)
    undocumented = seen("status_code_conformance", "documented status", status=500)
    expected = seen("identity", "an id sent as is: 200", status=500)
    ((root, under),) = nest([undocumented, expected, crash])
    assert root is crash and under == [undocumented, expected]


def test_the_same_field_seen_by_several_checks_is_held_by_the_specs_own_check() -> None:
    schema = seen("response_schema_conformance", "required", status=404, path="$.detail")
    vendor = seen("error_contract", "required", status=404, path="$.detail")
    situation = seen("auth", "required", status=404, path="$.detail")
    ((root, under),) = nest([vendor, situation, schema])
    assert root is schema and under == [vendor, situation]


def test_consequences_merge_across_exchanges_and_are_not_failures_of_their_own() -> None:
    tally = Tally()
    for n in range(3):
        tally.add(
            [
                seen("content_type_conformance", "documented media type", status=401, exchange=f"x{n}", value='"application/problem+json"'),
                seen("auth", "documented media type", status=401, exchange=f"x{n}", value='"application/problem+json"'),
            ]
        )  # fmt: skip
    (cause,) = tally.findings()
    assert cause.check == "content_type_conformance" and cause.count == 3
    assert [(c.check, c.count) for c in cause.consequences] == [("auth", 3)]


def test_a_media_type_seen_alone_by_a_vendor_check_folds_under_the_same_finding_of_the_spec_check() -> None:
    """Schemathesis records a failure once per scenario, the vendor check on every answer: the vendor check's
    copy on another exchange is still the same thing."""
    tally = Tally()
    problem = '"application/problem+json"'
    tally.add([seen("content_type_conformance", "documented media type", status=404, exchange="a", value=problem + "")])
    tally.add([seen("error_contract", "documented media type", status=404, exchange="b", value='"application/problem+json; charset=utf-8"')])  # fmt: skip
    (cause,) = tally.findings()
    assert cause.check == "content_type_conformance"
    assert [c.check for c in cause.consequences] == ["error_contract"]


def test_a_cause_also_seen_on_its_own_is_not_repeated_as_a_consequence() -> None:
    tally = Tally()
    media = seen("content_type_conformance", "documented media type", exchange="a", value='"text/html"')
    status = seen("auth", "no_credentials: 401", exchange="a")
    tally.add([media, status, replace(status, exchange="b")])
    findings = tally.findings()
    assert [f.check for f in findings] == ["content_type_conformance", "auth"]
    assert findings[0].consequences == () and findings[1].count == 2


def test_findings_without_an_exchange_stand_alone() -> None:
    tally = Tally()
    tally.add(
        [seen("timeout", "within --timeout", exchange=""), seen("body_size", "within --max-body-mb", exchange="")]
    )
    assert tally.size == 2 and all(f.consequences == () for f in tally.findings())


# ------------------------------------------------------------------ each rule of nest() and _fold(), one by one
def test_two_findings_on_one_answer_are_nested_too() -> None:
    media = seen("content_type_conformance", "documented media type", value='"text/html"')
    body = seen("identity", "JSON object", path="$")
    assert nest([body, media]) == [(media, [body])]


def test_a_body_that_is_not_json_holds_what_needs_json() -> None:
    not_json = seen("response_schema_conformance", "valid JSON")
    field = seen("identity", "the requested id", path="$.id")
    status = seen("auth", "no_credentials: 401")
    assert nest([field, status, not_json]) == [(not_json, [field]), (status, [])]
    media = seen("content_type_conformance", "documented media type", value='"text/html"')
    assert nest([not_json, media]) == [(media, [not_json])]  # not JSON follows from an undocumented media type


def test_only_the_server_error_check_at_5xx_holds_everything() -> None:
    undocumented = seen("status_code_conformance", "documented status", status=500)
    identity = seen("identity", "an id sent as is: 200", status=500)
    assert nest([undocumented, identity]) == [(undocumented, []), (identity, [])]
    unknown = seen("body_size", "within --max-body-mb", status=None)  # a check outside CHECK_ORDER, no status
    assert nest([unknown, undocumented]) == [(undocumented, []), (unknown, [])]


def test_different_fields_on_one_answer_are_causes_of_their_own() -> None:
    a = seen("response_schema_conformance", "required", path="$.a")
    b = seen("response_schema_conformance", "required", path="$.b")
    assert nest([a, b]) == [(a, []), (b, [])]


def test_findings_without_an_exchange_are_never_nested_under_each_other() -> None:
    tally = Tally()
    media = seen("content_type_conformance", "documented media type", exchange="", value='"text/html"')
    tally.add([media, seen("identity", "JSON object", path="$", exchange="")])
    assert [(f.check, f.consequences) for f in tally.findings()] == [
        ("content_type_conformance", ()),
        ("identity", ()),
    ]


def test_of_equally_short_reproductions_the_first_is_kept() -> None:
    tally = Tally()
    first = seen("auth", "no_credentials: 401", curl="curl -X GET a", exchange="1")
    tally.add([first, replace(first, curl="curl -X GET b", exchange="2")])
    (finding,) = tally.findings()
    assert finding.curl == "curl -X GET a" and finding.count == 2


def test_folding_across_exchanges() -> None:
    """Different checks seeing the same field (any index) or media type on different exchanges: one finding,
    held by the spec's own check; a folded finding's own consequences come along, flattened; the order of the
    other findings stays; different media types stay apart."""
    tally = Tally()
    problem, html = '"application/problem+json"', '"text/html"'
    lone = seen("error_contract", "required", status=401, path="$.detail", exchange="a")  # a group of one
    tally.add([lone])
    vendor_media = seen("error_contract", "documented media type", status=404, exchange="b", value=problem)
    follows = seen("error_contract", "required", status=404, path="$.detail", exchange="b")
    tally.add([vendor_media, follows])
    tally.add([seen("content_type_conformance", "documented media type", status=404, exchange="c", value=problem)])
    tally.add([seen("auth", "documented media type", status=404, exchange="d", value=html)])
    tally.add([seen("identity", "the requested id", path="$.items[2].id", exchange="e")])
    tally.add([seen("response_schema_conformance", "the requested id", path="$.items[0].id", exchange="f")])
    findings = tally.findings()
    assert [(f.check, f.status, f.path or f.value) for f in findings] == [
        ("error_contract", 401, "$.detail"),
        ("content_type_conformance", 404, problem),
        ("auth", 404, html),
        ("response_schema_conformance", 200, "$.items[0].id"),
    ]
    media = findings[1]
    assert [(c.check, c.rule, c.consequences) for c in media.consequences] == [
        ("error_contract", "documented media type", ()),
        ("error_contract", "required", ()),
    ]
    assert [(c.check, c.consequences) for c in findings[3].consequences] == [("identity", ())]
