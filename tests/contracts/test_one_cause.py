"""One cause, one finding, across checks; a target that is not the API is "could not judge" (exit 2).

The servers are the Open WebUI reference app with one deviation a real server (Open WebUI 0.6.5) has, added by a
middleware: each is seen by several checks, on the harness's own requests and on Schemathesis' alike, and must
be reported once, its headline saying what the server did against which rule of the page.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from contracts.cli import main
from mock_server.app import create_app
from tests.contracts.fixtures import reference_profile
from tests.faults.misplaced import web_app
from tests.faults.reference import DATA, make_app
from tests.faults.serve import serve
from vendor_specs import base_path

Rewrite = Callable[[Request, Response], Awaitable[Response]]


class _Rewrite(BaseHTTPMiddleware):
    def __init__(self, app: Starlette, rewrite: Rewrite) -> None:
        super().__init__(app)
        self.rewrite = rewrite

    async def dispatch(self, request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        return await self.rewrite(request, await call_next(request))


def owui(rewrite: Rewrite) -> Starlette:
    app = make_app("openwebui", prefix=base_path("openwebui"))
    app.add_middleware(_Rewrite, rewrite=rewrite)
    return app


async def _body(response: Response) -> bytes:
    chunks = [chunk async for chunk in response.body_iterator]  # type: ignore[attr-defined]
    return b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)


def _run(app: Starlette, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, dict]:
    report = tmp_path / "run.json"
    with serve(app) as url:
        code = main(
            ["check", "--api", "openwebui", "--base-url", url, "--profile", reference_profile("openwebui")]
            + ["--seed", "3", "--max-examples", "10", "--json", str(report), *extra]
        )
    return code, capsys.readouterr().out, json.loads(report.read_text())


def test_403_without_credentials_is_one_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The page's 401 for a request without credentials, answered 403 (an undocumented status): the rule's finding,
    the status check's and every generated request's are one, with the checks that saw it inside."""

    async def forbidden(request: Request, response: Response) -> Response:
        if "authorization" not in request.headers:
            return JSONResponse({"detail": "Not authenticated"}, status_code=403)
        return response

    code, out, data = _run(owui(forbidden), tmp_path, capsys)
    assert code == 1, out
    (finding,) = data["findings"]
    assert (finding["check"], finding["rule_id"], finding["status"]) == ("auth", "no-credentials", 403), out
    assert "a request without credentials reading" in finding["message"] and "expected 401" in finding["message"]
    inside = {c["check"] for c in finding["consequences"]}
    assert "status_code_conformance" in inside, finding["consequences"]
    assert set(finding["sources"]) >= {"explicit"} and finding["count"] >= 3


def test_a_body_without_write_access_is_one_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    async def no_write_access(request: Request, response: Response) -> Response:
        if response.status_code != 200:
            return response
        body = json.loads(await _body(response))
        body.pop("write_access", None)
        return JSONResponse(body)

    code, out, data = _run(owui(no_write_access), tmp_path, capsys)
    assert code == 1, out
    (finding,) = data["findings"]
    assert (finding["check"], finding["path"], finding["rule"]) == (
        "response_schema_conformance",
        "$.write_access",
        "required",
    ), out
    assert "access_control" in {c["check"] for c in finding["consequences"]}  # the reader's write_access, inside


def test_the_owner_refused_its_own_model_is_its_own_finding(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Open WebUI 0.6.5 answers a caller it refuses with 200 and a `null` body; for the owner that is "the owner
    cannot read what it owns", said as such, apart from what the same answer does to the schema."""
    profile = json.loads(json.dumps(__import__("yaml").safe_load((DATA / "openwebui.yaml").read_text())))
    owner, own = profile["tokens"]["owner"], profile["models"]["own"]

    async def refuse_the_owner(request: Request, response: Response) -> Response:
        if request.headers.get("authorization") == f"Bearer {owner}" and request.query_params.get("id") == own:
            return Response(b"null", media_type="application/json")
        return response

    code, out, data = _run(owui(refuse_the_owner), tmp_path, capsys, "--no-property-based")
    assert code == 1, out
    (finding,) = data["findings"]
    assert finding["rule_id"] == "owner-reads" and finding["message"].startswith("`owner` reading models.own"), out
    assert "got no model (the 200 body is null)" in finding["message"]
    assert "response_schema_conformance" in {c["check"] for c in finding["consequences"]}


@pytest.mark.parametrize("where", ["wrong prefix", "web app"])
def test_a_target_that_is_not_the_api_could_not_be_judged(
    where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The mock behind a wrong prefix, or a web app: exit 2 (a CI job tells a misconfigured URL from a broken
    contract), the diagnosis first, the findings below it as its consequences, in every report."""
    app = create_app("respan", access_log=False) if where == "wrong prefix" else web_app("respan")
    report, junit = tmp_path / "run.json", tmp_path / "junit.xml"
    with serve(app) as url:
        code = main(
            ["check", "--api", "respan", "--base-url", url + "/wrong", "--profile", "mock", "--seed", "3"]
            + ["--max-examples", "5", "--json", str(report), "--junit", str(junit)]
        )
    out = capsys.readouterr().out
    assert code == 2, out
    head = out.split("\n== ", 1)[0]
    assert "Likely cause:" in head and "The target is not the API" in head and "NOT JUDGED" in out
    data = json.loads(report.read_text())
    assert data["exit_code"] == 2 and data["diagnoses"] and data["findings"]
