"""Reviewer findings: bad profile credentials are exit 2 (not server violations), typed profiles, the
`timeout` check reported as run, plugin usage errors, broken pipes, invalid ports, unknown baseline checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
import yaml

from contracts.cli import main
from tests.contracts.fixtures import reference_profile

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow
CONTRACTS = str(Path(sys.executable).with_name("contracts"))
FAST = ("--max-examples", "3", "--seed", "3")


def check(api: str, url: str, *args: str) -> list[str]:
    return ["check", "--api", api, "--base-url", url, *FAST, *args]


def error_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("contracts: error:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def profile_with(tmp_path: Path, api: str, **changes: dict[str, object]) -> str:
    data = yaml.safe_load(Path(reference_profile(api)).read_text(encoding="utf-8"))
    for section, values in changes.items():
        data[section] = {**data[section], **values}
    path = tmp_path / f"{api}.yaml"
    path.write_text(yaml.safe_dump(data))
    return str(path)


# ----------------------------------------------------------------- 1. bad credentials in the profile: exit 2
@pytest.mark.parametrize(
    ("api", "token"), [("respan", "rsp-acme-EXPIRED"), ("openwebui", "expired-jwt"), ("selise", "PROJ-GONE")]
)
def test_expired_owner_token_is_a_profile_error(
    api: str, token: str, reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = profile_with(tmp_path, api, tokens={"owner": token})
    with reference(api) as url:
        code = main(check(api, url, "--profile", profile))
    captured = capsys.readouterr()
    assert code == 2, captured.out
    line = error_line(captured.err)
    assert "tokens.owner" in line and "wrong or expired" in line and profile in line
    assert token not in line  # the secret is not echoed
    assert captured.out == ""


@pytest.mark.parametrize(("api", "role"), [("respan", "stranger"), ("openwebui", "reader")])
def test_expired_other_token_names_its_key(
    api: str, role: str, reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = profile_with(tmp_path, api, tokens={role: "EXPIRED-0"})
    with reference(api) as url:
        code = main(check(api, url, "--profile", profile, "--no-property-based"))
    assert code == 2
    assert f"tokens.{role}" in error_line(capsys.readouterr().err)


def test_expired_token_option_names_the_option(reference, capsys: pytest.CaptureFixture[str]) -> None:
    with reference("respan") as url:
        code = main(check("respan", url, "--profile", reference_profile("respan"), "--token", "rsp-acme-EXPIRED"))
    assert code == 2
    assert "--token" in error_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("api", "fault"),
    [
        ("respan", "auth_ignored"),  # credentials not enforced: the owner is served, `auth` fails
        ("openwebui", "owner_refused_own_model"),  # 401, but `Access prohibited`, not the invalid-token answer
        ("respan", "owner_refused_own_model"),  # 403: an access-control fault, not a bad token
        ("openwebui", "bad_token_accepted"),
    ],
)
def test_server_faults_near_auth_stay_exit_1(
    api: str, fault: str, reference, capsys: pytest.CaptureFixture[str]
) -> None:
    with reference(api, faults=(fault,)) as url:
        code = main(check(api, url, "--profile", reference_profile(api), "--no-property-based"))
    out = capsys.readouterr().out
    assert code == 1, out


def test_owner_refused_on_own_but_served_shared_is_a_violation(
    reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stranger's (valid) key as owner: refused on models.own with 403, served models.shared -> exit 1."""
    profile = profile_with(tmp_path, "respan", tokens={"owner": "respan-other-key"})
    with reference("respan") as url:
        code = main(check("respan", url, "--profile", profile, "--no-property-based"))
    out = capsys.readouterr().out
    assert code == 1 and "== access_control:" in out


def test_identity_message_grammar(reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = profile_with(tmp_path, "selise", tokens={"owner": "PROJ-OTHER-KEY"})
    with reference("selise") as url:
        code = main(check("selise", url, "--profile", profile, "--no-property-based"))
    out = capsys.readouterr().out
    assert code == 1
    assert "`owner` reading models.own 'model_123': expected 200, got 422" in out
    assert "sent with as is" not in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("api: respan\ntokens: {owner: 3}\n", "`tokens.owner` must be a string, got int 3; quote it"),
        ("api: respan\nmodels: {own: 5}\n", "`models.own` must be a string, got int 5; quote it"),
        ("api: respan\ntokens: {owner: true}\n", "`tokens.owner` must be a string, got bool"),
        ("api: respan\nbase_url: 5\n", "`base_url` must be a string"),
    ],
)
def test_non_string_profile_values(
    tmp_path: Path, text: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text(text)
    assert main(check("respan", "http://127.0.0.1:1", "--profile", str(profile))) == 2
    assert expected in error_line(capsys.readouterr().err)


def test_non_utf8_profile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profile = tmp_path / "latin1.yaml"
    profile.write_bytes("api: respan\nmodels: {own: modèle}\n".encode("latin-1"))
    assert main(check("respan", "http://127.0.0.1:1", "--profile", str(profile))) == 2
    line = error_line(capsys.readouterr().err)
    assert str(profile) in line and "not UTF-8" in line and "internal error" not in line


# ----------------------------------------------------------------- 3. `timeout` is reported as run
def test_timeout_is_reported_as_run(reference, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "junit.xml"
    with reference("respan") as url:
        code = main(check("respan", url, "--profile", reference_profile("respan"), "--junit", str(junit)))
    out = capsys.readouterr().out
    assert code == 0, out
    assert "timeout" in [c.strip() for c in out.split("Checks run:")[1].splitlines()[0].split(",")]
    suite = ET.parse(junit).getroot().find("testsuite")
    assert suite is not None
    timeouts = [c for c in suite.iter("testcase") if (c.get("name") or "").startswith("timeout ")]
    assert timeouts and all(c.find("skipped") is None and c.find("failure") is None for c in timeouts)


# ----------------------------------------------------------------- 4. plugin usage errors
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--contracts-base-url=ftp://x",), "not an http(s) URL"),
        (("--contracts-base-url=http://127.0.0.1:1", "--contracts-profile={list}"), "must be a YAML mapping"),
        (("--contracts-base-url=http://127.0.0.1:99999",), "invalid port"),
    ],
)
def test_plugin_usage_errors(pytester: pytest.Pytester, tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    listed = tmp_path / "list.yaml"
    listed.write_text("- api: respan\n")
    result = pytester.runpytest_inprocess(
        "-p", "contracts", "--contracts-api=respan", *(a.format(list=listed) for a in args)
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert expected in result.stderr.str()
    assert "failed" not in result.stdout.str()


def test_plugin_timeout_passes(pytester: pytest.Pytester, reference) -> None:
    with reference("respan") as url:
        result = pytester.runpytest_subprocess(
            "-p",
            "contracts",
            "--contracts-api=respan",
            f"--contracts-base-url={url}",
            f"--contracts-profile={reference_profile('respan')}",
            "--contracts-max-examples=3",
            "-v",
        )
    result.stdout.fnmatch_lines(["*contracts::respan::timeout PASSED*"])


# ----------------------------------------------------------------- 5. minor
def test_broken_pipe_is_quiet(reference) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader (e.g. `head`) is gone before the report is written
    try:
        with reference("respan") as url:
            proc = subprocess.run(
                [CONTRACTS, *check("respan", url, "--profile", reference_profile("respan"), "--no-property-based")],
                stdout=write,
                stderr=subprocess.PIPE,
                text=True,
                timeout=120,
            )
    finally:
        os.close(write)
    assert "BrokenPipe" not in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 0


def test_invalid_port(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(check("respan", "http://127.0.0.1:99999")) == 2
    assert "invalid port" in error_line(capsys.readouterr().err)


def test_baseline_unknown_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "b.yaml"
    baseline.write_text("accepted:\n  - {check: error_contracts, reason: typo}\n")
    assert main(check("respan", "http://127.0.0.1:1", "--baseline", str(baseline))) == 2
    line = error_line(capsys.readouterr().err)
    assert "unknown check `error_contracts`" in line and "error_contract, secrets" in line
