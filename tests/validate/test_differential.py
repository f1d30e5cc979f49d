"""The fast path and openapi-core agree on every generated payload, for every documented status of every vendor.

Bodies are drawn from the spec's own schemas (meant to be valid, and checked to be), then mutated
(``1.0`` for integers, ``true`` for 1, null, impossible dates, extra and missing keys, NaN, huge
integers). openapi-core's verdict is computed independently of the code under test.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vendor_specs
from contracts.validate import validate_value
from vendor_specs import fast_valid

from .strategies import TRICKY, any_json, finite, mutated, values

CASES = [(api, status) for api in vendor_specs.APIS for status in vendor_specs.documented_statuses(api)]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def core_valid(api: str, status: int, value: Any) -> bool:
    """openapi-core's own verdict on ``value`` serialised as the response body."""
    op = vendor_specs.operations(api)[0]
    params = {p["name"]: "x" for p in op.parameters if p["in"] == "path"}
    request = vendor_specs.core_request(vendor_specs.OperationMatch(op, params))
    response = vendor_specs.core_response(status, json.dumps(value).encode(), "application/json")
    return not list(vendor_specs.openapi_core_spec(api).iter_response_errors(request, response))


def fast(api: str, status: int) -> Any:
    predicate = vendor_specs.body_validator(api, vendor_specs.operations(api)[0].operation_id, status)
    assert predicate is not None, f"{api} {status}: the schema is not translated for jsonschema-rs"
    return predicate


def agree(api: str, status: int, value: Any) -> bool:
    verdict = core_valid(api, status, value)
    quick = fast_valid(fast(api, status), value)
    if finite(value):
        assert quick == verdict, f"jsonschema-rs and openapi-core disagree on {value!r}"
    else:  # NaN is no JSON value: the fast path may only leave it to openapi-core, never accept it wrongly
        assert not quick or verdict, f"jsonschema-rs accepts {value!r}, openapi-core does not"
    assert (validate_value(api, value, status).verdict == "valid") == verdict
    return verdict


@pytest.mark.parametrize(("api", "status"), CASES)
@SETTINGS
@given(data=st.data())
def test_generated_valid_and_mutated_payloads_agree(api: str, status: int, data: st.DataObject) -> None:
    schema = vendor_specs.response_schema(api, status)
    body = data.draw(values(schema), label="body")
    assert agree(api, status, body), f"the generator drew an invalid body: {body!r}"
    once = data.draw(mutated(body), label="mutated")
    agree(api, status, once)
    agree(api, status, data.draw(mutated(once), label="mutated twice"))


@pytest.mark.parametrize(("api", "status"), CASES)
@SETTINGS
@given(value=any_json | st.sampled_from(TRICKY))
def test_arbitrary_json_agrees(api: str, status: int, value: Any) -> None:
    agree(api, status, value)


@pytest.mark.parametrize(("api", "status"), CASES)
def test_every_spec_example_is_valid_on_both_paths(api: str, status: int) -> None:
    for name, example in vendor_specs.examples_for(api, status).items():
        assert agree(api, status, example["value"]), f"example {name} is invalid"
