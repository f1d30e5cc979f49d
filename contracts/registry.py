"""Checks register themselves once, the way Schemathesis registers its own (``@schemathesis.check``).

A check is one function ``(reply) -> Iterable[Problem]``: its name is the function's, its description the
first paragraph of its docstring, its place in every report the order of registration; the rules it judges
are those of the vendor's table (``x-rules``) that name it. Nothing else keeps a list of check names: the CLI's
``--help``, the reports' order, the JUnit cases, the pytest items, the baseline's known names and the
Schemathesis configuration all read :data:`CHECKS`.

Three kinds: ``harness`` checks are judged here on every answer (the harness's own requests and Schemathesis'
alike); ``schemathesis`` checks are Schemathesis' built-ins of the same name, run by its engine (and, when the
registration gives a judge, judged here too on the harness's own requests); ``limit`` checks are the run's
bounds (``--timeout``, ``--max-body-mb``), judged by the guard every request goes through.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vendor_specs import rules

if TYPE_CHECKING:
    from contracts.reply import Problem, Reply

__all__ = ["CHECKS", "Check", "Judge", "Registry", "check"]

Judge = Callable[["Reply"], Iterable["Problem"]]
KINDS = ("harness", "schemathesis", "limit")


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    kind: str
    judge: Judge | None

    def rule_ids(self, key: str) -> list[str]:
        """The rules of the spec ``key`` this check judges."""
        return [r.id for r in rules(key) if self.name in r.checks]


def _describe(func: Callable[..., Any]) -> str:
    doc = inspect.getdoc(func) or ""
    return " ".join(doc.split("\n\n")[0].split())


class Registry:
    """Registered checks in registration order (the order every report lists them in)."""

    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}

    @property
    def _all(self) -> dict[str, Check]:
        return self._checks

    def register(
        self,
        func: Judge | None = None,
        *,
        name: str | None = None,
        kind: str = "harness",
        description: str | None = None,
    ) -> Any:
        """``@check`` (a harness check named after the function), ``@check(kind="schemathesis")``, or
        ``register(name=..., kind=..., description=...)`` for a check without a judge of its own."""
        if kind not in KINDS:
            raise ValueError(f"check kind must be one of {', '.join(KINDS)}, got {kind!r}")

        def add(judge: Judge | None) -> Judge | None:
            named = name or (judge.__name__ if judge is not None else None)
            if not named:
                raise ValueError("a check without a function needs a name")
            if named in self._checks:
                raise ValueError(f"check {named!r} is registered twice")
            text = description if description is not None else (_describe(judge) if judge is not None else "")
            if not text:
                raise ValueError(f"check {named!r} needs a description (its docstring's first paragraph)")
            self._checks[named] = Check(named, text, kind, judge)
            return judge

        if func is None and name is not None and description is not None:
            add(None)
            return None
        return add(func) if func is not None else add

    def unregister(self, name: str) -> None:
        self._checks.pop(name, None)

    def __iter__(self) -> Iterator[Check]:
        return iter(list(self._all.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._all

    def __getitem__(self, name: str) -> Check:
        return self._all[name]

    def names(self, *kinds: str) -> tuple[str, ...]:
        """Every check's name (of ``kinds``, when given), in report order."""
        return tuple(c.name for c in self if not kinds or c.kind in kinds)

    def order(self, name: str) -> int:
        """A check's place in reports (unknown names last)."""
        names = list(self._all)
        return names.index(name) if name in names else len(names)

    def judges(self) -> list[Check]:
        """The checks judged here on every answer, in order."""
        return [c for c in self if c.judge is not None]


#: every check the harness reports: import it from ``contracts.checks``, whose checks register themselves on import
CHECKS = Registry()
check = CHECKS.register
