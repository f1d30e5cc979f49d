"""The fast request check and openapi-core agree on every generated request, for every operation of every vendor.

openapi-core's verdict (``vendor_specs.request_violations`` empty) is computed independently of the code
under test, from the same name/value pairs: the fast check gets the first value of each name, as openapi-core
reads them. Requests are drawn around what decides a verdict: present, absent, empty and duplicated
parameters, each spelling of the credentials (``Bearer x``, ``bearer``, no space, a leading space, another
scheme), header names in any case. ``data/request_features.yaml`` adds what the vendors' specs do not use:
header and cookie parameters, defaults, formats, patterns, API keys in a header, the query and a cookie.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vendor_specs
from vendor_specs import Operation, OperationMatch, request_validator, request_violations

FEATURES = str(Path(__file__).with_name("data") / "request_features.yaml")
SPECS = [*vendor_specs.APIS, FEATURES]
OPERATIONS = [
    pytest.param(op, id=f"{Path(spec).stem}-{op.operation_id}")
    for spec in SPECS
    for op in vendor_specs.operations(spec)
    if request_validator(spec, op.operation_id) is not None
]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TEXT = st.text(alphabet=st.characters(blacklist_characters="\r\n", max_codepoint=0x2FF), max_size=8)
_CREDENTIALS = [
    "Bearer sk-1",
    "bearer sk-1",
    "BEARER sk-1",
    "Bearer ",
    "Bearer",
    " Bearer sk-1",
    "Bearersk-1",
    "Basic dXNlcjpwdw==",
    "basic x y",
    "Token sk-1",
    "",
]
_VALUES = ["", "x", "ab", "abc", "abcdefg", "openai/gpt-4", "a%2Fb", "fast", "slow", "Fast", "2020-01-01T00:00:00Z"]
_VALUES += ["2020-13-01T00:00:00Z", "deadbeef", "DEADBEEF", "a@b.example", "not an email", "YOUR_PROJECT_KEY"]


def _first(pairs: Iterable[tuple[str, str]], *, lower: bool = False) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in pairs:
        found.setdefault(name.lower() if lower else name, value)
    return found


def _names(op: Operation, location: str) -> list[str]:
    names = [p["name"] for p in op.parameters if p["in"] == location]
    spec = vendor_specs.load_spec(op.api)
    for scheme in ((spec.get("components") or {}).get("securitySchemes") or {}).values():
        if scheme.get("in") == location:
            names.append(scheme["name"])
        if location == "header" and scheme.get("type") == "http":
            names.append("Authorization")
    return names


@st.composite
def _pairs(draw: st.DrawFn, names: list[str], *, header: bool = False) -> list[Any]:
    """Up to 4 (name, value) pairs: documented names (headers in any case) or others; credentials for
    ``Authorization``, parameter-like values otherwise."""
    spelled = st.sampled_from(names or ["x"])
    if header:
        spelled = spelled.flatmap(lambda n: st.sampled_from([n, n.lower(), n.upper()]))
    name = spelled | _TEXT.filter(lambda t: bool(t) and ":" not in t)
    found = []
    for chosen in draw(st.lists(name, max_size=4)):
        found.append((chosen, draw(_value(chosen))))
    return found


def _example(parameter: dict[str, Any]) -> str:
    if "example" in parameter:
        return str(parameter["example"])
    return str(next(iter(parameter["examples"].values()))["value"])


def _baseline(op: Operation) -> dict[str, list[tuple[str, str]]]:
    """A valid request: every parameter's example, the first documented credential."""
    found: dict[str, list[tuple[str, str]]] = {"path": [], "query": [], "header": [], "cookie": []}
    for parameter in op.parameters:
        found[parameter["in"]].append((parameter["name"], _example(parameter)))
    ways = vendor_specs.credentials(op.api, op.definition)
    if ways:
        headers, query, cookies = ways[0].place("tok")
        found["header"] += headers.items()
        found["query"] += query.items()
        found["cookie"] += cookies.items()
    return found


@st.composite
def _near_valid(draw: st.DrawFn, op: Operation) -> tuple[dict[str, str], list[Any], list[Any], list[Any]]:
    """The baseline with up to 3 edits: a pair dropped, its value changed, a duplicate put before it,
    a header name in another case, or a stray pair added."""
    request = {location: list(pairs) for location, pairs in _baseline(op).items()}
    for _ in range(draw(st.integers(0, 3))):
        location = draw(st.sampled_from(["path", "query", "header", "cookie"]))
        pairs = request[location]
        index = draw(st.integers(0, len(pairs)))
        edit = draw(st.sampled_from(["drop", "value", "duplicate", "case", "add"]))
        if index == len(pairs) or edit == "add":
            if location != "path":
                pairs.append((draw(st.sampled_from(_names(op, location) or ["x"]) | _TEXT), draw(_value("x"))))
            continue
        name, value = pairs[index]
        if edit == "drop" and location != "path":
            del pairs[index]
        elif edit == "duplicate" and location != "path":
            pairs.insert(index, (name, draw(_value(name))))
        elif edit == "case" and location == "header":
            pairs[index] = (draw(st.sampled_from([name.lower(), name.upper(), name.title()])), value)
        else:
            pairs[index] = (name, draw(_value(name)))
    path = dict(request["path"])
    return path, request["query"], request["header"], request["cookie"]


def _value(name: str) -> st.SearchStrategy[str]:
    return st.sampled_from(_CREDENTIALS if name.lower() == "authorization" else _VALUES) | _TEXT


def _request(op: Operation) -> st.SearchStrategy[tuple[dict[str, str], list[Any], list[Any], list[Any]]]:
    path = st.fixed_dictionaries(
        {p["name"]: st.sampled_from(_VALUES) | _TEXT for p in op.parameters if p["in"] == "path"}
    )
    headers = _pairs(_names(op, "header"), header=True)
    anything = st.tuples(path, _pairs(_names(op, "query")), headers, _pairs(_names(op, "cookie")))
    return _near_valid(op) | anything


def agree(op: Operation, path: dict[str, str], query: list[Any], headers: list[Any], cookies: list[Any]) -> bool:
    expected = not request_violations(OperationMatch(op, path), query=query, headers=headers, cookies=cookies)
    check = request_validator(op.api, op.operation_id)
    assert check is not None
    fast = check(path, _first(query), _first(headers, lower=True), _first(cookies))
    assert fast == expected, f"fast check says {fast}, openapi-core {expected}: {path=} {query=} {headers=} {cookies=}"
    return expected


@pytest.mark.parametrize("op", OPERATIONS)
@SETTINGS
@given(data=st.data())
def test_generated_requests_agree(op: Operation, data: st.DataObject) -> None:
    agree(op, *data.draw(_request(op)))


@pytest.mark.parametrize("api", vendor_specs.APIS)
def test_every_vendor_operation_has_a_fast_check(api: str) -> None:
    for op in vendor_specs.operations(api):
        assert request_validator(api, op.operation_id) is not None, op.operation_id


def test_what_is_not_mirrored_is_left_to_openapi_core() -> None:
    assert request_validator(FEATURES, "get_count") is None  # an integer parameter: openapi-core casts it first
    assert request_validator("respan", "no_such_operation") is None


@pytest.mark.parametrize(
    ("api", "query", "headers", "valid"),
    [
        ("openwebui", [("id", "acme/m:v1")], [("Authorization", "Bearer sk-1")], True),
        ("openwebui", [("id", "acme/m:v1")], [], False),  # no credentials
        ("openwebui", [], [("Authorization", "Bearer sk-1")], False),  # id is required
        ("openwebui", [("id", "")], [("Authorization", "Bearer sk-1")], False),  # empty query value
        ("openwebui", [("id", "x"), ("id", "")], [("authorization", "bearer sk-1")], True),  # the first value counts
        ("openwebui", [("id", "x")], [("Authorization", "Bearer")], False),  # no space, no credentials
        ("openwebui", [("id", "x")], [("Authorization", "Basic dXNlcjpwdw==")], False),
        ("selise", [], [], True),  # X-Blocks-Key is optional ({} in its security)
        ("selise", [("project_key", "")], [], False),
        ("respan", [], [("Authorization", "Bearer ")], True),  # an empty token is still a bearer credential
    ],
)
def test_examples(api: str, query: list[Any], headers: list[Any], valid: bool) -> None:
    op = vendor_specs.operations(api)[0]
    path = {p["name"]: "openai/gpt-4" for p in op.parameters if p["in"] == "path"}
    assert agree(op, path, query, headers, []) is valid


def test_feature_examples() -> None:
    get, delete = vendor_specs.operations(FEATURES)[:2]
    since = [("since", "2020-01-01T00:00:00Z")]
    assert agree(get, {"thing": "abc"}, since, [("X-Trace", "ab"), ("Authorization", "Bearer t")], [])
    assert agree(get, {"thing": "abc"}, [*since, ("key", "k")], [("x-trace", "ab")], [("sid", "s")])
    assert not agree(get, {"thing": "abc"}, [*since, ("key", "k")], [("x-trace", "ab")], [])  # both keys needed
    assert not agree(
        get, {"thing": "abc"}, [*since, ("mode", "Fast")], [("x-trace", "ab"), ("Authorization", "Bearer t")], []
    )
    assert not agree(get, {"thing": "a"}, since, [("x-trace", "ab"), ("Authorization", "Bearer t")], [])
    assert agree(delete, {"thing": "abc"}, [], [("x-api-KEY", "")], [])  # present, even empty
    assert not agree(delete, {"thing": "abc"}, [], [], [])
    assert not agree(delete, {"thing": "abc"}, [], [("X-Api-Key", "k"), ("X-Reason", "not an email")], [])
