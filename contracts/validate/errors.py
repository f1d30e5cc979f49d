"""Payload validation's errors, in the harness's one error tree (``contracts.errors``): every message says what
happened and what to do; the CLI turns each into exit code 2."""

from __future__ import annotations

from contracts.errors import ContractsError, UsageError

__all__ = ["UnusableInput", "UsageError", "ValidateError"]


class ValidateError(ContractsError):
    """Base of every error payload validation raises on purpose (the CLI turns it into exit code 2)."""


class UnusableInput(ValidateError):
    """The input cannot be validated: unreadable, not JSON, not UTF-8, too large, unknown API or status."""
