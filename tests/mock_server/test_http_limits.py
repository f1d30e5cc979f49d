"""What the HTTP server refuses before the app: over-long URLs reach the app and get the vendor's 414."""

from __future__ import annotations

import asyncio
import http.client
import json
import socket

import httpx
import pytest

from mock_server._http import URL_LIMIT, OneWrite
from tests.mock_server.conftest import bearer, free_port


def _get(port: int, target: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """http.client: httpx refuses to send URLs over 64 KiB itself."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", target, headers=headers)
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        conn.close()


PATHS = {"openwebui": "/api/models/model?id=", "respan": "/api/models/", "selise": "/models/"}


@pytest.mark.slow
def test_over_long_urls_are_answered_by_the_app_in_the_vendors_format(run_mock):
    port = free_port(3)
    mock = run_mock("--port", str(port), "--quiet")
    mock.wait_url(f"http://127.0.0.1:{port + 1}/")
    for offset, (api, path) in enumerate(PATHS.items()):
        for size in (URL_LIMIT + 1, 1_000_000):
            target = path + "a" * (size - len(path))
            status, headers, body = _get(
                port + offset, target, {**bearer("respan", "acme"), "Origin": "http://app.local"}
            )
            assert status == 414 and headers["content-type"] == "application/json", (api, size)
            assert f"{size:,} bytes" in json.loads(body)["detail"]
            assert headers["access-control-allow-origin"] == "http://app.local"
        # just under the limit it is an ordinary request (e.g. an unknown model)
        status, _, _ = _get(port + offset, path + "a" * (URL_LIMIT - 200 - len(path)), bearer("respan", "acme"))
        assert status != 414
    journal = httpx.get(f"http://127.0.0.1:{port + 1}/__mock/requests", params={"status": "414"}).json()
    assert journal["count"] == 2 and journal["requests"][0]["truncated"]["path"] > 60_000
    out, err = mock.stop()
    assert "Invalid HTTP request" not in err


@pytest.mark.slow
def test_malformed_http_is_refused_by_the_server_with_rate_limited_warnings(run_mock):
    port = free_port()
    mock = run_mock("--api", "respan", "--port", str(port), "--quiet")
    mock.wait_url(f"http://127.0.0.1:{port}/")
    for _ in range(200):
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(b"GET /\x00 HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 400")
    out, err = mock.stop()
    assert err.count("Invalid HTTP request received.") == 1  # the first; later ones are counted, not printed


class _Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def test_one_write_sends_a_head_with_its_body_and_never_reorders() -> None:
    asyncio.run(_one_write())


async def _one_write() -> None:
    real = _Transport()
    writer = OneWrite(real)
    writer.write(b"HTTP/1.1 200 OK\r\n\r\n")
    writer.write(b"body")
    writer.write(b"more")
    assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody", b"more"]
    writer.write(b"HTTP/1.1 200 OK\r\n\r\n")  # a HEAD answer: no body follows; out at the loop's next turn
    assert real.writes[2:] == [] and not writer.is_closing()
    await asyncio.sleep(0)
    assert real.writes[2:] == [b"HTTP/1.1 200 OK\r\n\r\n"]
    writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    writer.close()  # closing sends what is held first
    assert real.writes[3:] == [b"HTTP/1.1 204 No Content\r\n\r\n"] and real.closed


def test_answers_on_the_wire_are_whole_for_get_head_pipelining_and_100_continue(run_mock):
    port = free_port()
    mock = run_mock("--api", "respan", "--port", str(port), "--quiet")
    mock.wait_url(f"http://127.0.0.1:{port}/")
    token = bearer("respan", "acme")["Authorization"]
    get = f"GET /api/models/openai%2Fgpt-4/ HTTP/1.1\r\nHost: x\r\nAuthorization: {token}\r\n\r\n".encode()
    head = get.replace(b"GET ", b"HEAD ", 1)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(get + head + get)  # pipelined: three answers, in order, on one connection
        data = b""
        while data.count(b"HTTP/1.1 200 OK") < 3 or not data.endswith(b"}"):
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
        first, second, third = data.split(b"HTTP/1.1 200 OK")[1:]
        length = int(first.split(b"content-length: ")[1].split(b"\r\n")[0])
        assert (
            first.endswith(b"\r\n\r\n" + first.split(b"\r\n\r\n", 1)[1])
            and len(first.split(b"\r\n\r\n", 1)[1]) == length
        )
        assert second.endswith(b"\r\n\r\n") and b"content-length: " + str(length).encode() in second  # HEAD: no body
        assert third.split(b"\r\n\r\n", 1)[1] == first.split(b"\r\n\r\n", 1)[1]
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:  # a client that waits for 100 Continue
        sock.sendall(
            b"GET /api/models/openai%2Fgpt-4/ HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
            + f"Authorization: {token}\r\n\r\n".encode()
        )
        assert sock.recv(65536).startswith(b"HTTP/1.1 100 Continue")
        sock.sendall(b"{}")
        data = b""
        while not data.endswith(b"}"):
            chunk = sock.recv(65536)
            assert chunk, data
            data += chunk
        assert b"HTTP/1.1 200 OK" in data
    mock.stop()
