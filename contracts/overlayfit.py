"""Which shipped overlay describes what a run found: "these are Open WebUI 0.12.4's known differences".

Every finding keeps the answer it was seen on (:attr:`Finding.evidence`). For each overlay of the vendor, the
finding's check judges that answer again by the overlaid spec; a finding the overlay's spec no longer produces
is one the overlay describes. A run whose findings (all, or most) an overlay describes names it in every
report, with the one option that judges the server as that implementation: ``--overlay NAME``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from contracts.checks import CHECKS
from contracts.findings import Finding
from contracts.merge import OBJECT_SHAPE
from contracts.plan import predictions
from contracts.reply import Problem, Reply
from vendor_specs import json_path, load_overlay, operations, overlays, spec_key, vendor_of

__all__ = ["OverlayFit", "fits"]


@dataclass(frozen=True)
class OverlayFit:
    """An overlay and the findings (their ids) it describes, out of ``total`` open ones; ``rest``: the headlines of
    those it does not."""

    overlay: str
    explained: tuple[str, ...]
    total: int
    rest: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return len(self.explained) == self.total

    def __str__(self) -> str:
        share = "every finding" if self.complete else f"{len(self.explained)} of the {self.total} findings"
        text = (
            f"The overlay `{self.overlay}` describes {share} of this run: the server behaves as that implementation. "
            f"Judge it as such with --overlay {self.overlay}"
        )
        if self.rest:
            text += "; it does not describe:\n" + "\n".join(f"  - {line}" for line in self.rest)
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "overlay": self.overlay,
            "explained": list(self.explained),
            "total": self.total,
            "rest": list(self.rest),
        }


def _under(reply: Reply, key: str) -> Reply:
    """The same answer, judged by the spec ``key``."""
    op = next(o for o in operations(key) if (o.method, o.path) == (reply.op.method, reply.op.path))
    return replace(
        reply,
        key=key,
        op=op,
        predictions=predictions(key, reply.probe) if reply.probe is not None else (),
        _parsed=reply._parsed,
    )


def _same(finding: Finding, problem: Problem) -> bool:
    if problem.violation is not None:
        return problem.violation.rule == finding.rule and (problem.violation.path or "") in (finding.path, "")
    path = json_path(problem.field) if problem.field else ""
    return problem.rule == finding.rule and path == finding.path


def _described(finding: Finding, spec: str) -> bool:
    """Whether judging the finding's answer by ``key`` makes the finding go away."""
    if finding.rule == OBJECT_SHAPE:  # an object's keys: described when each of them is
        return all(_described(key, spec) for key in finding.consequences)
    if finding.evidence is None or finding.check not in CHECKS:
        return False
    check = CHECKS[finding.check]
    if check.judge is None:
        return False
    return not any(_same(finding, p) for p in check.judge(_under(finding.evidence, spec)))


def fits(api: str, findings: list[Finding]) -> list[OverlayFit]:
    """The shipped overlays of ``api``'s vendor that describe all or most (at least half) of ``findings`` (the
    open ones), most first. None when the run already judges by an overlay."""
    if vendor_of(api) != api:
        return []
    open_ = [f for f in findings if f.accepted is None]
    if not open_:
        return []
    out = []
    for name, path in overlays().items():
        if load_overlay(path).vendor != api:
            continue
        key = spec_key(api, name)
        explained = tuple(f.id for f in open_ if _described(f, key))
        if explained and 2 * len(explained) >= len(open_):
            rest = tuple(f"[{f.check}] {f.message}" for f in open_ if f.id not in explained)
            out.append(OverlayFit(name, explained, len(open_), rest))
    return sorted(out, key=lambda fit: -len(fit.explained))
