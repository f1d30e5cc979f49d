"""Respan: API keys of organisations; global models for every valid key, custom models for their owner only.

A model is organisation-owned when ``affiliation_category`` is ``custom``; its owner is
``provider.organization_id`` (as in the page's example). Errors are Django REST Framework's.
"""

from __future__ import annotations

import functools
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
from mock_server.vendors._learn import Identified, Observation, spec_credential

__all__ = [
    "IDENTITY_SCHEMA",
    "authenticate",
    "authorize",
    "caller",
    "check_record",
    "errors",
    "generated",
    "identify",
    "observe",
    "owner",
    "retrieve_custom_model",
    "served_form",
]

IDENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["token", "organization_id"],
    "properties": {"token": {"type": "string", "minLength": 1}, "organization_id": {"type": "integer"}},
}
generated = echo_request


class _Errors(ErrorFormat):
    """DRF: a URL that resolves to no view, or a name that fails the path's pattern, is a plain 404."""

    def __init__(self, api: str) -> None:
        self.api = api

    def invalid_params(self, errors: list[dict[str, Any]]) -> VendorError:
        return situation_error(self.api, "not_found")

    def route_not_found(self) -> VendorError:
        return situation_error(self.api, "not_found")

    def method_not_allowed(self, method: str, allow: str) -> VendorError:
        # DRF's MethodNotAllowed text; the spec documents no 405.
        return VendorError(405, {"detail": f'Method "{method}" not allowed.'}, {"Allow": allow})

    def server_error(self) -> VendorError:
        return VendorError(500, {"detail": "A server error occurred."})

    def bad_prefer(self, message: str) -> VendorError:
        return VendorError(400, {"detail": message})


@functools.lru_cache(maxsize=None)
def errors(api: str) -> ErrorFormat:
    return _Errors(api)


def served_form(api: str, record: dict[str, Any]) -> dict[str, Any]:
    return record


def owner(record: dict[str, Any]) -> int | None:
    """The owning organisation of a custom model; None for a global model."""
    if record.get("affiliation_category") != "custom":
        return None
    return (record.get("provider") or {}).get("organization_id")


def check_record(record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    if record.get("affiliation_category") == "custom" and not record.get("provider"):
        return "provider", "a custom model needs a provider whose organization_id owns it"
    return None


def authenticate(token: str, fixtures: FixtureSet) -> dict[str, Any]:
    return bearer_identity(fixtures.api, token, fixtures)


def authorize(ctx: Context) -> None:
    """Nothing beyond the API key, which the spec's security already checked."""


def retrieve_custom_model(ctx: Context) -> dict[str, Any]:
    """operationId ``retrieve_custom_model``: ``GET /api/models/{model_name}/`` (literal ``/`` or ``%2F``)."""
    record = ctx.fixtures.models.get(ctx.path_params["model_name"])
    if record is None:
        raise situation_error(ctx.api, "not_found")
    org = owner(record)
    assert ctx.identity is not None  # the spec's bearer security ran before this handler
    if org is not None and org != ctx.identity["organization_id"]:
        raise situation_error(ctx.api, "denied")
    return record


# --------------------------------------------------------------------------- recording (mock-server record)
caller = spec_credential


def observe(api: str, body: dict[str, Any], caller: str) -> Observation:
    """Every caller that may read a model is shown all of it."""
    return Observation(dict(body))


def identify(
    api: str,
    name: str,
    seen: Sequence[Observation],
    token: str | None,
    models: Mapping[str, dict[str, Any]],
    others: Mapping[str, dict[str, Any]],
) -> Identified:
    """A caller shown a custom model belongs to its organisation (``provider.organization_id``); one shown only
    global models gets an organisation that owns none of the recorded custom models."""
    shown = [(obs.record["id"], org) for obs in seen if (org := owner(obs.record)) is not None]
    if shown:
        org = shown[0][1]
        names = ", ".join(model for model, other in shown if other == org)
        notes = [f"organization_id {org}: it was shown the custom model(s) {names} of that organisation"]
        if len({o for _, o in shown}) > 1:
            notes.append(f"it was also shown custom models of other organisations: {sorted({o for _, o in shown})}")
        return Identified({"organization_id": org}, tuple(notes))
    taken = {org for record in models.values() if (org := owner(record)) is not None}
    taken |= {ident["organization_id"] for ident in others.values() if "organization_id" in ident}
    org = max(taken, default=0) + 1
    why = "it was shown only global models" if seen else "no answer was shown to it"
    return Identified(
        {"organization_id": org},
        (f"organization_id {org} generated: {why}; it owns none of the recorded custom models",),
    )
