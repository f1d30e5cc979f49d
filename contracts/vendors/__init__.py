"""Harness vendor modules: the explicit cases one vendor needs beyond the shared ones.

Everything else the harness knows about a vendor is a fact of its spec (``x-model``,
``x-situations``, ``x-message-field``, ``x-secret``), read through ``vendor_specs``. A vendor module
``contracts/vendors/<api>.py`` (or under ``VENDOR_PATH``) provides :class:`HarnessVendor`.
"""

from __future__ import annotations

from typing import Protocol, cast

import vendor_specs
from contracts.cases import Case
from contracts.errors import UsageError

__all__ = ["HarnessVendor", "harness_vendor"]

# Vendors under VENDOR_PATH bring their module in <folder>/contracts/vendors/.
__path__.extend(str(root / "contracts" / "vendors") for root in vendor_specs.roots())  # noqa: F821


class HarnessVendor(Protocol):
    """What ``contracts/vendors/<api>.py`` provides."""

    #: explicit cases only this vendor needs (run after the shared ones, skipped without their profile data)
    CASES: tuple[Case, ...]


def harness_vendor(api: str) -> HarnessVendor:
    """The harness vendor module of ``api``; :class:`UsageError` if there is none or it lacks ``CASES``."""
    try:
        module = vendor_specs.vendor_module(__name__, api, "harness module")  # a spec key: its vendor's module
    except vendor_specs.SpecError as exc:
        raise UsageError(str(exc)) from None
    if not isinstance(getattr(module, "CASES", None), tuple):
        raise UsageError(f"harness module {module.__name__} must define CASES, a tuple of contracts.cases.Case")
    return cast(HarnessVendor, module)
