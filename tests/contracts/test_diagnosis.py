"""The likely cause first: the report opens with what the pattern of answers shows, and what to do.

End to end against small broken servers (``tests/faults/misplaced.py``: a web app whose API is under
``/api/v1``, a server that 404s everything, a gateway redirecting to ``/login``; the reference apps with
``problem_json``), and ``diagnose`` itself on counted answers.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from pathlib import Path

import pytest

from contracts.cli import main
from contracts.diagnosis import diagnose
from contracts.guard import AnswerKind
from tests.contracts.fixtures import reference_profile
from tests.faults.misplaced import PAGE_TITLE, login_gateway, not_found, real_prefix, web_app
from tests.faults.serve import serve

FAST = ("--max-examples", "5", "--seed", "3")


def run(api: str, url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, dict]:  # type: ignore[type-arg]
    report = tmp_path / "run.json"
    code = main(["check", "--api", api, "--base-url", url, *FAST, "--json", str(report), *args])
    return code, capsys.readouterr().out, json.loads(report.read_text())


def opening(out: str) -> str:
    """What the report says before its first check section."""
    return out.split("\n== ", 1)[0]


@pytest.mark.slow
@pytest.mark.parametrize("gzip", [False, True], ids=["plain", "gzip"])
def test_a_web_app_at_the_base_url(tmp_path: Path, capsys: pytest.CaptureFixture[str], gzip: bool) -> None:
    """Open WebUI with its frontend, asked without /api/v1: every answer is the web app's page. Its title is read
    from the page as sent, gzip-compressed too (the clients ask for gzip, and the guard passes that on)."""
    with serve(web_app("openwebui", gzip=gzip)) as url:
        code, out, data = run("openwebui", url, tmp_path, capsys, "--profile", reference_profile("openwebui"))
    assert code == 2, out  # the target is not the API: could not judge, however many findings the spec gives
    head = opening(out)
    assert "The target is not the API: nothing it answered can be judged by the spec (exit 2)" in head
    assert "NOT JUDGED" in out and data["exit_code"] == 2
    assert (
        f"Likely cause: the target answers with HTML pages (titled {PAGE_TITLE!r}), never with the API's JSON" in head
    )
    assert "a web app, not the API" in head
    # what to do: the spec's real prefix, and the harness asked it: it is the API
    assert f"--base-url {url}{real_prefix('openwebui')}" in head
    assert f"Checked: {url}/api/v1 answers 200 application/json, as the spec documents" in head
    (diagnosis,) = data["diagnoses"]
    assert diagnosis["kind"] == "html" and set(diagnosis["findings"]) == {f["id"] for f in data["findings"]}
    # the findings stay, one of them holding what an HTML body cannot do (match a schema, hide a field)
    assert "expected 200, got 200" not in out
    media = [f for f in data["findings"] if f["check"] == "content_type_conformance"]
    assert len(media) == 1 and media[0]["count"] > 1
    assert any(c["check"] == "access_control" for c in media[0]["consequences"])


@pytest.mark.slow
def test_every_request_404(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve(not_found()) as url:
        code, out, data = run("openwebui", url, tmp_path, capsys, "--profile", reference_profile("openwebui"))
    assert code == 2, out
    head = opening(out)
    assert "Likely cause: every request is answered 404" in head and "a missing or wrong path prefix" in head
    assert f"--base-url {url}/api/v1" in head and "Checked" not in head  # suggested, but nothing answers there
    assert [d["kind"] for d in data["diagnoses"]] == ["not_found"]


@pytest.mark.slow
def test_a_redirect_to_a_login_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve(login_gateway()) as url:
        code, out, data = run("respan", url, tmp_path, capsys, "--profile", reference_profile("respan"))
    assert code == 2, out
    head = opening(out)
    assert "Likely cause: every request is redirected to a login page (/login?next=" in head
    assert "send the credentials that gateway expects" in head
    assert [d["kind"] for d in data["diagnoses"]] == ["login_redirect"]


@pytest.mark.slow
def test_problem_json_errors(reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One fault, one diagnosis, one finding per status (each holding the other checks' copies of it)."""
    with reference("respan", faults=("problem_json",)) as url:
        code, out, data = run("respan", url, tmp_path, capsys, "--profile", reference_profile("respan"))
    assert code == 1
    assert "Likely cause: every error is answered as application/problem+json" in opening(out)
    causes = {(f["check"], f["status"]) for f in data["findings"]}
    assert causes == {("content_type_conformance", s) for s in (401, 403, 404)}, out
    held = {c["check"] for f in data["findings"] for c in f["consequences"]}
    assert held == {"error_contract", "auth", "access_control"}
    (diagnosis,) = data["diagnoses"]
    assert set(diagnosis["findings"]) == {f["id"] for f in data["findings"]}


@pytest.mark.slow
def test_a_conformant_target_has_no_diagnosis(reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with reference("selise") as url:
        code, out, data = run("selise", url, tmp_path, capsys, "--profile", reference_profile("selise"))
    assert code == 0 and data["diagnoses"] == [] and "Likely cause" not in out


# ----------------------------------------------------------------- diagnose() on counted answers
def answers(*kinds: tuple[AnswerKind, int]) -> Counter[AnswerKind]:
    return Counter(dict(kinds))


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_an_html_title_is_read_from_a_compressed_page(encoding: str) -> None:
    page = f"<html><head><title> {PAGE_TITLE} </title></head></html>".encode()
    body = {"gzip": gzip.compress, "deflate": zlib.compress}[encoding](page)
    headers = [(b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Encoding", encoding.encode())]
    assert AnswerKind.of(200, headers, body) == AnswerKind(200, "text/html", title=PAGE_TITLE)
    # an encoding the guard cannot read (br) or a broken stream: the answer is counted, without a title
    for other, content in ((b"br", b"\x1b\x00garbage"), (encoding.encode(), b"not compressed")):
        assert AnswerKind.of(
            200, [(b"content-type", b"text/html"), (b"content-encoding", other)], content
        ) == AnswerKind(200, "text/html")


def test_a_stray_answer_does_not_hide_the_pattern() -> None:
    counted = answers((AnswerKind(404, "application/json"), 99), (AnswerKind(401, "application/json"), 1))
    assert [d.kind for d in diagnose("respan", "http://h:1", counted, [])] == ["not_found"]
    counted = answers((AnswerKind(404, "application/json"), 50), (AnswerKind(200, "application/json"), 50))
    assert diagnose("respan", "http://h:1", counted, []) == []


def test_too_few_answers_say_nothing() -> None:
    assert diagnose("respan", "http://h:1", answers((AnswerKind(404, "application/json"), 2)), []) == []


def test_every_answer_a_server_error_or_a_redirect_elsewhere() -> None:
    (crash,) = diagnose("respan", "http://h:1", answers((AnswerKind(502, "text/html"), 9)), [])
    assert crash.kind == "server_error" and "target's own log" in crash.advice
    (moved,) = diagnose("respan", "http://h:1", answers((AnswerKind(301, "", "https://h/"), 9)), [])
    assert moved.kind == "redirect" and "https://h/" in moved.cause


def test_prefix_advice_comes_from_the_spec_servers() -> None:
    """Respan's spec has no other prefix: the advice says what to find instead of guessing."""
    (respan,) = diagnose("respan", "http://h:1", answers((AnswerKind(404, "text/plain"), 9)), [])
    assert "find the path prefix" in respan.advice and respan.base_urls == ()
    (owui,) = diagnose("openwebui", "http://h:1/api", answers((AnswerKind(404, "text/plain"), 9)), [])
    assert owui.base_urls == ("http://h:1/api/v1",)
    (selise,) = diagnose("selise", "http://h:1", answers((AnswerKind(404, "text/plain"), 9)), [])
    assert selise.base_urls and all(u.startswith("http://h:1/") for u in selise.base_urls)
