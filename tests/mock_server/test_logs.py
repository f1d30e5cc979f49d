"""Logging shared by `mock-server` and `mock-server proxy`: text or JSON lines, --quiet, rate-limited server warnings."""

from __future__ import annotations

import io
import json
import logging

import httpx
import pytest

from mock_server.logs import JsonFormatter, RateLimit, setup
from tests.mock_server.conftest import bearer, free_port


@pytest.fixture(autouse=True)
def _restore_logging():
    """setup() configures process-wide loggers: put them back for the other tests."""
    names = ["", "mock_server", "mock_server.access", "mock_server.proxy", "httpx", "uvicorn.error"]
    saved = {
        name: (
            logging.getLogger(name).level,
            list(logging.getLogger(name).handlers),
            list(logging.getLogger(name).filters),
        )
        for name in names
    }
    yield
    for name, (level, handlers, filters) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers
        logger.filters[:] = filters


def test_json_lines_carry_the_records_facts():
    stream = io.StringIO()
    setup(log_format="json", stream=stream)
    logging.getLogger("mock_server.access").info("one request", extra={"status": 404, "path": "/x"})
    logging.getLogger("mock_server.access").debug("not shown")
    (line,) = stream.getvalue().splitlines()
    record = json.loads(line)
    assert record["message"] == "one request" and record["level"] == "info"
    assert (record["status"], record["path"], record["logger"]) == (404, "/x", "mock_server.access")
    assert record["time"].endswith("+00:00")


def test_quiet_drops_per_request_lines():
    stream = io.StringIO()
    setup(quiet=True, stream=stream)
    logging.getLogger("mock_server.access").info("a request")
    logging.getLogger("mock_server.proxy").info("conforms")
    logging.getLogger("mock_server.proxy").warning("violates the spec")
    logging.getLogger("mock_server").info("reloaded fixture")
    assert stream.getvalue().splitlines() == ["violates the spec", "reloaded fixture"]


def test_rate_limit_counts_what_it_leaves_out(monkeypatch):
    clock = iter([0.0, 1.0, 2.0, 3.0, 70.0])
    monkeypatch.setattr("mock_server.logs.time.monotonic", lambda: next(clock))
    limit = RateLimit(60.0)
    records = [
        logging.LogRecord("uvicorn.error", logging.WARNING, "x", 0, "Invalid HTTP request received.", None, None)
        for _ in range(5)
    ]
    passed = [limit.filter(record) for record in records]
    assert passed == [True, False, False, False, True]
    assert records[-1].suppressed == 3 and "3 more like this" in records[-1].getMessage()
    assert json.loads(JsonFormatter().format(records[-1]))["suppressed"] == 3


@pytest.mark.slow
def test_log_format_json_gives_one_object_per_request(run_mock):
    port = free_port()
    mock = run_mock("--api", "respan", "--port", str(port), "--log-format", "json")
    url = f"http://127.0.0.1:{port}/api/models/openai%2Fgpt-4/"
    mock.wait_url(url)
    httpx.get(url, headers=bearer("respan", "acme"))
    out, err = mock.stop()
    records = [json.loads(line) for line in err.splitlines()]  # every line is JSON
    hit = [r for r in records if r.get("status") == 200 and r.get("path") == "/api/models/openai%2Fgpt-4/"]
    assert hit and hit[0]["api"] == "respan" and hit[0]["method"] == "GET" and hit[0]["duration_ms"] >= 0


def test_help_lists_the_new_options(capsys):
    from mock_server.cli import main

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for word in ("--journal", "--journal-size", "--dynamic", "--prefer", "--seed", "--log-format", "/__mock/requests"):
        assert word in out


@pytest.mark.slow
def test_the_proxy_takes_the_same_options(run_mock):
    upstream_port, proxy_port = free_port(), free_port()
    upstream = run_mock("--api", "respan", "--port", str(upstream_port), "--quiet")
    upstream.wait_url(f"http://127.0.0.1:{upstream_port}/")
    proxy = run_mock(
        "proxy", "--api", "respan", "--upstream", f"http://127.0.0.1:{upstream_port}",
        "--port", str(proxy_port), "--log-format", "json",
    )  # fmt: skip
    url = f"http://127.0.0.1:{proxy_port}/api/models/openai%2Fgpt-4/"
    proxy.wait_url(url)
    assert httpx.get(url, headers=bearer("respan", "acme")).status_code == 200
    _, err = proxy.stop()
    records = [json.loads(line) for line in err.splitlines()]
    assert any(r["logger"] == "mock_server.proxy" and "conforms" in r["message"] for r in records)
    quiet = run_mock(
        "--quiet",
        "proxy",
        "--api",
        "respan",
        "--upstream",
        f"http://127.0.0.1:{upstream_port}",
        "--port",
        str(proxy_port),
    )
    quiet.wait_url(url)
    httpx.get(url, headers=bearer("respan", "acme"))
    _, err = quiet.stop()
    assert "conforms" not in err  # --quiet before the subcommand is kept
