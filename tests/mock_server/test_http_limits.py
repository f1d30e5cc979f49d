"""What the HTTP server refuses before the app: over-long URLs reach the app and get the vendor's 414."""

from __future__ import annotations

import http.client
import json
import socket

import httpx
import pytest

from mock_server._http import URL_LIMIT
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
