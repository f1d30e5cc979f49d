"""The parameter validator plugged into Connexion: FastAPI-style errors, coercion, memoised checks."""

from __future__ import annotations

import pytest

from mock_server._connexion import InvalidParameters, ParameterValidator
from mock_server.vendors import vendor

OWUI = vendor("openwebui").errors("openwebui")
SELISE = vendor("selise").errors("selise")

PARAMS = [
    {"name": "limit", "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1}},
    {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "minLength": 2}},
    {"name": "x-flag", "in": "header", "schema": {"type": "boolean"}},
]


def _scope(query: bytes, name: str, headers: list[tuple[bytes, bytes]] = ()) -> dict:
    return {"type": "http", "query_string": query, "path_params": {"name": name}, "headers": list(headers)}


def _errors(scope: dict) -> list[dict]:
    with pytest.raises(InvalidParameters) as info:
        ParameterValidator(PARAMS).validate(scope)
    return info.value.errors


def test_valid_parameters_pass():
    ParameterValidator(PARAMS).validate(_scope(b"limit=5", "ok", [(b"x-flag", b"true")]))
    ParameterValidator(PARAMS).validate(_scope(b"limit=5", "ok"))  # memoised second time


@pytest.mark.parametrize(
    ("scope", "expect"),
    [
        (_scope(b"", "ok"), [("missing", ["query", "limit"])]),
        (_scope(b"limit=abc", "ok"), [("integer_parsing", ["query", "limit"])]),
        (_scope(b"limit=0", "x"), [("minimum_error", ["query", "limit"]), ("minLength_error", ["path", "name"])]),
        (_scope(b"limit=2", "ok", [(b"x-flag", b"maybe")]), [("boolean_parsing", ["header", "x-flag"])]),
    ],
)
def test_errors_name_type_and_location(scope, expect):
    assert [(e["type"], e["loc"]) for e in _errors(scope)] == expect


def test_rendered_in_each_vendors_422_shape():
    errors = _errors(_scope(b"limit=0", "ok"))
    owui = OWUI.invalid_params(errors)
    assert owui.status_code == 422 and set(owui.body["detail"][0]) == {"type", "loc", "msg", "input"}
    selise = SELISE.invalid_params(errors)
    assert selise.status_code == 422 and set(selise.body["detail"][0]) == {"loc", "msg", "type"}
    missing = OWUI.invalid_params(_errors(_scope(b"", "ok"))).body["detail"][0]
    assert missing == {"type": "missing", "loc": ["query", "limit"], "msg": "Field required", "input": None}
