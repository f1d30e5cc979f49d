"""A request the harness sends "without credentials" carries none: no cookie an earlier answer set goes along.

A real Open WebUI sets a `token` session cookie and reads it as a credential; a client that keeps cookies would
turn every later request without an Authorization header into the owner's, and fail the server for it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from tests.contracts.fixtures import reference_profile
from tests.faults.reference import make_app
from tests.faults.serve import serve
from vendor_specs import base_path


class SessionCookie:
    """The reference app, with a `token` cookie set on each 200 and read as the bearer when no header is sent."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.cookied = 0  # requests that came with the cookie and no Authorization header

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = dict(scope["headers"])
        bearer = headers.get(b"authorization", b"")
        cookie = next((c.split(b"=", 1)[1] for c in headers.get(b"cookie", b"").split(b"; ") if b"=" in c), None)
        if not bearer and cookie:
            self.cookied += 1
            scope = {**scope, "headers": [*scope["headers"], (b"authorization", b"Bearer " + cookie)]}

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200 and bearer.startswith(b"Bearer "):
                message = {**message, "headers": [*message["headers"], (b"set-cookie", b"token=" + bearer[7:])]}
            await send(message)

        await self.app(scope, receive, sending)


def test_a_session_cookie_never_goes_along(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    app = SessionCookie(make_app("openwebui", set(), prefix=base_path("openwebui")))
    with serve(app) as url:
        code = main(
            ["check", "--api", "openwebui", "--base-url", url, "--profile", reference_profile("openwebui")]
            + ["--no-property-based"]
        )
    out = capsys.readouterr().out
    assert code == 0, out
    assert app.cookied == 0
