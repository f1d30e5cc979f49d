"""The one exchange judge (the proxy's, the recorder's, `contracts validate`'s): the fast checks never pass what
openapi-core would refuse, pass the everyday valid exchange without openapi-core, and leave everything unusual
to it."""

from __future__ import annotations

import functools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vendor_specs
from tests.validate.strategies import TRICKY, mutated, values
from vendor_specs import HttpExchange, Judge, Verdict, judge_body

CASES = [(api, status) for api in vendor_specs.APIS for status in vendor_specs.documented_statuses(api)]
MB = 1_048_576


def request_for(api: str) -> tuple[str, bytes, list[tuple[bytes, bytes]]]:
    """(path, query, headers) of a valid request: the parameters' examples, the first documented credential."""
    op = vendor_specs.operations(api)[0]
    path, query = vendor_specs.base_path(api) + op.path, []
    for parameter in op.parameters:
        value = str(next(iter(parameter["examples"].values()))["value"])
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", value)
        else:
            query.append(f"{parameter['name']}={value}")
    headers, _, _ = vendor_specs.credentials(api, op.definition)[0].place("tok")
    return path, "&".join(query).encode(), [(k.lower().encode(), v.encode()) for k, v in headers.items()]


def exchange(
    api: str, status: int, body: bytes, content_type: str | None = "application/json", **extra: Any
) -> HttpExchange:
    path, query, headers = request_for(api)
    response_headers = [(b"Content-Type", content_type.encode())] if content_type is not None else []
    response_headers += [(k.encode(), v.encode()) for k, v in extra.items()]
    return HttpExchange("GET", path, query, headers, status, response_headers, body)


@functools.lru_cache(maxsize=None)
def judge_of(api: str) -> Judge:
    return Judge(api, None, 16 * MB)


def judged(api: str, ex: HttpExchange) -> tuple[tuple[bool, bool], Verdict]:
    judge = judge_of(api)
    match = judge.match(ex.method, ex.path)
    assert match is not None
    fast = judge.fast(match, ex)
    return fast, judge.verdict(match, ex, *fast)


@pytest.mark.parametrize(("api", "status"), CASES)
def test_every_documented_example_passes_without_openapi_core(api: str, status: int) -> None:
    for name, example in vendor_specs.examples_for(api, status).items():
        fast, verdict = judged(api, exchange(api, status, json.dumps(example["value"]).encode()))
        assert fast == (True, True), name
        assert verdict == Verdict(vendor_specs.operations(api)[0].operation_id)


@pytest.mark.parametrize(("api", "status"), CASES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_fast_body_check_never_passes_what_openapi_core_refuses(api: str, status: int, data: st.DataObject) -> None:
    body = data.draw(mutated(data.draw(values(vendor_specs.response_schema(api, status)))) | st.sampled_from(TRICKY))
    ex = exchange(api, status, json.dumps(body).encode())
    (_, response_ok), verdict = judged(api, ex)
    core = vendor_specs.response_violations(
        vendor_specs.OperationMatch(vendor_specs.operations(api)[0], {}), status, ex.body, "application/json"
    )
    assert not (response_ok and core), f"the fast check passed what openapi-core refuses: {core} on {body!r}"
    assert (verdict.kind == "conforms") == (not core)


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b"\xef\xbb\xbf" + json.dumps({"detail": "x"}).encode(), "application/json", "conforms"),  # a BOM
        (json.dumps({"detail": "x"}).encode(), "application/json;", "violations"),  # openapi-core cannot parse it
        (json.dumps({"detail": "x"}).encode(), "text/html", "violations"),
        (json.dumps({"detail": "x"}).encode(), None, "violations"),
        (b'{"detail": NaN}', "application/json", "violations"),
        (b"", "application/json", "violations"),
        (b"{", "application/json", "violations"),
    ],
)
def test_unusual_answers_go_to_openapi_core(body: bytes, content_type: str | None, kind: str) -> None:
    (_, response_ok), verdict = judged("respan", exchange("respan", 404, body, content_type))
    assert not response_ok and verdict.kind == kind, verdict


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"])
def test_json_media_types_pass_fast(content_type: str) -> None:
    (_, response_ok), verdict = judged("respan", exchange("respan", 404, b'{"detail": "x"}', content_type))
    assert response_ok and verdict.kind == "conforms"


def test_integers_beyond_64_bits_are_read_as_the_stdlib_reads_them() -> None:
    body = json.loads(json.dumps(vendor_specs.examples_for("respan", 200)["documented"]["value"]))
    body["max_context_window"] = 2**70  # orjson would read a float: it goes to openapi-core, which reads an int
    (_, response_ok), verdict = judged("respan", exchange("respan", 200, json.dumps(body).encode()))
    assert not response_ok and verdict.kind == "conforms"


def test_undocumented_status_and_request_violations() -> None:
    path, query, _ = request_for("respan")
    ex = HttpExchange("GET", path, query, [], 500, [(b"content-type", b"application/json")], b"{}")
    fast, verdict = judged("respan", ex)
    assert fast == (False, False)
    assert [v.kind for v in verdict.violations] == ["security", "status"]
    refused = HttpExchange("GET", path, query, [], 401, ex.response_headers, b'{"detail": "x"}')
    assert judged("respan", refused)[1].kind == "refused"


def test_compressed_answers_are_judged_decoded() -> None:
    import gzip

    good = json.dumps({"detail": "Not found."}).encode()
    (_, ok), verdict = judged("respan", exchange("respan", 404, gzip.compress(good), **{"Content-Encoding": "gzip"}))
    assert ok and verdict.kind == "conforms"
    (_, ok), verdict = judged("respan", exchange("respan", 404, b"...", **{"Content-Encoding": "br"}))
    assert not ok and verdict.kind == "not validated" and "Content-Encoding 'br' is not decoded" in verdict.note


def test_paths_outside_the_spec_are_not_matched() -> None:
    judge = Judge("openwebui", "/api/v1", MB)
    assert judge.match("GET", "/api/v1/models/model") is not None
    assert judge.match("GET", "/api/models/model") is None  # --base-path replaces the spec's prefixes
    assert Judge("openwebui", None, MB).match("GET", "/api/models/model") is not None
    assert judge.match("POST", "/api/v1/models/model") is None


def test_at_most_limit_response_violations_are_built_the_rest_counted() -> None:
    body = json.dumps({f"extra{i}": i for i in range(30)}).encode()  # 30 keys the closed error schema refuses
    judge = judge_of("respan")
    ex = exchange("respan", 404, body)
    full = judge.judged(ex)
    cut = judge.judged(ex, limit=5)
    assert len(full.violations) > 5 and full.omitted == 0
    assert cut.violations == full.violations[:5] and cut.omitted == len(full.violations) - 5


def test_an_exchange_without_an_answer_is_judged_by_its_request_alone() -> None:
    path, query, headers = request_for("respan")
    judge = judge_of("respan")
    cached = HttpExchange("GET", path, query, headers, 304, [], b"")
    assert judge.judged(cached, answered=False) == Verdict("retrieve_custom_model")
    assert judge.judged(cached).kind == "violations"  # a 304 the proxy forwards is an undocumented status
    anonymous = HttpExchange("GET", path, query, [], 0, [], b"")
    assert [v.kind for v in judge.judged(anonymous, answered=False).violations] == ["security"]


def test_a_body_alone_is_judged_fast_first_and_explained_by_openapi_core() -> None:
    op = vendor_specs.operations("respan")[0]
    good = vendor_specs.examples_for("respan", 200)["documented"]["value"]
    assert judge_body(op, 200, good) == []
    found = judge_body(op, 200, {**good, "input_cost": "cheap"})
    assert [str(v).split(":")[0] for v in found] == ["response body $.input_cost"]
    with pytest.raises(TypeError):
        judge_body(op, 200, {"a": object()})


def test_a_capture_entry_and_the_same_exchange_through_the_proxy_get_one_verdict() -> None:
    from tests.validate.hars import entry

    path, query, headers = request_for("openwebui")
    url = "http://localhost:8080" + path + "?" + query.decode()
    body = {"id": "x"}
    op = vendor_specs.operations("openwebui")[0]
    captured = vendor_specs.har_exchange(
        entry(url, 200, body, headers={k.decode(): v.decode() for k, v in headers}), op, MB
    )
    wire = exchange("openwebui", 200, json.dumps(body).encode())
    assert judge_of("openwebui").judged(captured) == judge_of("openwebui").judged(wire)
    assert judge_of("openwebui").judged(wire).kind == "violations"
