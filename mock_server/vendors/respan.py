"""Respan: API keys of organisations; global models for every valid key, custom models for their owner only.

A model is organisation-owned when ``affiliation_category`` is ``custom``; its owner is
``provider.organization_id`` (as in the page's example). Errors are Django REST Framework's.
"""

from __future__ import annotations

import random
from typing import Any

from mock_server.errors import VendorError
from mock_server.vendors._common import Context, ErrorFormat, bearer_identity, plausible_timestamps

__all__ = [
    "API",
    "ERRORS",
    "IDENTITY_SCHEMA",
    "MODEL_KEY",
    "authenticate",
    "check_record",
    "generated",
    "owner",
    "retrieve_custom_model",
    "served_form",
]

API = "respan"
MODEL_KEY = "model_name"
IDENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["token", "organization_id"],
    "properties": {"token": {"type": "string", "minLength": 1}, "organization_id": {"type": "integer"}},
}


class _Errors(ErrorFormat):
    """DRF: a URL that resolves to no view, or a name that fails the path's pattern, is a plain 404."""

    api = API

    def missing_credentials(self) -> VendorError:
        return VendorError.from_spec(API, 401, "not_provided")

    def invalid_params(self, errors: list[dict[str, Any]]) -> VendorError:
        return VendorError.from_spec(API, 404, "not_found")

    def route_not_found(self) -> VendorError:
        return VendorError.from_spec(API, 404, "not_found")

    def method_not_allowed(self, method: str, allow: str) -> VendorError:
        # DRF's MethodNotAllowed text; the spec documents no 405.
        return VendorError(405, {"detail": f'Method "{method}" not allowed.'}, {"Allow": allow})

    def server_error(self) -> VendorError:
        return VendorError(500, {"detail": "A server error occurred."})

    def bad_prefer(self, message: str) -> VendorError:
        return VendorError(400, {"detail": message})


ERRORS = _Errors()


def served_form(record: dict[str, Any]) -> dict[str, Any]:
    return record


def owner(record: dict[str, Any]) -> int | None:
    """The owning organisation of a custom model; None for a global model."""
    if record.get("affiliation_category") != "custom":
        return None
    return record["provider"]["organization_id"]


def check_record(record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    if record["id"] != record["model_name"]:
        return "id", f"must equal model_name {record['model_name']!r}, got {record['id']!r}"
    if record.get("affiliation_category") == "custom" and not record.get("provider"):
        return "provider", "a custom model needs a provider whose organization_id owns it"
    return None


def authenticate(token: str, fixtures: Any) -> dict[str, Any]:
    return bearer_identity(API, token, fixtures)


def retrieve_custom_model(ctx: Context) -> dict[str, Any]:
    """operationId ``retrieve_custom_model``: ``GET /api/models/{model_name}/`` (literal ``/`` or ``%2F``)."""
    record = ctx.fixtures.models.get(ctx.path_params["model_name"])
    if record is None:
        raise VendorError.from_spec(API, 404, "not_found")
    org = owner(record)
    assert ctx.identity is not None  # the spec's bearer security ran before this handler
    if org is not None and org != ctx.identity["organization_id"]:
        raise VendorError.from_spec(API, 403, "owned_by_others")
    return record


def generated(ctx: Context, body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A ``Prefer: dynamic=true`` 200 body made plausible: ``id`` = ``model_name`` = the requested name,
    ``updated_at >= created_at``."""
    name = ctx.path_params.get("model_name", body.get("model_name"))
    body["id"] = body["model_name"] = name
    plausible_timestamps(body, "created_at", "updated_at", rng)
    return body
