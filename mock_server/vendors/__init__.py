"""Mock vendor modules: one per vendor, its auth, access rules and handlers (:class:`MockVendor`).

``mock_server/vendors/<api>.py`` (or ``<folder>/mock_server/vendors/<api>.py`` for a vendor under
``VENDOR_PATH``) provides everything :class:`MockVendor` lists, plus one handler per operationId of
its spec, ``handler(ctx) -> body`` (raising ``VendorError`` for error answers). A body is a fixture
record or a ``ctx.fixtures.memo`` view of one, never mutated afterwards, so its JSON is encoded once
per fixture version. Which answer each situation gets, the id fields and the secret fields are facts
of the spec (``vendor_specs``), not of the module.

``api`` is a spec key: ``openwebui``, or ``openwebui@openwebui-0.12.4`` (the page's spec with an overlay).
The module of a key is its vendor's module; it reads every spec fact for the key it is handed
(``ctx.api``, ``fixtures.api``, ``errors(api)``), never for a name of its own, so that with an overlay it
answers as that implementation does. Handlers work on page-shaped fixture records; the app turns their
200 bodies into the overlay's shape (``mock_server.observed``).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, cast

import vendor_specs
from mock_server.errors import UsageError
from mock_server.vendors._common import Context, ErrorFormat, FixtureSet
from mock_server.vendors._learn import Identified, Observation

__all__ = ["MockVendor", "vendor"]

# Vendors under VENDOR_PATH bring their module in <folder>/mock_server/vendors/.
__path__.extend(str(root / "mock_server" / "vendors") for root in vendor_specs.roots())  # noqa: F821


class MockVendor(Protocol):
    """What ``mock_server/vendors/<api>.py`` provides (and one handler per operationId)."""

    #: JSON Schema (OAS 3.0 dialect) of one fixture identity: the token and the vendor's identity fields
    IDENTITY_SCHEMA: dict[str, Any]

    def errors(self, api: str) -> ErrorFormat:
        """The vendor's answers to errors its framework raises (unknown route, bad parameters, ...) for spec key ``api``."""

    def authenticate(self, credential: str, fixtures: FixtureSet) -> dict[str, Any]:
        """The identity a credential of the spec's security scheme belongs to, or raise ``VendorError``."""

    def authorize(self, ctx: Context) -> None:
        """Check the caller's context before any answer, a ``Prefer``-forced one included (e.g. SELISE's project key)."""

    def served_form(self, api: str, record: dict[str, Any]) -> dict[str, Any]:
        """A fixture record as its owner is served it (validated against the spec's 200 schema on load)."""

    def check_record(self, record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
        """A vendor rule a fixture record breaks, as (field, problem), or None."""

    def generated(self, ctx: Context, body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
        """A ``Prefer: dynamic=true`` 200 body made plausible for the request."""

    # What `mock-server record` asks (mock_server/vendors/_learn.py).
    def caller(self, ctx: Context) -> str | None:
        """The credential saying who sent a request (the bearer token, SELISE's project key), or None."""

    def observe(self, api: str, body: dict[str, Any], caller: str) -> Observation:
        """A conforming 200 body of the model operation as the record a fixture stores (per-caller fields
        removed; ``caller``, the stand-in for the caller's credential, wherever the body shows the caller's own
        credential), and what the caller was not shown."""

    def identify(
        self,
        api: str,
        name: str,
        seen: Sequence[Observation],
        token: str | None,
        models: Mapping[str, dict[str, Any]],
        others: Mapping[str, dict[str, Any]],
    ) -> Identified:
        """The identity fields (besides ``token``) of the caller ``name`` that got the answers ``seen``, so that
        the access rules give it those answers again: learnt where the answers show them, generated (and said
        so) where they do not. ``token`` is its new token (None: nobody may call as it), ``models`` every
        recorded record, ``others`` the identities worked out before it."""


_MEMBERS = (
    "IDENTITY_SCHEMA",
    "errors",
    "authenticate",
    "authorize",
    "served_form",
    "check_record",
    "generated",
    "caller",
    "observe",
    "identify",
)


def vendor(api: str) -> MockVendor:
    """The mock vendor module of ``api`` (a spec key: its vendor's module); :class:`UsageError` saying what is
    missing for any other."""
    try:
        module = vendor_specs.vendor_module(__name__, api, "mock module")
    except vendor_specs.SpecError as exc:
        raise UsageError(str(exc)) from None
    api = vendor_specs.vendor_of(api)
    missing = [name for name in _MEMBERS if not hasattr(module, name)]
    missing += [
        op.operation_id for op in vendor_specs.operations(api) if not callable(getattr(module, op.operation_id, None))
    ]
    if missing:
        raise UsageError(
            f"mock module {module.__name__} lacks {', '.join(missing)} (see mock_server.vendors.MockVendor)"
        )
    return cast(MockVendor, module)
