"""`mock-server` end to end: help, one-line errors with exit 2, serving one or all three vendors."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from mock_server.cli import main
from mock_server.errors import UsageError
from mock_server.fixtures import DEFAULT_DIR
from mock_server.middleware import parse_latency
from tests.mock_server.conftest import MOCK_BIN, bearer, free_port


def test_help_explains(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    for word in ("--api", "--base-path", "--fixtures", "--latency", "Prefer", "9001", "proxy"):
        assert word in out


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["--api", "nope"], "invalid choice: 'nope'"),
        (["--port", "abc"], "invalid int value"),
        (["--latency", "fast"], "latency 'fast' is not a duration"),
        (["--latency", "300ms-100ms"], "goes down"),
        (["--api", "respan", "--port", "70000"], "out of range"),
        (["--api", "respan", "--base-path", "api"], "must start with '/'"),
        (["--api", "respan", "--fixtures", "/no/such/dir"], "does not exist"),
        (["--api", "respan", "--fixtures", __file__], "is not a directory"),
        (["--latency", "100ms-"], "latency '100ms-' is not a duration"),
        (["--api", "respan", "--host", "no-such-host.invalid"], "cannot resolve host"),
        (["--api", "respan", "--journal-size", "-1"], "--journal-size must be 0 or more"),
        (["--api", "respan", "--prefer", "code=418"], "Prefer code=418 is not a documented status"),
        (["--prefer", "garbage"], "'garbage' is not a preference the mock serves; give one or more of code=<status>"),
        (["--prefer", "code=often"], "code=often is not an HTTP status"),
        (["--prefer", "dynamic=yes"], "dynamic=yes is neither true nor false"),
        (["--prefer", ""], "--prefer '': it is empty"),
        (["--fixtures", str(Path(__file__).parent)], "holds none of openwebui.yaml, respan.yaml, selise.yaml"),
        (["--prefer", "example=missing_id"], "cannot be served by respan"),
        (["--api", "respan", "--base-path", "/__mock"], "reserves for its own paths"),
        (["--api", "respan", "--journal", "/no/such/dir/j.ndjson"], "cannot write the journal"),
        (["--api", "respan", "--log-format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, argv, expect):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2
    assert expect in err and err.count("\n") == 1 and "Traceback" not in err


def test_busy_port_is_a_usage_error(capsys):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert main(["--api", "respan", "--port", str(port)]) == 2
    assert "cannot listen on 127.0.0.1" in capsys.readouterr().err


def test_bad_fixture_file_stops_the_server_exit_2(tmp_path, run_mock):
    for api in ("openwebui", "respan", "selise"):
        shutil.copy(DEFAULT_DIR / f"{api}.yaml", tmp_path)
    data = yaml.safe_load((tmp_path / "respan.yaml").read_text())
    data["models"][0]["input_cost"] = "cheap"
    (tmp_path / "respan.yaml").write_text(yaml.safe_dump(data))
    mock = run_mock("--api", "respan", "--port", str(free_port()), "--fixtures", str(tmp_path))
    assert mock.proc.wait(timeout=20) == 2
    out, err = mock.stop()
    assert "Traceback" not in err and err.count("\n") == 1
    assert (
        "respan.yaml" in err
        and "#1 (openai/gpt-4)" in err
        and "`input_cost`" in err
        and "'cheap' is not of type 'number'" in err
    )


def test_non_utf8_fixture_file_is_one_line_exit_2(tmp_path, run_mock):
    (tmp_path / "respan.yaml").write_bytes(b"\xff\xfe")
    mock = run_mock("--api", "respan", "--port", str(free_port()), "--fixtures", str(tmp_path))
    assert mock.proc.wait(timeout=20) == 2
    out, err = mock.stop()
    assert "Traceback" not in err and err.count("\n") == 1
    assert str(tmp_path / "respan.yaml") in err and "not UTF-8" in err


def test_serves_all_three_and_prints_base_urls(run_mock):
    port = free_port(3)
    mock = run_mock("--port", str(port), "--latency", "1ms")
    elapsed = mock.wait_url(f"http://127.0.0.1:{port + 2}/models/model_123?project_key=proj-alpha-7c1e0b2f")
    # The target is < 1.5 s (benchmarks/bench_mock.py measures it); the bound here leaves room for a loaded CI machine.
    assert elapsed < 5
    assert (
        httpx.get(
            f"http://127.0.0.1:{port}/api/models/model?id=gpt-4-custom", headers=bearer("openwebui", "reader")
        ).status_code
        == 200
    )
    assert (
        httpx.get(
            f"http://127.0.0.1:{port + 1}/api/models/openai%2Fgpt-4/", headers=bearer("respan", "acme")
        ).status_code
        == 200
    )
    out, err = mock.stop()
    assert mock.proc.returncode == 0
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["openwebui", f"http://127.0.0.1:{port}/api"]
    assert lines[1].split()[:2] == ["respan", f"http://127.0.0.1:{port + 1}"]
    assert lines[2].split()[:2] == ["selise", f"http://127.0.0.1:{port + 2}"]
    assert '"GET /api/models/openai%2Fgpt-4/" 200' in err


def test_single_vendor_with_base_path(run_mock):
    port = free_port()
    mock = run_mock("--api", "openwebui", "--port", str(port), "--base-path", "/api/v1", "--quiet")
    url = f"http://127.0.0.1:{port}/api/v1/models/model?id=acme%2Ftest-model%3Av1"
    mock.wait_url(url)
    r = httpx.get(url, headers=bearer("openwebui", "owner"))
    assert r.status_code == 200 and r.json()["write_access"] is True
    out, err = mock.stop()
    assert out.split()[:2] == ["openwebui", f"http://127.0.0.1:{port}/api/v1"]
    assert "GET" not in err  # --quiet: no per-request line


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("200ms", (0.2, 0.2)),
        ("0.5s", (0.5, 0.5)),
        ("100ms-300ms", (0.1, 0.3)),
        ("0", None),
        (None, None),
        ("0ms", None),
        ("1s-1.5s", (1.0, 1.5)),
    ],
)
def test_parse_latency(text, expect):
    assert parse_latency(text) == expect


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "latency 'soon' is not a duration"),
        ("100ms-", "latency '100ms-' is not a duration"),  # the whole value, not the empty upper bound
        ("-100ms", "latency '-100ms' is not a duration"),
        ("5", "latency '5' has no unit"),  # a bare number is not silently milliseconds
        ("100ms-300", "latency '100ms-300' has no unit"),
    ],
)
def test_parse_latency_rejects_garbage(text, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        parse_latency(text)


def test_running_server_reloads_and_logs_a_broken_edit(tmp_path, run_mock):
    import os
    import time

    shutil.copy(DEFAULT_DIR / "respan.yaml", tmp_path)
    path = tmp_path / "respan.yaml"
    port = free_port()
    mock = run_mock("--api", "respan", "--port", str(port), "--fixtures", str(tmp_path), "--quiet")
    url = f"http://127.0.0.1:{port}/api/models/openai/gpt-4/"
    mock.wait_url(url)
    data = yaml.safe_load(path.read_text())
    data["models"][0]["input_cost"] = "cheap"
    path.write_text(yaml.safe_dump(data))
    os.utime(path, (time.time() + 5, time.time() + 5))
    time.sleep(1.2)  # no request in between: the server's watcher notices the edit by itself
    assert httpx.get(url, headers=bearer("respan", "acme")).json()["input_cost"] == 30.0
    out, err = mock.stop()
    assert "input_cost" in err and "still serving the last good data" in err


def test_running_server_survives_a_non_utf8_edit(tmp_path, run_mock):
    import os
    import time

    shutil.copy(DEFAULT_DIR / "respan.yaml", tmp_path)
    path = tmp_path / "respan.yaml"
    port = free_port()
    mock = run_mock("--api", "respan", "--port", str(port), "--fixtures", str(tmp_path), "--quiet")
    url = f"http://127.0.0.1:{port}/api/models/openai/gpt-4/"
    mock.wait_url(url)
    path.write_bytes(b"\xff\xfe")
    os.utime(path, (time.time() + 5, time.time() + 5))
    time.sleep(1.2)  # the watcher polls the broken file by itself
    r = httpx.get(url, headers=bearer("respan", "acme"))
    assert r.status_code == 200 and r.json()["model_name"] == "openai/gpt-4"  # the last good data
    # The watcher is still alive: a later good edit is picked up without any request in between.
    data = yaml.safe_load((DEFAULT_DIR / "respan.yaml").read_text())
    data["models"][0]["display_name"] = "after the broken edit"
    path.write_text(yaml.safe_dump(data))
    os.utime(path, (time.time() + 10, time.time() + 10))
    time.sleep(1.2)
    out, err = mock.stop()
    assert "not UTF-8" in err and "still serving the last good data" in err and "reloaded fixture" in err
    assert "Traceback" not in err


MOCK = str(MOCK_BIN)


@pytest.fixture
def busy_port():
    """A port something already listens on (as `make mock` holds 9001-9003 while `make test` runs)."""
    port = free_port(3)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen()
        yield port


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (
            ["--prefer", "garbage"],
            "mock-server: --prefer 'garbage': 'garbage' is not a preference the mock serves; "
            "give one or more of code=<status>, example=<name>, dynamic=true, joined by ', ' (e.g. 'code=404' or "
            "'example=<name>, code=200')\n",
        ),
        # valid for openwebui, whose port is the busy one; respan cannot serve it: that is what is said
        (["--prefer", "example=missing_id"], "mock-server: --prefer 'example=missing_id' cannot be served by respan "),
        (["--fixtures", "{bad}"], "respan.yaml` record #1 (openai/gpt-4) field `input_cost`"),
    ],
)
def test_every_option_is_checked_before_a_port_is_taken(busy_port, tmp_path, args, expect):
    data = yaml.safe_load((DEFAULT_DIR / "respan.yaml").read_text())
    data["models"][0]["input_cost"] = "cheap"
    (tmp_path / "respan.yaml").write_text(yaml.safe_dump(data))
    argv = [MOCK, "--port", str(busy_port), *(a.replace("{bad}", str(tmp_path)) for a in args)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert expect.rstrip("\n") in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert "cannot listen" not in done.stderr and "Traceback" not in done.stderr
    if expect.endswith("\n"):
        assert done.stderr == expect


def test_a_fixtures_folder_with_some_vendors_serves_the_others_built_in(tmp_path, run_mock):
    data = yaml.safe_load((DEFAULT_DIR / "respan.yaml").read_text())
    data["models"][0]["display_name"] = "from the folder"
    (tmp_path / "respan.yaml").write_text(yaml.safe_dump(data))
    port = free_port(3)
    mock = run_mock("--port", str(port), "--fixtures", str(tmp_path), "--quiet")
    mock.wait_url(f"http://127.0.0.1:{port + 2}/")
    ours = httpx.get(f"http://127.0.0.1:{port + 1}/api/models/openai/gpt-4/", headers=bearer("respan", "acme"))
    built_in = httpx.get(
        f"http://127.0.0.1:{port}/api/models/model?id=gpt-4-custom", headers=bearer("openwebui", "reader")
    )
    out, err = mock.stop()
    assert ours.json()["display_name"] == "from the folder" and built_in.status_code == 200, err
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert lines[0].endswith(f"fixtures: built-in (openwebui.yaml not in {tmp_path})"), lines
    assert lines[1].endswith(f"fixtures: {tmp_path / 'respan.yaml'}"), lines
    assert lines[2].endswith(f"fixtures: built-in (selise.yaml not in {tmp_path})"), lines
    assert "Traceback" not in err


def test_a_vendor_named_with_api_needs_its_file_in_the_fixtures_folder(tmp_path):
    shutil.copy(DEFAULT_DIR / "respan.yaml", tmp_path)
    done = subprocess.run(
        [MOCK, "--api", "openwebui", "--fixtures", str(tmp_path), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"mock-server: --fixtures {tmp_path} has no openwebui.yaml; write it there (or leave out --fixtures for the "
        "built-in one)\n"
    )
