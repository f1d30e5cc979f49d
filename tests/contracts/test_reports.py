"""Reports a person can act on, end to end: one finding per cause, the field that is wrong in every format,
credentials shown one way, the JSON run report read back by ``contracts report`` (text matrix and HTML)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from contracts.cli import main
from contracts.runfile import REPORT_VERSION, load_run, run_to_dict
from tests.contracts.fixtures import reference_profile

pytestmark = pytest.mark.slow
FAST = ("--max-examples", "5", "--seed", "3")
POINTER = "openapi/openwebui.yaml#/components/schemas/ModelMeta/properties/profile_image_url"


def every_finding(findings: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for finding in findings:
        yield finding
        yield from finding["consequences"]


@pytest.fixture(scope="module")
def null_field_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A real Open WebUI's deviation: ``meta.profile_image_url`` null; every report format written once."""
    from tests.faults.reference import make_app
    from tests.faults.serve import serve
    from vendor_specs import base_path

    folder = tmp_path_factory.mktemp("reports")
    paths = {kind: folder / f"run.{kind}" for kind in ("json", "xml", "html")}
    with serve(make_app("openwebui", {"null_profile_image_url"}, prefix=base_path("openwebui"))) as url:
        args = ["check", "--api", "openwebui", "--base-url", url, "--profile", reference_profile("openwebui"), *FAST]
        args += ["--json", str(paths["json"]), "--junit", str(paths["xml"]), "--html", str(paths["html"])]
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(args)
    return {"code": code, "text": out.getvalue(), **{k: p.read_text(encoding="utf-8") for k, p in paths.items()}}


def test_the_wrong_field_in_text(null_field_run: dict[str, Any]) -> None:
    text = null_field_run["text"]
    assert null_field_run["code"] == 1
    assert (
        "[response_schema_conformance] GET /models/model: $.meta.profile_image_url is null, but the schema is string "
        "and not nullable"
    ) in text
    assert "  field $.meta.profile_image_url; rule type: string; value null\n" in text
    assert f"  spec: {POINTER}\n" in text
    assert "None for not nullable" not in text and "None is not of type" not in text


def test_the_wrong_field_in_json(null_field_run: dict[str, Any]) -> None:
    data = json.loads(null_field_run["json"])
    (finding,) = [f for f in data["findings"] if f["path"] == "$.meta.profile_image_url"]
    assert (finding["rule"], finding["value"], finding["location"]) == ("type: string", "null", POINTER)
    assert finding["count"] >= 2 and finding["sources"][0] == "explicit" and len(finding["sources"]) >= 2
    assert finding["request"].startswith("GET http") and finding["response"].startswith("HTTP 200 application/json")


def test_the_wrong_field_in_junit(null_field_run: dict[str, Any]) -> None:
    suite = ET.fromstring(null_field_run["xml"]).find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    failure = cases["response_schema_conformance GET /models/model"].find("failure")
    assert failure is not None and failure.text is not None
    assert "field $.meta.profile_image_url; rule type: string; value null" in failure.text
    assert POINTER in failure.text


def test_the_wrong_field_in_html(null_field_run: dict[str, Any]) -> None:
    page = null_field_run["html"]
    assert "<code>$.meta.profile_image_url</code>" in page and "<code>type: string</code>" in page
    assert f'<code class="pointer">{POINTER}</code>' in page
    assert not re.search(r"""<(script|link|img)\b|src=|href=["']https?:""", page)  # nothing from the network


def test_one_finding_per_cause_across_explicit_cases_phases_and_vendor_checks(
    reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real server's wording: once per status, with what the other checks said about it under it."""
    report = tmp_path / "run.json"
    with reference("openwebui", faults=("real_server_wording",)) as url:
        code = main(
            ["check", "--api", "openwebui", "--base-url", url, "--profile", reference_profile("openwebui"), *FAST]
            + ["--strict-messages", "--json", str(report)]
        )
    out = capsys.readouterr().out
    assert code == 1
    data = json.loads(report.read_text())
    # the page's 404 text, and its 401 for a caller without access: one finding each
    assert sorted((f["check"], f["status"]) for f in data["findings"]) == [
        ("access_control", 401),
        ("error_contract", 404),
    ]
    missing = next(f for f in data["findings"] if f["status"] == 404)
    assert missing["path"] == "$.detail" and missing["rule"] == "the page's text"
    assert (missing["rule_id"], missing["severity"]) == ("not-found-text", "failure")  # --strict-messages
    assert missing["location"] == "openapi/openwebui.yaml#/components/schemas/ErrorDetail/properties/detail"
    # the explicit not-found case, its vendor check's copy, the other explicit 404s and any generated request that
    # got a 404 (how many do varies with the data generated): one finding
    assert missing["sources"][0] == "explicit" and missing["count"] > 2
    headlines = [line for line in out.splitlines() if re.match(r"\s*\[\w+\] .*We could not find", line)]
    assert len(headlines) == 2
    assert "Custom check failed" not in out
    assert "FAILED: 2 failure(s), 0 warning(s), 0 accepted by baseline" in out


def test_every_reproduction_shows_credentials_one_way(null_field_run: dict[str, Any]) -> None:
    """Explicit and generated requests alike: `Authorization: Bearer <role token>`, never a token itself."""
    data = json.loads(null_field_run["json"])
    profile = Path(reference_profile("openwebui")).read_text()
    tokens = re.findall(r"^\s+\w+: (owui-\S+)$", profile, re.MULTILINE)
    assert tokens
    curls = [f["curl"] for f in every_finding(data["findings"])]
    assert curls
    for text in [null_field_run["text"], null_field_run["json"], null_field_run["xml"], null_field_run["html"]]:
        assert not any(token in text for token in tokens)
    for curl in curls:
        for header in re.findall(r"'Authorization: ([^']*)'", curl):
            assert re.fullmatch(r"Bearer <\w+ token>", header) or not header.startswith("Bearer "), curl


# ----------------------------------------------------------------- contracts report
def test_report_renders_several_runs_as_one_matrix(
    null_field_run: dict[str, Any], reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "openwebui.json"
    first.write_text(null_field_run["json"])
    second = tmp_path / "respan.json"
    with reference("respan") as url:
        assert main(["check", "--api", "respan", "--base-url", url, "--profile", reference_profile("respan"), *FAST, "--json", str(second)]) == 0  # fmt: skip
    capsys.readouterr()
    page = tmp_path / "all.html"
    code = main(["report", str(first), str(second), "--html", str(page)])
    out = capsys.readouterr().out
    assert code == 1  # one of the runs failed
    lines = out.splitlines()
    assert lines[0].startswith("#1  FAILED     openwebui GET /models/model at http://127.0.0.1:")
    assert lines[1].startswith("#2  PASSED     respan GET /api/models/{model_name}/ at http://127.0.0.1:")
    matrix = {line.split()[0]: line.split()[1:] for line in lines[3:] if line.strip()}
    assert matrix["response_schema_conformance"] == ["FAIL", "1", "pass"]
    assert matrix["auth"] == ["pass", "pass"]
    html = page.read_text()
    assert html.count('class="verdict FAILED"') == 2 and html.count('class="verdict PASSED"') == 1  # page + runs
    assert 'data-check="response_schema_conformance" data-run="0"' in html


def test_report_json_reads_back_as_the_same_run(null_field_run: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    path.write_text(null_field_run["json"])
    again = run_to_dict(load_run(path))
    assert again == json.loads(null_field_run["json"])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json at all", "is not JSON, so not a run report"),
        ('{"findings": []}', 'is not a contracts run report (no "report": "contracts-run")'),
        (
            '{"report": "contracts-run", "version": 99}',
            "is a run report of format version 99; this contracts reads version 2",
        ),
        ('{"report": "contracts-run", "version": 1, "api": "x"}', "is a damaged run report (missing 'base_url')"),
    ],
)
def test_report_refuses_files_that_are_not_run_reports(
    content: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "r.json"
    path.write_text(content)
    assert main(["report", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(f"contracts: error: {path}: ") and expected in line
    assert REPORT_VERSION == 2


def test_report_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path / "nope.json")]) == 2
    assert "cannot be read" in capsys.readouterr().err


def _documented_blocks() -> list[str]:
    """The report excerpts of docs/contracts-check.md: a field that is wrong, the likely cause."""
    from tests.docs import blocks, section

    return blocks(section("docs/contracts-check.md", "Reports"), "text")


def _counts_masked(text: str) -> str:
    """How many times a finding was seen, and answers counted, vary from run to run (the generated cases)."""
    return re.sub(r"\d+ of \d+ answers", "N of M answers", re.sub(r"seen \d+ times", "seen N times", text))


def _shown_as_in_docs(out: str, url: str) -> list[str]:
    return _counts_masked(out.replace(url, "http://127.0.0.1:8080")).splitlines()


def test_documented_report_examples_are_what_the_cli_prints(
    null_field_run: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.faults.misplaced import web_app
    from tests.faults.serve import serve

    field_example, cause_example = (_counts_masked(block) for block in _documented_blocks())
    url = re.search(r"at (http://127\.0\.0\.1:\d+)/api ", null_field_run["text"])
    assert url is not None
    printed = _shown_as_in_docs(null_field_run["text"], url.group(1))
    assert all(line in printed for line in field_example.splitlines()), null_field_run["text"]
    with serve(web_app("openwebui")) as url_:
        main(["check", "--api", "openwebui", "--base-url", url_, "--profile", reference_profile("openwebui"), *FAST])
    printed = _shown_as_in_docs(capsys.readouterr().out, url_)
    assert all(line in printed for line in cause_example.splitlines()), "\n".join(printed)
