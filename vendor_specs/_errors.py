"""The package's one error."""

from __future__ import annotations

__all__ = ["SpecError"]


class SpecError(Exception):
    """A spec file is missing, is not YAML, is not a valid OpenAPI 3.0 document, or lacks a vendor fact."""
