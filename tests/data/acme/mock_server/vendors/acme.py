"""Acme (made up): an X-Acme-Key per team; a team reads its own things only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mock_server.errors import VendorError
from mock_server.vendors._common import (
    Context,
    ErrorFormat,
    FixtureSet,
    bearer_identity,
    echo_request,
    situation_error,
)
from mock_server.vendors._learn import Identified, Observation, generated_id, spec_credential

IDENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["token", "team"],
    "properties": {"token": {"type": "string"}, "team": {"type": "string"}},
}


class _Errors(ErrorFormat):
    """Every framework-level error in Acme's `{"message"}` shape; a path or id it cannot route is a 404."""

    def __init__(self, api: str) -> None:
        self.api = api

    def invalid_params(self, errors: list[dict[str, Any]]) -> VendorError:
        return situation_error(self.api, "not_found")

    def route_not_found(self) -> VendorError:
        return situation_error(self.api, "not_found")

    def method_not_allowed(self, method: str, allow: str) -> VendorError:
        return VendorError(405, {"message": f"{method} not allowed"}, {"Allow": allow})

    def server_error(self) -> VendorError:
        return VendorError(500, {"message": "internal error"})


def errors(api: str) -> ErrorFormat:
    return _Errors(api)


generated = echo_request


def authenticate(key: str, fixtures: FixtureSet) -> dict[str, Any]:
    return bearer_identity(fixtures.api, key, fixtures)


def authorize(ctx: Context) -> None:
    """Nothing beyond the key."""


def served_form(api: str, record: dict[str, Any]) -> dict[str, Any]:
    return record


def check_record(record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    return None


def get_thing(ctx: Context) -> dict[str, Any]:
    record = ctx.fixtures.models.get(ctx.path_params["thing_id"])
    if record is None:
        raise situation_error(ctx.api, "not_found")
    assert ctx.identity is not None
    if record["team"] != ctx.identity["team"]:
        raise situation_error(ctx.api, "denied")
    return record


# --------------------------------------------------------------------------- recording (mock-server record)
caller = spec_credential


def observe(api: str, body: dict[str, Any], caller: str) -> Observation:
    return Observation(dict(body))


def identify(
    api: str,
    name: str,
    seen: Sequence[Observation],
    token: str | None,
    models: Mapping[str, dict[str, Any]],
    others: Mapping[str, dict[str, Any]],
) -> Identified:
    """A team reads its own things: the team of what it was shown, else a team that owns nothing recorded."""
    if seen:
        return Identified({"team": seen[0].record["team"]}, ("team: the team of the things it was shown",))
    return Identified({"team": generated_id(api, name)}, ("team generated: it was shown nothing",))


__all__ = [
    "IDENTITY_SCHEMA",
    "authenticate",
    "authorize",
    "caller",
    "check_record",
    "errors",
    "generated",
    "get_thing",
    "identify",
    "observe",
    "served_form",
]
