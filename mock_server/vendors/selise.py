"""SELISE Blocks: models scoped by project; ``ApiKey`` (every ``x-secret`` field) always masked.

Project context = the ``project_key`` query parameter when given, else the ``X-Blocks-Key`` header.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from mock_server.errors import VendorError, spec_example
from mock_server.vendors._common import Context, FastAPIErrors, plausible_timestamps
from vendor_specs import examples_for, response_schema

__all__ = [
    "API",
    "ERRORS",
    "IDENTITY_SCHEMA",
    "MASK",
    "MODEL_KEY",
    "SECRETS",
    "authenticate",
    "authorize",
    "check_record",
    "generated",
    "get_model_by_id",
    "mask",
    "served_form",
]

API = "selise"
MODEL_KEY = "_id"
IDENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["token"],
    "properties": {"token": {"type": "string", "minLength": 1}},
}
SECRETS = tuple(name for name, prop in response_schema(API, 200)["properties"].items() if prop.get("x-secret"))
MASK = spec_example(API, 200, "documented")[SECRETS[0]]


class _Errors(FastAPIErrors):
    def missing_credentials(self) -> VendorError:
        return VendorError.from_spec(API, 400, "missing_project_key")

    def bad_prefer(self, message: str) -> VendorError:
        return _blocks_error(message)


ERRORS = _Errors(
    API,
    template=spec_example(API, 422, "documented")["detail"][0],
    not_found=examples_for(API, 404).get("unknown_route", {}).get("value"),
)


def _blocks_error(message: str) -> VendorError:
    body = copy.deepcopy(spec_example(API, 400, "missing_project_key"))
    body["errors"]["message"] = message
    return VendorError(400, body)


def mask(record: dict[str, Any]) -> dict[str, Any]:
    """The record with every secret field replaced by the spec's mask (``***masked***``)."""
    return {**record, **{name: MASK for name in SECRETS if record.get(name) is not None}}


def served_form(record: dict[str, Any]) -> dict[str, Any]:
    return mask(record)


def check_record(record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    if not any(ident["token"] == record["ProjectKey"] for ident in identities.values()):
        return "ProjectKey", f"{record['ProjectKey']!r} is not the token (project key) of any identity in this file"
    return None


def authenticate(key: str, fixtures: Any) -> dict[str, Any]:
    """``X-Blocks-Key``: any value passes here; the handler decides (``project_key`` wins over it)."""
    return {"token": key}


def authorize(ctx: Context) -> str:
    """The caller's project key (``project_key`` query, else ``X-Blocks-Key``); 400 when it is missing or
    unknown. Runs before ``Prefer`` is looked at: a forced answer still needs a valid project context."""
    key = ctx.query.get("project_key") or ctx.headers.get("x-blocks-key")
    if not key:
        raise VendorError.from_spec(API, 400, "missing_project_key")
    if key not in ctx.fixtures.by_token:
        raise _blocks_error(f"Project key '{key}' is unknown; use the key of an existing project")
    return str(key)


def generated(ctx: Context, body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A ``Prefer: dynamic=true`` 200 body made plausible: the requested ``_id`` in the caller's project,
    ``LastUpdatedDate >= CreatedDate``."""
    body["_id"] = ctx.path_params.get("model_id", body.get("_id"))
    body["ProjectKey"] = authorize(ctx)
    plausible_timestamps(body, "CreatedDate", "LastUpdatedDate", rng)
    return body


def get_model_by_id(ctx: Context) -> dict[str, Any]:
    """operationId ``get_model_by_id``: ``GET /models/{model_id}?project_key=...``."""
    key = authorize(ctx)
    record = ctx.fixtures.models.get(ctx.path_params["model_id"])
    if record is None:
        raise VendorError.from_spec(API, 404, "model_not_found")
    if record["ProjectKey"] != key:
        raise VendorError.from_spec(API, 422, "documented")
    return ctx.fixtures.memo((API, record[MODEL_KEY]), lambda: mask(record))
