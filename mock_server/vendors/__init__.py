"""One module per vendor: its identities, access rules, handlers (named by operationId) and error formats.

A vendor module provides:

- ``API``, ``IDENTITY_SCHEMA`` (fixture identities), ``MODEL_KEY`` (the field a model is looked up by),
  ``served_form(record)`` and ``check_record(record, identities)`` (fixture validation);
- ``authenticate(credential, fixtures)`` for its security scheme (returns the identity or raises
  ``VendorError``);
- one handler per operationId, ``handler(ctx) -> body`` (raises ``VendorError`` for error answers); the
  body is a fixture record or a ``ctx.fixtures.memo`` view of one, never mutated afterwards, so its JSON
  is encoded once per fixture version;
- ``ERRORS``: a ``mock_server.vendors._common.ErrorFormat`` for framework-level errors.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from mock_server.errors import UsageError
from vendor_specs import APIS

__all__ = ["vendor"]


def vendor(api: str) -> ModuleType:
    """The vendor module of ``api``."""
    if api not in APIS:
        raise UsageError(f"unknown API {api!r}: choose one of {', '.join(APIS)}")
    return importlib.import_module(f"mock_server.vendors.{api}")
