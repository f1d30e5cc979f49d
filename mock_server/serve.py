"""Run one or more mock apps with uvicorn in one process, on sockets bound up front (so a busy port is a
clean usage error, not a traceback)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib.util
import logging
import signal
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn

from mock_server._http import http_protocol
from mock_server.errors import UsageError

__all__ = ["Listener", "bind", "run"]

log = logging.getLogger("mock_server.fixtures")


@dataclass
class Listener:
    api: str
    app: Any
    sock: socket.socket
    base_path: str
    passthrough: bool = False  # answers leave exactly as the app sends them (no Server or Date header added)

    @property
    def url(self) -> str:
        host, port = self.sock.getsockname()[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}{self.base_path}"


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on host:port, or ``UsageError`` saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise UsageError(f"cannot resolve host {host!r} ({exc.strerror})") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port} ({exc.strerror}); choose another --port") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # signals are handled once for all servers in run()
        yield


def _config(app: Any) -> uvicorn.Config:
    loop = "uvloop" if importlib.util.find_spec("uvloop") is not None else "asyncio"
    http, limits = http_protocol()
    return uvicorn.Config(
        app,
        log_level="warning",
        log_config=None,  # uvicorn's records go through mock_server.logs (text or JSON, rate-limited)
        access_log=False,
        lifespan="off",
        http=http,
        **limits,
        loop=loop,
        timeout_graceful_shutdown=2,
        proxy_headers=False,
    )


def _stop_all(servers: list[_Server]) -> None:
    for server in servers:
        server.should_exit = True


async def _watch_fixtures(listeners: list[Listener], interval: float = 0.5) -> None:
    """Reload edited fixture files (and log a broken edit) even while no request comes in."""
    stores = [store for store in (getattr(item.app, "store", None) for item in listeners) if store is not None]
    while True:
        await asyncio.sleep(interval)
        for store in stores:
            try:
                store.get()
            except Exception as exc:  # the watcher must outlive any failure; poll() logs bad files itself
                log.error("fixture watcher: reloading %s failed: %r", getattr(store, "path", "?"), exc)


def run(listeners: list[Listener]) -> None:
    """Serve every listener until SIGINT/SIGTERM."""
    servers = [_Server(_config(item.app)) for item in listeners]
    for server, item in zip(servers, listeners, strict=True):
        if item.passthrough:
            server.config.server_header = server.config.date_header = False

    async def main() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, _stop_all, servers)
        watcher = asyncio.create_task(_watch_fixtures(listeners))
        try:
            await asyncio.gather(*(s.serve(sockets=[item.sock]) for s, item in zip(servers, listeners, strict=True)))
        finally:
            watcher.cancel()

    config = servers[0].config
    config.load()
    # Everything built so far (specs, Connexion's operation objects, validators) lives as long as the
    # process: keep it out of the garbage collector's scans, which otherwise cause long latency spikes.
    gc.collect()
    gc.freeze()
    factory = config.get_loop_factory() if hasattr(config, "get_loop_factory") else None
    if factory is not None:
        with asyncio.Runner(loop_factory=factory) as runner:
            runner.run(main())
    else:
        asyncio.run(main())
    logging.getLogger("mock_server").info("stopped")
    sys.stdout.flush()
