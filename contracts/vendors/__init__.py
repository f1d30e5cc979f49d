"""Harness vendor modules: explicit cases a vendor needs beyond those the page's rules generate.

Everything else the harness knows about a vendor is a fact of its spec (``x-rules``, ``x-model``,
``x-situations``, ``x-message-field``, ``x-secret``), read through ``vendor_specs``; most vendors need no module.
One that does provides ``contracts/vendors/<api>.py`` (or under ``VENDOR_PATH``) with :class:`HarnessVendor`.
"""

from __future__ import annotations

import importlib.util
from typing import Protocol

import vendor_specs
from contracts.cases import Case
from contracts.errors import UsageError

__all__ = ["HarnessVendor", "vendor_cases"]

# Vendors under VENDOR_PATH bring their module in <folder>/contracts/vendors/.
__path__.extend(str(root / "contracts" / "vendors") for root in vendor_specs.roots())  # noqa: F821


class HarnessVendor(Protocol):
    """What ``contracts/vendors/<api>.py`` provides."""

    #: explicit cases only this vendor needs (run after the generated ones, skipped without their profile data)
    CASES: tuple[Case, ...]


def vendor_cases(api: str) -> tuple[Case, ...]:
    """The vendor's own cases (a spec key names its vendor's): none when it has no harness module."""
    vendor_specs.require_api(api, UsageError)
    vendor = vendor_specs.vendor_of(api)
    if importlib.util.find_spec(f"{__name__}.{vendor}") is None:
        return ()
    try:
        module = vendor_specs.vendor_module(__name__, api, "harness module")
    except vendor_specs.SpecError as exc:
        raise UsageError(str(exc)) from None
    cases = getattr(module, "CASES", None)
    if not isinstance(cases, tuple) or not all(isinstance(c, Case) for c in cases):
        raise UsageError(f"harness module {module.__name__} must define CASES, a tuple of contracts.cases.Case")
    return cases
