"""`mock-server proxy` in front of a tiny local upstream that answers valid and invalid exchanges."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import vendor_specs
from mock_server.proxy import create_proxy_app

GOOD = vendor_specs.examples_for("respan", 200)["documented"]["value"]


async def upstream_model(request: Request) -> Response:
    """Respan-like upstream: the model name decides the answer; the raw path is echoed in a header."""
    raw = request.scope["raw_path"].decode()
    name = raw.removeprefix("/api/models/").removesuffix("/")
    echo = {"x-upstream-raw-path": raw, "x-upstream": "yes"}
    if name == "bad":
        return JSONResponse({**GOOD, "input_cost": "cheap"}, headers=echo)
    if name == "html":
        return Response("<html>SPA</html>", media_type="text/html", headers=echo)
    if name == "denied" and "authorization" not in request.headers:
        return JSONResponse({"detail": "Authentication credentials were not provided."}, 401, headers=echo)
    if name == "boom":
        return JSONResponse({"detail": "boom"}, status_code=500, headers=echo)
    return JSONResponse({**GOOD, "id": name, "model_name": name}, headers=echo)


UPSTREAM = Starlette(routes=[Route("/api/models/{name:path}", upstream_model)])


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` on a free loopback port in a thread; stopped when the block ends."""
    sock = free_socket()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    with serve(UPSTREAM) as url:
        yield url


@pytest.fixture
def proxy(upstream: str, request: pytest.FixtureRequest) -> Iterator[str]:
    strict = getattr(request, "param", False)
    with serve(create_proxy_app("respan", upstream, strict=strict)) as url:
        yield url


AUTH = {"Authorization": "Bearer sk-test"}


def test_valid_answer_passes_unchanged_and_logs_no_violation(proxy: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "mock_server.proxy")
    response = httpx.get(f"{proxy}/api/models/openai/gpt-4/", headers=AUTH)
    assert response.status_code == 200
    assert response.headers["x-upstream"] == "yes"
    assert response.json()["model_name"] == "openai/gpt-4"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("conforms" in r.getMessage() for r in caplog.records)


def test_percent_encoded_and_literal_slashes_reach_the_upstream_as_sent(proxy: str) -> None:
    assert (
        httpx.get(f"{proxy}/api/models/openai%2Fgpt-4/", headers=AUTH).headers["x-upstream-raw-path"]
        == "/api/models/openai%2Fgpt-4/"
    )
    assert (
        httpx.get(f"{proxy}/api/models/openai/gpt-4/", headers=AUTH).headers["x-upstream-raw-path"]
        == "/api/models/openai/gpt-4/"
    )


def test_invalid_body_is_returned_unchanged_and_logged(proxy: str, caplog: pytest.LogCaptureFixture) -> None:
    response = httpx.get(f"{proxy}/api/models/bad/", headers=AUTH)
    assert response.status_code == 200 and response.json()["input_cost"] == "cheap"
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any(
        "response body $.input_cost: is not of type 'number' [rule type: number; value \"cheap\"]" in m
        for m in messages
    ), messages


def test_request_without_credentials_is_logged(proxy: str, caplog: pytest.LogCaptureFixture) -> None:
    assert httpx.get(f"{proxy}/api/models/openai/gpt-4/").status_code == 200
    assert any(
        "request security: has no credentials of a documented scheme; send Authorization: Bearer <token>"
        in r.getMessage()
        for r in caplog.records
    )


def test_request_violation_refused_with_a_documented_4xx_is_info(proxy: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "mock_server.proxy")
    assert httpx.get(f"{proxy}/api/models/denied/").status_code == 401
    records = [r for r in caplog.records if "/api/models/denied/" in r.getMessage()]
    assert records and all(r.levelno == logging.INFO for r in records), [r.getMessage() for r in records]
    assert any(
        "-> 401: refused with the documented 401, as it should be: request security: has no credentials"
        in r.getMessage()
        for r in records
    )


def test_html_and_undocumented_status_are_violations(proxy: str, caplog: pytest.LogCaptureFixture) -> None:
    assert httpx.get(f"{proxy}/api/models/html/", headers=AUTH).text == "<html>SPA</html>"
    assert httpx.get(f"{proxy}/api/models/boom/", headers=AUTH).status_code == 500
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "text/html" in messages and "500" in messages


@pytest.mark.parametrize("proxy", [True], indirect=True)
def test_strict_answers_502_with_the_violations(proxy: str) -> None:
    response = httpx.get(f"{proxy}/api/models/bad/", headers=AUTH)
    assert response.status_code == 502
    body = response.json()
    assert body["upstream_status"] == 200 and body["operation"] == "retrieve_custom_model"
    assert any("$.input_cost" in v for v in body["violations"])
    assert httpx.get(f"{proxy}/api/models/good/", headers=AUTH).status_code == 200
    # a request violation alone (no credentials) is logged, never turned into a 502
    assert httpx.get(f"{proxy}/api/models/good/").status_code == 200


def test_unreachable_upstream_is_a_502_with_a_reason() -> None:
    sock = free_socket()
    dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    with serve(create_proxy_app("respan", dead)) as url:
        response = httpx.get(f"{url}/api/models/x/", headers=AUTH)
    assert response.status_code == 502 and "unreachable" in response.json()["error"]


def test_cli_proxy_subcommand_end_to_end(upstream: str) -> None:
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    exe = Path(sys.executable).with_name("mock-server")
    proc = subprocess.Popen(
        [str(exe), "proxy", "--api", "respan", "--upstream", upstream, "--port", str(port), "--strict"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/models/bad/", headers=AUTH)
                break
            except httpx.ConnectError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()[1]
                time.sleep(0.1)
        assert response.status_code == 502
        assert any("$.input_cost" in v for v in response.json()["violations"])
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "proxy respan" in out
    assert "Traceback" not in err


def test_cli_rejects_a_bad_upstream_url() -> None:
    exe = Path(sys.executable).with_name("mock-server")
    done = subprocess.run(
        [str(exe), "proxy", "--api", "respan", "--upstream", "staging:8080"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "not an http(s) URL" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("api", vendor_specs.APIS)
def test_strict_proxy_in_front_of_the_mock_passes_every_documented_answer(api: str) -> None:
    """No false positives on real traffic: the mock's answers all conform, so even --strict passes them."""
    import yaml

    profile = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "mock_server" / "data" / "profiles" / f"{api}.yaml").read_text()
    )
    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    exe = Path(sys.executable).with_name("mock-server")
    mock = subprocess.Popen(
        [str(exe), "--api", api, "--host", "127.0.0.1", "--port", str(port), "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while not port_open(port):
            assert mock.poll() is None and time.monotonic() < deadline, mock.communicate()[1]
            time.sleep(0.1)
        with serve(create_proxy_app(api, f"http://127.0.0.1:{port}", strict=True)) as url:
            prefix = vendor_specs.base_path(api)
            owner, stranger = profile["tokens"]["owner"], profile["tokens"]["stranger"]
            auth = {"X-Blocks-Key": owner} if api == "selise" else {"Authorization": f"Bearer {owner}"}
            other = {"X-Blocks-Key": stranger} if api == "selise" else {"Authorization": f"Bearer {stranger}"}
            template = vendor_specs.operations(api)[0].path

            def path(model: str) -> str:
                if "{" in template:
                    return prefix + template.split("{")[0] + model + template.split("}")[1]
                return prefix + template + "?id=" + model.replace("/", "%2F")

            statuses = set()
            for model, headers in [
                (profile["models"]["own"], auth),
                (profile["models"]["shared"], auth),
                (profile["models"]["own"], other),
                (profile["models"]["missing"], auth),
                (profile["models"]["own"], {}),
            ]:
                response = httpx.get(url + path(model), headers=headers)
                assert response.status_code != 502, response.text
                statuses.add(response.status_code)
            assert 200 in statuses and len(statuses) >= 3
    finally:
        mock.terminate()
        mock.communicate(timeout=10)


@contextlib.contextmanager
def raw_server(answer: bytes | None) -> Iterator[str]:
    """A TCP server that reads the request and writes ``answer`` (None: never answers), then closes."""
    sock = free_socket()
    stop = threading.Event()
    held: list[socket.socket] = []

    def loop() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            held.append(conn)
            if answer is not None:
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(answer)
                conn.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(5)
        for conn in held:
            conn.close()
        sock.close()


def test_upstream_failures_have_a_clear_reason_in_the_502_and_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "mock_server.proxy")
    sock = free_socket()
    dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    with raw_server(None) as silent, raw_server(b"SSH-2.0-OpenSSH_9.6\r\n") as not_http:
        cases = [
            (silent, "timed out after 0.5 s waiting for its answer"),
            (not_http, "did not answer with HTTP ("),
            (dead, "connection refused"),
        ]
        for upstream, reason in cases:
            caplog.clear()
            with serve(create_proxy_app("respan", upstream, timeout=0.5)) as url:
                response = httpx.get(f"{url}/api/models/x/", headers=AUTH, timeout=10)
            assert response.status_code == 502
            error = response.json()["error"]
            assert error.startswith(f"upstream {upstream} unreachable: {reason}"), error
            assert any(f"unreachable: {reason}" in r.getMessage() for r in caplog.records), caplog.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "mock-server: --port 99999 is out of range (0-65535)"),
        (["--port", "-1"], "mock-server: --port -1 is out of range (0-65535)"),
        (["--timeout", "-1"], "mock-server: --timeout must be a positive number of seconds, got -1"),
        (["--timeout", "0"], "mock-server: --timeout must be a positive number of seconds, got 0"),
        (["--timeout", "nan"], "mock-server: --timeout must be a positive number of seconds, got nan"),
    ],
)
def test_cli_rejects_out_of_range_port_and_non_positive_timeout(args: list[str], message: str) -> None:
    exe = Path(sys.executable).with_name("mock-server")
    done = subprocess.run(
        [str(exe), "proxy", "--api", "respan", "--upstream", "http://127.0.0.1:9", *args],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n")
