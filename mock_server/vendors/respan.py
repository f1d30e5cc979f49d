"""Respan: API keys of organisations; global models for every valid key, custom models for their owner only.

A model is organisation-owned when ``affiliation_category`` is ``custom``; its owner is
``provider.organization_id`` (as in the page's example). Errors are Django REST Framework's.
"""

from __future__ import annotations

import functools
from typing import Any

from mock_server.errors import VendorError
from mock_server.vendors._common import Context, ErrorFormat, situation_error
from mock_server.vendors._learn import Identified
from mock_server.vendors.base import Asked, Vendor

__all__ = ["VENDOR", "Respan", "owner"]


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
def _errors(api: str) -> ErrorFormat:
    return _Errors(api)


def owner(record: dict[str, Any]) -> int | None:
    """The owning organisation of a custom model; None for a global model."""
    if record.get("affiliation_category") != "custom":
        return None
    return (record.get("provider") or {}).get("organization_id")


class Respan(Vendor):
    IDENTITY_SCHEMA: dict[str, Any] = {
        "type": "object",
        "required": ["token", "organization_id"],
        "properties": {"token": {"type": "string", "minLength": 1}, "organization_id": {"type": "integer"}},
    }

    def errors(self, key: str) -> ErrorFormat:
        return _errors(key)

    def check_record(self, record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
        if record.get("affiliation_category") == "custom" and not record.get("provider"):
            return "provider", "a custom model needs a provider whose organization_id owns it"
        return None

    def readable(self, ctx: Context, record: dict[str, Any]) -> bool:
        """Global models for every valid key, a custom model for its organisation only."""
        org = owner(record)
        assert ctx.identity is not None  # the spec's bearer security ran before the handler
        return org is None or org == ctx.identity["organization_id"]

    def identify(self, asked: Asked) -> Identified:
        """A caller shown a custom model belongs to its organisation (``provider.organization_id``); one shown only
        global models gets an organisation that owns none of the recorded custom models."""
        shown = [(obs.record["id"], org) for obs in asked.seen if (org := owner(obs.record)) is not None]
        if shown:
            org = shown[0][1]
            names = ", ".join(model for model, other in shown if other == org)
            notes = [f"organization_id {org}: it was shown the custom model(s) {names} of that organisation"]
            if len({o for _, o in shown}) > 1:
                notes.append(f"it was also shown custom models of other organisations: {sorted({o for _, o in shown})}")
            return Identified({"organization_id": org}, tuple(notes))
        taken = {org for record in asked.models.values() if (org := owner(record)) is not None}
        taken |= {ident["organization_id"] for ident in asked.others.values() if "organization_id" in ident}
        org = max(taken, default=0) + 1
        why = "it was shown only global models" if asked.seen else "no answer was shown to it"
        return Identified(
            {"organization_id": org},
            (f"organization_id {org} generated: {why}; it owns none of the recorded custom models",),
        )


VENDOR = Respan()
