"""The mock's vendor interface: a base class whose every member has a default, so a vendor module writes only what
makes its vendor different (httpx's ``BaseTransport``: one method to write, defaults for the rest).

A vendor module defines a subclass and one instance of it, ``VENDOR``. The defaults are what most vendors do:
bearer authentication against the fixtures' tokens, no authorization beyond the credential, records served as
stored (``x-secret`` fields masked), framework errors answered as the spec's missing model, generated bodies that
echo the requested id, the model operation answered by :meth:`Vendor.read_model` (the record of the requested
id, if :meth:`Vendor.readable` for the caller, as :meth:`Vendor.view` shows it), and for ``mock-server record``:
the spec's credential says who called, an answer is stored as served, and an identity needs nothing but its token.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import vendor_specs
from mock_server.errors import VendorError
from mock_server.vendors._common import (
    Context,
    ErrorFormat,
    FixtureSet,
    bearer_identity,
    echo_request,
    mask_secrets,
    situation_error,
)
from mock_server.vendors._learn import Identified, Observation, spec_credential

__all__ = ["Asked", "SpecErrors", "Vendor"]


@dataclass(frozen=True)
class Asked:
    """What ``mock-server record`` knows when it asks a vendor who a caller is (:meth:`Vendor.identify`): the
    caller's ``name`` in the recording, the answers it got (``seen``), its new token (None: nobody may call as
    it), every recorded model and the identities worked out before it."""

    key: str  # the spec key the recording judges by (a vendor, or a vendor with an overlay)
    name: str
    seen: Sequence[Observation]
    token: str | None
    models: Mapping[str, dict[str, Any]]
    others: Mapping[str, dict[str, Any]]


class SpecErrors(ErrorFormat):
    """Framework errors as the spec's missing model (a path or id the framework cannot route is one), in the shape
    of its not-found body (``x-message-field`` carries the framework's text)."""

    def __init__(self, api: str) -> None:
        self.api = api

    def _said(self, status: int, text: str, headers: dict[str, str] | None = None) -> VendorError:
        answer = vendor_specs.situation(self.api, "not_found").preferred
        schema = vendor_specs.json_body_schema(vendor_specs.model_operation(self.api).responses[str(answer.status)])
        return VendorError(status, vendor_specs.with_message(schema, answer.body, text), dict(headers or {}))

    def invalid_params(self, errors: list[dict[str, Any]]) -> VendorError:
        return situation_error(self.api, "not_found")

    def route_not_found(self) -> VendorError:
        return situation_error(self.api, "not_found")

    def method_not_allowed(self, method: str, allow: str) -> VendorError:
        return self._said(405, f"Method {method} not allowed", {"Allow": allow})

    def server_error(self) -> VendorError:
        return self._said(500, "Internal Server Error")


class Vendor:
    """One vendor of the mock; override what makes it different. Every method receives the spec key it answers
    for (``ctx.api``, ``key``: ``openwebui`` or ``openwebui@openwebui-0.12.4``): with an overlay it answers as that
    implementation."""

    #: JSON Schema (OAS 3.0 dialect) of one fixture identity: its token, and the identity fields the access rules use
    IDENTITY_SCHEMA: dict[str, Any] = {
        "type": "object",
        "required": ["token"],
        "properties": {"token": {"type": "string", "minLength": 1}},
    }

    def errors(self, key: str) -> ErrorFormat:
        """The vendor's answers to errors its framework raises (unknown route, bad parameters, ...)."""
        return SpecErrors(key)

    def authenticate(self, credential: str, fixtures: FixtureSet) -> dict[str, Any]:
        """The identity a credential of the spec's security scheme belongs to, or raise ``VendorError``."""
        return bearer_identity(fixtures.api, credential, fixtures)

    def authorize(self, ctx: Context) -> None:
        """Check the caller's context before any answer, a ``Prefer``-forced one included (nothing by default)."""

    def served_form(self, key: str, record: dict[str, Any]) -> dict[str, Any]:
        """A fixture record as its owner is served it (``x-secret`` fields masked); validated on load."""
        return mask_secrets(key, record)

    def check_record(self, record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
        """A vendor rule a fixture record breaks, as (field, problem), or None."""
        return None

    def generated(self, ctx: Context, body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        """A ``Prefer: dynamic=true`` 200 body made plausible for the request (the requested id, ordered times)."""
        return echo_request(ctx, body, rng)

    # ------------------------------------------------------------------------------------------ the model operation
    def readable(self, ctx: Context, record: dict[str, Any]) -> bool:
        """Whether the caller may read ``record`` (every authenticated caller by default)."""
        return True

    def view(self, ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
        """The record as this caller is shown it (as served, by default)."""
        return ctx.fixtures.memo(("served", ctx.api, id(record)), lambda: self.served_form(ctx.api, record))

    def read_model(self, ctx: Context) -> dict[str, Any]:
        """The model operation: the requested model, the spec's not-found or denied answer."""
        record = ctx.fixtures.models.get(ctx.requested_id or "")
        if record is None:
            raise situation_error(ctx.api, "not_found")
        if not self.readable(ctx, record):
            raise situation_error(ctx.api, "denied")
        return self.view(ctx, record)

    def __getattr__(self, name: str) -> Any:
        """The model operation's handler, by its operationId (``get_model``): :meth:`read_model` unless the
        vendor defines a method of that name."""
        if not name.startswith("_") and any(
            op.operation_id == name and "x-model" in op.definition
            for api in vendor_specs.apis()
            for op in vendor_specs.operations(api)
        ):
            return self.read_model
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    # ---------------------------------------------------------------------------- recording (mock-server record)
    def caller(self, ctx: Context) -> str | None:
        """The credential saying who sent a request (where the spec's security puts it), or None."""
        return spec_credential(ctx)

    def observe(self, key: str, body: dict[str, Any], caller: str) -> Observation:
        """A conforming 200 body of the model operation as the record a fixture stores (as served, by default)."""
        return Observation(dict(body))

    def identify(self, asked: Asked) -> Identified:
        """The identity fields (besides ``token``) the access rules need for the caller ``asked.name`` to get the
        answers it got again (none by default)."""
        return Identified({})
