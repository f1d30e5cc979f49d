"""Spec keys: ``openwebui`` (the page's spec) or ``openwebui@openwebui-0.12.4`` (with an overlay applied).

Every function of ``vendor_specs`` that takes ``api`` takes a key and caches per key, so the page's spec and
each overlaid spec never share an answer, in one process, at the same time. :func:`spec_key` builds a key
from what a user gives (``--api``, ``--overlay``) and checks that the overlaid spec loads and states every
vendor fact.
"""

from __future__ import annotations

from pathlib import Path

from vendor_specs._errors import SpecError
from vendor_specs._facts import check_facts
from vendor_specs._overlay import load_overlay, overlays
from vendor_specs._registry import KEY_SEP, vendor_of

__all__ = ["spec_key"]


def spec_key(api: str | None, overlay: str | Path | None) -> str:
    """The key of ``api``'s spec with ``overlay`` (a shipped name or a file) applied, checked: the overlay
    loads, extends ``api`` (None: whichever vendor it extends) and gives a valid spec. Without an overlay,
    ``api`` itself."""
    if overlay is None:
        if api is None:
            raise SpecError("name an API or an overlay")
        return api
    found = load_overlay(overlay)
    if api is not None and vendor_of(api) != found.vendor:
        raise SpecError(
            f"{found.label()} extends {found.vendor}.yaml, not {vendor_of(api)}; pick an overlay of {vendor_of(api)} "
            f"({', '.join(n for n, p in overlays().items() if load_overlay(p).vendor == vendor_of(api)) or 'none shipped'})"
        )
    ref = found.name if overlays().get(found.name) == found.path else str(found.path)
    key = f"{found.vendor}{KEY_SEP}{ref}"
    check_facts(key)  # the overlaid spec loads, and every vendor fact in it still holds
    return key
