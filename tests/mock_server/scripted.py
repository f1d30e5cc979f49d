"""Scripted upstreams on 127.0.0.1 for the proxy and upstream-client tests: each connection is handed to a
script (a function of the socket) in its own thread; everything stops when the block ends.

For what ``tests/faults/hostile.py`` does not serve: silence, a stall inside the headers, an answer that is
not HTTP or lies about its length, keep-alive connections hung up, the request heads as they arrived. Its
``drip``, ``big`` and ``endless`` targets are used as they are."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tests.faults.hostile import hostile

__all__ = [
    "Script",
    "Scripted",
    "answer",
    "closes_after_one",
    "read_request",
    "scripted_server",
    "serving",
    "silent",
    "stalls_in_headers",
]

Script = Callable[[socket.socket], None]


def read_request(conn: socket.socket) -> bytes:
    """The request's head (up to the blank line); the GETs under test have no body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


@dataclass
class Scripted:
    url: str  # http://127.0.0.1:<port>
    connections: list[socket.socket] = field(default_factory=list)  # accepted so far


@contextlib.contextmanager
def scripted_server(script: Script) -> Iterator[Scripted]:
    """A server running ``script`` on every connection it accepts (closed when the script returns)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.05)
    stop = threading.Event()
    server = Scripted(f"http://127.0.0.1:{listener.getsockname()[1]}")
    conns = server.connections
    workers: list[threading.Thread] = []

    def run(conn: socket.socket) -> None:
        with contextlib.suppress(OSError):
            script(conn)
        with contextlib.suppress(OSError):  # the script is over: so is the connection
            conn.shutdown(socket.SHUT_RDWR)
        conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            conn.settimeout(10)
            conns.append(conn)
            worker = threading.Thread(target=run, args=(conn,), daemon=True)
            workers.append(worker)
            worker.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        stop.set()
        acceptor.join(5)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()
        for worker in workers:
            worker.join(5)
        listener.close()


@contextlib.contextmanager
def serving(target: Script | str, interval: float = 0.05) -> Iterator[str]:
    """The URL of ``target``: a script run by :func:`scripted_server`, or the name of a
    ``tests/faults/hostile.py`` target (``drip`` one byte every ``interval`` s, ``big``, ``endless``)."""
    if isinstance(target, str):
        with hostile(target, interval=interval) as url:
            yield url
    else:
        with scripted_server(target) as server:
            yield server.url


def answer(*responses: bytes, keep_open: bool = True, heads: list[bytes] | None = None) -> Script:
    """Read a request, write the next of ``responses``, for each (the request heads go to ``heads``);
    then keep the connection open until the client closes it, or close it."""

    def script(conn: socket.socket) -> None:
        for response in responses:
            head = read_request(conn)
            if not head:
                return
            if heads is not None:
                heads.append(head)
            conn.sendall(response)
        while keep_open and conn.recv(65536):
            pass

    return script


def closes_after_one(response: bytes) -> Script:
    """Answer one request, announcing keep-alive; close the connection on the next one without answering
    (as a server does whose idle timeout ran out just as the request came)."""

    def script(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(response)
        read_request(conn)

    return script


def silent(conn: socket.socket) -> None:
    """Read the request, never answer."""
    read_request(conn)
    while conn.recv(65536):
        pass


def stalls_in_headers(conn: socket.socket) -> None:
    """A status line and half a header, then nothing."""
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Ty")
    while conn.recv(65536):
        pass
