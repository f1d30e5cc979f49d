"""What a vendor module tells ``mock-server record``: who called, how an answer becomes a stored record, and
what the answers reveal about their callers (``Vendor.caller``, ``observe``, ``identify``).

A vendor's answer depends on its caller (Open WebUI strips ``params`` for read-only callers and sets
``write_access``; SELISE shows the caller's own project key). Only the vendor module knows how, so it turns
an answer back into the record its handler would serve from (:class:`Observation`) and, from all the answers
one caller got, works out the identity fields its access rules need (:class:`Identified`), saying where each
came from and which it had to make up.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import cookie_parser

import vendor_specs
from mock_server.vendors._common import Context

__all__ = ["Identified", "Observation", "generated_id", "spec_credential"]


@dataclass(frozen=True)
class Observation:
    """One conforming 200 answer of the model operation, as the recorder keeps it.

    ``record`` is the model as a fixture file stores it: per-caller fields removed (Open WebUI's
    ``write_access``), the caller's own credential replaced by the stand-in the recorder gave it. ``lacks``
    says what the caller was not shown ("" for a full view, e.g. an owner's): a view that lacks something never
    replaces a full one of the same model.
    """

    record: dict[str, Any]
    lacks: str = ""

    @property
    def full(self) -> bool:
        return not self.lacks


@dataclass(frozen=True)
class Identified:
    """The fields of one identity besides ``token`` and, one sentence each, where they came from (written as
    comments above the identity)."""

    fields: dict[str, Any]
    notes: tuple[str, ...] = field(default=())


def spec_credential(ctx: Context) -> str | None:
    """The credential a request carries where the spec's security schemes put it (``Authorization: Bearer``'s
    token, an API key header, query parameter or cookie), the first one found; None without one."""
    operation = vendor_specs.model_operation(ctx.api)
    for credential in vendor_specs.credentials(ctx.api, operation.definition):
        if credential.where == "header":
            value = ctx.headers.get(credential.name)
        elif credential.where == "query":
            value = ctx.query.get(credential.name)
        else:
            value = cookie_parser(ctx.headers.get("cookie", "")).get(credential.name)
        if value is None:
            continue
        if credential.prefix:
            word, _, token = value.strip().partition(" ")
            if word.lower() != credential.prefix.lower():
                continue
            value = token
        if value.strip():
            return value.strip()
    return None


def generated_id(api: str, name: str) -> str:
    """An id for a fact no answer showed (a user id, ...): the same for the same identity on every rewrite of
    a recording, and never one a real server issued."""
    return f"recorded-{uuid.uuid5(uuid.NAMESPACE_URL, f'mock-server-record:{api}:{name}')}"
