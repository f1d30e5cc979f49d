"""Every command shown in the README and in docs/ is run by a test, and ends as the page says.

Each page's ```sh commands run here in order, in a temporary folder, as a reader would type them (``bash -c``, the
venv's commands first on ``PATH``; a plain ``contracts ...`` through its entry point in this process), except the sections a dedicated test runs and checks more closely (``CLAIMED``:
that test must run every command of its section). What the pages assume is provided:

- ``127.0.0.1:9001``-``9003`` is the mock (``mock-server``), started when a command needs it and no command of
  the page started one; ``http://staging:8080`` is an Open WebUI 0.12.4 serving under ``/api/v1`` (the mock with
  ``--overlay openwebui-0.12.4 --base-path /api/v1``); ``staging.har`` a capture of an app talking to it.
- The tokens of the shipped fixtures are in ``OWUI_*``, ``RESPAN_*`` and ``SELISE_*``; a ```yaml block whose first
  line is ``# NAME.yaml...`` is written to NAME.yaml; ``body.json``, ``bodies.ndjson``, ``bodies.txt`` and
  ``./my-vendors`` (the made-up fourth vendor) exist when a page names them.
- A ``mock-server`` command that serves (not ``--help``/``--version``, not a ``record --har``, no ``exit N`` comment)
  runs in the background on free ports, until the page ends or a later server takes its documented port; the
  addresses it documents point at it from then on. A one-shot command must end with its ``# exit N`` code, else 0.
- ``contracts check`` gets ``--no-property-based`` where the page gives no ``--max-examples`` (so does the CI
  script, through ``CONTRACTS_ARGS``), the plugin ``--contracts-max-examples=1``: the commands and their exit codes
  stay what the page says, the runs shorter (Schemathesis' phases are tested elsewhere). ``make`` targets are
  checked to exist.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
import yaml

from tests.docs import ROOT, Command, blocks, commands, headings, pages, read, section
from tests.mock_server.conftest import free_port as _free_port
from tests.mock_server.conftest import identities

BIN = Path(sys.executable).parent
#: sections whose commands a dedicated test runs: (page, heading) -> "module:function" returning those commands
CLAIMED = {
    ("docs/mock-server-record.md", "Start to finish"): "tests.mock_server.test_record_readme:doc_commands",
    ("README.md", "Installing into your own project"): "tests.test_install:doc_commands",
}
MOCK_PORTS = (9001, 9002, 9003)
STAGING = "http://staging:8080"
#: the tokens the pages name, from the shipped fixtures
ENV = {
    "OWUI_OWNER_TOKEN": ("openwebui", "owner"),
    "OWUI_READER_TOKEN": ("openwebui", "reader"),
    "OWUI_STRANGER_TOKEN": ("openwebui", "stranger"),
    "OWUI_ADMIN_TOKEN": ("openwebui", "admin"),
    "RESPAN_OWNER_KEY": ("respan", "acme"),
    "RESPAN_OTHER_KEY": ("respan", "globex"),
    "SELISE_PROJECT_KEY": ("selise", "alpha"),
    "SELISE_OTHER_PROJECT_KEY": ("selise", "beta"),
}


def free_port(count: int = 1) -> int:
    return _free_port(count)


# ----------------------------------------------------------------------------------------------- what is run
def unclaimed_text(page: str) -> str:
    """The page without the sections a dedicated test runs."""
    text = read(page)
    for claimed_page, heading in CLAIMED:
        if claimed_page == page:
            text = text.replace(section(page, heading), "")
    return text


def page_commands(page: str) -> list[Command]:
    return [c for block in blocks(unclaimed_text(page), "sh") for c in commands(block)]


def claimer(name: str) -> Callable[[], list[str]]:
    module, function = name.split(":")
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


# ----------------------------------------------------------------------------------------------- a page's world
@dataclass
class Server:
    command: str
    proc: subprocess.Popen[bytes]
    ports: dict[int, int]  # documented port -> the one it listens on
    log: IO[bytes]

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()


def launch(line: str, documented: list[int], count: int, cwd: Path, env: dict[str, str]) -> Server:
    """``line`` serving on ``count`` free ports standing for the ``documented`` ones, once it answers."""
    first = free_port(count)
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        ["bash", "-c", f"{line} --port {first}"],
        cwd=cwd,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Server(line, proc, {port: first + i for i, port in enumerate(documented)}, log)
    deadline = time.monotonic() + 30
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"{line!r} exited with {proc.returncode}:\n{server.output()}")
        try:
            httpx.get(f"http://127.0.0.1:{first}/", timeout=2)
            return server
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"{line!r} did not answer within 30 s:\n{server.output()}"
            time.sleep(0.1)


class Shared:
    """What every page assumes, started once per test process: the mock (``127.0.0.1:9001``-``9003`` where the
    page started none) and staging (``http://staging:8080``), both stateless for the pages' commands."""

    LINES = {
        "mock": ("mock-server --quiet", list(MOCK_PORTS), 3),
        "staging": ("mock-server --api openwebui --overlay openwebui-0.12.4 --base-path /api/v1 --quiet", [8080], 1),
    }

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.cwd, self.env = cwd, env
        self.servers: dict[str, Server] = {}

    def get(self, name: str) -> Server:
        if name not in self.servers:
            line, documented, count = self.LINES[name]
            self.servers[name] = launch(line, documented, count, self.cwd, self.env)
        return self.servers[name]

    def close(self) -> None:
        for server in self.servers.values():
            alive = server.proc.poll() is None
            output = "" if alive else server.output()
            server.stop()
            assert alive, f"{server.command!r} stopped by itself:\n{output}"


def _argv(line: str) -> tuple[dict[str, str], list[str]]:
    """The leading VAR=value assignments and the words of a simple command."""
    words = shlex.split(line)
    assigned = {}
    while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
        name, value = words.pop(0).split("=", 1)
        assigned[name] = value
    return assigned, words


def _serves(command: Command) -> bool:
    _, words = _argv(command.line) if "|" not in command.line else ({}, [])
    if not words or words[0] != "mock-server" or re.match(r"exit \d", command.comment):
        return False
    if {"--help", "-h", "--version"} & set(words):
        return False
    return not (len(words) > 1 and words[1] == "record" and "--har" in words)


def _option(words: list[str], name: str) -> str | None:
    return words[words.index(name) + 1] if name in words else None


@dataclass
class World:
    """One page's folder, environment and servers."""

    cwd: Path
    env: dict[str, str]
    shared: Shared
    servers: list[Server] = field(default_factory=list)
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (command as shown, what it printed)

    # -- servers
    def ports(self) -> dict[int, int]:
        mapped: dict[int, int] = {}
        for server in self.servers:
            mapped.update(server.ports)
        return mapped

    def start(self, line: str, documented: list[int], count: int = 1) -> Server:
        """``line`` serving for the ``documented`` ports; a server of the page holding one of them is stopped
        first, as its user would, to free the port."""
        for server in [s for s in self.servers if set(s.ports) & set(documented)]:
            server.stop()
            self.servers.remove(server)
        server = launch(line, documented, count, self.cwd, self.env)
        self.servers.append(server)
        return server

    def mock_port(self, api: str, assigned: dict[str, str]) -> int:
        if api in ("openwebui", "respan", "selise"):
            from vendor_specs import mock_port

            return mock_port(api)
        for folder in assigned.get("VENDOR_PATH", self.env.get("VENDOR_PATH", "")).split(":"):
            spec = self.cwd / folder / "openapi" / f"{api}.yaml"
            if spec.exists():
                return int(yaml.safe_load(spec.read_text())["info"]["x-mock-port"])
        raise AssertionError(f"no spec for {api!r}")

    def serve(self, line: str) -> None:
        assigned, words = _argv(line)
        port = _option(words, "--port")
        if len(words) > 1 and words[1] in ("proxy", "record"):
            documented, count = [int(port or 9100)], 1
        elif "--api" in words:
            documented, count = [int(port) if port else self.mock_port(words[words.index("--api") + 1], assigned)], 1
        else:
            documented, count = [int(port or 9001) + i for i in range(3)], 3
        self.start(self.addressed(line), documented, count)

    def addressed(self, line: str) -> str:
        """``line`` with the addresses the page documents replaced by those of the servers that answer them."""
        wanted = {int(p) for p in re.findall(r"127\.0\.0\.1:(\d+)", line)}
        ports = self.ports()
        if [p for p in MOCK_PORTS if p in wanted and p not in ports]:  # the page assumes the mock is running
            ports = self.shared.get("mock").ports | ports
        for port in wanted - set(ports):  # a port the command itself will serve on (e.g. the CI script's server)
            fresh = free_port()
            line = re.sub(rf"(127\.0\.0\.1:|--port ){port}\b", rf"\g<1>{fresh}", line)
        line = re.sub(r"127\.0\.0\.1:(\d+)", lambda m: f"127.0.0.1:{ports.get(int(m.group(1)), m.group(1))}", line)
        if STAGING in line:
            line = line.replace(STAGING, f"http://127.0.0.1:{self.shared.get('staging').ports[8080]}")
        return line

    # -- commands
    def run(self, command: Command) -> None:
        line = command.line
        assigned, words = _argv(line) if "|" not in line and "<" not in line else ({}, [])
        if not words and assigned:  # T='...': a shell variable for the lines below
            self.env.update(assigned)
            return
        if words[:1] == ["make"]:
            from tests.test_make import recipe

            for target in words[1:]:
                assert recipe(target), f"{line}: no such make target"
            return
        if _serves(command):
            self.serve(line)
            return
        if re.search(r"(^| )contracts check ", line) and "--max-examples" not in line:
            line += " --no-property-based"
        if words[:1] == ["pytest"] and "--contracts-max-examples" not in line:
            line += " --contracts-max-examples=1"
        line = self.addressed(line)
        if words[:1] == ["contracts"] and not assigned and not re.search(r"[|<>;&$`]", line):
            code, output = self.in_process(shlex.split(line)[1:])
        else:
            done = subprocess.run(
                ["bash", "-c", line], cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=300
            )
            code, output = done.returncode, done.stdout + done.stderr
        self.outputs.append((command.line, output))
        assert code == command.exit, (
            f"{command.line!r} ended with {code}, the page says {command.exit}\nran: {line}\n{output[-4000:]}"
        )

    def in_process(self, argv: list[str]) -> tuple[int, str]:
        """``contracts ARGV`` through its entry point (``contracts.cli:main``) in this process, in the page's folder
        and environment: the same command without a second interpreter's start-up (most of a short command's time)."""
        from contracts.cli import main

        saved_env, saved_cwd, out = dict(os.environ), os.getcwd(), io.StringIO()
        os.environ.clear()
        os.environ.update(self.env)
        os.chdir(self.cwd)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                try:
                    code = main(argv)
                except SystemExit as exit_:  # argparse's usage errors
                    code = exit_.code if isinstance(exit_.code, int) else 2
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        return code, out.getvalue()

    def close(self) -> None:
        for server in self.servers:
            alive = server.proc.poll() is None
            output = server.output() if not alive else ""
            server.stop()
            assert alive, f"{server.command!r} stopped by itself:\n{output}"


# ----------------------------------------------------------------------------------------------- props
def _examples(api: str, status: int = 200) -> Any:
    from vendor_specs import examples_for

    return next(iter(examples_for(api, status).values()))["value"]


def _staging_har(world: World) -> dict[str, Any]:
    """An app talking to staging, as the browser's devtools save it."""
    from tests.validate.hars import entry, har

    entries = []
    for role, model in (("owner", "acme/test-model:v1"), ("reader", "acme/test-model:v1"), ("owner", "gpt-4-custom")):
        token = identities("openwebui")[role]
        path = f"/api/v1/models/model?id={model}"
        answer = httpx.get(world.addressed(STAGING) + path, headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert answer.status_code == 200, answer.text
        entries.append(entry(f"{STAGING}{path}", 200, answer.json(), headers={"Authorization": f"Bearer {token}"}))
    return har(*entries)


def prepare(world: World, page: str) -> None:
    text = read(page)
    for block in blocks(text, "yaml"):
        named = re.match(r"# ([\w./-]+\.ya?ml)\b", block)
        if named:
            target = world.cwd / named.group(1)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block)
    if "body.json" in text:
        (world.cwd / "body.json").write_text(json.dumps(_examples("respan")))
    if "bodies.ndjson" in text:
        lines = [{"api": api, "status": 200, "body": _examples(api)} for api in ("openwebui", "respan", "selise")]
        lines.append({"api": "respan", "status": 404, "body": {"detail": "Not found."}, "name": "not found"})
        (world.cwd / "bodies.ndjson").write_text("".join(json.dumps(line) + "\n" for line in lines))
    if "bodies.txt" in text:
        lines = [{"body": _examples("respan")}, {"status": 404, "body": {"detail": "Not found."}}]
        (world.cwd / "bodies.txt").write_text("".join(json.dumps(line) + "\n" for line in lines))
    if "my-vendors" in text:
        shutil.copytree(ROOT / "tests" / "data" / "acme", world.cwd / "my-vendors")
    if "examples/ci/" in text:
        (world.cwd / "examples").symlink_to(ROOT / "examples")
    if "staging.har" in text:
        (world.cwd / "staging.har").write_text(json.dumps(_staging_har(world)))


def _environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "VIRTUAL_ENV"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    env["HOME"] = str(home)  # Hypothesis' cache and the like stay in the test's folder
    env["CONTRACTS_ARGS"] = "--no-property-based"  # examples/ci/contracts-check.sh's extra options
    return env | {name: identities(api)[who] for name, (api, who) in ENV.items()}


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shared]:
    folder = tmp_path_factory.mktemp("shared")
    servers = Shared(folder, _environment(folder / "home"))
    try:
        yield servers
    finally:
        servers.close()


@pytest.fixture
def world(tmp_path: Path, shared: Shared) -> Iterator[World]:
    made = World(tmp_path / "work", _environment(tmp_path / "home"), shared)
    made.cwd.mkdir()
    try:
        yield made
    finally:
        made.close()


# ----------------------------------------------------------------------------------------------- the tests
RUN = [page for page in pages() if page_commands(page)]


@pytest.mark.slow
@pytest.mark.parametrize("page", RUN)
def test_the_commands_of_the_page_end_as_it_says(page: str, world: World) -> None:
    prepare(world, page)
    for command in page_commands(page):
        world.run(command)
    if page == "README.md":
        _the_ci_excerpt_is_what_the_check_prints(world)


def _masked(text: str) -> str:
    text = re.sub(r"\(seen \d+ times[^)]*\)", "(seen N times)", text)
    text = re.sub(r"\d+ request\(s\) in [\d.]+ s", "N request(s) in T s", text)
    return re.sub(r"\(and \d+ finding\(s\) that follow", "(and N finding(s) that follow", text)


def _the_ci_excerpt_is_what_the_check_prints(world: World) -> None:
    (excerpt,) = blocks(section("README.md", "2. A contract check in CI"), "text")
    (printed,) = [out for line, out in world.outputs if "--junit junit.xml" in line]
    lines = _masked(printed).splitlines()
    for line in _masked(excerpt).splitlines():
        assert line == "..." or line in lines, f"{line!r} is not in what the command printed:\n{printed}"


def test_every_page_has_commands_or_says_why_not() -> None:
    """A page of the guide without a single runnable command is suspicious: each shows how to do what it says."""
    assert set(RUN) | {p for p, _ in CLAIMED} == set(pages())


@pytest.mark.parametrize(("page", "heading"), list(CLAIMED))
def test_a_claimed_section_is_run_in_full_by_its_test(page: str, heading: str) -> None:
    shown = [c.line for block in blocks(section(page, heading), "sh") for c in commands(block)]
    assert shown and claimer(CLAIMED[page, heading])() == shown


def test_the_readme_is_short_and_links_every_page() -> None:
    readme = read("README.md")
    assert len(readme.splitlines()) <= 300
    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)", readme))
    assert linked == set(pages()) - {"README.md"}
    assert "(ARCHITECTURE.md)" in readme


@pytest.mark.parametrize("page", pages())
def test_every_link_of_the_page_resolves(page: str) -> None:
    """Relative links name files that exist, and their #anchors headings of those files (GitHub's slugs)."""
    base = (ROOT / page).parent
    for target in re.findall(r"\]\(([^)\s]+)\)", read(page)):
        if re.match(r"^[a-z]+:", target):
            continue
        path, _, anchor = target.partition("#")
        resolved = (base / path).resolve() if path else ROOT / page
        assert resolved.exists(), f"{page}: {target} does not exist"
        if anchor and resolved.suffix == ".md":
            slugs = {_slug(title) for _, title in headings(str(resolved.relative_to(ROOT)))}
            assert anchor in slugs, f"{page}: {target}: no such heading ({sorted(slugs)})"


def _slug(title: str) -> str:
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
