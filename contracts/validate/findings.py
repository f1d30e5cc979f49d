"""Findings as data: a violation, the verdict on one payload or HAR entry, and a run's report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from vendor_specs import MISSING, Violation, render_value

__all__ = ["MISSING", "Report", "Result", "Violation", "render_value"]


@dataclass
class Result:
    """The verdict on one payload, NDJSON line or HAR entry.

    ``problem`` says why the input could not be (fully) validated; such a result is ``unusable``
    even when it also has violations. ``omitted`` counts the violations found beyond the
    ``max_violations`` asked for (only counted, never built). ``skipped`` results (a HAR entry without a response) count for
    nothing. ``refused`` holds request violations that the server refused with a documented 4xx status:
    the server kept its contract, so they are information, not findings.
    """

    source: str
    api: str | None = None
    operation: str | None = None
    status: int | None = None
    violations: list[Violation] = field(default_factory=list)
    problem: str | None = None
    skipped: str | None = None
    refused: list[Violation] = field(default_factory=list)
    omitted: int = 0

    @property
    def verdict(self) -> str:
        if self.skipped:
            return "skipped"
        if self.problem:
            return "unusable"
        return "invalid" if self.violations or self.omitted else "valid"

    def add_violations(self, found: list[Violation], limit: int | None = None) -> None:
        """Add ``found`` (and what it omitted), keeping at most ``limit`` violations on this result."""
        room = None if limit is None else max(limit - len(self.violations), 0)
        kept = found if room is None else found[:room]
        self.violations = [*self.violations, *kept]
        self.omitted += len(found) - len(kept) + getattr(found, "omitted", 0)

    def __str__(self) -> str:
        against = " ".join(str(p) for p in (self.api, self.operation, self.status) if p is not None)
        head = f"{self.source}: {self.verdict}" + (f" against {against}" if against else "")
        total = len(self.violations) + self.omitted
        lines = [head + (f" ({total:,} violations)" if total > 1 else "")]
        if self.problem:
            lines.append(f"  unusable: {self.problem}")
        if self.skipped:
            lines.append(f"  skipped: {self.skipped}")
        lines += [f"  {violation}" for violation in self.violations]
        if self.omitted:
            lines.append(f"  ... and {self.omitted:,} more violations not shown (--max-violations)")
        lines += [f"  info: refused with the documented {self.status}, as it should be: {v}" for v in self.refused]
        return "\n".join(lines)


@dataclass
class Report:
    """A run's verdicts. Valid results are only counted (per api, operation, status), so that a file of
    millions of payloads costs no memory; every other result is kept. Inputs that matched no spec (HAR
    entries of other services) are counted in ``unmatched``; ``other_hosts`` counts, per host, those among
    them whose path looks like a vendor's (a HAR captured from a server that ``--host`` should name).
    """

    results: list[Result] = field(default_factory=list)
    valid: Counter[tuple[str, str, int | None]] = field(default_factory=Counter)
    unmatched: int = 0
    other_hosts: Counter[str] = field(default_factory=Counter)

    def add(self, result: Result) -> None:
        if result.verdict == "valid" and not result.refused:
            self.valid[(result.api or "?", result.operation or "?", result.status)] += 1
        else:
            self.results.append(result)

    def counts(self) -> Counter[str]:
        counts = Counter(result.verdict for result in self.results)
        counts["valid"] += sum(self.valid.values())
        return counts

    @property
    def exit_code(self) -> int:
        """0 all valid, 1 some invalid (all usable), 2 some input unusable."""
        counts = self.counts()
        return 2 if counts["unusable"] else 1 if counts["invalid"] else 0

    def summary(self) -> list[tuple[str, str, str, int, int, int]]:
        """Rows ``(api, operation, status, valid, invalid, unusable)``, one per operation and status."""
        table: dict[tuple[str, str, str], Counter[str]] = {}

        def row(api: str | None, operation: str | None, status: int | None) -> Counter[str]:
            key = (api or "?", operation or "?", "?" if status is None else str(status))
            return table.setdefault(key, Counter())

        for (api, operation, status), count in self.valid.items():
            row(api, operation, status)["valid"] += count
        for result in self.results:
            if result.verdict != "skipped":
                row(result.api, result.operation, result.status)[result.verdict] += 1
        return [(*key, c["valid"], c["invalid"], c["unusable"]) for key, c in sorted(table.items())]

    def render_summary(self) -> str:
        header = ("api", "operation", "status", "valid", "invalid", "unusable")
        rows = [header, *[tuple(str(cell) for cell in row) for row in self.summary()]]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
        lines = [
            "  ".join(
                cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in rows
        ]
        counts = self.counts()
        total = sum(counts.values()) - counts["skipped"]
        text = f"{total} checked: {counts['valid']} valid, {counts['invalid']} invalid, {counts['unusable']} unusable"
        if counts["skipped"]:
            text += f", {counts['skipped']} skipped"
        if self.unmatched:
            text += f"; {self.unmatched} matched no spec (not validated)"
        if self.other_hosts:
            hosts = ", ".join(sorted(self.other_hosts))
            count = sum(self.other_hosts.values())
            text += (
                f"\nnote: {count} of them have a vendor path on a host that is neither a spec server nor loopback "
                f"({hosts}); if that is the server under test, pass --host HOST[:PORT]"
            )
        return "\n".join([*lines, text])
