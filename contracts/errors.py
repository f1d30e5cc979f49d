"""The one error tree of the harness. Every message says what happened and what to do.

All of these mean "the run could not be judged" (exit code 2), as opposed to findings (exit code 1).
"""

from __future__ import annotations

__all__ = ["BaselineError", "ContractsError", "ProfileError", "ReportFileError", "TargetError", "UsageError"]


class ContractsError(Exception):
    """Base class: a usage, profile, baseline, spec or connection problem. The CLI exits with 2."""

    exit_code = 2


class UsageError(ContractsError):
    """The options given do not make a runnable configuration."""


class ProfileError(ContractsError):
    """The target profile cannot be read, is not valid, or names an unset environment variable."""


class BaselineError(ContractsError):
    """The baseline file cannot be read or an entry is incomplete."""


class TargetError(ContractsError):
    """The target is down, hangs past the timeout, or does not speak HTTP."""


class ReportFileError(ContractsError):
    """A file given to ``contracts report`` is not a run report this version can read."""
