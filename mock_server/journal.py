"""The request journal: every request the mock answers, kept in memory (bounded) and optionally as NDJSON.

``JournalRecorder`` (outermost ASGI middleware) keeps what a request and its answer were, cheaply: the
raw request line, headers and body bytes (each body cut at ``body_limit`` bytes), the status and the
answer's body, and the fixtures then in force. Turning that into JSON (``Journal.entries``) happens only
when someone reads it (``GET /__mock/requests``) or when ``--journal FILE`` appends it, so a mock nobody
asks stays fast. No entry holds a piece of a credential (``vendor_specs.Hider``, with the fixture identities'
tokens): a token is shown whole as its identity's ``<name>`` wherever it appears (path, query, headers,
bodies), a credential in a credential's place (the spec's schemes and ``x-credential`` parameters, any
``Authorization``, ``...-Key`` or ``...token`` name) that no identity holds as ``<unknown token>``, a token
that merely starts with a known one included, and every other cookie value as ``<redacted>``.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, NamedTuple
from urllib.parse import parse_qsl, unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

import vendor_specs
from mock_server.errors import UsageError
from mock_server.vendors._common import FixtureSet

__all__ = [
    "BODY_LIMIT",
    "DEFAULT_SIZE",
    "RESERVED",
    "RESERVED_METHODS",
    "Filters",
    "Journal",
    "JournalFile",
    "JournalRecorder",
    "request_hider",
]

RESERVED = "/__mock/"  # the mock's own paths: never a vendor path, never journaled
RESERVED_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS")
BODY_LIMIT = 16 * 1024  # bytes of each body (and of each header value, path and query) kept per entry
DEFAULT_SIZE = 1000


class _Raw(NamedTuple):
    """One exchange as it happened (references to what was received and sent, never copies): rendered to JSON
    only when read."""

    seq: int
    time: float
    duration: float
    method: str
    raw_path: bytes
    query: bytes
    headers: Iterable[tuple[bytes, bytes]]
    body: Iterable[bytes]
    body_size: int
    status: int
    response_headers: Iterable[tuple[bytes, bytes]]
    response_body: Iterable[bytes]
    response_size: int
    fixtures: FixtureSet | None


_new_raw = tuple.__new__


def _keep(parts: list[bytes], size: int, chunk: bytes) -> int:
    """Append what fits of ``chunk`` under ``BODY_LIMIT``; the new total size."""
    if chunk and size < BODY_LIMIT:
        parts.append(chunk if size + len(chunk) <= BODY_LIMIT else chunk[: BODY_LIMIT - size])
    return size + len(chunk)


def _cut(text: str, name: str, truncated: dict[str, int]) -> str:
    size = len(text.encode())
    if size <= BODY_LIMIT:
        return text
    truncated[name] = size
    return text.encode()[:BODY_LIMIT].decode(errors="ignore")


def _content(
    parts: Iterable[bytes],
    size: int,
    content_type: str,
    name: str,
    truncated: dict[str, int],
    hider: vendor_specs.Hider,
) -> Any:
    """A body for the journal, credentials hidden: the JSON value when it is complete JSON, else text; None when
    empty."""
    if not size:
        return None
    data = b"".join(parts)
    text = hider.text(data.decode("utf-8", errors="replace"))
    if size > len(data):
        truncated[name] = size
    elif "json" in content_type:
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def request_hider(api: str, fixtures: FixtureSet | None) -> vendor_specs.Hider:
    """How the mock shows a request served with ``fixtures`` (the journal, the access log): each identity's
    token as ``<name>``, every other credential hidden whole (built once per fixture version)."""
    if fixtures is None:
        return _bare_hider(api)
    return fixtures.memo(
        ("journal hider", api),
        lambda: vendor_specs.Hider.for_spec(
            api, {token: str(ident["name"]) for token, ident in fixtures.by_token.items()}
        ),
    )


@functools.lru_cache(maxsize=None)
def _bare_hider(api: str) -> vendor_specs.Hider:
    return vendor_specs.Hider.for_spec(api)


@dataclass(frozen=True)
class Filters:
    """``GET /__mock/requests`` filters: ``path`` (exact, ``*`` wildcards; raw or decoded), ``status``
    (``404``, ``4xx``, ``200,401``), ``identity`` (a fixture identity name, ``none`` for requests without a
    known token), ``since`` (ISO 8601 time or Unix seconds, inclusive), ``method``."""

    path: str | None = None
    status: str | None = None
    identity: str | None = None
    since: float | None = None
    method: str | None = None

    @classmethod
    def parse(cls, query: Iterable[tuple[str, str]]) -> Filters:
        """From query parameters; ``ValueError`` with a sentence saying what is wrong."""
        values = dict(query)
        unknown = sorted(set(values) - {"path", "status", "identity", "since", "method"})
        if unknown:
            raise ValueError(f"unknown filter {', '.join(unknown)}: use path, status, identity, since or method")
        status = values.get("status")
        if status is not None and not all(
            len(s) == 3 and s[0].isdigit() and (s[1:].isdigit() or s[1:].lower() == "xx") for s in status.split(",")
        ):
            raise ValueError(f"status={status!r}: use a status (404), a class (4xx) or a comma list (200,401)")
        return cls(
            values.get("path"), status, values.get("identity"), _since(values.get("since")), values.get("method")
        )

    def match(self, entry: dict[str, Any]) -> bool:
        if self.since is not None and entry["timestamp"] < self.since:
            return False
        if self.method is not None and entry["method"] != self.method.upper():
            return False
        if self.status is not None and not any(
            str(entry["status"]) == s or (s[1:].lower() == "xx" and str(entry["status"])[0] == s[0])
            for s in self.status.split(",")
        ):
            return False
        if self.identity is not None and (entry["identity"] or "none") != self.identity:
            return False
        if self.path is not None:
            raw = entry["path"]
            return fnmatch.fnmatchcase(raw, self.path) or fnmatch.fnmatchcase(unquote(raw), self.path)
        return True


def _since(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise ValueError(f"since={text!r}: use an ISO 8601 time (2026-01-31T12:00:00Z) or Unix seconds") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


class JournalFile:
    """``--journal FILE``: entries appended as NDJSON, one ``write`` per line (several vendors may share it)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self._out: IO[bytes] = open(self.path, "ab", buffering=0)  # noqa: SIM115 (open for the process's life)
        except OSError as exc:
            raise UsageError(
                f"cannot write the journal to {path} ({exc.strerror or exc}); choose another --journal"
            ) from None
        self.failed = False

    def write(self, entry: dict[str, Any]) -> None:
        try:
            self._out.write(json.dumps(entry, ensure_ascii=False).encode() + b"\n")
        except OSError as exc:
            if not self.failed:  # said once, not once per request
                import logging

                logging.getLogger("mock_server.journal").error("writing the journal to %s failed: %s", self.path, exc)
            self.failed = True

    def close(self) -> None:
        self._out.close()


class Journal:
    """The last ``size`` exchanges of one vendor's mock (``size`` 0 keeps none in memory)."""

    def __init__(self, api: str, size: int = DEFAULT_SIZE, file: JournalFile | None = None) -> None:
        if size < 0:
            raise UsageError(f"--journal-size must be 0 or more, got {size}")
        self.api = api
        self.size = size
        self.file = file
        self._raw: deque[_Raw] = deque(maxlen=size or 1)
        self._seq = 0
        self._added = 0

    def __len__(self) -> int:
        return len(self._raw) if self.size else 0

    @property
    def enabled(self) -> bool:
        return self.size > 0 or self.file is not None

    def next_id(self) -> int:
        self._seq += 1
        return self._seq

    def add(self, raw: _Raw) -> None:
        if self.size:
            self._added += 1
            self._raw.append(raw)
        if self.file is not None:
            self.file.write(self.render(raw))

    @property
    def dropped(self) -> int:
        """Entries dropped (the oldest) since the start or the last ``clear``."""
        return max(self._added - self.size, 0)

    def clear(self) -> int:
        """Forget every entry; the number forgotten."""
        count = len(self)
        self._raw.clear()
        self._added = 0
        return count

    def entries(self, filters: Filters | None = None) -> Iterator[dict[str, Any]]:
        """The kept entries, oldest first, as JSON-ready dicts."""
        for raw in list(self._raw) if self.size else []:
            entry = self.render(raw)
            if filters is None or filters.match(entry):
                yield entry

    def render(self, raw: _Raw) -> dict[str, Any]:
        hider = request_hider(self.api, raw.fixtures)
        truncated: dict[str, int] = {}
        query_text = _cut(raw.query.decode("latin-1"), "query", truncated)
        query: dict[str, Any] = {}
        identity = None
        for name, value in parse_qsl(query_text, keep_blank_values=True):
            identity = identity or hider.owner(value)
            shown = hider.parameter(name, value)
            name = hider.text(name)
            previous = query.get(name)
            query[name] = (
                shown if name not in query else [*previous, shown] if isinstance(previous, list) else [previous, shown]
            )
        headers: dict[str, str] = {}
        for key, raw_value in raw.headers:
            name = key.decode("latin-1")
            text = _cut(raw_value.decode("latin-1"), f"headers.{name}", truncated)
            identity = identity or hider.header_owner(name, text)
            text = hider.header(name, text)
            headers[name] = f"{headers[name]}, {text}" if name in headers else text
        response_headers = {
            k.decode("latin-1"): hider.header(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw.response_headers
        }
        path = hider.text(_cut(raw.raw_path.decode("latin-1"), "path", truncated))
        return {
            "id": raw.seq,
            "time": datetime.fromtimestamp(raw.time, timezone.utc).isoformat(timespec="microseconds"),
            "timestamp": round(raw.time, 6),
            "duration_ms": round(raw.duration * 1000, 3),
            "api": self.api,
            "method": raw.method,
            "path": path,
            "query": query,
            "headers": headers,
            "identity": identity,
            "body": _content(raw.body, raw.body_size, headers.get("content-type", ""), "body", truncated, hider),
            "status": raw.status,
            "response_headers": response_headers,
            "response_body": _content(
                raw.response_body,
                raw.response_size,
                response_headers.get("content-type", ""),
                "response_body",
                truncated,
                hider,
            ),
            "truncated": truncated,
        }


class JournalRecorder:
    """Outermost middleware: records every HTTP exchange but those on the mock's own ``/__mock/`` paths."""

    def __init__(self, app: ASGIApp, journal: Journal, fixtures: Any = None) -> None:
        self.app = app
        self.journal = journal
        self.fixtures = fixtures  # a FixtureStore: which tokens belonged to whom when the request came

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(RESERVED):
            await self.app(scope, receive, send)
            return
        started = time.time()
        body: list[bytes] = []
        body_size = 0
        for key, _ in scope["headers"]:
            if key == b"content-length" or key == b"transfer-encoding":
                receive, body_size = await _read_body(receive, body)
                break
        answer: list[Message] = []  # the answer's messages as sent: kept by reference, nothing copied

        async def recording_send(message: Message) -> None:
            answer.append(message)
            await send(message)

        try:
            await self.app(scope, receive, recording_send)
        finally:
            journal = self.journal
            journal.add(
                _new_raw(  # tuple.__new__: NamedTuple's own __new__ is a Python function, slower per request
                    _Raw,
                    (
                        journal.next_id(),
                        started,
                        time.time() - started,
                        scope["method"],
                        scope.get("raw_path") or scope["path"].encode(),
                        scope.get("query_string", b""),
                        scope["headers"],  # the server's list, never changed once the request is read
                        body,
                        body_size,
                        *_answered(answer),
                        self.fixtures.current if self.fixtures is not None else None,
                    ),
                )
            )


def _answered(
    answer: list[Message],
) -> tuple[int, Iterable[tuple[bytes, bytes]], Iterable[bytes], int]:
    """(status, headers, body parts kept, body size) of an answer's messages: the references as sent, the body
    cut at ``BODY_LIMIT`` bytes only when it is longer."""
    status: int = 0
    headers: Iterable[tuple[bytes, bytes]] = ()
    parts: list[bytes] = []
    size = 0
    for message in answer:
        if message["type"] == "http.response.start":
            status, headers = message["status"], message.get("headers", ())
        elif message["type"] == "http.response.body":
            size = _keep(parts, size, message.get("body", b""))
    return status, headers, parts, size


async def _read_body(receive: Receive, body: list[bytes]) -> tuple[Receive, int]:
    """Read the request body now (the vendor's handlers may never ask for it, but the journal shows it),
    keeping up to ``BODY_LIMIT`` bytes in ``body``; the app gets it replayed. (replay, body size)"""
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        size = _keep(body, size, message.get("body", b""))
        if not message.get("more_body"):
            break

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return replay, size
