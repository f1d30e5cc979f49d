"""Mock vendor modules: one per vendor, what makes it different (:class:`~mock_server.vendors.base.Vendor`).

``mock_server/vendors/<api>.py`` (or ``<folder>/mock_server/vendors/<api>.py`` for a vendor under
``VENDOR_PATH``) defines a subclass of :class:`Vendor` overriding what its vendor does differently, and its one
instance ``VENDOR``. A handler is a method named by the operationId (the model operation's is
:meth:`Vendor.read_model` unless the vendor writes its own): ``handler(ctx) -> body``, raising ``VendorError``
for error answers. A body is a fixture record or a ``ctx.fixtures.memo`` view of one, never mutated afterwards,
so its JSON is encoded once per fixture version. Which answer each situation gets, the id fields and the secret
fields are facts of the spec (``vendor_specs``), not of the module.

``api`` is a spec key: ``openwebui``, or ``openwebui@openwebui-0.12.4`` (the page's spec with an overlay).
The vendor of a key is its vendor's; it reads every spec fact for the key it is handed (``ctx.api``,
``fixtures.api``, ``errors(api)``), never for a name of its own, so that with an overlay it answers as that
implementation does. Handlers work on page-shaped fixture records; the app turns their 200 bodies into the
overlay's shape (``mock_server.observed``).
"""

from __future__ import annotations

import vendor_specs
from mock_server.errors import UsageError
from mock_server.vendors.base import Asked, Vendor

__all__ = ["Asked", "Vendor", "vendor"]

# Vendors under VENDOR_PATH bring their module in <folder>/mock_server/vendors/.
__path__.extend(str(root / "mock_server" / "vendors") for root in vendor_specs.roots())  # noqa: F821


def vendor(api: str) -> Vendor:
    """The vendor of ``api`` (a spec key: its vendor's module's ``VENDOR``); :class:`UsageError` saying what is
    missing for any other."""
    try:
        module = vendor_specs.vendor_module(__name__, api, "mock module")
    except vendor_specs.SpecError as exc:
        raise UsageError(str(exc)) from None
    found = getattr(module, "VENDOR", None)
    if not isinstance(found, Vendor):
        raise UsageError(
            f"mock module {module.__name__} must define VENDOR, an instance of a mock_server.vendors.Vendor subclass"
        )
    missing = [
        op.operation_id
        for op in vendor_specs.operations(vendor_specs.vendor_of(api))
        if not callable(getattr(found, op.operation_id, None))
    ]
    if missing:
        raise UsageError(f"mock module {module.__name__} lacks a handler for {', '.join(missing)}")
    return found
