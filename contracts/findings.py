"""Findings and check outcomes are data; the CLI, JUnit, JSON, HTML and pytest render the same objects."""

from __future__ import annotations

import hashlib
import re
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from vendor_specs import Hider, json_pointer, spec_path

__all__ = [
    "CLIENT_HEADERS",
    "CheckOutcome",
    "Finding",
    "curl_command",
    "request_excerpt",
    "response_excerpt",
    "spec_file",
    "spec_location",
]


def spec_file(api: str) -> str:
    """The spec file of ``api`` as a person can open it: relative to the working directory when it is
    under it (``openapi/respan.yaml`` in a checkout), else its absolute path (an installed wheel)."""
    path = spec_path(api)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def spec_location(api: str, path: str | None = None, method: str | None = None, *parts: str | int) -> str:
    """A JSON-pointer location in the spec file, e.g. ``openapi/respan.yaml#/paths/~1api~1models~1{model_name}~1/get/responses/403``;
    with only ``path`` given, ``path`` is a pointer already (``#/components/schemas/ModelMeta``)."""
    if path is not None and method is None and path.startswith("#"):
        return f"{spec_file(api)}{path}"
    if path is None or method is None:
        return f"{spec_file(api)}#/paths"
    return f"{spec_file(api)}{json_pointer('paths', path, method.lower(), *parts)}"


#: headers an HTTP client adds by itself, left out of a reproduction (curl adds its own)
CLIENT_HEADERS = frozenset(
    {"host", "user-agent", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid"}
)


def _hider(secrets: Mapping[str, str] | None) -> Hider:
    """The hider of a run's credentials (value -> what it is, e.g. ``owner token``), built once per set."""
    key = tuple(sorted((secrets or {}).items()))
    hider = _HIDERS.get(key)
    if hider is None:
        if len(_HIDERS) >= 64:
            _HIDERS.clear()
        hider = _HIDERS[key] = Hider(dict(key))
    return hider


_HIDERS: dict[tuple[tuple[str, str], ...], Hider] = {}


def _shown(headers: Iterable[tuple[str, str]], secrets: Mapping[str, str] | None) -> list[tuple[str, str]]:
    """The headers worth showing, credentials hidden (:class:`vendor_specs.Hider`)."""
    hider = _hider(secrets)
    out = []
    for name, value in headers:
        if name.lower() in CLIENT_HEADERS:
            continue
        name = "-".join(word[:1].upper() + word[1:] for word in name.split("-"))
        out.append((name, hider.header(name, value)))
    return out


def curl_command(
    method: str, url: str, headers: Iterable[tuple[str, str]] = (), secrets: Mapping[str, str] | None = None
) -> str:
    """A ``curl`` line reproducing a request; every credential in ``secrets`` (value -> what it is, e.g.
    ``owner token``) is shown the same way, as ``<owner token>`` (``Authorization: Bearer <owner token>``),
    never as itself (also in the URL: SELISE's ``project_key=<owner token>``), and any other credential
    (one that only starts like a known one, a credential-shaped value) as ``<unknown token>``, whole."""
    parts = ["curl", "-g", "-X", method]
    for name, value in _shown(headers, secrets):
        parts += ["-H", f"{name}: {value}"]
    parts.append(_hider(secrets).target(url))
    return " ".join(shlex.quote(p) for p in parts)


def request_excerpt(
    method: str, url: str, headers: Iterable[tuple[str, str]] = (), secrets: Mapping[str, str] | None = None
) -> str:
    """The request as a person reads it: ``GET <url>`` and its headers, credentials as in :func:`curl_command`."""
    lines = [f"{method} {_hider(secrets).target(url)}"]
    lines += [f"{name}: {value}" for name, value in _shown(headers, secrets)]
    return "\n".join(lines)


MAX_EXCERPT = 600  # characters of a response body kept in a finding


def response_excerpt(
    status: int | None, content_type: str | None, body: bytes | str | None, secrets: Mapping[str, str] | None = None
) -> str:
    """``HTTP 200 text/html`` and the start of the body (at most :data:`MAX_EXCERPT` characters, whitespace
    runs collapsed, credentials in ``secrets`` as ``<owner token>``), or '' when there was no answer."""
    if status is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else (body or "")
    text = _hider(secrets).text(text)
    head = f"HTTP {status}" + (f" {content_type}" if content_type else " (no Content-Type)")
    if not text:
        return head + "\n(empty body)"
    cut = len(text) > MAX_EXCERPT
    text = re.sub(r"\s+", " ", text[:MAX_EXCERPT]).strip()
    return f"{head}\n{text}" + (f" ... ({len(body or b''):,} bytes in all)" if cut else "")


@dataclass(frozen=True)
class Finding:
    """One cause of a contract violation: which check, on which operation, what and where in the spec, and how
    to reproduce it.

    A body violation names the field (``path``, a JSON path), the schema ``rule`` and the offending ``value``
    (rendered, truncated); ``location`` is then the exact subschema in the spec file. Occurrences of the same
    cause (check, operation, status, rule, path) are merged (:mod:`contracts.merge`): ``count`` says how often
    it was seen, ``sources`` by which part of the run (``explicit``, ``examples``, ``coverage``, ``fuzzing``),
    and ``curl``/``request``/``response`` are those of the shortest reproduction. Findings that follow from
    this one (an HTML body cannot match a schema) are its ``consequences``: listed under it, not counted.
    ``exchange`` names the request it was seen on until it is merged (then '')."""

    check: str
    operation: str
    message: str
    location: str
    curl: str = ""
    status: int | None = None
    accepted: str | None = None  # the baseline's reason when this finding is a known, accepted deviation
    rule: str = ""
    path: str = ""
    value: str | None = None
    request: str = ""
    response: str = ""
    count: int = 1
    sources: tuple[str, ...] = ()
    consequences: tuple[Finding, ...] = ()
    rule_id: str = ""  # the page's rule it breaks (x-rules), '' when no rule holds it
    severity: str = "failure"  # failure (breaks what the page states), warning (what the spec infers, a text), note
    exchange: str = field(default="", compare=False)
    answer: bool = field(default=False, compare=False)  # the answer is not the predicted one (a root on its exchange)
    evidence: Any = field(default=None, compare=False, repr=False)  # the contracts.reply.Reply it was seen on

    @property
    def key(self) -> tuple[str, str]:
        return (self.check, self.operation)

    @property
    def cause(self) -> tuple[str, str, int | None, str, str, str]:
        """What makes two occurrences the same finding: check, operation, status, rule and the JSON path with
        its array indexes as ``[*]`` (the same wrong field in every element of a list is one cause)."""
        return (self.check, self.operation, self.status, self.rule, re.sub(r"\[\d+\]", "[*]", self.path), self.rule_id)

    @property
    def id(self) -> str:
        """A short stable name of :attr:`cause` (anchors in the HTML report, diagnoses' lists)."""
        return hashlib.sha1(repr(self.cause).encode()).hexdigest()[:10]

    def as_warning(self, why: str) -> Finding:
        """This finding as a warning, saying ``why`` (seen on a request the page says nothing of): a failure only
        where the page states what was broken."""
        if self.severity != "failure":
            return self
        return replace(self, severity="warning", message=f"{self.message} (a warning: {why})")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(replace(self, evidence=None, consequences=()))
        for hidden in ("exchange", "answer", "evidence"):
            data.pop(hidden)
        data["sources"] = list(self.sources)
        data["consequences"] = [c.as_dict() for c in self.consequences]
        data["id"] = self.id
        return data

    def __str__(self) -> str:
        seen = f" (seen {self.count} times: {', '.join(self.sources)})" if self.count > 1 and self.sources else ""
        seen = seen or (f" (seen {self.count} times)" if self.count > 1 else "")
        tag = f"{self.check}" + (f" · {self.severity}" if self.severity != "failure" else "")
        lines = [f"[{tag}] {self.operation}: {self.message}{seen}"]
        if self.rule_id:
            lines.append(f"  page rule {self.rule_id}")
        if self.path or self.rule:
            field_ = f"field {self.path}; " if self.path else ""
            value = f"; value {self.value}" if self.value is not None else ""
            lines.append(f"  {field_}rule {self.rule}{value}")
        lines.append(f"  spec: {self.location}")
        if self.curl:
            lines.append(f"  reproduce: {self.curl}")
        if self.accepted:
            lines.append(f"  accepted by baseline: {self.accepted}")
        if self.consequences:
            lines.append("  follows from it (not counted separately):")
            lines += ["    " + str(c).splitlines()[0] for c in self.consequences]
        return "\n".join(lines)


@dataclass(frozen=True)
class CheckOutcome:
    """Whether a check ran on an operation; ``skipped`` carries the reason (e.g. no profile)."""

    check: str
    operation: str
    skipped: str | None = None
