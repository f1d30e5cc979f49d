"""Build browser-like HAR documents for the tests (Chrome's export shape, trimmed)."""

from __future__ import annotations

import base64
import json
from typing import Any

__all__ = ["NO_TEXT", "entry", "har"]

NO_TEXT = object()


def entry(
    url: str,
    status: int,
    body: Any = None,
    *,
    method: str = "GET",
    mime: str = "application/json",
    headers: dict[str, str] | None = None,
    encoding: str | None = None,
    text: Any = None,
) -> dict[str, Any]:
    """One entry. ``body`` is JSON-encoded unless ``text`` gives the exact ``content.text`` (NO_TEXT: none)."""
    if text is None:
        text = json.dumps(body) if body is not None else ""
    content: dict[str, Any] = {"size": len(text) if isinstance(text, str) else 0, "mimeType": mime}
    if text is not NO_TEXT:
        content["text"] = (
            base64.b64encode(text.encode()).decode() if encoding == "base64" and isinstance(text, str) else text
        )
        if encoding:
            content["encoding"] = encoding
    return {
        "startedDateTime": "2026-11-21T10:00:00.000Z",
        "time": 12.5,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "http/2.0",
            "headers": [
                {"name": ":authority", "value": "example"},
                *({"name": k, "value": v} for k, v in (headers or {}).items()),
            ],
            "queryString": [],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "http/2.0",
            "headers": [{"name": "content-type", "value": mime}] if mime else [],
            "cookies": [],
            "content": content,
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": -1,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 10, "receive": 2},
    }


def har(*entries: dict[str, Any]) -> dict[str, Any]:
    return {
        "log": {
            "version": "1.2",
            "creator": {"name": "WebInspector", "version": "537.36"},
            "pages": [],
            "entries": list(entries),
        }
    }
