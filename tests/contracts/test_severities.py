"""Severities: a server is failed only for breaking what the page states; where the spec had to infer, or a text
differs from the one the page shows, it is warned, in every report; and the shipped overlay that describes the
warnings is named.

The server here is a SELISE service on the platform library ``seliseblocks-genesis``: the reference app, with its
error bodies replaced by the library's ``{"is_success": false, "errors": {"message": ...}}`` (the page shows no
400 or 404 body at all; the spec infers FastAPI's).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from starlette.applications import Starlette
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from contracts.cli import main
from tests.contracts.fixtures import reference_profile
from tests.faults.reference import make_app
from tests.faults.serve import serve
from vendor_specs import base_path

pytest_plugins = ["pytester"]


class _Genesis(BaseHTTPMiddleware):
    """seliseblocks-genesis' error body on every 400 and 404."""

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        if response.status_code in (400, 404):
            return JSONResponse(
                {"is_success": False, "errors": {"message": "Project key is required"}},
                status_code=response.status_code,
            )
        return response


def genesis_app() -> Starlette:
    app = make_app("selise", prefix=base_path("selise"))
    app.add_middleware(_Genesis)
    return app


def _check(url: str, tmp_path: Path, *extra: str) -> list[str]:
    return [
        "check",
        "--api",
        "selise",
        "--base-url",
        url,
        "--profile",
        reference_profile("selise"),
        "--seed",
        "3",
        "--max-examples",
        "5",
        "--json",
        str(tmp_path / "run.json"),
        "--junit",
        str(tmp_path / "junit.xml"),
        "--html",
        str(tmp_path / "run.html"),
        *extra,
    ]


def test_a_genesis_service_passes_with_warnings_and_the_overlay_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(genesis_app()) as url:
        code = main(_check(url, tmp_path))
    out = capsys.readouterr().out
    assert code == 0, out  # nothing the page states is broken
    data = json.loads((tmp_path / "run.json").read_text())
    assert data["findings"] and {f["severity"] for f in data["findings"]} == {"warning"}
    assert {f["rule_id"] for f in data["findings"]} <= {"bad-request-body", "not-found-body"}
    # the warnings are apart from the failures in every report, and the overlay that describes them is named
    assert "WARNINGS:" in out and "FAILURES:" not in out and "PASSED: 0 failure(s)" in out
    assert "The overlay `selise-genesis` describes" in out and "--overlay selise-genesis" in out
    assert data["overlays"][0]["overlay"] == "selise-genesis"
    suite = ET.parse(tmp_path / "junit.xml").getroot()
    assert suite.find(".//failure") is None
    shown = " ".join(node.text or "" for node in suite.iter("system-out"))
    assert "WARNING (does not fail the run)" in shown
    page = (tmp_path / "run.html").read_text()
    assert 'class="severity warning"' in page and "--overlay selise-genesis" in page


def test_fail_on_warning_fails_the_same_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve(genesis_app()) as url:
        code = main(_check(url, tmp_path, "--fail-on", "warning"))
    assert code == 1, capsys.readouterr().out
    assert json.loads((tmp_path / "run.json").read_text())["fail_on"] == "warning"


def test_with_its_overlay_the_genesis_service_has_no_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve(genesis_app()) as url:
        code = main(_check(url, tmp_path, "--overlay", "selise-genesis"))
    out = capsys.readouterr().out
    findings = json.loads((tmp_path / "run.json").read_text())["findings"]
    # the library's 400 body is what the overlay states; its 404 body is not (the overlay describes the 400 only)
    assert code == 0 and {f["rule_id"] for f in findings} <= {"not-found-body"}, out


def test_the_plugin_shows_warnings_apart_and_fails_on_them_when_asked(pytester: pytest.Pytester) -> None:
    with serve(genesis_app()) as url:
        args = [
            "--contracts-api=selise",
            f"--contracts-base-url={url}",
            f"--contracts-profile={reference_profile('selise')}",
        ]
        args += ["--contracts-max-examples=3", "--contracts-seed=2"]
        passed = pytester.runpytest_subprocess(*args)
        failed = pytester.runpytest_subprocess(*args, "--contracts-fail-on=warning")
    out = passed.stdout.str()
    assert passed.ret == 0 and "warning(s) (they do not fail the run)" in out and "not-found-body" in out, out
    assert "The overlay `selise-genesis` describes" in out and "--overlay selise-genesis" in out
    assert failed.ret == 1 and failed.parseoutcomes()["failed"] >= 1, failed.stdout.str()
