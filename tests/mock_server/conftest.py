"""Wiring only: a factory for in-process clients and the tokens/ids of the shipped fixtures."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from mock_server import create_app

DATA = Path(__file__).resolve().parents[2] / "mock_server" / "data"
MOCK_BIN = Path(sys.executable).with_name("mock-server")


def identities(api: str) -> dict[str, str]:
    """name -> token of the shipped fixture file."""
    data = yaml.safe_load((DATA / f"{api}.yaml").read_text())
    return {name: ident["token"] for name, ident in data["identities"].items()}


def bearer(api: str, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {identities(api)[name]}"}


@pytest.fixture
def make_client() -> Iterator[Callable[..., Any]]:
    """``make_client(api, **create_app kwargs)`` -> a Starlette TestClient on a fresh app."""
    clients = []

    def make(api: str, **kwargs: Any) -> Any:
        kwargs.setdefault("access_log", False)
        client = create_app(api, **kwargs).test_client()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


# Ports handed to servers the tests start. Below the kernel's ephemeral range (Linux 32768-60999, macOS 49152+),
# so no port-0 bind or outgoing connection takes one between its pick and its use; each pytest-xdist worker has
# its own slice, and a process never hands out the same port twice.
_PORTS = range(20000, 32768)
_given: set[int] = set()


def free_port(count: int = 1) -> int:
    """A free loopback port (the first of ``count`` consecutive free ones) in this worker's slice of ``_PORTS``."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    workers = max(int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")), 1)
    size = len(_PORTS) // workers
    first = _PORTS.start + (int(worker) % workers if worker.isdigit() else 0) * size
    candidates = list(range(first, first + size - count))
    random.shuffle(candidates)
    for base in candidates:
        wanted = range(base, base + count)
        if _given.intersection(wanted):
            continue
        socks = []
        try:
            for port in wanted:
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", port))
            _given.update(wanted)
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError(f"no {count} free consecutive ports in {first}-{first + size - 1}")


class RunningMock:
    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [str(MOCK_BIN), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        self.lines: list[str] = []

    def wait_url(self, url: str, timeout: float = 10.0) -> float:
        """Seconds until ``url`` answers (any status)."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.proc.poll() is not None:
                raise AssertionError(f"mock-server exited {self.proc.returncode}: {self.proc.stderr.read()}")
            try:
                httpx.get(url, timeout=0.5)
                return time.monotonic() - start
            except httpx.TransportError:
                time.sleep(0.02)
        raise AssertionError(f"{url} did not answer within {timeout}s")

    def wait_port(self, port: int, timeout: float = 10.0) -> None:
        """Until something accepts connections on ``port`` (no request sent: a proxy would forward it)."""
        deadline = time.monotonic() + timeout
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return
            if self.proc.poll() is not None:
                raise AssertionError(f"mock-server exited {self.proc.returncode}: {self.proc.stderr.read()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing listens on port {port} after {timeout}s")
            time.sleep(0.05)

    def stop(self) -> tuple[str, str]:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return out, err


@pytest.fixture
def run_mock() -> Iterator[Callable[..., RunningMock]]:
    """``run_mock(*cli_args)`` starts ``mock-server`` as a process; stopped after the test."""
    running: list[RunningMock] = []

    def start(*args: str) -> RunningMock:
        mock = RunningMock(list(args))
        running.append(mock)
        return mock

    yield start
    for mock in running:
        mock.stop()
