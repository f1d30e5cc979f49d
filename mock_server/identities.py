"""Who can use a mock: each fixture identity, how its token is sent, and which models it may read.

"May read" is not restated anywhere: it is what the vendor module's own handler answers when the identity
asks for each fixture model (200 = may read), so it is always what the mock will actually do. Computed
once per fixture version. The index page and the Swagger UI's Authorize dialog both show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import vendor_specs
from mock_server.errors import VendorError
from mock_server.vendors import vendor
from mock_server.vendors._common import Context, FixtureSet

__all__ = ["Identity", "answer", "identities", "readable_by_most"]


@dataclass(frozen=True)
class Identity:
    name: str
    token: str
    send: str  # how to send the token, e.g. ``Authorization: Bearer sk-...``
    may_read: tuple[str, ...]  # fixture model ids this identity gets a 200 for


def answer(api: str, fixtures: FixtureSet, token: str, model_id: str) -> dict[str, Any] | None:
    """The 200 body the vendor module's handler gives ``token`` for ``model_id``, or None when it refuses."""
    module = vendor(api)
    op = vendor_specs.model_operation(api)
    param = vendor_specs.model_facts(api).id_parameter
    where = next(p["in"] for p in op.parameters if p["name"] == param)
    found = vendor_specs.credentials(api, op.definition)
    headers, query, _cookies = found[0].place(token) if found else ({}, {}, {})
    query = {**query, param: model_id} if where == "query" else query
    scope = {
        "type": "http",
        "method": op.method.upper(),
        "path_params": {param: model_id} if where == "path" else {},
        "query_string": urlencode(query).encode(),
        "headers": [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()],
    }
    try:
        identity = module.authenticate(token, fixtures)
        body: dict[str, Any] = getattr(module, op.operation_id)(Context(api, fixtures, identity, scope))
    except VendorError:
        return None
    return body


def _reads(api: str, fixtures: FixtureSet, token: str, model_id: str) -> bool:
    return answer(api, fixtures, token, model_id) is not None


def _compute(api: str, fixtures: FixtureSet) -> tuple[Identity, ...]:
    found = vendor_specs.credentials(api, vendor_specs.model_operation(api).definition)
    out = []
    for name, ident in fixtures.identities.items():
        if ident["token"] is None:
            continue  # nobody can call as it
        token = str(ident["token"])
        send = found[0].describe(token) if found else token
        may_read = tuple(model_id for model_id in fixtures.models if _reads(api, fixtures, token, model_id))
        out.append(Identity(name, token, send, may_read))
    return tuple(out)


def identities(api: str, fixtures: FixtureSet) -> tuple[Identity, ...]:
    """Every identity of ``fixtures`` with what it may read (memoised per fixture version)."""
    result: tuple[Identity, ...] = fixtures.memo(("mock_server.identities", api), lambda: _compute(api, fixtures))
    return result


def readable_by_most(api: str, fixtures: FixtureSet) -> tuple[str | None, tuple[str, ...]]:
    """The fixture model the most identities may read (the first such, in fixture order) and who may."""
    people = identities(api, fixtures)
    best: tuple[str | None, tuple[str, ...]] = (None, ())
    for model_id in fixtures.models:
        readers = tuple(person.name for person in people if model_id in person.may_read)
        if len(readers) > len(best[1]):
            best = (model_id, readers)
    return best
