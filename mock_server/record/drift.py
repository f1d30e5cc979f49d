"""``mock-server record --write-overlay FILE``: what the recorded server does differently, as an overlay.

Every 200 answer of the model operation the judge finds violating the spec is a difference the recorder does not
store as a fixture; with ``--write-overlay`` each body violation a contract can state (a key an object has or
lacks, a value of another type or null, another enum value, a format, a bound) becomes a
:class:`vendor_specs.Deviation`, and the file (``vendor_specs.draft``: an OpenAPI Overlay 1.0.0 extending the
vendor's spec, or the overlay given with ``--overlay``) is rewritten whenever it learns something new. A
violation no contract excuses (another status or media type) is listed in the file's header, to fix in the server.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from vendor_specs import Deviation, HttpExchange, Verdict, base_actions, draft, schema_deviation

__all__ = ["Drift"]


class Drift:
    """The differences learnt from the exchanges it is shown, written to ``path``."""

    def __init__(self, key: str, path: str | Path) -> None:
        self.key = key
        self.path = Path(path)
        self._seen: dict[tuple[Any, ...], Deviation] = {}
        self._count: Counter[tuple[Any, ...]] = Counter()
        self._evidence: dict[tuple[Any, ...], str] = {}
        self._unfixable: dict[str, int] = {}
        self.new = False

    def observe(self, exchange: HttpExchange, verdict: Verdict, value: Any, target: str) -> None:
        """Learn from one judged exchange of the model operation (``value``: its decoded body, ``target``: the
        request as the log shows it, credentials hidden)."""
        for violation in verdict.violations:
            if not violation.where.startswith("response"):
                continue  # the client's request: not the server's contract
            example = f"{exchange.method} {target} -> {exchange.status}"
            found = None
            if violation.kind == "body" and violation.path.startswith("$"):
                found = schema_deviation(violation.rule, violation.path, violation.pointer, value, example=example)
            if found is None:
                line = f"{exchange.method} {target} -> {exchange.status}: {violation.message}"
                if line not in self._unfixable:
                    self._unfixable[line] = 0
                    self.new = True
                self._unfixable[line] += 1
                continue
            key = (found.kind, found.pointer, found.key, found.keyword)
            self._count[key] += 1
            if key not in self._seen:
                self._seen[key] = found
                self._evidence[key] = f"{violation.path} {violation.message}"
                self.new = True

    def write(self) -> str:
        """Rewrite the file (atomically) with everything learnt; what it holds, for the log."""
        if not self._seen and not self._unfixable and not base_actions(self.key):
            return f"learnt nothing: every answer kept the spec; {self.path} not written"
        deviations = [
            replace(d, evidence=f"{self._evidence[k]} (seen {self._count[k]} times)") for k, d in self._seen.items()
        ]
        unfixable = [f"{line} (seen {n} times)" for line, n in self._unfixable.items()]
        text, count = draft(self.key, deviations, unfixable, base_actions(self.key), source="mock-server record")
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, self.path)
        self.new = False
        return f"wrote {self.path} ({count} learnt action(s), {len(unfixable)} difference(s) to fix in the server)"
