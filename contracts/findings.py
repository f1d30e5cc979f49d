"""Findings and check outcomes are data; the CLI, JUnit, JSON and pytest render the same objects."""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vendor_specs import spec_path

__all__ = ["CLIENT_HEADERS", "CheckOutcome", "Finding", "curl_command", "spec_file", "spec_location"]


def _pointer(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def spec_file(api: str) -> str:
    """The spec file of ``api`` as a person can open it: relative to the working directory when it is
    under it (``openapi/respan.yaml`` in a checkout), else its absolute path (an installed wheel)."""
    path = spec_path(api)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def spec_location(api: str, path: str | None = None, method: str | None = None, *parts: str | int) -> str:
    """A JSON-pointer location in the spec file, e.g. ``openapi/respan.yaml#/paths/~1api~1models~1{model_name}~1/get/responses/403``."""
    if path is None or method is None:
        return f"{spec_file(api)}#/paths"
    tail = "".join("/" + _pointer(str(p)) for p in parts)
    return f"{spec_file(api)}#/paths/{_pointer(path)}/{method.lower()}{tail}"


#: headers an HTTP client adds by itself, left out of a reproduction (curl adds its own)
CLIENT_HEADERS = frozenset(
    {"host", "user-agent", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid"}
)


def curl_command(
    method: str, url: str, headers: Iterable[tuple[str, str]] = (), secrets: Mapping[str, str] | None = None
) -> str:
    """A ``curl`` line reproducing a request; every credential in ``secrets`` (value -> what it is, e.g.
    ``owner token``) is shown the same way, as ``<owner token>`` (``Authorization: Bearer <owner token>``),
    never as itself."""
    parts = ["curl", "-g", "-X", method]
    for name, value in headers:
        if name.lower() in CLIENT_HEADERS:
            continue
        name = "-".join(word[:1].upper() + word[1:] for word in name.split("-"))
        for secret, role in (secrets or {}).items():
            if secret and secret in value:
                value = value.replace(secret, f"<{role}>")
        parts += ["-H", f"{name}: {value}"]
    parts.append(url)
    return " ".join(shlex.quote(p) for p in parts)


@dataclass(frozen=True)
class Finding:
    """One contract violation: which check, on which operation, what and where in the spec, and how to reproduce it."""

    check: str
    operation: str
    message: str
    location: str
    curl: str = ""
    status: int | None = None
    accepted: str | None = None  # the baseline's reason when this finding is a known, accepted deviation

    @property
    def key(self) -> tuple[str, str]:
        return (self.check, self.operation)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        lines = [f"[{self.check}] {self.operation}: {self.message}", f"  spec: {self.location}"]
        if self.curl:
            lines.append(f"  reproduce: {self.curl}")
        if self.accepted:
            lines.append(f"  accepted by baseline: {self.accepted}")
        return "\n".join(lines)


@dataclass(frozen=True)
class CheckOutcome:
    """Whether a check ran on an operation; ``skipped`` carries the reason (e.g. no profile)."""

    check: str
    operation: str
    skipped: str | None = None
