"""Vendor rules the spec cannot express as a schema: which fields carry the id, which example answers which situation.

Everything here *names* things in the spec (example names, field names); statuses, bodies and messages are
read from the spec at run time, and ``tests/contracts/test_vendors.py`` fails if a name drifts from it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contracts.cases import CaseContext
    from contracts.findings import Finding

__all__ = ["Situation", "Vendor", "get_vendor"]


@dataclass(frozen=True)
class Situation:
    """An error situation, answered as the spec's example ``example`` shows (status, body shape, message)."""

    example: str
    exact_message: bool = True  # False: the message varies (e.g. it names the unknown key); compare status + shape


@dataclass(frozen=True)
class Vendor:
    api: str
    id_param: str  # the parameter carrying the model id
    id_fields: tuple[str, ...]  # response fields that must equal the requested id
    timestamp_pairs: tuple[tuple[str, str], ...]  # (created, updated) field pairs in the 200 body
    no_credentials: Situation
    bad_credentials: Situation
    denied: Situation  # `stranger` reads `models.own`
    not_found: Situation  # `models.missing`
    extra_cases: Callable[[CaseContext], Iterable[Finding]] | None = None


def get_vendor(api: str) -> Vendor:
    from contracts.vendors import openwebui, respan, selise

    return {"openwebui": openwebui.VENDOR, "respan": respan.VENDOR, "selise": selise.VENDOR}[api]
