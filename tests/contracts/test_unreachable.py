"""A target that cannot be reached is one plain line naming why and what to do, exit 2, never the guard's or the
HTTP client's internals (``ProxyError: 502 Bad Gateway``, ``[SSL: WRONG_VERSION_NUMBER]``): a name that does not
resolve, https:// to a plain-HTTP port, nothing listening, a reset, over http:// and https:// (where the guard's
tunnel is all the client sees). ``--wait`` does not wait for a name that cannot resolve.

Only 127.0.0.1 and ``.invalid`` names (RFC 6761: they never resolve) are used: no other network.
"""

from __future__ import annotations

import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from tests.contracts.fixtures import closed_port, respan_check
from tests.faults.reference import make_app
from tests.faults.serve import serve
from tests.mock_server.scripted import scripted_server

pytestmark = pytest.mark.slow
CONTRACTS = str(Path(sys.executable).with_name("contracts"))
NO_SUCH_HOST = "no-such-host.invalid"


def check(url: str, *args: str) -> list[str]:
    return ["check", "--api", "respan", "--base-url", url, "--no-property-based", *args]


def the_line(err: str) -> str:
    """The one line the run ends with: no traceback, nothing of the guard's or the client's own words."""
    lines = [line for line in err.splitlines() if line.startswith("contracts: error:")]
    assert len(lines) == 1, err
    for internal in ("Traceback", "ProxyError", "Bad Gateway", "ConnectError", "_ssl.c", "request to "):
        assert internal not in err, err
    return lines[0]


@contextmanager
def python_http_server() -> Iterator[int]:
    """The standard library's HTTP server (it answers a TLS handshake with an HTTP/0.9 error page)."""

    class Quiet(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def plain_http(kind: str) -> Iterator[int]:
    if kind == "uvicorn":
        with serve(make_app("respan")) as url:
            yield int(url.rsplit(":", 1)[1])
    else:
        with python_http_server() as port:
            yield port


@contextmanager
def resetting() -> Iterator[int]:
    """A TCP server that reads the request, then resets the connection (SO_LINGER 0) without a byte of answer."""

    def reset(conn: socket.socket) -> None:
        conn.settimeout(2)
        conn.recv(65536)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()

    with scripted_server(reset) as server:
        yield int(server.url.rsplit(":", 1)[1])


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_name_that_does_not_resolve(scheme: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"{scheme}://{NO_SUCH_HOST}"
    assert main(check(url)) == 2
    assert the_line(capsys.readouterr().err) == (
        f"contracts: error: cannot reach {url}: the host name {NO_SUCH_HOST} does not resolve (DNS); check the URL"
    )


def test_a_name_that_does_not_resolve_subprocess() -> None:
    url = f"https://{NO_SUCH_HOST}/api"
    proc = subprocess.run([CONTRACTS, *check(url)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert the_line(proc.stderr).endswith(f"the host name {NO_SUCH_HOST} does not resolve (DNS); check the URL")


@pytest.mark.parametrize("server", ["uvicorn", "http.server"])
def test_https_to_a_plain_http_port(server: str, capsys: pytest.CaptureFixture[str]) -> None:
    with plain_http(server) as port:
        code = main(check(f"https://127.0.0.1:{port}"))
    assert code == 2
    assert the_line(capsys.readouterr().err) == (
        f"contracts: error: cannot reach https://127.0.0.1:{port}: 127.0.0.1:{port} does not speak TLS "
        f"(it answered plain HTTP); use http://127.0.0.1:{port}"
    )


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_nothing_listening(scheme: str, capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    assert main(check(f"{scheme}://127.0.0.1:{port}")) == 2
    assert the_line(capsys.readouterr().err) == (
        f"contracts: error: cannot reach {scheme}://127.0.0.1:{port}: nothing accepts connections on "
        f"127.0.0.1:{port} (connection refused); start the server, or check the host and port"
    )


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_reset_without_an_answer(scheme: str, capsys: pytest.CaptureFixture[str]) -> None:
    with resetting() as port:
        code = main(check(f"{scheme}://127.0.0.1:{port}"))
    assert code == 2
    assert the_line(capsys.readouterr().err) == (
        f"contracts: error: cannot reach {scheme}://127.0.0.1:{port}: 127.0.0.1:{port} reset the connection "
        "without answering; check the port and the scheme (http:// or https://), and the server's log"
    )


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_wait_stops_at_once_on_a_name_that_does_not_resolve(scheme: str, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    code = main(check(f"{scheme}://{NO_SUCH_HOST}", "--wait", "30"))
    assert code == 2 and time.monotonic() - started < 10  # not the 30 s of --wait
    assert "does not resolve (DNS); check the URL" in the_line(capsys.readouterr().err)


def test_wait_on_a_plain_http_port_addressed_as_https_stops_at_once(capsys: pytest.CaptureFixture[str]) -> None:
    with python_http_server() as port:
        started = time.monotonic()
        code = main(check(f"https://127.0.0.1:{port}", "--wait", "30"))
    assert code == 2 and time.monotonic() - started < 10
    assert "does not speak TLS (it answered plain HTTP)" in the_line(capsys.readouterr().err)


def test_wait_gives_up_on_nothing_listening_with_the_plain_reason(capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    assert main(check(f"http://127.0.0.1:{port}", "--wait", "1")) == 2
    line = the_line(capsys.readouterr().err)
    assert f"did not answer within --wait 1 s (cannot reach http://127.0.0.1:{port}: nothing accepts" in line


def test_a_body_that_is_not_its_content_encoding_is_the_servers_fault(capsys: pytest.CaptureFixture[str]) -> None:
    """Every answer says `Content-Encoding: gzip` and is not: the server answered, so it is a finding (exit 1),
    never "cannot reach"."""
    inner = make_app("respan")

    async def lying(scope: dict[str, Any], receive: Any, send: Any) -> None:
        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message["headers"], (b"content-encoding", b"gzip")]}
            await send(message)

        await inner(scope, receive, sending)

    with serve(lying) as url:
        code = main(respan_check(url))
    out, err = capsys.readouterr()
    assert code == 1 and "cannot reach" not in out + err, out + err
    assert "cannot be decoded as its Content-Encoding says" in out
