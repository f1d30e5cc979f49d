"""Small hostile upstreams on 127.0.0.1 for the proxy and upstream-client tests: each connection is handed
to a script (a function of the socket) in its own thread; everything stops when the block ends."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

__all__ = [
    "Hostile",
    "Script",
    "answer",
    "closes_after_one",
    "drips",
    "endless_chunks",
    "hostile_server",
    "read_request",
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
class Hostile:
    url: str  # http://127.0.0.1:<port>
    connections: list[socket.socket] = field(default_factory=list)  # accepted so far


@contextlib.contextmanager
def hostile_server(script: Script) -> Iterator[Hostile]:
    """A server running ``script`` on every connection it accepts (closed when the script returns)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.05)
    stop = threading.Event()
    server = Hostile(f"http://127.0.0.1:{listener.getsockname()[1]}")
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


def drips(every: float, size: int = 1000) -> Script:
    """Headers at once, then a body of ``size`` bytes one byte every ``every`` seconds."""

    def script(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % size)
        for _ in range(size):
            conn.sendall(b" ")
            time.sleep(every)

    return script


def endless_chunks(chunk: int = 65536, total: int = 64 * 1_048_576) -> Script:
    """A chunked body of ``total`` bytes, as fast as the reader takes it."""

    def script(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        piece = b"%x\r\n%s\r\n" % (chunk, b"x" * chunk)
        for _ in range(total // chunk):
            conn.sendall(piece)
        conn.sendall(b"0\r\n\r\n")

    return script
