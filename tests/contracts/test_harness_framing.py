"""The harness never sends a request that is malformed at the HTTP framing level.

Regression: `test_mock_conforms[openwebui-10]` failed in full-suite runs only. Schemathesis' negative
generation adds undeclared headers; Hypothesis draws their names now and then from the string constants
of the project's own modules (`mock_server/proxy.py` holds "transfer-encoding" and "identity"; it is only
imported when the whole suite is collected). A generated `transfer-encoding` header makes urllib3 frame
the GET as chunked (it appends `0\\r\\n\\r\\n`) while the header itself is empty, so uvicorn answered 400
text/plain before the app ran, and the harness reported an undocumented status. Here the constant pool is
forced to hold such names, and a server with a real HTTP/1.1 parser (h11, what uvicorn uses without
httptools) records every request as it arrives on the socket.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import h11
import pytest
import schemathesis
from hypothesis.internal.conjecture import providers
from hypothesis.internal.constants_ast import Constants

import contracts.fuzz as fuzz_module
from contracts.fuzz import HTTP_LAYER_HEADERS, fuzz, sendable_over_http
from contracts.guard import Guard
from contracts.target import shape_of
from tests.mock_server.scripted import scripted_server
from vendor_specs import raw_spec

# What urllib3/requests put on every request themselves (plus the run's bearer token).
CLIENT_HEADERS = {
    "host",
    "user-agent",
    "accept-encoding",
    "accept",
    "connection",
    "authorization",
    "x-schemathesis-testcaseid",
}


@dataclass
class Wire:
    requests: list[list[tuple[str, str]]] = field(default_factory=list)  # header (name, value) pairs as received
    malformed: list[str] = field(default_factory=list)  # what the parser said, with the bytes it got


def _handle(conn: socket.socket, wire: Wire) -> None:
    parser = h11.Connection(h11.SERVER)
    raw = b""
    conn.settimeout(3)
    try:
        while True:
            event = parser.next_event()
            if event is h11.NEED_DATA:
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    if parser.their_state is h11.SEND_BODY:  # e.g. a Content-Length no body follows
                        wire.malformed.append(f"body never completed: {raw!r}")
                    return
                raw += data
                parser.receive_data(data)
                if not data:
                    return
            elif isinstance(event, h11.Request):
                wire.requests.append([(k.decode("latin-1"), v.decode("latin-1")) for k, v in event.headers])
            elif isinstance(event, h11.EndOfMessage):
                body = json.dumps({"detail": "Not authenticated"}).encode()
                headers = [("content-type", "application/json"), ("content-length", str(len(body)))]
                conn.sendall(
                    parser.send(h11.Response(status_code=401, headers=headers)) + parser.send(h11.Data(data=body))
                )
                conn.sendall(parser.send(h11.EndOfMessage()))
                parser.start_next_cycle()
                raw = b""
            elif isinstance(event, h11.ConnectionClosed):
                return
    except h11.RemoteProtocolError as exc:
        wire.malformed.append(f"{exc}: {raw!r}")
        conn.sendall(
            b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
        )
    except OSError:
        pass
    finally:
        conn.close()


@contextmanager
def recording_server() -> Iterator[tuple[str, Wire]]:
    """An HTTP/1.1 server on a free port that records each request's headers and any framing error."""
    wire = Wire()
    with scripted_server(lambda conn: _handle(conn, wire)) as server:
        yield server.url, wire


@pytest.fixture
def framing_names_as_constants(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hypothesis' pool of local string constants holds just the two framing header names, so drawn
    header names hit them often (what `mock_server/proxy.py` did by chance in the full suite)."""
    pool = Constants(strings={"transfer-encoding", "content-length"})
    monkeypatch.setattr(providers, "_get_local_constants", lambda: pool)
    providers.CONSTANTS_CACHE.cache.clear()
    yield
    providers.CONSTANTS_CACHE.cache.clear()


@pytest.mark.slow
def test_fuzzing_never_sends_http_layer_headers(
    framing_names_as_constants: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rejected: list[set[str]] = []

    def counting(ctx, case) -> bool:  # the same hook, counting the cases it keeps off the wire
        keep = sendable_over_http(ctx, case)
        if not keep:
            rejected.append({name.lower() for name in case.headers} & HTTP_LAYER_HEADERS)
        return keep

    monkeypatch.setattr(fuzz_module, "sendable_over_http", counting)
    with recording_server() as (url, wire), Guard(5, 1 << 24, shape_of("openwebui", url + "/api")) as guard:
        for seed in (10, 11, 12):
            fuzz(
                "openwebui",
                url + "/api",
                token="contracts-test-token",
                max_examples=5,
                seed=seed,
                guard=guard,
                strict=False,
            )
    # Schemathesis' capability probes (a NUL byte in a header, sent once before the phases) are malformed on
    # purpose: a 400 tells it to stop generating such values; no check sees their responses.
    malformed = [m for m in wire.malformed if "X-Schemathesis-Probe:" not in m]
    assert malformed == [], malformed
    # HTTP-layer headers on the wire are only the client's own: one Host (the base URL's), requests'
    # `Connection: keep-alive`, and `Content-Length: 0` where requests frames an empty body.
    client_own = {("host", url.removeprefix("http://")), ("connection", "keep-alive"), ("content-length", "0")}
    sent = [(n.lower(), v) for headers in wire.requests for n, v in headers if n.lower() in HTTP_LAYER_HEADERS]
    assert set(sent) <= client_own, sorted(set(sent) - client_own)
    assert all(sum(name.lower() == "host" for name, _ in headers) == 1 for headers in wire.requests)
    # The scenario really happened: generated undeclared headers reached the server, and cases naming
    # HTTP-layer headers were generated (and kept off the wire).
    assert any({name.lower() for name, _ in headers} - CLIENT_HEADERS for headers in wire.requests)
    assert {"transfer-encoding", "content-length"} & set().union(*rejected), rejected


def _case(headers: dict[str, str], declared: tuple[str, ...] = ()):
    spec = raw_spec("openwebui")
    op = spec["paths"]["/models/model"]["get"]
    op["parameters"] = op.get("parameters", []) + [
        {"name": n, "in": "header", "schema": {"type": "string"}} for n in declared
    ]
    schema = schemathesis.openapi.from_dict(spec)
    return schema["/models/model"]["GET"].Case(query={"id": "x"}, headers=headers)


@pytest.mark.parametrize(
    ("headers", "declared", "sendable"),
    [
        ({"Authorization": "Bearer t", "D|DQc": "O.7Nc%Jd"}, (), True),
        ({"identity": "@;[", "transfer-encoding": ""}, (), False),
        ({"Transfer-Encoding": "chunked"}, (), False),
        ({"CONTENT-LENGTH": "5"}, (), False),
        ({"host": "elsewhere"}, (), False),
        ({"Upgrade": "h2c", "Connection": "Upgrade"}, (), False),
        ({"Expect": "100-continue"}, (), False),
        ({"Host": "tenant.example"}, ("Host",), True),  # declared by the spec: API input, kept
    ],
)
def test_sendable_over_http(headers: dict[str, str], declared: tuple[str, ...], sendable: bool) -> None:
    assert sendable_over_http(None, _case(headers, declared)) is sendable
