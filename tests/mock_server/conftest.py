"""Wiring only: a factory for in-process clients and the tokens/ids of the shipped fixtures."""

from __future__ import annotations

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


def free_port(count: int = 1) -> int:
    """A free loopback port (the first of ``count`` consecutive free ones)."""
    for base in range(random.randrange(20000, 50000), 60000, 7):
        socks = []
        try:
            for offset in range(count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no free ports")


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
