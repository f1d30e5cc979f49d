"""What every check is given: one answer of the target, with what the harness knows of its request.

A :class:`Reply` carries the spec key the run judges by, the operation, who asked (``caller``: ``anonymous``,
``invalid`` or a profile role; ``None`` when unknown), for which model of the profile, with which credential,
and the rules that predict its answer (:attr:`Reply.predictions`, the harness's own requests only); and what
came back: status, media type, the body's bytes and its JSON (read once, with any duplicate key a lenient
parser would hide). A check returns :class:`Problem` s; :mod:`contracts.observed` turns them into findings.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from vendor_specs import (
    MISSING,
    Expect,
    Operation,
    OperationMatch,
    Rule,
    Violation,
    Violations,
    body_validator,
    fast_valid,
    model_facts,
    response_violations,
    rules,
)

__all__ = ["Duplicate", "Prediction", "Problem", "Reply", "parse_json"]


@dataclass(frozen=True)
class Problem:
    """One way an answer breaks a rule. ``where`` is the spec location below the operation (e.g.
    ``("responses", 404)``); a problem with one body field names it: ``field`` (its keys and indexes, so that
    the report can name the subschema it is written in), the ``rule`` (what is required, in words) and the
    offending ``value``. ``rule_id`` names the page's rule it breaks (else it is found from the spec node the
    problem is about: ``keyword`` of the field's subschema); ``violation`` is openapi-core's verdict it is."""

    message: str
    where: tuple[str | int, ...] = ()
    rule: str = ""
    field: tuple[str | int, ...] | None = None
    value: Any = MISSING
    rule_id: str = ""
    keyword: str = ""
    violation: Violation | None = None
    answer: bool = False  # the answer itself is not the one predicted: what else is seen on it follows from that


@dataclass(frozen=True)
class Prediction:
    """A rule that predicts this answer, and what it expects (for a request sent several ways, the rule the
    answer is held to may be the variant's: ``attributed``)."""

    rule: Rule
    expect: Expect
    situation: str | None = None  # resolved (``of-caller`` -> the caller's own)


@dataclass(frozen=True)
class Duplicate:
    """A key that occurs more than once in one JSON object: ``values`` in the order they came (the last won)."""

    path: tuple[str | int, ...]
    key: str
    values: tuple[Any, ...]


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: dict[str, list[Any]]


def _pairs(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object()
    dups: dict[str, list[Any]] = {}
    for key, value in pairs:
        if key in out:
            dups.setdefault(key, [out[key]]).append(value)
        out[key] = value
    out.duplicates = dups
    return out


def _duplicates(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[Duplicate]:
    if isinstance(node, _Object):
        for key, values in node.duplicates.items():
            yield Duplicate(path, key, tuple(values))
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _duplicates(value, (*path, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _duplicates(item, (*path, i))


def parse_json(body: bytes | str) -> tuple[Any, tuple[Duplicate, ...]]:
    """The JSON value of ``body`` as ``json.loads`` reads it (the last of duplicate keys wins), and every
    duplicate key; ``(None, ())`` when it is not JSON."""
    if not body:
        return None, ()
    try:
        value = json.loads(body, object_pairs_hook=_pairs)
    except (ValueError, RecursionError):
        return None, ()
    return value, tuple(_duplicates(value))


@dataclass
class Reply:
    """One answer to judge. ``source`` is the part of the run that sent it (``explicit`` or a Schemathesis
    phase); ``credential`` the credential value that decided the answer (None without one)."""

    key: str
    op: Operation
    status: int
    content_type: str | None
    body: bytes
    requested_id: str | None = None
    caller: str | None = None
    model: str | None = None
    credential: str | None = None
    strict: bool = False
    source: str = "explicit"
    predictions: tuple[Prediction, ...] = ()
    path_params: dict[str, str] = field(default_factory=dict)
    probe: Any = None  # the contracts.plan.Probe that sent it (the harness's own requests)
    others: tuple[tuple[str, str], ...] = ()  # (role, token) of the profile's callers whose credential it did not send
    _parsed: tuple[Any, tuple[Duplicate, ...]] | None = field(default=None, repr=False)

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";")[0].strip().lower()

    def _parse(self) -> tuple[Any, tuple[Duplicate, ...]]:
        if self._parsed is None:
            self._parsed = parse_json(self.body)
        return self._parsed

    @property
    def json(self) -> Any:
        return self._parse()[0]

    @property
    def duplicates(self) -> tuple[Duplicate, ...]:
        return self._parse()[1]

    @functools.cached_property
    def violations(self) -> list[Violation]:
        """openapi-core's verdict on the answer (status, media type, body); the fast validator first, openapi-core
        only where it refuses (the same verdicts: ``tests/validate/test_differential.py``)."""
        if self._fast_valid():
            return Violations()
        match = OperationMatch(self.op, dict(self.path_params))
        return response_violations(match, self.status, self.body, self.content_type)

    def _fast_valid(self) -> bool:
        """A documented JSON answer whose body the fast validator passes (anything else: openapi-core decides)."""
        response = self.op.responses.get(str(self.status))
        if response is None or self.media_type != "application/json":
            return False
        if "application/json" not in (response.get("content") or {}) or self.json is None:
            return False
        return fast_valid(body_validator(self.key, self.op.operation_id, self.status), self.json)

    def judged_by(self, check: str) -> list[Prediction]:
        """The predictions this answer is held to by ``check``."""
        return [p for p in self.predictions if p.rule.check == check]

    def rule_of(self, check: str) -> str:
        """The id of the one rule of this spec that ``check`` judges ('' when there is none or several)."""
        found = [r.id for r in rules(self.key) if check in r.checks]
        return found[0] if len(found) == 1 else ""

    @property
    def id_fields(self) -> tuple[str, ...]:
        return model_facts(self.key).id_fields

    @property
    def is_model(self) -> bool:
        """Whether the answer is a model: a 2xx JSON object naming one of the operation's id fields."""
        body = self.json
        return 200 <= self.status < 300 and isinstance(body, dict) and any(f in body for f in self.id_fields)
