"""The one error tree of payload validation: every message says what happened and what to do."""

from __future__ import annotations

__all__ = ["UnusableInput", "UsageError", "ValidateError"]


class ValidateError(Exception):
    """Base of every error payload validation raises on purpose (the CLI turns it into exit code 2)."""


class UnusableInput(ValidateError):
    """The input cannot be validated: unreadable, not JSON, not UTF-8, too large, unknown API or status."""


class UsageError(ValidateError):
    """The command line asks for something impossible (no input, two inputs, unknown API)."""
