"""Format checks for the fast path: the checker's own function, or an exact faster twin of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jsonschema import _format

try:  # what jsonschema's own date-time check uses; without it openapi-core checks no date-time either
    from rfc3339_validator import RFC3339_REGEX, validate_rfc3339
except ImportError:  # pragma: no cover - a dependency of openapi-schema-validator
    RFC3339_REGEX = validate_rfc3339 = None

__all__ = ["fast_format"]


_SEEN: dict[str, bool] = {}  # verdicts of recent timestamps: bulk data repeats them (a pure function, so exact)
_SEEN_MAX = 4096


def _is_datetime(instance: object) -> bool:
    """``jsonschema._format.is_datetime``, memoised, without ``calendar.monthrange`` for days 1-28."""
    if not isinstance(instance, str):
        return True
    seen = _SEEN.get(instance)
    if seen is None:
        seen = _SEEN[instance] = _check_datetime(instance)
        if len(_SEEN) > _SEEN_MAX:
            _SEEN.clear()
    return seen


def _check_datetime(instance: str) -> bool:
    upper = instance.upper()
    m = RFC3339_REGEX.match(upper)
    if m is None:
        return False
    year, _, day = m.groups()
    if year != "0000" and "01" <= day <= "28":
        return True
    return bool(validate_rfc3339(upper))


def fast_format(checker: Any, name: str) -> Callable[[Any], bool]:
    """A function with ``checker.conforms(value, name)``'s answer for any non-None value."""
    func, raises = checker.checkers[name]
    if name == "date-time" and RFC3339_REGEX is not None and func is getattr(_format, "is_datetime", None):
        return _is_datetime
    if not raises:
        return lambda value: bool(func(value))
    return lambda value: bool(checker.conforms(value, name))
