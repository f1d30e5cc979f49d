"""`mock-server record --har`: a browser capture's entries judged and learnt as if they came through the proxy;
a capture with nothing to learn says why (exit 1), one that is not a HAR is bad input (exit 2)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from mock_server.cli import main
from mock_server.fixtures import DEFAULT_DIR, load_fixtures
from mock_server.identities import answer
from tests.validate.hars import entry, har

BIN = Path(sys.executable).parent
FIXTURES = load_fixtures("respan", DEFAULT_DIR / "respan.yaml")
PROFILE = DEFAULT_DIR / "profiles" / "respan.yaml"
STAGING = "https://staging.example.com:8443"


def _capture(tmp_path: Path, *extra: dict[str, Any]) -> Path:
    """Every shipped Respan identity asking for every model on the staging host, as the browser saw it."""
    entries = []
    for ident in FIXTURES.identities.values():
        for model_id in FIXTURES.models:
            body = answer("respan", FIXTURES, ident["token"], model_id)
            status, body = (200, body) if body is not None else (403, {"detail": "denied"})
            url = f"{STAGING}/api/models/{quote(model_id, safe='')}/"
            entries.append(entry(url, status, body, headers={"Authorization": f"Bearer {ident['token']}"}))
    path = tmp_path / "capture.har"
    path.write_text(json.dumps(har(*entries, *extra)))
    return path


def _record(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "mock-server"), "record", "--api", "respan", *args], capture_output=True, text=True, timeout=60
    )


def test_a_capture_is_recorded_with_new_tokens(tmp_path: Path) -> None:
    other = entry("https://cdn.example.com/app.js", 200, mime="text/javascript", text="x")
    capture = _capture(tmp_path, other)
    out = tmp_path / "rec"
    done = _record(
        "--har", str(capture), "--har-host", "staging.example.com:8443", "--out", str(out), "--profile", str(PROFILE)
    )
    assert done.returncode == 0, done.stderr
    recorded = load_fixtures("respan", out / "respan.yaml")
    assert list(recorded.models) == list(FIXTURES.models)
    assert recorded.identities["owner"]["organization_id"] == 101  # shown acme/custom-gpt-4, its organisation's
    assert recorded.identities["stranger"]["organization_id"] == 202
    assert done.stdout.splitlines()[-1] == f"recorded 4 models from 8 answers into {out / 'respan.yaml'}"
    for ident in FIXTURES.identities.values():
        assert ident["token"] not in done.stdout + done.stderr + (out / "respan.yaml").read_text()


def test_a_capture_from_another_host_records_nothing_and_says_which_host(tmp_path: Path) -> None:
    capture = _capture(tmp_path)
    done = _record("--har", str(capture), "--out", str(tmp_path / "rec"))
    assert done.returncode == 1 and not (tmp_path / "rec").exists()
    assert done.stderr.splitlines()[-1] == (
        f"mock-server: nothing recorded from {capture}: none of its 8 entries addresses respan's model operation "
        "on its hosts; 8 entries on staging.example.com:8443 do: pass --har-host staging.example.com:8443; "
        "nothing written"
    )


def test_a_capture_without_a_conforming_answer_records_nothing(tmp_path: Path) -> None:
    bad = entry("http://127.0.0.1:9002/api/models/x/", 200, {"id": "x"}, headers={"Authorization": "Bearer k"})
    capture = tmp_path / "bad.har"
    capture.write_text(json.dumps(har(bad)))
    done = _record("--har", str(capture), "--out", str(tmp_path / "rec"))
    assert done.returncode == 1
    (line,) = [line for line in done.stderr.splitlines() if line.startswith("record GET")]  # one per exchange
    assert line.startswith("record GET /api/models/x/ -> 200: response body $.model_name: is required but missing")
    assert line.endswith("; not recorded: the exchange violates the respan spec"), line
    assert "1 of its entries answered respan's model operation, none with a conforming 200" in done.stderr


@pytest.mark.parametrize(
    ("content", "extra", "expect"),
    [
        ('{"log": {}}', [], "is not a HAR file: no log.entries list"),
        ("not json", [], "is not JSON"),
        (None, [], "cannot be read"),
        ('{"log": {"entries": []}}', ["--har-host", "a:b"], "--har-host 'a:b': the port is not a number"),
    ],
)
def test_bad_captures_are_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None, extra: list[str], expect: str
) -> None:
    capture = tmp_path / "capture.har"
    if content is not None:
        capture.write_text(content)
    code = main(["record", "--api", "respan", "--har", str(capture), "--out", str(tmp_path / "rec"), *extra])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("mock-server: ") and expect in err and len(err.splitlines()) == 1
    assert not (tmp_path / "rec").exists()
