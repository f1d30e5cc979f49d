"""The CLI end to end: exit codes, one-line errors, reports, baseline, profile handling, progress."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from contracts.cli import main
from tests.contracts.fixtures import closed_port, mock_process, raw_tcp, reference_profile

pytestmark = pytest.mark.slow
CONTRACTS = str(Path(sys.executable).with_name("contracts"))
FAST = ("--max-examples", "5", "--seed", "3")


def check(api: str, url: str, *args: str) -> list[str]:
    return ["check", "--api", api, "--base-url", url, *FAST, *args]


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("contracts: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# ----------------------------------------------------------------- targets that cannot be judged: exit 2
def test_unreachable_target_subprocess() -> None:
    proc = subprocess.run(
        [CONTRACTS, "check", "--api", "respan", "--base-url", f"http://127.0.0.1:{closed_port()}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "(connection refused); start the server, or check the host and port" in one_line_error(proc.stderr)
    assert proc.stdout == ""


def test_hanging_target_times_out(capsys: pytest.CaptureFixture[str]) -> None:
    with raw_tcp("hang") as url:
        code = main(check("respan", url, "--timeout", "0.5"))
    assert code == 2
    assert "did not answer within 0.5 s" in one_line_error(capsys.readouterr().err)


def test_non_http_target(capsys: pytest.CaptureFixture[str]) -> None:
    with raw_tcp("garbage") as url:
        code = main(check("selise", url, "--timeout", "2"))
    assert code == 2
    assert "did not answer with HTTP" in one_line_error(capsys.readouterr().err)


def test_base_url_must_be_http(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(check("respan", "ftp://example.org")) == 2
    assert "not an http(s) URL" in one_line_error(capsys.readouterr().err)


def test_no_base_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--api", "respan"]) == 2
    assert "no base URL" in one_line_error(capsys.readouterr().err)


# ----------------------------------------------------------------- profiles and baselines that are wrong: exit 2
@pytest.mark.parametrize(
    ("option", "text", "expected"),
    [
        ("--profile", "api: respan\ntokens: [a, b]\n", "`tokens` must be a mapping"),
        ("--profile", "api: respan\nmodels: {own: x\n", "is not valid YAML"),
        ("--profile", "api: respan\ntokenz: {}\n", "unknown key(s) tokenz"),
        ("--profile", "api: nope\n", "`api` must be one of"),
        ("--profile", "api: openwebui\n", "is for 'openwebui', but --api is 'respan'"),
        ("--profile", "api: respan\ntokens: {boss: x}\n", "unknown tokens role `boss`"),
        ("--baseline", "accepted:\n  - check: secrets\n", "has no `reason`"),
        ("--baseline", "accepted:\n  - reason: because\n", "has no `check`"),
        ("--baseline", "- just a list\n", "top-level `accepted:` list"),
        ("--baseline", "accepted:\n  - {check: a, reason: b, ticket: c}\n", "unknown key(s) ticket"),
    ],
)
def test_bad_profile_or_baseline(
    tmp_path: Path, option: str, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(text)
    assert main(check("respan", "http://127.0.0.1:1", option, str(path))) == 2
    assert expected in one_line_error(capsys.readouterr().err)


def test_missing_profile_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(check("respan", "http://127.0.0.1:1", "--profile", "/nonexistent/p.yaml")) == 2
    assert "cannot be read" in one_line_error(capsys.readouterr().err)


def test_missing_env_var_subprocess(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("api: respan\ntokens:\n  owner: ${CONTRACTS_TEST_UNSET_VAR}\n")
    proc = subprocess.run(
        [CONTRACTS, "check", "--api", "respan", "--base-url", "http://127.0.0.1:1", "--profile", str(profile)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    line = one_line_error(proc.stderr)
    assert "CONTRACTS_TEST_UNSET_VAR" in line and "tokens.owner" in line and "export" in line


# ----------------------------------------------------------------- conformant and non-conformant targets
def test_base_url_with_path_prefix(reference, capsys: pytest.CaptureFixture[str]) -> None:
    """A real Open WebUI mounts the router under /api/v1: the prefix in --base-url replaces the spec's /api."""
    with reference("openwebui", prefix="/api/v1") as url:
        ok = main(check("openwebui", url + "/api/v1", "--profile", reference_profile("openwebui")))
        out_ok = capsys.readouterr().out
        wrong = main(check("openwebui", url, "--profile", reference_profile("openwebui"), "--no-property-based"))
        out_wrong = capsys.readouterr().out
    assert ok == 0, out_ok
    assert f"at {url}/api/v1 " in out_ok
    assert wrong == 2 and f"{url}/api/models/model" in out_wrong  # every path 404: not the API, could not judge


def test_without_profile_reports_skipped_checks(reference, capsys: pytest.CaptureFixture[str]) -> None:
    with reference("respan") as url:
        code = main(check("respan", url))
    out = capsys.readouterr().out
    assert code == 0, out
    # the rules this profile cannot ask about are named, each with what the profile lacks
    assert "rule owned-by-others (access_control) not judged: the profile has no tokens.stranger or models.own" in out
    assert "rule owning-organization (access_control) not judged: the profile has no tokens.owner or models.own" in out
    assert "Note: to judge those rules, give --profile a YAML file naming those tokens and model ids" in out
    assert out.count("to judge those rules") == 1
    assert "auth" in out.split("Checks run:")[1]


def test_reports_and_progress(reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit, report = tmp_path / "junit.xml", tmp_path / "report.json"
    with reference("selise", faults=("unmasked_api_key",)) as url:
        code = main(
            check("selise", url, "--profile", reference_profile("selise"), "--junit", str(junit), "--json", str(report))
        )
    captured = capsys.readouterr()
    assert code == 1
    # human summary: grouped by check, with spec location and curl
    assert "== secrets: " in captured.out
    assert (
        "spec: openapi/selise.yaml#/components/schemas/AIModel/properties/ApiKey" in captured.out
    )  # the field's subschema
    assert "field $.ApiKey; rule x-secret: masked; value " in captured.out
    assert "reproduce: curl " in captured.out and "<owner token>" in captured.out
    assert "PROJ-OWNER-KEY" not in captured.out  # tokens are not echoed
    # progress: plain lines when not a TTY
    assert "contracts: phase fuzzing:" in captured.err
    # JSON: the same findings
    data = json.loads(report.read_text())
    assert data["exit_code"] == 1 and data["api"] == "selise" and data["seed"] == 3
    assert (data["report"], data["version"]) == ("contracts-run", 2)
    secret = [f for f in data["findings"] if f["check"] == "secrets"]
    assert secret and set(secret[0]) >= {"check", "operation", "message", "location", "curl", "status"}
    assert set(secret[0]) >= {"path", "rule", "value", "count", "sources", "request", "response", "consequences"}
    assert all(f["message"] in captured.out for f in secret[:5])
    # JUnit: one testcase per check and operation, failures where findings are
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert "secrets GET /models/{model_id}" in cases
    assert cases["secrets GET /models/{model_id}"].find("failure") is not None
    assert cases["auth GET /models/{model_id}"].find("failure") is None
    assert len(cases) == len(set(cases))


def test_baseline_accepts_known_findings(reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.yaml"
    baseline.write_text(
        "accepted:\n"
        "  - check: secrets\n"
        "    operation: GET /models/{model_id}\n"
        "    reason: key masking ships in v2 (TICKET-1)\n"
        "  - check: consistency\n"
        "    reason: stale entry\n"
    )
    report = tmp_path / "r.json"
    args = ("--profile", reference_profile("selise"), "--baseline", str(baseline), "--json", str(report))
    with reference("selise", faults=("unmasked_api_key",)) as url:
        accepted = main(check("selise", url, *args))
        out = capsys.readouterr().out
        with_new = None
    assert accepted == 0, out
    assert "accepted by baseline: key masking ships in v2 (TICKET-1)" in out
    assert "Baseline entries that matched nothing" in out and "stale entry" in out
    assert all(f["accepted"] for f in json.loads(report.read_text())["findings"])
    with reference("selise", faults=("unmasked_api_key", "leak_other_model")) as url:
        with_new = main(check("selise", url, *args))
    out = capsys.readouterr().out
    assert with_new == 1
    assert "== access_control: 1 failure(s)" in out


def test_html_200_is_a_content_type_violation(reference, capsys: pytest.CaptureFixture[str]) -> None:
    with reference("openwebui", faults=("html_200",)) as url:
        code = main(check("openwebui", url, "--profile", reference_profile("openwebui")))
    out = capsys.readouterr().out
    assert code == 2, out  # HTML for everything: the target is not the API (could not judge), its findings kept
    assert "== content_type_conformance:" in out and "text/html" in out and "NOT JUDGED" in out


def test_help_lists_checks_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    for name in ("error_contract", "access_control", "identity", "secrets", "consistency", "timeout"):
        assert name in out
    assert "exit codes: 0 conformant (warnings allowed unless --fail-on warning), 1 failures found" in out
    assert "severities: failure = breaks what the page states; warning = breaks what the spec infers" in out


def test_finding_names_the_violated_spec_location(reference, capsys: pytest.CaptureFixture[str]) -> None:
    with reference("respan", faults=("leak_other_model",)) as url:
        code = main(check("respan", url, "--profile", reference_profile("respan"), "--no-property-based"))
    out = capsys.readouterr().out
    assert code == 1
    assert "spec: openapi/respan.yaml#/paths/~1api~1models~1{model_name}~1/get/responses/403" in out
    assert "-H 'Authorization: Bearer <stranger token>'" in out


def test_token_without_profile_runs_the_not_found_case(reference, capsys: pytest.CaptureFixture[str]) -> None:
    with reference("respan", faults=("missing_model_400",)) as url:
        code = main(check("respan", url, "--token", "respan-owner-key", "--no-property-based"))
    out = capsys.readouterr().out
    missing = "`owner` reading models.missing 'contracts-no-such-model-0000': expected 404 (not found), got 400"
    assert code == 1 and "== error_contract:" in out and missing in out


def test_progress_on_a_terminal_is_a_live_bar() -> None:
    """On a terminal: a rich progress bar with the phase, done of total, requests and findings; messages above it."""
    import io

    from rich.console import Console

    from contracts.progress import BarReporter, Progress, reporter

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert isinstance(reporter(Tty()), BarReporter)
    stream = Tty()
    bar = BarReporter(stream, Console(file=stream, force_terminal=True, width=120))
    bar(Progress("explicit cases", "target answers; running explicit cases", 3, 7, requests=12, findings=1))
    bar.bar.refresh()  # what the live display shows at its next refresh
    bar(Progress("fuzzing", "", 40, 100, requests=90, findings=2))
    bar.bar.refresh()
    bar.close()
    shown = stream.getvalue()
    assert "target answers; running explicit cases" in shown
    assert "explicit cases" in shown and "3/7" in shown and "12 requests · 1 findings" in shown
    assert "fuzzing" in shown and "40/100" in shown and "90 requests · 2 findings" in shown


def test_progress_not_on_a_terminal_is_plain_lines() -> None:
    import io

    from contracts.progress import LineReporter, Progress, reporter

    stream = io.StringIO()
    report = reporter(stream)
    assert isinstance(report, LineReporter)
    report(Progress("examples", "phase examples: success"))
    report(Progress("fuzzing", "", 5, 10))  # a count update: not a line
    assert stream.getvalue() == "contracts: phase examples: success\n"


def test_progress_bar_on_a_real_terminal(reference) -> None:
    """`contracts check` with stderr on a pseudo-terminal draws the bar (phase, counts) and clears it at the end;
    the report on stdout is unchanged."""
    import os
    import pty

    main_fd, child_fd = pty.openpty()
    with reference("respan") as url:
        proc = subprocess.Popen(
            [CONTRACTS, *check("respan", url, "--profile", reference_profile("respan"))],
            stdout=subprocess.PIPE,
            stderr=child_fd,
            env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"},
        )
        os.close(child_fd)
        drawn = b""
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        out, _ = proc.communicate(timeout=120)
    os.close(main_fd)
    assert proc.returncode == 0, out
    screen = drawn.decode("utf-8", "replace")
    assert "explicit cases" in screen and "requests ·" in screen and "findings" in screen
    assert "fuzzing" in screen
    assert "contracts:" in screen  # the phase lines, printed above the bar
    assert out.decode().startswith("contracts check respan at ") and "PASSED" in out.decode()


def test_a_run_leaves_no_hypothesis_folder_in_the_users_project(tmp_path: Path) -> None:
    """Hypothesis' cache goes to the user's cache folder, not into the project `contracts check` runs in."""
    project, cache = tmp_path / "project", tmp_path / "cache"
    project.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"} | {"XDG_CACHE_HOME": str(cache)}
    with mock_process("respan") as url:
        proc = subprocess.run(
            [CONTRACTS, *check("respan", url, "--profile", "mock")],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert list(project.iterdir()) == []
    assert (cache / "vendor-model-contracts" / "hypothesis").is_dir()
