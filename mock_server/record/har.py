"""``mock-server record --har``: a browser capture's entries, judged and learnt from as if they had come
through the proxy (the same ``vendor_specs.Judge``, the same ``Recorder``). Entries become exchanges through
``vendor_specs``' HAR reader, as ``contracts validate --har`` reads them."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import vendor_specs
from mock_server.errors import UsageError
from mock_server.record.recorder import Recorder
from vendor_specs import HAR_NOT_ANSWERS, HostRule, InvalidHar, Judge, har_exchange, har_request

__all__ = ["HarSummary", "read_har", "record_har"]

log = logging.getLogger("mock_server.record")


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
        return vendor_specs.read_har(path)
    except InvalidHar as exc:
        raise UsageError(f"--har {path} {exc}") from None


def record_har(entries: list[Any], recorder: Recorder, judge: Judge, hosts: HostRule) -> HarSummary:
    """Feed every entry that addresses ``judge``'s API on a host ``hosts`` allows to ``recorder``."""
    summary = HarSummary(entries=len(entries))
    for number, entry in enumerate(entries, start=1):
        try:
            method, url = har_request(entry)
            match = judge.match(method.upper(), urlsplit(url).path or "/")
            if match is None:
                continue
            if not hosts.allows(recorder.api, url):
                summary.other_hosts[HostRule.shown(url)] += 1
                continue
            summary.matched += 1
            exchange = har_exchange(entry, match.operation, judge.max_body)
        except InvalidHar as exc:
            summary.unusable += 1
            log.warning("record entry %d: not used: %s", number, exc)
            continue
        if exchange.status in HAR_NOT_ANSWERS:
            continue
        summary.answered += 1
        verdict = judge.judged(exchange, match)
        note = recorder.observe(exchange, verdict, judge.decoded(exchange))
        if note is not None:
            recorder.say(exchange, verdict, note)
        recorder.settle()
    return summary
