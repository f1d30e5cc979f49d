"""Fixtures for the harness tests: reference servers, raw-socket misbehaving targets, the mock as a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest

from tests.faults.reference import DATA, make_app
from tests.faults.serve import serve
from tests.mock_server.conftest import free_port
from tests.mock_server.scripted import scripted_server, silent
from vendor_specs import base_path

ROOT = Path(__file__).resolve().parents[2]
MOCK_BIN = Path(sys.executable).with_name("mock-server")
MOCK_PROFILES = ROOT / "mock_server" / "data" / "profiles"


@pytest.fixture
def reference() -> Callable[..., AbstractContextManager[str]]:
    """``with reference(api, faults=(), prefix=None) as url`` serves a reference app (see tests/faults)."""

    def factory(api: str, faults: tuple[str, ...] = (), prefix: str | None = None) -> AbstractContextManager[str]:
        return serve(make_app(api, set(faults), prefix=base_path(api) if prefix is None else prefix))

    return factory


def reference_profile(api: str) -> str:
    return str(DATA / f"{api}.yaml")


def respan_check(url: str, *args: str) -> list[str]:
    """``contracts check`` of ``url`` as Respan with the reference profile: a short run (seed 1, 5 examples)."""
    profile = reference_profile("respan")
    return [
        "check",
        "--api",
        "respan",
        "--base-url",
        url,
        "--profile",
        profile,
        "--seed",
        "1",
        "--max-examples",
        "5",
        *args,
    ]


@contextmanager
def raw_tcp(behaviour: str) -> Iterator[str]:
    """A TCP server that accepts and then either never answers (``hang``) or answers garbage (``garbage``)."""

    def garbage(conn: socket.socket) -> None:
        conn.recv(65536)
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\nthis is not http\r\n")

    with scripted_server(garbage if behaviour == "garbage" else silent) as server:
        yield server.url


def closed_port() -> int:
    """A port nothing listens on, never handed out twice or to another pytest-xdist worker."""
    return free_port()


@contextmanager
def mock_process(api: str, *args: str) -> Iterator[str]:
    """The real mock server (``mock-server``, with ``args``) as a subprocess on a free port; stopped on exit."""
    port = closed_port()
    log = tempfile.TemporaryFile()  # a file, not a pipe: a full pipe would block the mock's request log
    proc = subprocess.Popen(
        [str(MOCK_BIN), "--api", api, "--host", "127.0.0.1", "--port", str(port), *args],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                log.seek(0)
                out = log.read().decode(errors="replace")
                pytest.fail(
                    f"mock-server --api {api} exited with {proc.returncode} before serving: {out.strip()[:500]}"
                )
            try:
                httpx.get(url + "/", timeout=0.5)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    pytest.fail(f"mock-server --api {api} did not start serving on port {port} within 20 s")
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
