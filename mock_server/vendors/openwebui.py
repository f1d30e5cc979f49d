"""Open WebUI: bearer tokens of users; write/read access per caller; params stripped for read-only callers.

Write access = admin, owner (the model's ``user_id``), or a ``write`` grant to the caller.
Read access = write access, or a ``read`` grant to the caller (a public grant has access_id ``*``; a group grant,
access_type ``group``, is to the identity's ``groups``).
"""

from __future__ import annotations

import functools
from typing import Any

from mock_server.errors import spec_example
from mock_server.vendors._common import (
    Context,
    FastAPIErrors,
    FixtureSet,
    bearer_identity,
    echo_request,
    situation_error,
)

__all__ = [
    "IDENTITY_SCHEMA",
    "access",
    "authenticate",
    "authorize",
    "check_record",
    "errors",
    "generated",
    "get_model",
    "served_form",
]

IDENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["token", "user_id", "role"],
    "properties": {
        "token": {"type": "string", "minLength": 1},
        "user_id": {"type": "string", "minLength": 1},
        "role": {"type": "string", "enum": ["admin", "user"]},
        "groups": {"type": "array", "items": {"type": "string"}},
    },
}
generated = echo_request


@functools.lru_cache(maxsize=None)
def errors(api: str) -> FastAPIErrors:
    missing_id = spec_example(api, 422, "missing_id")["detail"][0]
    return FastAPIErrors(api, template=missing_id, missing=missing_id)


def served_form(api: str, record: dict[str, Any]) -> dict[str, Any]:
    """The body an owner gets (``write_access`` is computed per caller, so it is not stored)."""
    return {**record, "write_access": True}


def check_record(record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    if "write_access" in record:
        return "write_access", "is computed per caller (admin, owner or write grant); remove it from the fixture"
    return None


def authenticate(token: str, fixtures: FixtureSet) -> dict[str, Any]:
    return bearer_identity(fixtures.api, token, fixtures)


def authorize(ctx: Context) -> None:
    """Nothing beyond the bearer token, which the spec's security already checked."""


def _grant_to(grant: dict[str, Any], identity: dict[str, Any]) -> bool:
    kind, principal = grant["access_type"], grant["access_id"]
    if kind == "group":
        return principal in identity.get("groups", ())
    return principal in ("*", identity["user_id"])


def access(identity: dict[str, Any], record: dict[str, Any]) -> str | None:
    """``write``, ``read`` or None for this caller on this model."""
    grants = [g for g in record.get("access_grants", []) if _grant_to(g, identity)]
    if identity["role"] == "admin" or record["user_id"] == identity["user_id"]:
        return "write"
    if any(g.get("permission") == "write" for g in grants):
        return "write"
    if any(g.get("permission") == "read" for g in grants):
        return "read"
    return None


def get_model(ctx: Context) -> dict[str, Any]:
    """operationId ``get_model``: ``GET /models/model?id=...``."""
    record = ctx.fixtures.models.get(ctx.query["id"])
    if record is None:
        raise situation_error(ctx.api, "not_found")
    assert ctx.identity is not None  # the spec's bearer security ran before this handler
    level = access(ctx.identity, record)
    if level is None:
        raise situation_error(ctx.api, "denied")
    return ctx.fixtures.memo(("view", record["id"], level), lambda: _view(record, level))


def _view(record: dict[str, Any], level: str) -> dict[str, Any]:
    body = {**record, "write_access": level == "write"}
    if level != "write":
        body["params"] = {}
    return body
