"""``mock-server record --har``: a browser capture's entries, judged and learnt from as if they had come
through the proxy (the same ``Judge``, the same ``Recorder``). Entries are read with ``vendor_specs``' HAR
helpers, as ``contracts validate --har`` reads them."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from mock_server.errors import UsageError
from mock_server.record.recorder import Recorder
from mock_server.verdict import Exchange, Judge
from vendor_specs import HAR_NOT_ANSWERS, HostRule, InvalidHar, har_body, har_entries, har_pairs

__all__ = ["HarSummary", "read_har", "record_har"]

log = logging.getLogger("mock_server.record")
_DECODED = frozenset({"content-encoding", "content-length"})  # a capture's body is already decoded


@dataclass
class HarSummary:
    """What a capture held: its entries, those addressing the API's operations on its hosts, those answered."""

    entries: int = 0
    matched: int = 0
    answered: int = 0
    unusable: int = 0
    other_hosts: Counter[str] = field(default_factory=Counter)


def read_har(path: str | Path) -> list[Any]:
    """The entries of the HAR file at ``path``; :class:`UsageError` saying why not."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"--har {path} cannot be read ({exc.strerror or exc}); check the path") from None
    try:
        return har_entries(orjson.loads(data))
    except orjson.JSONDecodeError as exc:
        raise UsageError(
            f"--har {path} is not JSON ({exc}); export the capture again (devtools: Save all as HAR)"
        ) from None
    except InvalidHar as exc:
        raise UsageError(f"--har {path} {exc}") from None


def _exchange(entry: Any, max_bytes: int) -> Exchange:
    request = entry.get("request") if isinstance(entry, dict) else None
    method = request.get("method") if isinstance(request, dict) else None
    url = request.get("url") if isinstance(request, dict) else None
    if not isinstance(method, str) or not isinstance(url, str) or not isinstance(request, dict):
        raise InvalidHar("has no request.method or request.url; is this a HAR entry?")
    headers = {k.lower(): v for k, v in har_pairs(request.get("headers"), "request.headers").items()}
    cookies = har_pairs(request.get("cookies"), "request.cookies")
    if cookies and "cookie" not in headers:
        headers["cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    response = entry.get("response")
    status = response.get("status") if isinstance(response, dict) else None
    if not isinstance(response, dict) or not isinstance(status, int) or isinstance(status, bool):
        raise InvalidHar("has no response.status; re-export the HAR with responses")
    answer = {k.lower(): v for k, v in har_pairs(response.get("headers"), "response.headers").items()}
    content: dict[str, Any] = response["content"] if isinstance(response.get("content"), dict) else {}
    if "content-type" not in answer and content.get("mimeType"):
        answer["content-type"] = str(content["mimeType"])
    body = har_body(content, max_bytes) if status not in HAR_NOT_ANSWERS else b""
    if body is None and status == 200:
        raise InvalidHar("has no response body (no content.text); export the HAR with content")
    parts = urlsplit(url)
    return Exchange(
        method.upper(),
        parts.path or "/",
        parts.query.encode("latin-1", "replace"),
        [(k.encode("latin-1", "replace"), v.encode("latin-1", "replace")) for k, v in headers.items()],
        status,
        [
            (k.encode("latin-1", "replace"), v.encode("latin-1", "replace"))
            for k, v in answer.items()
            if k not in _DECODED
        ],
        body or b"",
    )


def record_har(entries: list[Any], recorder: Recorder, judge: Judge, hosts: HostRule) -> HarSummary:
    """Feed every entry that addresses ``judge``'s API on a host ``hosts`` allows to ``recorder``."""
    summary = HarSummary(entries=len(entries))
    for number, entry in enumerate(entries, start=1):
        try:
            exchange = _exchange(entry, judge.max_body)
        except InvalidHar as exc:
            summary.unusable += 1
            log.warning("record entry %d: not used: %s", number, exc)
            continue
        if judge.match(exchange.method, exchange.path) is None:
            continue
        url = entry["request"]["url"]
        if not hosts.allows(recorder.api, url):
            summary.other_hosts[HostRule.shown(url)] += 1
            continue
        summary.matched += 1
        if exchange.status in HAR_NOT_ANSWERS:
            continue
        summary.answered += 1
        verdict = judge.judged(exchange)
        note = recorder.observe(exchange, verdict, judge.decoded(exchange))
        if note is not None:
            recorder.say(exchange, verdict, note)
        recorder.settle()
    return summary
