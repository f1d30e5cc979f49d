"""Answers to requests that are not this page's operation are not judged by it.

Where the id is a path segment, the request that names no model (`/models/`, `/api/models//`) is another path: a
server may answer it with the list of the same API, its framework's HTML 404 page, or as `//` merged into `/`. None
of that breaks the page; only the model itself answered there does (`empty_name_served` in the catalogue). A 501 to
a method the spec does not document (Schemathesis sends QUERY, TRACE) is what RFC 9110 asks of a server."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.cli import main
from tests.contracts.fixtures import reference_profile
from tests.faults.reference import make_app
from tests.faults.serve import serve
from vendor_specs import base_path

FAST = ("--max-examples", "5", "--seed", "1")  # Schemathesis too: it sends the undocumented methods and empty ids


def answering(empty: str, status: int, media: bytes, body: bytes, app: Any) -> Any:
    """``app``, with the path ``empty`` answered ``status`` with ``body`` of ``media``."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == empty:
            await send({"type": "http.response.start", "status": status, "headers": [(b"content-type", media)]})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)

    return wrapped


@pytest.mark.parametrize(
    ("api", "empty", "status", "media", "body"),
    [
        ("selise", "/models/", 200, b"application/json", b'{"items": [], "total": 0}'),  # the list endpoint
        ("respan", "/api/models//", 404, b"text/html; charset=utf-8", b"<h1>Not Found</h1>"),  # Django's page
        ("respan", "/api/models//", 200, b"application/json", b'{"models": []}'),  # `//` merged: the list
    ],
)
def test_another_paths_answer_is_not_judged_by_this_page(
    api: str, empty: str, status: int, media: bytes, body: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    app = answering(base_path(api) + empty, status, media, body, make_app(api, prefix=base_path(api)))
    with serve(app) as url:
        code = main(["check", "--api", api, "--base-url", url, "--profile", reference_profile(api), *FAST])
    out = capsys.readouterr().out
    assert code == 0 and "0 failure(s)" in out, out


def not_implemented(app: Any) -> Any:
    """``app``, answering 501 to every method but GET (RFC 9110: a method the server does not implement)."""

    async def wrapped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] != "GET":
            await send({"type": "http.response.start", "status": 501, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"Not Implemented"})
            return
        await app(scope, receive, send)

    return wrapped


def test_a_501_to_a_method_the_spec_does_not_document_is_no_server_error(capsys: pytest.CaptureFixture[str]) -> None:
    app = not_implemented(make_app("respan", prefix=base_path("respan")))
    with serve(app) as url:
        code = main(["check", "--api", "respan", "--base-url", url, "--profile", reference_profile("respan"), *FAST])
    out = capsys.readouterr().out
    assert code == 0 and "0 failure(s)" in out, out
