"""The recorder: the validating proxy's hook (``proxy.ExchangeObserver``) that learns fixtures from what it sees.

Only a 200 answer of the model operation that the proxy's judge found conforming (request and response) is
learnt from; any other 200 of it is said not recorded. What it made of an exchange is a ``Note`` on the
exchange's one log line (the proxy's, or ``har.py``'s). Who called is the vendor module's ``caller`` (the
credential its mock would read). After each new fact, once the exchange is logged, both files are written
(``Output.write``; atomic, and only when they change). Credentials never reach the log: in request targets
each known one is shown as ``<name>``, any other as ``<unknown token>`` (``vendor_specs.Hider``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import orjson

from mock_server.errors import FixtureError
from mock_server.proxy import Note
from mock_server.record.drift import Drift
from mock_server.record.learning import Learning
from mock_server.record.writing import Output
from mock_server.vendors import vendor
from mock_server.vendors._common import Context, FixtureSet
from vendor_specs import Hider, HttpExchange, Verdict, model_operation

__all__ = ["Recorder", "counted"]

log = logging.getLogger("mock_server.record")
_TOLD = ("new", "fuller", "changed", "kept")


def counted(count: int, word: str, plural: str | None = None) -> str:
    """``1 model``, ``2 models``."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


class Recorder:
    """Learns from the exchanges it is shown into ``learning``; writes ``output`` after each new fact when
    ``autosave`` (a browser capture is written once, at its end)."""

    def __init__(
        self, api: str, learning: Learning, output: Output | None, *, autosave: bool = True, drift: Drift | None = None
    ) -> None:
        self.api = api
        self.drift = drift  # --write-overlay: what the server does differently, learnt as an overlay
        self.learning = learning
        self.output = output
        self.autosave = autosave
        self.module = vendor(api)
        self.operation = model_operation(api).operation_id
        self._empty = FixtureSet(api, "(recording)", {}, {}, {})
        self._identities: dict[str, dict[str, Any]] = {}
        self.unsaved = False

    label = "record"  # the word each exchange's log line starts with

    # ----------------------------------------------------------------- the proxy's hook
    def shown(self, target: str) -> str:
        """``target`` with every credential hidden (``vendor_specs.Hider``): ``<owner>`` for a known one
        (``<anonymous-1>``), ``<unknown token>`` for any other in a credential's place (SELISE's ``project_key``)."""
        known = {real: shown.strip("<>") for real, shown in self.learning.credentials().items()}
        return Hider.for_spec(self.api, known).target(target)

    def observe(self, exchange: HttpExchange, verdict: Verdict, body: bytes | str) -> Note | None:
        """Learn from one judged exchange; what it learnt, for the exchange's log line (never raises: the
        proxy's answer must still go back)."""
        try:
            return self._observe(exchange, verdict, body)
        except Exception:  # a bug here must not stop the proxy; the log says what happened
            log.exception("record %s %s: could not learn from this answer", exchange.method, exchange.path)
            return Note("not recorded: the recorder failed on it (the lines above say why)", logging.ERROR)

    def say(self, exchange: HttpExchange, verdict: Verdict, note: Note) -> None:
        """The exchange's one log line where no proxy logs it (``--har``): as the proxy would write it."""
        target = exchange.path + ("?" + exchange.query.decode("latin-1") if exchange.query else "")
        said = f"{verdict.said(exchange.status, self.api)}; {note.text}"
        where = f"{exchange.method} {self.shown(target)}"
        log.log(note.level, "record %s -> %d: %s", where, exchange.status, said, extra=note.facts)

    def settle(self) -> None:
        """Write what the exchange taught (with ``autosave``), now that its line is logged."""
        if self.unsaved and self.autosave:
            self.save()
        if self.drift is not None and self.drift.new and self.autosave:
            self.write_drift()

    def write_drift(self) -> None:
        """Rewrite the learnt overlay (``--write-overlay``); a failure to write is logged, not raised."""
        if self.drift is None:
            return
        try:
            log.info("record: %s", self.drift.write())
        except OSError as exc:
            log.error("record: cannot write %s (%s); check the directory", self.drift.path, exc.strerror or exc)

    def _observe(self, exchange: HttpExchange, verdict: Verdict, body: bytes | str) -> Note | None:
        if verdict.operation != self.operation or exchange.status != 200:
            return None
        if self.drift is not None and verdict.violations:
            value = orjson.loads(body) if isinstance(body, bytes) and body else None
            target = exchange.path + ("?" + exchange.query.decode("latin-1") if exchange.query else "")
            self.drift.observe(exchange, verdict, value, self.shown(target))
        if verdict.kind != "conforms":
            why = f"the exchange violates the {self.api} spec" if verdict.violations else "it was not validated"
            return Note(f"not recorded: {why}", logging.WARNING, {"recorded": False})
        value = orjson.loads(body) if isinstance(body, bytes) else None
        if not isinstance(value, dict):
            return Note("not recorded: the body is not a JSON object", logging.WARNING, {"recorded": False})
        credential = self.module.caller(self._context(exchange.query, exchange.headers))
        learnt = self.learning.learn(credential, value)
        if learnt.kind != "refused":
            self.unsaved = True
        facts = {"recorded": learnt.kind != "refused", "learnt": learnt.kind, "model": learnt.model}
        if learnt.kind == "refused":
            return Note(str(learnt), logging.WARNING, facts)
        return Note(str(learnt), logging.INFO, facts) if learnt.kind in _TOLD else None

    def _context(self, query: bytes, headers: Iterable[tuple[bytes, bytes]]) -> Context:
        scope = {"type": "http", "query_string": query, "headers": [(k.lower(), v) for k, v in headers]}
        return Context(self.api, self._empty, None, scope)

    # ----------------------------------------------------------------- files
    def save(self) -> bool:
        """Write what was learnt if it changes the files; False when they could not be written (logged)."""
        if self.output is None:
            return False
        recording = self.learning.recording()
        for ident in recording.identities:
            fields = {k: v for k, v in ident.fields.items() if k != "token"}
            if self._identities.get(ident.name) != fields:
                shown = ", ".join(f"{k} {v}" for k, v in fields.items()) or "its token is all the mock needs"
                log.info("record: identity %s: %s", ident.name, shown, extra={"identity": ident.name})
                self._identities[ident.name] = fields
        try:
            if self.output.write(recording):
                log.info(
                    "record: wrote %s (%s, %s) and %s",
                    self.output.fixture_path,
                    counted(len(recording.models), "model"),
                    counted(len(recording.identities), "identity", "identities"),
                    self.output.profile_path,
                )
        except (OSError, FixtureError) as exc:
            log.error(
                "record: could not write %s (%s); what was learnt is kept in memory and written with the next new fact",
                self.output.fixture_path,
                exc,
            )
            return False
        self.unsaved = False
        return True
