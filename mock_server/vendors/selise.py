"""SELISE Blocks: models scoped by project; every ``x-secret`` field (``ApiKey``) always masked.

Project context = the ``project_key`` query parameter when given, else the ``X-Blocks-Key`` header.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Mapping, Sequence
from typing import Any

from mock_server.errors import VendorError, spec_example
from mock_server.vendors._common import (
    Context,
    FastAPIErrors,
    FixtureSet,
    echo_request,
    mask_secrets,
    situation_error,
)
from mock_server.vendors._learn import Identified, Observation
from vendor_specs import json_body_schema, model_operation, situation, with_message

__all__ = [
    "IDENTITY_SCHEMA",
    "authenticate",
    "authorize",
    "caller",
    "check_record",
    "errors",
    "generated",
    "get_model_by_id",
    "identify",
    "observe",
    "served_form",
]

IDENTITY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["token"],
    "properties": {
        "token": {"type": "string", "minLength": 1},
        # a project whose key is not kept (token: null): the ProjectKey its models carry
        "project": {"type": "string", "minLength": 1},
    },
}


def _blocks_error(api: str, message: str) -> VendorError:
    """The answer to a bad project key (the spec's ``bad_credentials``) carrying ``message``."""
    answer = situation(api, "bad_credentials").preferred
    schema = json_body_schema(model_operation(api).responses[str(answer.status)])
    return VendorError(answer.status, with_message(schema, answer.body, message))


class _Errors(FastAPIErrors):
    def bad_prefer(self, message: str) -> VendorError:
        return _blocks_error(self.api, message)


@functools.lru_cache(maxsize=None)
def errors(api: str) -> FastAPIErrors:
    return _Errors(api, template=spec_example(api, 422, "documented")["detail"][0])


def served_form(api: str, record: dict[str, Any]) -> dict[str, Any]:
    return mask_secrets(api, record)


def check_record(record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
    projects = {ident["token"] if ident["token"] is not None else ident.get("project") for ident in identities.values()}
    if record["ProjectKey"] not in projects:
        return "ProjectKey", f"{record['ProjectKey']!r} is not the token (project key) of any identity in this file"
    return None


def authenticate(key: str, fixtures: FixtureSet) -> dict[str, Any]:
    """``X-Blocks-Key``: any value passes here; the handler decides (``project_key`` wins over it)."""
    return {"token": key}


def caller(ctx: Context) -> str | None:
    """The request's project key: the ``project_key`` query parameter, else the ``X-Blocks-Key`` header."""
    return ctx.query.get("project_key") or ctx.headers.get("x-blocks-key") or None


def _project_key(ctx: Context) -> str:
    """The caller's project key (``project_key`` query, else ``X-Blocks-Key``); 400 when it is missing or unknown."""
    key = caller(ctx)
    if not key:
        raise situation_error(ctx.api, "no_credentials")
    if key not in ctx.fixtures.by_token:
        raise _blocks_error(ctx.api, f"Project key '{key}' is unknown; use the key of an existing project")
    return str(key)


def authorize(ctx: Context) -> None:
    """A known project key; runs before ``Prefer`` is looked at: a forced answer still needs a project context."""
    _project_key(ctx)


def generated(ctx: Context, body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A ``Prefer: dynamic=true`` 200 body made plausible: the requested ``_id`` in the caller's project."""
    body = echo_request(ctx, body, rng)
    body["ProjectKey"] = _project_key(ctx)
    return body


def get_model_by_id(ctx: Context) -> dict[str, Any]:
    """operationId ``get_model_by_id``: ``GET /models/{model_id}?project_key=...``."""
    key = _project_key(ctx)
    record = ctx.fixtures.models.get(ctx.path_params["model_id"])
    if record is None:
        raise situation_error(ctx.api, "not_found")
    if record["ProjectKey"] != key:
        raise situation_error(ctx.api, "denied")
    return ctx.fixtures.memo(("view", ctx.path_params["model_id"]), lambda: mask_secrets(ctx.api, record))


# --------------------------------------------------------------------------- recording (mock-server record)
def observe(api: str, body: dict[str, Any], caller: str) -> Observation:
    """A model is shown only in its own project: its ``ProjectKey`` is the caller's project key, stored as the
    caller's stand-in (its new token), never as the real key."""
    return Observation({**body, "ProjectKey": caller})


def identify(
    api: str,
    name: str,
    seen: Sequence[Observation],
    token: str | None,
    models: Mapping[str, dict[str, Any]],
    others: Mapping[str, dict[str, Any]],
) -> Identified:
    """An identity is a project, its token the project key: the models it was shown carry it as ``ProjectKey``.
    Without a token (a caller the profile does not name) the identity keeps that stand-in as its ``project``."""
    mine = ", ".join(obs.record["_id"] for obs in seen)
    shown = f"the models it was shown ({mine}) carry it as ProjectKey" if mine else "no model was shown to it"
    if token is not None:
        return Identified({}, (f"project: the token is its project key; {shown}",))
    project = seen[0].record["ProjectKey"] if seen else name
    return Identified({"project": project}, (f"project {project}: its key is not kept; {shown}",))
