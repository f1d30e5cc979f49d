"""What a run is doing while it runs: a live progress bar on a terminal, plain lines otherwise.

The runner reports :class:`Progress` events (the phase, how far it is, requests and findings so far) to
``RunConfig.progress``. ``str(event)`` is its line, '' for an event that only updates the counts, so a
plain ``print`` still works as a reporter. :func:`reporter` picks the display for a stream: a ``rich``
progress bar when it is a terminal, ``contracts: ...`` lines when it is not (CI logs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

__all__ = ["BarReporter", "LineReporter", "Progress", "ProgressReporter", "reporter"]


@dataclass(frozen=True)
class Progress:
    """One step of a run. ``phase``: ``waiting``, ``explicit cases``, ``examples``, ``coverage``, ``fuzzing``;
    ``done`` of ``total`` (None: not known ahead) units of the phase; ``requests`` sent and distinct
    ``findings`` so far in the whole run; ``message`` the line a log shows ('' for a count update)."""

    phase: str
    message: str = ""
    done: int = 0
    total: int | None = None
    requests: int = 0
    findings: int = 0

    def __str__(self) -> str:
        return self.message


ProgressReporter = Callable[[Progress], None]


class LineReporter:
    """``contracts: <message>`` per event that has a message (count updates are not printed)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def __call__(self, event: Progress) -> None:
        if event.message:
            print(f"contracts: {event.message}", file=self.stream, flush=True)

    def close(self) -> None:
        pass


class BarReporter:
    """A ``rich`` progress bar on ``stream``: the phase, its bar (a pulse when its size is not known), done of
    total, requests and findings so far, elapsed time; messages are printed above it. :meth:`close` removes it."""

    def __init__(self, stream: TextIO, console: Any = None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, SpinnerColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        self.console = console or Console(file=stream, stderr=False)
        self.bar = Bar(
            SpinnerColumn(),
            TextColumn("[bold]{task.fields[phase]:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[requests]} requests · {task.fields[findings]} findings"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task: Any = None

    def __call__(self, event: Progress) -> None:
        if self.task is None:
            self.bar.start()
            self.task = self.bar.add_task("", total=None, phase="", requests=0, findings=0)
        if event.message:
            self.console.print(f"[dim]contracts:[/dim] {event.message}", highlight=False)
        self.bar.update(
            self.task,
            completed=event.done,
            total=event.total,
            phase=event.phase,
            requests=event.requests,
            findings=event.findings,
        )

    def close(self) -> None:
        if self.task is not None:
            self.bar.stop()
            self.task = None


def reporter(stream: TextIO) -> LineReporter | BarReporter:
    """A progress bar when ``stream`` is a terminal, plain lines when it is not."""
    return BarReporter(stream) if stream.isatty() else LineReporter(stream)
