"""SELISE Blocks: models scoped by project; every ``x-secret`` field (``ApiKey``) always masked.

Project context = the ``project_key`` query parameter when given, else the ``X-Blocks-Key`` header.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from mock_server.errors import VendorError, spec_example
from mock_server.vendors._common import Context, FastAPIErrors, FixtureSet, echo_request, situation_error
from mock_server.vendors._learn import Identified, Observation
from mock_server.vendors.base import Asked, Vendor
from vendor_specs import json_body_schema, model_operation, situation, with_message

__all__ = ["VENDOR", "Selise"]


def _blocks_error(api: str, message: str) -> VendorError:
    """The answer to a bad project key (the spec's ``bad_credentials``) carrying ``message``."""
    answer = situation(api, "bad_credentials").preferred
    schema = json_body_schema(model_operation(api).responses[str(answer.status)])
    return VendorError(answer.status, with_message(schema, answer.body, message))


class _Errors(FastAPIErrors):
    def bad_prefer(self, message: str) -> VendorError:
        return _blocks_error(self.api, message)


@functools.lru_cache(maxsize=None)
def _errors(api: str) -> FastAPIErrors:
    return _Errors(api, template=spec_example(api, 422, "documented")["detail"][0])


class Selise(Vendor):
    IDENTITY_SCHEMA: dict[str, Any] = {
        "type": "object",
        "required": ["token"],
        "properties": {
            "token": {"type": "string", "minLength": 1},
            # a project whose key is not kept (token: null): the ProjectKey its models carry
            "project": {"type": "string", "minLength": 1},
        },
    }

    def errors(self, key: str) -> FastAPIErrors:
        return _errors(key)

    def check_record(self, record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
        projects = {i["token"] if i["token"] is not None else i.get("project") for i in identities.values()}
        if record["ProjectKey"] not in projects:
            return "ProjectKey", f"{record['ProjectKey']!r} is not the token (project key) of any identity in this file"
        return None

    def authenticate(self, key: str, fixtures: FixtureSet) -> dict[str, Any]:
        """``X-Blocks-Key``: any value passes here; the handler decides (``project_key`` wins over it)."""
        return {"token": key}

    def caller(self, ctx: Context) -> str | None:
        """The request's project key: the ``project_key`` query parameter, else the ``X-Blocks-Key`` header."""
        return ctx.query.get("project_key") or ctx.headers.get("x-blocks-key") or None

    def project_key(self, ctx: Context) -> str:
        """The caller's project key; the spec's 400 when it is missing or unknown."""
        key = self.caller(ctx)
        if not key:
            raise situation_error(ctx.api, "no_credentials")
        if key not in ctx.fixtures.by_token:
            raise _blocks_error(ctx.api, f"Project key '{key}' is unknown; use the key of an existing project")
        return str(key)

    def authorize(self, ctx: Context) -> None:
        """A known project key; runs before ``Prefer`` is looked at: a forced answer still needs a project context."""
        self.project_key(ctx)

    def generated(self, ctx: Context, body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        """A ``Prefer: dynamic=true`` 200 body made plausible: the requested ``_id`` in the caller's project."""
        body = echo_request(ctx, body, rng)
        body["ProjectKey"] = self.project_key(ctx)
        return body

    def read_model(self, ctx: Context) -> dict[str, Any]:
        """The project comes first (400 without one), then the model (404), then its project (the page's 422)."""
        self.project_key(ctx)
        return super().read_model(ctx)

    def readable(self, ctx: Context, record: dict[str, Any]) -> bool:
        return bool(record["ProjectKey"] == self.project_key(ctx))

    # ------------------------------------------------------------------------------------------ recording
    def observe(self, key: str, body: dict[str, Any], caller: str) -> Observation:
        """A model is shown only in its own project: its ``ProjectKey`` is the caller's project key, stored as the
        caller's stand-in (its new token), never as the real key."""
        return Observation({**body, "ProjectKey": caller})

    def identify(self, asked: Asked) -> Identified:
        """An identity is a project, its token the project key: the models it was shown carry it as ``ProjectKey``.
        Without a token (a caller the profile does not name) the identity keeps that stand-in as its ``project``."""
        mine = ", ".join(obs.record["_id"] for obs in asked.seen)
        shown = f"the models it was shown ({mine}) carry it as ProjectKey" if mine else "no model was shown to it"
        if asked.token is not None:
            return Identified({}, (f"project: the token is its project key; {shown}",))
        project = asked.seen[0].record["ProjectKey"] if asked.seen else asked.name
        return Identified({"project": project}, (f"project {project}: its key is not kept; {shown}",))


VENDOR = Selise()
