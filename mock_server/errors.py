"""The mock server's one error tree.

``MockServerError`` is the base. ``FixtureError`` and ``UsageError`` stop the CLI with exit code 2 and a
one-line message; ``VendorError`` is an HTTP answer in the vendor's own format (status, JSON body,
headers) that handlers and security functions raise and the app's error handlers render.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from vendor_specs import examples_for

__all__ = ["FixtureError", "MockServerError", "UsageError", "VendorError", "spec_example"]


class MockServerError(Exception):
    """Base of every error the mock server raises on purpose."""


class UsageError(MockServerError):
    """Bad command-line input (an unknown API, a malformed latency, a missing directory)."""


@dataclass
class FixtureError(MockServerError):
    """A fixture file that cannot be served: names the file, the record, the field and the problem."""

    file: str
    problem: str
    record: str | None = None
    field: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"fixture `{self.file}`"
        if self.record is not None:
            where += f" record {self.record}"
        if self.field is not None:
            where += f" field `{self.field}`"
        return f"{where}: {self.problem}"


@dataclass
class VendorError(MockServerError):
    """An HTTP error answer exactly as the vendor sends it."""

    status_code: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(f"{self.status_code} {self.body!r}")


@functools.lru_cache(maxsize=None)
def _example(api: str, status: int, name: str) -> Any:
    examples = examples_for(api, status)
    if name not in examples:
        raise KeyError(f"spec {api}: no example {name!r} for status {status} (have {sorted(examples)})")
    return examples[name]["value"]


def spec_example(api: str, status: int, name: str) -> Any:
    """The value of a named response example of ``api``'s spec (shared, cached: do not mutate)."""
    return _example(api, status, name)
