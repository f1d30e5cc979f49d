"""`mock-server proxy` in front of a tiny local upstream that answers valid and invalid exchanges, and in
front of hostile ones (`scripted.py`, `tests/faults/hostile.py`): silent, dripping, oversized, not HTTP."""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import tracemalloc
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
from mock_server.cli import main
from mock_server.proxy import create_proxy_app
from tests.mock_server.conftest import RunningMock, free_port
from tests.mock_server.scripted import answer, read_request, scripted_server, serving, silent, stalls_in_headers

MB = 1_048_576
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
    (record,) = [r for r in caplog.records if "/api/models/denied/" in r.getMessage()]  # one per exchange
    assert record.levelno == logging.INFO and record.verdict == "refused", record.getMessage()  # type: ignore[attr-defined]
    assert "-> 401: refused with the documented 401, as it should be: request security: has no credentials" in (
        record.getMessage()
    )
    assert "conforms" not in record.getMessage()


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
    dead = f"http://127.0.0.1:{free_port()}"
    with serve(create_proxy_app("respan", dead)) as url:
        response = httpx.get(f"{url}/api/models/x/", headers=AUTH)
    assert response.status_code == 502 and "unreachable" in response.json()["error"]


@pytest.mark.parametrize("quiet", [False, True], ids=["every exchange", "quiet"])
def test_cli_proxy_subcommand_end_to_end(upstream: str, quiet: bool) -> None:
    port = free_port()
    exe = Path(sys.executable).with_name("mock-server")
    options = ["--strict", "--log-format", "json"] + (["--quiet"] if quiet else [])
    proc = subprocess.Popen(
        [str(exe), "proxy", "--api", "respan", "--upstream", upstream, "--port", str(port), *options],
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
        passed = httpx.get(f"http://127.0.0.1:{port}/api/models/good/", headers=AUTH)
        assert passed.headers.get_list("server") == ["uvicorn"]  # the upstream's own, nothing added
        assert len(passed.headers.get_list("date")) == 1
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=10)
    assert "proxy respan" in out
    assert "Traceback" not in err
    records = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    exchanges = [r for r in records if r["logger"] == "mock_server.proxy"]
    bad = next(r for r in exchanges if r["path"] == "/api/models/bad/")
    assert (bad["level"], bad["status"], bad["answered"], bad["verdict"]) == ("warning", 200, 502, "violations")
    assert bad["operation"] == "retrieve_custom_model" and any("$.input_cost" in v for v in bad["violations"])
    good = [r for r in exchanges if r["path"] == "/api/models/good/"]
    assert good == [] if quiet else [{**good[0], "verdict": "conforms", "violations": [], "answered": 200}]


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
    port = free_port()
    mock = RunningMock(["--api", api, "--host", "127.0.0.1", "--port", str(port), "--quiet"])
    try:
        mock.wait_url(f"http://127.0.0.1:{port}/", timeout=20)
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
        mock.stop()


def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (silent, "unreachable: timed out after 0.5 s waiting for its answer"),
        (stalls_in_headers, "unreachable: timed out after 0.5 s in the middle of its status line and headers"),
        (answer(b"SSH-2.0-OpenSSH_9.6\r\n", keep_open=False), "unreachable: did not answer with HTTP ("),
        (None, "unreachable: connection refused (is it running, on that port?)"),
        ("drip", "gave no usable answer: timed out after 0.5 s reading its body ("),
    ],
    ids=["headers never come", "headers stall", "not HTTP", "down", "body drips"],
)
def test_upstream_failures_have_a_clear_reason_in_the_502_and_the_log(
    script: Any, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "mock_server.proxy")
    with contextlib.ExitStack() as stack:
        upstream = dead_url() if script is None else stack.enter_context(serving(script))
        with serve(create_proxy_app("respan", upstream, timeout=0.5)) as url:
            start = time.monotonic()
            response = httpx.get(f"{url}/api/models/x/", headers=AUTH, timeout=10)
            elapsed = time.monotonic() - start
    assert response.status_code == 502 and elapsed < 2.5
    error = response.json()["error"]
    assert error.startswith(f"upstream {upstream} {reason}"), error
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert f"{upstream} {reason}" in record.getMessage()
    assert (record.method, record.path, record.answered, record.verdict) == (
        "GET",
        "/api/models/x/",
        502,
        "upstream error",
    )


def test_body_over_the_cap_is_a_502_and_memory_stays_bounded(caplog: pytest.LogCaptureFixture) -> None:
    with serving("endless") as upstream:
        with serve(create_proxy_app("respan", upstream, max_body_mb=1)) as url:
            tracemalloc.start()
            try:
                response = httpx.get(f"{url}/api/models/x/", headers=AUTH, timeout=30)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
    assert response.status_code == 502
    assert response.json()["error"].startswith(
        f"upstream {upstream} gave no usable answer: sent a body over the 1 MB cap (--max-body-mb); cut after "
    )
    assert peak < 5 * MB, f"peak {peak / MB:.1f} MB with a 1 MB cap and a body that never ends"
    assert "over the 1 MB cap" in caplog.text


def test_declared_length_over_the_cap_is_a_502_without_reading_it() -> None:
    huge = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 900000000\r\n\r\n{"
    with scripted_server(answer(huge)) as upstream, serve(create_proxy_app("respan", upstream.url)) as url:
        response = httpx.get(f"{url}/api/models/x/", headers=AUTH, timeout=10)
    assert response.status_code == 502
    assert response.json() == {
        "error": f"upstream {upstream.url} gave no usable answer: "
        "answered a body of 900000000 bytes, over the 16 MB cap (--max-body-mb)"
    }


def test_exchange_facts_are_on_the_log_records(proxy: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "mock_server.proxy")
    httpx.get(f"{proxy}/api/models/bad/?v=1", headers=AUTH)
    httpx.get(f"{proxy}/api/models/openai/gpt-4/", headers=AUTH)
    bad, good = [r for r in caplog.records if r.name == "mock_server.proxy"]
    assert (bad.method, bad.path, bad.status, bad.answered, bad.verdict) == (
        "GET",
        "/api/models/bad/?v=1",
        200,
        200,
        "violations",
    )
    assert bad.operation == "retrieve_custom_model" and bad.violations == [bad.getMessage().split("-> 200: ")[1]]
    assert (good.verdict, good.violations, good.getMessage()) == (
        "conforms",
        [],
        "proxy GET /api/models/openai/gpt-4/ -> 200: conforms",
    )
    assert isinstance(good.ms, float) and 0 < good.ms < 5000


def test_head_other_methods_and_request_bodies_are_forwarded() -> None:
    heads: list[bytes] = []
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n"
    script = answer(ok, ok + b"hello", keep_open=True, heads=heads)
    with scripted_server(script) as upstream, serve(create_proxy_app("respan", upstream.url, max_body_mb=0.001)) as url:
        head = httpx.head(f"{url}/elsewhere", headers={"Connection": "keep-alive", "Accept-Encoding": "gzip"})
        posted = httpx.post(f"{url}/elsewhere", content=b"abc", headers={"Expect": "100-continue"})
        too_big = httpx.post(f"{url}/elsewhere", content=b"x" * 2000)
    assert (head.status_code, head.headers["content-length"], head.content) == (200, "5", b"")
    assert posted.text == "hello"
    request = heads[1].lower()
    assert request.startswith(b"post /elsewhere http/1.1\r\n") and b"content-length: 3\r\n" in request
    assert request.endswith(b"\r\n\r\nabc") and b"expect" not in request  # the body follows at once
    assert b"accept-encoding: identity" in heads[0].lower() and b"keep-alive" not in heads[0].lower()
    assert b"host: 127.0.0.1:" in heads[0].lower()
    assert too_big.status_code == 413 and "over the 0.001 MB cap" in too_big.json()["error"]


def test_an_over_long_url_is_414_and_not_sent_on_cut() -> None:
    """The CLI's HTTP server (mock_server._http) hands a URL over 65,535 bytes to the app with only its
    first 65,535 bytes: the proxy refuses it rather than forward a different URL."""
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    with scripted_server(answer(ok)) as upstream:
        port = free_port()
        proxy = RunningMock(["proxy", "--api", "respan", "--upstream", upstream.url, "--port", str(port)])
        try:
            proxy.wait_port(port, timeout=20)
            with socket.create_connection(("127.0.0.1", port)) as client:  # httpx refuses such a URL itself
                client.sendall(b"GET /api/models/%s/ HTTP/1.1\r\nHost: x\r\n\r\n" % (b"x" * 70_000))
                head, _, rest = read_request(client).partition(b"\r\n\r\n")  # an answer's head reads the same way
                status, length = int(head.split()[1]), int(head.lower().split(b"content-length: ")[1].split()[0])
                while len(rest) < length and (chunk := client.recv(length - len(rest))):
                    rest += chunk  # the body may come with the head or after it
                body = json.loads(rest)
            normal = httpx.get(f"http://127.0.0.1:{port}/api/models/x/", headers=AUTH)
        finally:
            _, err = proxy.stop()
        assert status == 414
        assert body["error"].startswith("request target of 70013 bytes is over the 65535-byte limit"), body
        assert normal.status_code == 200 and len(upstream.connections) == 1
        assert "over the 65535-byte limit; not forwarded" in err


def test_a_request_cut_by_its_client_is_not_sent_on() -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
    with scripted_server(answer(ok)) as upstream, serve(create_proxy_app("respan", upstream.url)) as url:
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as client:
            client.sendall(b"POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
        time.sleep(0.3)
        assert upstream.connections == []


def test_large_bodies_are_judged_off_the_event_loop_and_passed_unchanged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "mock_server.proxy")
    big = json.dumps({**GOOD, "notes": "x" * (3 * MB)}).encode()  # extra fields are allowed: it conforms
    bad = json.dumps({**GOOD, "notes": "x" * (3 * MB), "input_cost": "cheap"}).encode()
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    script = answer(head % len(big) + big, head % len(bad) + bad)
    with scripted_server(script) as upstream, serve(create_proxy_app("respan", upstream.url)) as url:
        with httpx.Client(timeout=30) as client:
            first = client.get(f"{url}/api/models/x/", headers=AUTH)
            second = client.get(f"{url}/api/models/x/", headers=AUTH)
    assert first.content == big and second.content == bad
    verdicts = [r.verdict for r in caplog.records if r.name == "mock_server.proxy"]
    assert verdicts == ["conforms", "violations"], caplog.text


def test_gzip_encoded_answers_are_passed_unchanged_and_validated_decoded(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "mock_server.proxy")
    bad = gzip.compress(json.dumps({**GOOD, "input_cost": "cheap"}).encode())
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(bad), bad)
    )
    with scripted_server(answer(response)) as upstream, serve(create_proxy_app("respan", upstream.url)) as url:
        with httpx.stream("GET", f"{url}/api/models/x/", headers=AUTH) as streamed:
            raw = b"".join(streamed.iter_raw())
    assert raw == bad
    assert "response body $.input_cost: is not of type 'number'" in caplog.text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--port", "99999"], "mock-server: --port 99999 is out of range (0-65535)"),
        (["--port", "-1"], "mock-server: --port -1 is out of range (0-65535)"),
        (["--timeout", "-1"], "mock-server: --timeout must be a positive number of seconds, got -1"),
        (["--timeout", "0"], "mock-server: --timeout must be a positive number of seconds, got 0"),
        (["--timeout", "nan"], "mock-server: --timeout must be a positive number of seconds, got nan"),
        (["--max-body-mb", "0"], "mock-server: --max-body-mb must be a positive number of megabytes, got 0"),
        (["--max-body-mb", "-2"], "mock-server: --max-body-mb must be a positive number of megabytes, got -2"),
        (["--max-body-mb", "inf"], "mock-server: --max-body-mb must be a positive number of megabytes, got inf"),
        (
            ["--upstream", "http://127.0.0.1:99999"],
            "mock-server: --upstream 'http://127.0.0.1:99999' has an invalid port (0-65535)",
        ),
        (
            ["--upstream", "http://u:pw@127.0.0.1:9"],
            "mock-server: --upstream 'http://u:pw@127.0.0.1:9' must not carry user:password@: the proxy forwards "
            "each client's own credentials",
        ),
        (
            ["--upstream", "ftp://127.0.0.1"],
            "mock-server: --upstream 'ftp://127.0.0.1' is not an http(s) URL such as http://staging.example.com:8080",
        ),
    ],
)
def test_cli_rejects_bad_input_in_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    """In process (``main`` is what the ``mock-server`` script calls; test_cli_proxy_subcommand_end_to_end runs the script)."""
    assert main(["proxy", "--api", "respan", "--upstream", "http://127.0.0.1:9", *args]) == 2
    assert capsys.readouterr() == ("", message + "\n")
