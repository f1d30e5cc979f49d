"""The recorder: the validating proxy's hook (``proxy.ExchangeObserver``) that learns fixtures from what it sees.

Only a 200 answer of the model operation that the proxy's judge found conforming (request and response) is
learnt from; any other 200 of it is logged with the reason it was not recorded. Who called is the vendor
module's ``caller`` (the credential its mock would read). After each new fact both files are written
(``Output.write``; atomic, and only when they change). Credentials never reach the log: in request targets
each known one is shown as ``<name>``, any other the vendor reads as ``<unknown credential>``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

import orjson

from mock_server.errors import FixtureError
from mock_server.record.learning import Learning, Learnt
from mock_server.record.writing import Output
from mock_server.vendors import vendor
from mock_server.vendors._common import Context, FixtureSet
from mock_server.verdict import Exchange, Verdict
from vendor_specs import model_operation

__all__ = ["Recorder", "counted"]

log = logging.getLogger("mock_server.record")
_TOLD = ("new", "fuller", "changed", "kept")


def counted(count: int, word: str, plural: str | None = None) -> str:
    """``1 model``, ``2 models``."""
    return f"{count} {word if count == 1 else plural or word + 's'}"


class Recorder:
    """Learns from the exchanges it is shown into ``learning``; writes ``output`` after each new fact when
    ``autosave`` (a browser capture is written once, at its end)."""

    def __init__(self, api: str, learning: Learning, output: Output | None, *, autosave: bool = True) -> None:
        self.api = api
        self.learning = learning
        self.output = output
        self.autosave = autosave
        self.module = vendor(api)
        self.operation = model_operation(api).operation_id
        self._empty = FixtureSet(api, "(recording)", {}, {}, {})
        self._identities: dict[str, dict[str, Any]] = {}
        self.unsaved = False

    # ----------------------------------------------------------------- the proxy's hook
    def shown(self, target: str) -> str:
        """``target`` with every credential in its query hidden: ``<owner>`` for a known one (``<anonymous-1>``),
        ``<unknown credential>`` for any other the vendor module reads as the caller's (SELISE's ``project_key``)."""
        path, mark, query = target.partition("?")
        if not mark:
            return target
        names = self.learning.credentials()
        unknown = self.module.caller(self._context(query.encode("latin-1"), ()))
        pieces = []
        for piece in query.split("&"):
            name, equals, value = piece.partition("=")
            decoded = unquote_plus(value)
            if equals and decoded in names:
                piece = f"{name}={names[decoded]}"
            elif equals and decoded and decoded == unknown:
                piece = f"{name}=<unknown credential>"
            pieces.append(piece)
        return f"{path}?{'&'.join(pieces)}"

    def observe(self, exchange: Exchange, verdict: Verdict, body: bytes | str) -> None:
        """Learn from one judged exchange (never raises: the proxy's answer must still go back)."""
        try:
            self._observe(exchange, verdict, body)
        except Exception:  # a bug here must not stop the proxy; the log says what happened
            log.exception("record %s %s: could not learn from this answer", exchange.method, exchange.path)

    def _observe(self, exchange: Exchange, verdict: Verdict, body: bytes | str) -> None:
        if verdict.operation != self.operation or exchange.status != 200:
            return
        target = exchange.path + ("?" + exchange.query.decode("latin-1") if exchange.query else "")
        where = f"{exchange.method} {self.shown(target)}"
        if verdict.kind != "conforms":
            log.warning("record %s -> 200: not recorded: %s", where, self._why(verdict), extra={"recorded": False})
            return
        value = orjson.loads(body) if isinstance(body, bytes) else None
        if not isinstance(value, dict):
            log.warning("record %s -> 200: not recorded: the body is not a JSON object", where)
            return
        credential = self.module.caller(self._context(exchange.query, exchange.headers))
        learnt = self.learning.learn(credential, value)
        self._tell(where, learnt)
        if learnt.kind != "refused":
            self.unsaved = True
            if self.autosave:
                self.save()

    def _why(self, verdict: Verdict) -> str:
        if verdict.violations:
            more = f" (and {len(verdict.violations) - 1} more)" if len(verdict.violations) > 1 else ""
            return f"the exchange violates the {self.api} spec: {verdict.violations[0]}{more}"
        return verdict.note or f"the exchange was not validated ({verdict.kind})"

    def _context(self, query: bytes, headers: Iterable[tuple[bytes, bytes]]) -> Context:
        scope = {"type": "http", "query_string": query, "headers": [(k.lower(), v) for k, v in headers]}
        return Context(self.api, self._empty, None, scope)

    def _tell(self, where: str, learnt: Learnt) -> None:
        facts = {"recorded": learnt.kind != "refused", "learnt": learnt.kind, "model": learnt.model}
        if learnt.kind == "refused":
            log.warning("record %s -> 200: %s", where, learnt, extra=facts)
        elif learnt.kind in _TOLD:
            log.info("record %s -> 200: %s", where, learnt, extra=facts)

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
