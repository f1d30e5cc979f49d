"""One finding per cause: occurrences merged, consequences nested under what they follow from.

Every check reports what it sees on every exchange, so one deviation is seen many times: by an explicit case,
by each Schemathesis phase, and by several checks on the same answer (an HTML page breaks the documented media
type, the schema, the id the body should echo...). :class:`Tally` turns those occurrences into findings a
person can act on:

- **On one exchange**, findings that follow from another are nested under it (:func:`nest`): everything on a
  5xx answer follows from the server error; a body's findings follow from an undocumented media type or from
  a body that is not JSON; the same field and rule reported by several checks follows from the first of them
  (the spec's own checks before the vendor checks).
- **Across exchanges**, occurrences with the same :attr:`Finding.cause` (check, operation, status, rule, JSON
  path) are one finding: ``count`` is how often it was seen, ``sources`` by which parts of the run, and the
  reproduction kept is the shortest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from contracts.checks import CHECKS
from contracts.findings import Finding

__all__ = ["Tally", "nest"]

_SOURCES = ("explicit", "examples", "coverage", "fuzzing")


def _rank(finding: Finding) -> int:
    """Which of several checks seeing the same thing holds it: the first registered (the spec's own checks,
    then the harness's)."""
    return CHECKS.order(finding.check)


def _server_error(f: Finding) -> bool:
    return f.check == "not_a_server_error" and f.status is not None and f.status >= 500


def _media(f: Finding) -> bool:
    return f.rule == "documented media type"


def _not_json(f: Finding) -> bool:
    return f.rule == "valid JSON"


def _about_body(f: Finding) -> bool:
    """Judges the body: needs a JSON body of the documented media type to mean anything."""
    return bool(f.path) or _media(f) or _not_json(f)


def _wrong_answer(findings: list[Finding]) -> Finding | None:
    """The finding that says the answer itself is not the one a rule predicts (the most severe; a wrong status
    before a mere "expected a refusal")."""
    wrong = [f for f in findings if f.answer]
    return min(wrong, key=lambda f: (_SEVERITY.index(f.severity), f.rule == "refused", _rank(f)), default=None)


_SEVERITY = ("failure", "warning", "note")


def nest(findings: list[Finding]) -> list[tuple[Finding, list[Finding]]]:
    """The findings of one exchange as (cause, what follows from it)."""
    if len(findings) < 2:
        return [(f, []) for f in findings]
    ordered = sorted(findings, key=_rank)
    for root_of, follows in (
        (_server_error, lambda f: True),
        (_media, _about_body),
        (_not_json, _about_body),
    ):
        root = next((f for f in ordered if root_of(f)), None)
        if root is not None:
            under = [f for f in ordered if f is not root and follows(f)]
            rest = [f for f in findings if f is not root and not any(f is u for u in under)]
            return [(root, under), *nest(rest)]
    wrong = _wrong_answer(findings)
    if wrong is not None:
        # the answer is not the predicted one: every other judgement of it follows from that (but a failure never
        # hides under a warning: it stays a cause of its own)
        level = _SEVERITY.index(wrong.severity)
        under = [f for f in ordered if f is not wrong and _SEVERITY.index(f.severity) >= level]
        rest = [f for f in findings if f is not wrong and not any(f is u for u in under)]
        return [(wrong, under), *nest(rest)]
    # the same field of one answer is one cause, whatever rule each check names; the most severe heads it (a
    # failure never hides under a warning), then the first registered check
    head: dict[str, Finding] = {}
    for f in ordered:
        if f.path and (f.path not in head or _SEVERITY.index(f.severity) < _SEVERITY.index(head[f.path].severity)):
            head[f.path] = f
    under_field: dict[str, list[Finding]] = {path: [] for path in head}
    out: list[tuple[Finding, list[Finding]]] = []
    for f in ordered:
        if f.path and f is not head[f.path]:
            under_field[f.path].append(f)
        else:
            out.append((f, under_field[f.path] if f.path else []))
    return out


@dataclass
class _Merged:
    best: Finding
    count: int = 0
    sources: set[str] = field(default_factory=set)

    def add(self, finding: Finding) -> None:
        self.count += finding.count
        self.sources.update(finding.sources)
        if finding.curl and (not self.best.curl or len(finding.curl) < len(self.best.curl)):
            self.best = finding

    def finding(self, consequences: tuple[Finding, ...] = ()) -> Finding:
        sources = tuple(sorted(self.sources, key=lambda s: (_SOURCES + (s,)).index(s)))
        return replace(self.best, count=self.count, sources=sources, consequences=consequences, exchange="")


class Tally:
    """Add the findings of a run as they come (:meth:`add`); :meth:`findings` is one finding per cause."""

    def __init__(self) -> None:
        self._causes: dict[tuple[object, ...], _Merged] = {}
        self._follows: dict[tuple[object, ...], dict[tuple[object, ...], _Merged]] = {}

    def add(self, findings: Iterable[Finding]) -> None:
        """Findings seen on one or more exchanges (told apart by :attr:`Finding.exchange`; '' = each alone)."""
        exchanges: dict[str, list[Finding]] = {}
        for i, f in enumerate(findings):
            exchanges.setdefault(f.exchange or f"#{i}", []).append(f)
        for group in exchanges.values():
            for cause, consequences in nest(_one_per_cause(group)):
                self._put(self._causes, cause)
                for c in consequences:
                    self._put(self._follows.setdefault(cause.cause, {}), c)

    @staticmethod
    def _put(into: dict[tuple[object, ...], _Merged], finding: Finding) -> None:
        merged = into.get(finding.cause)
        if merged is None:
            merged = into[finding.cause] = _Merged(finding)
        merged.add(finding)

    @property
    def size(self) -> int:
        """How many causes so far (cheap: for a progress display)."""
        return len(self._causes)

    def findings(self) -> list[Finding]:
        """One finding per cause, in the order first seen; a cause that was also seen on its own is not repeated
        as a consequence. Causes that are the same thing seen by several checks on different exchanges are
        folded as on one exchange (Schemathesis reports a failure once per scenario, a vendor check every time)."""
        out = []
        for key, merged in self._causes.items():
            follows = self._follows.get(key, {})
            consequences = tuple(m.finding() for k, m in follows.items() if k not in self._causes)
            out.append(merged.finding(consequences))
        return _shapes(_fold(out))


#: the schema rules that say an object has another shape than the page's: a key it does not list, one it lacks
_SHAPE_RULES = ("additionalProperties: false", "required")
OBJECT_SHAPE = "object shape"


def _object_of(f: Finding) -> str | None:
    """The object a key finding is about (``$.meta`` for ``$.meta.voice``; array items as ``[*]``)."""
    if f.rule not in _SHAPE_RULES or not f.path.startswith("$") or f.accepted is not None:
        return None
    path = re.sub(r"\[\d+\]", "[*]", f.path)
    parent = re.sub(r"(\.[^.\[\]]+|\[[^\]]*\])$", "", path)
    return parent if parent != path else None


def _shapes(findings: list[Finding]) -> list[Finding]:
    """Every key one object has or lacks against the page, as one finding about that object (an implementation's
    richer ``meta``, another grant shape): the keys are listed in it, each kept as its own finding inside."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        parent = _object_of(f)
        if parent is not None:
            groups.setdefault((f.check, f.operation, f.status, parent), []).append(f)
    out: list[Finding] = []
    done: set[int] = set()
    for f in findings:
        if id(f) in done:
            continue
        parent = _object_of(f)
        group = groups.get((f.check, f.operation, f.status, parent), []) if parent is not None else []
        if len(group) < 2:
            out.append(f)
            continue
        done.update(id(g) for g in group)
        extra = sorted(g.path.rsplit(".", 1)[-1] for g in group if g.rule != "required")
        lacks = sorted(g.path.rsplit(".", 1)[-1] for g in group if g.rule == "required")
        said = "; ".join(
            part
            for part in (
                f"keys the page does not list: {', '.join(extra)}" if extra else "",
                f"lacks the page's {', '.join(lacks)}" if lacks else "",
            )
            if part
        )
        head = _primary(group)
        out.append(
            replace(
                head,
                message=f"{parent} has another shape than the page's: {said}",
                path=str(parent),
                rule=OBJECT_SHAPE,
                value=None,
                count=max(g.count for g in group),
                sources=tuple(dict.fromkeys(s for g in group for s in g.sources)),
                consequences=tuple(group),
            )
        )
    return out


def _situation(f: Finding) -> object:
    """Who asked, as a situation: the one a rule predicted for the answer, else the caller's (no credentials, a
    made-up one, a role); None when the finding does not know its answer."""
    reply = f.evidence
    if reply is None:
        return None
    predicted = [p.situation for p in reply.predictions if p.rule.id == f.rule_id and p.situation]
    if f.answer and predicted:
        return predicted[0]
    return {"anonymous": "no_credentials", "invalid": "bad_credentials"}.get(reply.caller or "", reply.caller)


def _same_thing(f: Finding) -> tuple[object, ...] | None:
    """What makes findings of different checks on different answers the same observation: the same field and rule,
    the same undocumented media type, or the same status answered to the same situation (a rule's "expected 401,
    got 403" and "403 is not documented" for requests without credentials), at the same status of the same
    operation. (On one answer, the same field is one cause whatever rule each check names: :func:`nest`.)"""
    if f.path:
        return (f.operation, f.status, f.rule, re.sub(r"\[\d+\]", "[*]", f.path))
    if _media(f):
        media = (f.value or "").strip('"').split(";")[0].strip().lower()
        return (f.operation, f.status, f.rule, media)
    if f.answer or f.rule == "documented status":
        situation = _situation(f)
        return None if situation is None else (f.operation, f.status, "answer", situation)
    return None


def _primary(group: list[Finding]) -> Finding:
    """The finding that heads a group of the same observation: the most severe, a rule's prediction before a
    check's general verdict, then the spec's own checks first."""
    return min(
        group, key=lambda f: (_SEVERITY.index(f.severity) if f.severity in _SEVERITY else 0, not f.answer, _rank(f))
    )


def _fold(findings: list[Finding]) -> list[Finding]:
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        same = _same_thing(f)
        if same is not None:
            groups.setdefault(same, []).append(f)
    under: dict[int, list[Finding]] = {}
    folded: set[int] = set()
    for group in groups.values():
        if len(group) < 2:
            continue
        primary = _primary(group)
        for f in group:
            if f is not primary:
                under.setdefault(id(primary), []).extend([replace(f, consequences=()), *f.consequences])
                folded.add(id(f))
    out = []
    for f in findings:
        if id(f) in folded:
            continue
        extra = under.get(id(f))
        out.append(replace(f, consequences=_merge_list([*f.consequences, *extra])) if extra else f)
    return out


def _merge_list(findings: list[Finding]) -> tuple[Finding, ...]:
    merged: dict[tuple[object, ...], _Merged] = {}
    for f in findings:
        if f.cause not in merged:
            merged[f.cause] = _Merged(f)
        merged[f.cause].add(f)
    return tuple(m.finding(m.best.consequences) for m in merged.values())


def _one_per_cause(group: list[Finding]) -> list[Finding]:
    """One exchange counts once per cause (two checks' passes over one answer may say the same thing)."""
    seen: dict[tuple[object, ...], Finding] = {}
    for f in group:
        seen.setdefault(f.cause, f)
    return list(seen.values())
