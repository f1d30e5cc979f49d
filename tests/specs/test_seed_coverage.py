"""Every field, status and example payload a vendor's page documents is in its spec.

The documented lists are parsed from the seed pages (``seed_pages.py``), not typed in here. The pages live
outside this repository; without them these tests skip, saying where they looked.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.specs.seed_pages import missing_pages, parse
from vendor_specs import APIS, operations

pytestmark = pytest.mark.skipif(missing_pages() is not None, reason=str(missing_pages()))

_JSON_TYPES = {
    "string": {"string"},
    "integer": {"integer"},
    "number": {"number", "integer"},
    "boolean": {"boolean"},
    "object": {"object"},
    "array": {"array"},
}


def _schemas(schema: dict[str, Any]):
    """Every schema reachable from ``schema`` (properties, items, oneOf)."""
    yield schema
    for sub in schema.get("properties", {}).values():
        yield from _schemas(sub)
    if isinstance(schema.get("items"), dict):
        yield from _schemas(schema["items"])
    for sub in schema.get("oneOf", []) + schema.get("anyOf", []) + schema.get("allOf", []):
        yield from _schemas(sub)


def _declared(schema: dict[str, Any]) -> dict[str, set[str]]:
    """name -> the types any schema under ``schema`` declares for a property of that name."""
    found: dict[str, set[str]] = {}
    for sub in _schemas(schema):
        for name, prop in sub.get("properties", {}).items():
            found.setdefault(name, set()).add(prop.get("type", "any"))
    return found


def _schema(api: str, status: int) -> dict[str, Any]:
    return operations(api)[0].responses[str(status)]["content"]["application/json"]["schema"]


@pytest.mark.parametrize("api", APIS)
def test_every_documented_status_is_in_the_spec(api: str) -> None:
    page = parse(api)
    assert page.statuses, "the seed page parser found no status: the page format changed"
    missing = page.statuses - set(operations(api)[0].statuses)
    assert not missing, f"{api}: documented statuses missing from the spec: {sorted(missing)}"


@pytest.mark.parametrize("api", APIS)
def test_every_documented_field_is_in_the_200_schema_with_its_type(api: str) -> None:
    page = parse(api)
    assert len(page.fields) >= 10, "the seed page parser found too few fields: the page format changed"
    declared = _declared(_schema(api, 200))
    problems = []
    for name, doc_type in page.fields:
        if name not in declared:
            problems.append(f"{name} is documented but not in the spec")
        elif not declared[name] & _JSON_TYPES[doc_type]:
            problems.append(f"{name} is documented as {doc_type}, spec says {sorted(declared[name])}")
    assert not problems, f"{api}: " + "; ".join(problems)


def test_selise_sub_tables_are_in_the_spec() -> None:
    page = parse("selise")
    capabilities = _schema("selise", 200)["properties"]["Capabilities"]["properties"]
    for name, doc_type in page.sub_fields["Capabilities"]:
        assert name in capabilities and capabilities[name]["type"] in _JSON_TYPES[doc_type], name
    declared = _declared(_schema("selise", 422))
    for name, doc_type in page.sub_fields["detail[]"]:
        assert name in declared and declared[name] & _JSON_TYPES[doc_type], name


def _check_shape(value: Any, schema: dict[str, Any], where: str, problems: list[str]) -> None:
    """Every key of a documented example is declared where its object declares properties, with a fitting type."""
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key, sub in value.items():
            if key in props:
                _check_shape(sub, props[key], f"{where}.{key}", problems)
            elif props or schema.get("additionalProperties") is False:
                problems.append(f"{where}.{key} is in the page's example but not declared in the spec")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            _check_shape(item, schema["items"], f"{where}[{i}]", problems)


@pytest.mark.parametrize("api", APIS)
def test_the_pages_example_payloads_are_in_the_spec_verbatim(api: str) -> None:
    page = parse(api)
    op = operations(api)[0]
    assert page.examples, "the seed page parser found no example payload"
    for status, bodies in page.examples.items():
        examples = [e["value"] for e in op.responses[str(status)]["content"]["application/json"]["examples"].values()]
        for body in bodies:
            assert body in examples, f"{api} {status}: the page's example {body} is not a spec example"
            problems: list[str] = []
            _check_shape(body, _schema(api, status), "$", problems)
            assert not problems, problems


def test_the_coverage_check_fails_for_a_spec_missing_a_field() -> None:
    """Prove the field check can fail: drop a documented property and the comparison reports it."""
    schema = _schema("respan", 200)
    trimmed = {**schema, "properties": {k: v for k, v in schema["properties"].items() if k != "input_cost"}}
    assert "input_cost" not in _declared(trimmed)
    assert ("input_cost", "number") in parse("respan").fields
