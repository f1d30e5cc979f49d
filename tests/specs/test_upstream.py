"""The proxy's upstream client against well-behaved and hostile servers on 127.0.0.1 (`scripted.py`).

Each failure is an ``UpstreamError`` whose reason says what the upstream did; time is bounded by the one
deadline per exchange, memory by the body cap.
"""

from __future__ import annotations

import asyncio
import gzip
import socket
import ssl
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.mock_server.scripted import answer, closes_after_one, scripted_server, serving, silent, stalls_in_headers
from vendor_specs import Upstream, UpstreamError, UpstreamResponse, decoded

OK = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Case: Kept\r\nContent-Length: 2\r\n\r\n{}"
MB = 1_048_576


def exchange(
    url: str, *, timeout: float = 5.0, max_body: int = MB, method: str = "GET", times: int = 1
) -> list[UpstreamResponse | UpstreamError]:
    """``times`` requests one after the other on one client; each result or its UpstreamError."""

    async def main() -> list[UpstreamResponse | UpstreamError]:
        upstream = Upstream(url, timeout=timeout, max_body=max_body)
        found: list[UpstreamResponse | UpstreamError] = []
        try:
            for _ in range(times):
                try:
                    found.append(await upstream.request(method, b"/a%2Fb?x=1", [(b"host", upstream.host_header)]))
                except UpstreamError as exc:
                    found.append(exc)
        finally:
            await upstream.aclose()
        return found

    return asyncio.run(main())


def failure(url: str, **kwargs: Any) -> UpstreamError:
    (result,) = exchange(url, **kwargs)
    assert isinstance(result, UpstreamError), result
    return result


def test_answer_comes_back_as_received_and_the_connection_is_reused() -> None:
    heads: list[bytes] = []
    with scripted_server(answer(OK, OK, OK, heads=heads)) as server:
        results = exchange(server.url, times=3)
        assert len(server.connections) == 1
    assert all(isinstance(r, UpstreamResponse) for r in results)
    first = results[0]
    assert isinstance(first, UpstreamResponse)
    assert (first.status, first.body) == (200, b"{}")
    assert (b"X-Case", b"Kept") in first.headers
    assert heads[0].startswith(b"GET /a%2Fb?x=1 HTTP/1.1\r\n")  # the target as given, not re-encoded


def test_chunked_body_is_unframed() -> None:
    chunked = b'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{"\r\n7\r\na": 1}\n\r\n0\r\n\r\n'
    with scripted_server(answer(chunked)) as server:
        (result,) = exchange(server.url)
    assert isinstance(result, UpstreamResponse) and result.body == b'{"a": 1}\n'


def test_body_until_close_without_length() -> None:
    with scripted_server(answer(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{}", keep_open=False)) as server:
        (result,) = exchange(server.url)
    assert isinstance(result, UpstreamResponse) and result.body == b"{}"


def test_head_and_204_do_not_wait_for_a_body() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"
    with scripted_server(answer(head, head)) as server:
        results = exchange(server.url, method="HEAD", times=2, timeout=2)
        assert len(server.connections) == 1
    assert [(r.status, r.body) for r in results if isinstance(r, UpstreamResponse)] == [(200, b""), (200, b"")]
    with scripted_server(answer(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")) as server:
        (result,) = exchange(server.url, timeout=2)
    assert isinstance(result, UpstreamResponse) and (result.status, result.body) == (204, b"")


def test_a_closed_keep_alive_connection_is_retried_once() -> None:
    with scripted_server(closes_after_one(OK)) as server:
        results = exchange(server.url, times=2)
        assert len(server.connections) == 2
    assert all(isinstance(r, UpstreamResponse) for r in results), results


def test_after_a_stale_connection_every_kept_one_is_dropped() -> None:
    """Three connections kept alive, all closed by the upstream when next used: one retry, on a new one."""
    with scripted_server(closes_after_one(OK)) as server:

        async def main() -> list[Any]:
            upstream = Upstream(server.url, timeout=5, max_body=MB)
            call = [(b"host", upstream.host_header)]
            try:
                first = await asyncio.gather(*(upstream.request("GET", b"/", call) for _ in range(3)))
                return [*first, await upstream.request("GET", b"/", call)]
            finally:
                await upstream.aclose()

        results = asyncio.run(main())
        assert len(server.connections) == 4
    assert [r.status for r in results] == [200] * 4


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        (silent, "timed out after 0.5 s waiting for its answer"),
        (stalls_in_headers, "timed out after 0.5 s in the middle of its status line and headers"),
        ("drip", "timed out after 0.5 s reading its body ("),
    ],
    ids=["headers never come", "headers stall", "body drips"],
)
def test_one_deadline_for_the_whole_answer(script: Any, reason: str) -> None:
    with serving(script) as url:
        start = time.monotonic()
        error = failure(url, timeout=0.5)
        elapsed = time.monotonic() - start
    assert error.reason.startswith(reason), error.reason
    assert 0.45 < elapsed < 2.0


def test_a_dripping_body_says_how_much_came() -> None:
    with serving("drip") as url:
        error = failure(url, timeout=0.5)
    received = int(error.reason.split("(")[1].split()[0])
    assert 3 <= received <= 12 and error.answered


def test_declared_length_over_the_cap_is_refused_before_reading() -> None:
    huge = b"HTTP/1.1 200 OK\r\nContent-Length: 999999999\r\n\r\n" + b"x" * 1000
    with scripted_server(answer(huge)) as server:
        error = failure(server.url, max_body=MB)
    assert error.reason == "answered a body of 999999999 bytes, over the 1 MB cap (--max-body-mb)"
    assert error.answered


def test_chunked_body_over_the_cap_is_cut_and_memory_stays_bounded() -> None:
    with serving("endless") as url:
        tracemalloc.start()
        try:
            error = failure(url, max_body=MB)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert error.reason.startswith("sent a body over the 1 MB cap (--max-body-mb); cut after ")
    assert peak < 4 * MB, f"peak {peak / MB:.1f} MB for a 1 MB cap"


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        (b"SSH-2.0-OpenSSH_9.6\r\n", "did not answer with HTTP ("),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}", "closed the connection before the end of its body (2 "),
        (b"HTTP/1.1 200 OK\r\nContent", "closed the connection in the middle of its status line and headers"),
        (b"", "closed the connection before answering"),
    ],
    ids=["not HTTP", "cut body", "cut headers", "closed"],
)
def test_broken_answers(response: bytes, reason: str) -> None:
    with scripted_server(answer(response, keep_open=False)) as server:
        error = failure(server.url)
    assert error.reason.startswith(reason), error.reason


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    error = failure(f"http://127.0.0.1:{port}")
    assert error.reason == "connection refused (is it running, on that port?)" and not error.answered
    assert error.cause == "refused"


def test_a_name_that_does_not_resolve_is_a_dns_cause() -> None:
    error = failure("http://no-such-host.invalid")  # RFC 6761: never resolves
    assert error.reason.startswith("host name not found (") and error.cause == "dns"


def test_closed_before_answering_is_a_closed_cause() -> None:
    with scripted_server(answer(b"", keep_open=False)) as server:
        assert failure(server.url).cause == "closed"


@pytest.mark.parametrize(
    ("exc", "cause", "reason"),
    [
        (TimeoutError(), "timeout", "timed out after 3 s while connecting"),
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "dns", "host name not found (Name or"),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), "dns_again", "host name not found (Temporary"),
        (ssl.SSLCertVerificationError(1, "certificate verify failed"), "certificate", "TLS certificate not trusted"),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), "tls", "TLS handshake failed"),
        (ConnectionResetError(104, "Connection reset by peer"), "reset", "the connection was reset ("),
        (OSError(113, "No route to host"), "other", "could not connect (No route to host)"),
    ],
)
def test_connection_failures_name_their_cause(exc: BaseException, cause: str, reason: str) -> None:
    error = UpstreamError.connecting(exc, 3)
    assert error.cause == cause and error.reason.startswith(reason), (error.cause, error.reason)


def test_decoded_reads_gzip_and_deflate_up_to_the_limit() -> None:
    page = b"<title>Open WebUI</title>" + b"x" * 100_000
    assert decoded(gzip.compress(page), "gzip", 25) == page[:25]
    assert decoded(zlib.compress(page), "Deflate", 100) == page[:100]
    raw = zlib.compressobj(wbits=-15)
    assert decoded(raw.compress(page) + raw.flush(), "deflate", 25) == page[:25]  # raw deflate, as some send it
    assert decoded(page, "", 25) == decoded(page, "identity", 25) == page[:25]
    with pytest.raises(ValueError, match="'br' is not decoded"):
        decoded(page, "br", 25)
    with pytest.raises(ValueError, match="gzip encoding is broken"):
        decoded(b"not gzip", "gzip", 25)


def test_host_header_and_prefix() -> None:
    upstream = Upstream("https://Staging.Example.com:8443/api/v1/", timeout=1, max_body=MB)
    assert (upstream.origin, upstream.prefix, upstream.host_header) == (
        "https://Staging.Example.com:8443",
        "/api/v1",
        b"staging.example.com:8443",
    )
    assert Upstream("http://[::1]/", timeout=1, max_body=MB).host_header == b"[::1]"


def test_concurrent_requests_use_separate_connections() -> None:
    with scripted_server(answer(OK, OK)) as server:

        async def main() -> list[Any]:
            upstream = Upstream(server.url, timeout=5, max_body=MB)
            calls: list[Callable[[], Awaitable[UpstreamResponse]]] = [
                lambda: upstream.request("GET", b"/", [(b"host", upstream.host_header)]) for _ in range(4)
            ]
            try:
                return await asyncio.gather(*(call() for call in calls))
            finally:
                await upstream.aclose()

        results = asyncio.run(main())
        assert len(server.connections) == 4
    assert [r.status for r in results] == [200] * 4
