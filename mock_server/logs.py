"""Logging for ``mock-server`` and ``mock-server proxy``: one setup, text or one JSON object per line.

``setup(quiet, log_format)`` configures stderr for both commands. Records keep their structured facts
(``extra=``: the access log's ``method``, ``path``, ``status``, ...; the proxy's violations) as attributes;
the JSON format writes them as keys. The HTTP server's own per-request warnings (uvicorn's ``Invalid HTTP
request received.`` for a malformed request) are rate-limited: the first of a kind is logged, then at
most one line per window with the count of those left out. ``--quiet`` drops per-request lines (the
access log, the proxy's "conforms" lines) and widens that window.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import datetime, timezone
from typing import Any, TextIO

__all__ = ["LOG_FORMATS", "JsonFormatter", "RateLimit", "add_arguments", "setup"]

LOG_FORMATS = ("text", "json")
# The attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("x", logging.INFO, "x", 0, "x", None, None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, every
    ``extra=`` fact, and ``exception`` (the traceback) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


class RateLimit(logging.Filter):
    """Lets the first record of each message through, then at most one per ``window`` seconds, which
    carries the count of the records left out since (``suppressed`` in JSON)."""

    def __init__(self, window: float) -> None:
        super().__init__()
        self.window = window
        self._seen: dict[str, tuple[float, int]] = {}  # message -> (time of the last line, records left out)

    def filter(self, record: logging.LogRecord) -> bool:
        key = str(record.msg)
        now = time.monotonic()
        last = self._seen.get(key)
        if last is None:
            self._seen[key] = (now, 0)
            return True
        since, left_out = last
        if now - since < self.window:
            self._seen[key] = (since, left_out + 1)
            return False
        self._seen[key] = (now, 0)
        if left_out:
            record.suppressed = left_out
            record.msg = f"{record.msg} ({left_out} more like this in the last {now - since:.0f} s not shown)"
        return True


def add_arguments(parser: argparse.ArgumentParser, *, subcommand: bool = False) -> None:
    """``--quiet`` and ``--log-format``; on a subcommand they do not reset what the main command was given."""
    keep = {"default": argparse.SUPPRESS} if subcommand else {}
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="no per-request log lines; the HTTP server's own warnings at most once a minute, with a count",
        **keep,  # type: ignore[arg-type]
    )
    parser.add_argument(
        "--log-format",
        choices=LOG_FORMATS,
        default=argparse.SUPPRESS if subcommand else "text",
        help="text lines (default) or one JSON object per line with the structured facts of each record",
    )


def setup(*, quiet: bool = False, log_format: str = "text", stream: TextIO | None = None) -> None:
    """Configure stderr logging for the mock and the proxy (replaces any earlier setup of the root logger)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter("%(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    per_request = logging.WARNING if quiet else logging.INFO
    logging.getLogger("mock_server").setLevel(logging.INFO)
    logging.getLogger("mock_server.access").setLevel(per_request)
    logging.getLogger("mock_server.proxy").setLevel(per_request)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    server = logging.getLogger("uvicorn.error")
    for limit in [f for f in server.filters if isinstance(f, RateLimit)]:
        server.removeFilter(limit)
    server.addFilter(RateLimit(60.0 if quiet else 10.0))
