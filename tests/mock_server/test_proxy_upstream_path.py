"""`--upstream` is a server URL: `mock-server proxy` and `mock-server record` replace their own base path by
the upstream's path (`/api/models/model` -> `<upstream>/api/v1/models/model` for an Open WebUI mounted under
`/api/v1`, as a real one is), say the mapping in their start line, and say once, with the likely fix, when the
upstream answers the operation with a web page or a 404."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from mock_server import create_app
from mock_server.fixtures import DEFAULT_DIR
from mock_server.proxy import create_proxy_app
from tests.mock_server.conftest import RunningMock, free_port
from tests.mock_server.test_proxy import serve  # lifespan on: the proxy closes its upstream connections

PROFILE = DEFAULT_DIR / "profiles" / "openwebui.yaml"
TOKENS = yaml.safe_load(PROFILE.read_text())["tokens"]
OWNER = {"Authorization": f"Bearer {TOKENS['owner']}"}
QUERY = {"id": "acme/test-model:v1"}


class Seen:
    """An ASGI app in front of ``app`` that keeps the raw path of every request it is sent."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.paths: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["raw_path"].decode())
        await self.app(scope, receive, send)


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[str, Seen]]:
    """An Open WebUI as a real one is deployed: the router under /api/v1 (the mock, mounted there)."""
    seen = Seen(create_app("openwebui", base_path="/api/v1", access_log=False, journal_size=0))
    with serve(seen) as url:
        yield url, seen


@pytest.fixture
def real(deployed: tuple[str, Seen]) -> tuple[str, Seen]:
    """``deployed``, with the paths seen by this test only."""
    deployed[1].paths.clear()
    return deployed


async def _web_app(request: Any) -> HTMLResponse:
    return HTMLResponse("<!doctype html><html><head><title>Open WebUI</title></head><body></body></html>")


WEB_APP = Starlette(routes=[Route("/{path:path}", _web_app)])  # the bundled frontend: every path is the page


def _proxied(app: Any, path: str, **kwargs: Any) -> httpx.Response:
    with serve(app) as url:
        return httpx.get(url + path, timeout=10, **kwargs)


def test_the_upstreams_path_replaces_the_proxys_base_path(real: tuple[str, Seen]) -> None:
    url, seen = real
    app = create_proxy_app("openwebui", f"{url}/api/v1")
    assert app.mapping("http://p") == f"http://p/api/models/model -> {url}/api/v1/models/model"
    with serve(app) as proxy:
        at_api = httpx.get(f"{proxy}/api/models/model", params=QUERY, headers=OWNER, timeout=10)
        at_v1 = httpx.get(f"{proxy}/api/v1/models/model", params=QUERY, headers=OWNER, timeout=10)  # the other server
        outside = httpx.get(f"{proxy}/static/favicon.png", timeout=10)  # under no prefix: sent as it is
    assert at_api.status_code == at_v1.status_code == 200, at_api.text
    assert at_api.json()["id"] == "acme/test-model:v1"
    assert seen.paths == ["/api/v1/models/model", "/api/v1/models/model", "/static/favicon.png"]
    assert outside.status_code == 404


def test_an_upstream_without_a_path_gets_the_paths_as_sent(real: tuple[str, Seen]) -> None:
    """`--upstream http://host --base-path /api/v1`, the form that worked before, works the same."""
    url, seen = real
    app = create_proxy_app("openwebui", url, base_path="/api/v1")
    assert app.mapping("http://p") == f"http://p/api/v1/models/model -> {url}/api/v1/models/model"
    assert _proxied(app, "/api/v1/models/model", params=QUERY, headers=OWNER).status_code == 200
    assert seen.paths == ["/api/v1/models/model"]


def test_both_paths_with_their_own_base_path(real: tuple[str, Seen]) -> None:
    url, seen = real
    app = create_proxy_app("openwebui", f"{url}/api/v1", base_path="/v2/owui")
    assert _proxied(app, "/v2/owui/models/model", params=QUERY, headers=OWNER).status_code == 200
    assert seen.paths == ["/api/v1/models/model"]


def test_a_web_page_for_the_operation_is_said_once_with_the_fix(caplog: pytest.LogCaptureFixture) -> None:
    with serve(WEB_APP) as web:
        app = create_proxy_app("openwebui", web)
        with serve(app) as proxy, caplog.at_level(logging.INFO, "mock_server.proxy"):
            for _ in range(3):
                page = httpx.get(f"{proxy}/api/models/model", params=QUERY, headers=OWNER, timeout=10)
                assert page.status_code == 200 and "<title>Open WebUI</title>" in page.text  # passed on unchanged
    hints = [r for r in caplog.records if "said once" in r.getMessage()]
    assert [r.getMessage() for r in hints] == [
        f"proxy: {web}/api/models/model answered a web page (200 text/html), not the openwebui API: the API is "
        f"not at that path; wrong prefix? --upstream is where the vendor's paths are mounted: try --upstream "
        f"{web}/api/v1 (said once)"
    ]
    assert hints[0].levelno == logging.WARNING and hints[0].hint == "upstream-path"  # type: ignore[attr-defined]
    assert len([r for r in caplog.records if r.getMessage().startswith("proxy GET")]) == 3


def test_a_404_for_the_operation_is_said_once_as_a_possibility(
    real: tuple[str, Seen], caplog: pytest.LogCaptureFixture
) -> None:
    url, _ = real
    app = create_proxy_app("openwebui", f"{url}/api")  # the documented prefix, not where this server has it
    with serve(app) as proxy, caplog.at_level(logging.INFO, "mock_server.proxy"):
        for _ in range(2):
            assert httpx.get(f"{proxy}/api/models/model", params=QUERY, headers=OWNER).status_code == 404
        httpx.get(f"{proxy}/static/x")  # no operation: never a hint
    (hint,) = [r.getMessage() for r in caplog.records if "said once" in r.getMessage()]
    assert hint == (
        f"proxy: {url}/api/models/model answered 404: unless that model is really missing, the API is not at "
        "that path; wrong prefix? --upstream is where the vendor's paths are mounted: "
        f"try --upstream {url}/api/v1 (said once)"
    )


def test_a_documented_answer_is_no_reason_for_a_hint(real: tuple[str, Seen], caplog: pytest.LogCaptureFixture) -> None:
    url, _ = real
    with caplog.at_level(logging.INFO, "mock_server.proxy"):
        assert _proxied(create_proxy_app("openwebui", f"{url}/api/v1"), "/api/models/model", params=QUERY).status_code
    assert not [r for r in caplog.records if "said once" in r.getMessage()]


def test_cli_proxy_says_the_mapping_in_its_start_line(real: tuple[str, Seen]) -> None:
    url, seen = real
    port = free_port()
    proxy = RunningMock(["proxy", "--api", "openwebui", "--upstream", f"{url}/api/v1", "--port", str(port)])
    try:
        proxy.wait_url(f"http://127.0.0.1:{port}/")
        answer = httpx.get(f"http://127.0.0.1:{port}/api/models/model", params=QUERY, headers=OWNER, timeout=10)
    finally:
        out, err = proxy.stop()
    assert answer.status_code == 200, err
    assert out.splitlines()[0] == (
        f"proxy openwebui: http://127.0.0.1:{port}/api/models/model -> {url}/api/v1/models/model (violations are logged)"
    )
    assert "/api/v1/models/model" in seen.paths


def test_record_learns_from_an_upstream_under_a_prefix(real: tuple[str, Seen], tmp_path: Path) -> None:
    """The issue's command as written: `--upstream http://127.0.0.1:PORT/api/v1` with the default base path."""
    url, seen = real
    port, out = free_port(), tmp_path / "rec"
    args = ["record", "--api", "openwebui", "--upstream", f"{url}/api/v1", "--out", str(out)]
    recorder = RunningMock([*args, "--profile", str(PROFILE), "--port", str(port), "--log-format", "json"])
    try:
        recorder.wait_url(f"http://127.0.0.1:{port}/")
        for token in (TOKENS["owner"], TOKENS["reader"], TOKENS["stranger"]):
            auth = {"Authorization": f"Bearer {token}"}
            httpx.get(f"http://127.0.0.1:{port}/api/models/model", params=QUERY, headers=auth, timeout=10)
    finally:
        stdout, stderr = recorder.stop()
    assert stdout.splitlines()[0] == (
        f"record openwebui: http://127.0.0.1:{port}/api/models/model -> {url}/api/v1/models/model, learning into {out}"
    )
    assert [p for p in seen.paths if "models" in p] == ["/api/v1/models/model"] * 3
    records = [json.loads(line) for line in stderr.splitlines()]
    exchanges = [r for r in records if r["message"].startswith("record GET /api/models")]
    assert len(exchanges) == 3, stderr  # one line per exchange: the verdict and what was learnt, together
    owner, reader, stranger = exchanges
    assert owner["message"] == (
        "record GET /api/models/model?id=acme%2Ftest-model%3Av1 -> 200: conforms; model acme/test-model:v1 learnt "
        "from owner"
    )
    assert (owner["learnt"], owner["recorded"], owner["verdict"]) == ("new", True, "conforms")
    assert reader["learnt"] == "kept" and stranger["status"] == 401 and "learnt" not in stranger
    assert yaml.safe_load((out / "openwebui.yaml").read_text())["models"][0]["id"] == "acme/test-model:v1"


def test_record_says_once_that_the_upstream_answers_a_web_page(tmp_path: Path) -> None:
    port = free_port()
    with serve(WEB_APP) as web:
        args = ["record", "--api", "openwebui", "--upstream", web, "--out", str(tmp_path / "rec"), "--port", str(port)]
        recorder = RunningMock(args)
        try:
            recorder.wait_url(f"http://127.0.0.1:{port}/")
            for _ in range(3):
                httpx.get(f"http://127.0.0.1:{port}/api/models/model", params=QUERY, headers=OWNER, timeout=10)
        finally:
            stdout, stderr = recorder.stop()
    hints = [line for line in stderr.splitlines() if "said once" in line]
    assert hints == [
        f"record: {web}/api/models/model answered a web page (200 text/html), not the openwebui API: the API is "
        f"not at that path; wrong prefix? --upstream is where the vendor's paths are mounted: try --upstream "
        f"{web}/api/v1 (said once)"
    ], stderr
    assert "nothing recorded" in stdout and "Traceback" not in stderr


@pytest.mark.parametrize("command", ["proxy", "record"])
def test_help_says_what_upstream_and_base_path_mean(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    from mock_server.cli import main

    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--upstream URL the real server's URL where the vendor's paths are mounted" in out
    assert "without a path (http://staging:8080) every request keeps its path" in out
    assert "the prefix replaced by --upstream's path" in out
