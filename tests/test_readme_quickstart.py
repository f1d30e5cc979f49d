"""The README's quick-start `curl` commands, and the `Prefer` commands of docs/mock-server.md, work against
`mock-server` with its built-in fixtures and get what they ask for."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import pytest

from tests.docs import section
from tests.mock_server.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PORTS = (9001, 9002, 9003)  # what the README's commands address: `mock-server` with no --port


def _quickstart_curls() -> list[list[str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("With the mock running", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.startswith("curl ")]


@pytest.fixture(scope="module")
def mock_ports() -> Iterator[dict[int, int]]:
    first = free_port(3)
    exe = Path(sys.executable).with_name("mock-server")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen([str(exe), "--port", str(first), "--quiet"], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{first + 2}/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                if proc.poll() is not None:
                    log.seek(0)
                    pytest.fail(f"mock-server exited: {log.read().decode(errors='replace')}")
                time.sleep(0.1)
        yield {default: first + i for i, default in enumerate(DEFAULT_PORTS)}
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_the_readme_has_quickstart_curls() -> None:
    assert len(_quickstart_curls()) >= 3


@pytest.mark.parametrize("argv", _quickstart_curls(), ids=lambda argv: argv[-1])
def test_quickstart_curl_answers_200_with_the_model(argv: list[str], mock_ports: dict[int, int]) -> None:
    headers = dict(h.split(": ", 1) for flag, h in zip(argv, argv[1:], strict=False) if flag == "-H")
    url = argv[-1]
    port = int(re.search(r"127\.0\.0\.1:(\d+)", url).group(1))  # type: ignore[union-attr]
    url = url.replace(f"127.0.0.1:{port}", f"127.0.0.1:{mock_ports[port]}")
    response = httpx.get(url, headers=headers, timeout=5)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    wanted = query.get("id") or unquote(parts.path.split("/models/", 1)[1]).rstrip("/")
    assert wanted in {str(body.get(k)) for k in ("id", "model_name", "_id")}, body


def _prefer_curls() -> list[list[str]]:
    """The `Prefer` commands of docs/mock-server.md, with the shell variable they use filled in."""
    block = section("docs/mock-server.md", "Forcing a response: `Prefer`").split("```sh", 1)[1].split("```", 1)[0]
    variables = dict(shlex.split(line)[0].split("=", 1) for line in block.splitlines() if re.match(r"^\w+=", line))
    lines = [line.split("  #", 1)[0] for line in block.splitlines() if line.startswith("curl ")]
    return [shlex.split(re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], line)) for line in lines]


@pytest.mark.parametrize("argv", _prefer_curls(), ids=lambda argv: argv[argv.index("-H", 2) + 1])
def test_the_documented_prefer_commands_get_what_they_ask(argv: list[str], mock_ports: dict[int, int]) -> None:
    from vendor_specs import examples_for  # the spec says which example and status each Prefer names

    headers = dict(h.split(": ", 1) for flag, h in zip(argv, argv[1:], strict=False) if flag == "-H")
    url = argv[-1]
    port = int(re.search(r"127\.0\.0\.1:(\d+)", url).group(1))  # type: ignore[union-attr]
    response = httpx.get(url.replace(f":{port}/", f":{mock_ports[port]}/"), headers=headers, timeout=5)
    prefer = dict(part.strip().split("=", 1) for part in headers["Prefer"].split(","))
    if "example" in prefer:
        (status,) = [s for s in (200, 401, 403, 404) if prefer["example"] in examples_for("respan", s)]
        assert response.json() == examples_for("respan", status)[prefer["example"]]["value"]
    else:
        status = int(prefer.get("code", 200))
    assert response.status_code == status, response.text
