"""`mock-server record` end to end, run as a user runs it (processes on 127.0.0.1, stopped by the test).

The proof: record the mock of each vendor, and a reference server of ``tests/faults``, through the recorder with its
profile, start a second mock on the recorded directory, and the same requests get the same bodies (up to
the credentials, which the recording replaced) and ``contracts check`` with the recorded profile passes.
Then the bad input: an upstream that is down, an answer that does not conform, an ``--out`` that cannot
be written, a profile of another API.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mock_server.cli import main
from mock_server.fixtures import DEFAULT_DIR, load_fixtures
from tests.faults.reference import DATA as REFERENCE_PROFILES
from tests.faults.reference import make_app
from tests.faults.serve import serve
from tests.mock_server.conftest import RunningMock, free_port
from vendor_specs import APIS, base_path, credentials, examples_for, model_facts, model_operation, secret_fields

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
MOCK_PROFILES = DEFAULT_DIR / "profiles"


def send(base: str, api: str, token: str | None, model_id: str) -> httpx.Response:
    """The model operation for ``model_id`` with ``token`` placed where the spec says (as the harness sends it)."""
    op = model_operation(api)
    param = model_facts(api).id_parameter
    headers, query, _ = credentials(api, op.definition)[0].place(token) if token else ({}, {}, {})
    path = op.path.replace("{" + param + "}", quote(model_id, safe=""))
    if "{" + param + "}" not in op.path:
        query = {**query, param: model_id}
    return httpx.get(base + base_path(api) + path, params=query, headers=headers, timeout=10)


@contextmanager
def running(*args: str, url: str) -> Iterator[RunningMock]:
    process = RunningMock(list(args))
    try:
        process.wait_url(url, timeout=20)
        yield process
    finally:
        process.stop()


@contextmanager
def upstream(kind: str, api: str) -> Iterator[tuple[str, Path, list[str]]]:
    """(URL, profile, model ids to ask for) of the mock (a process) or the reference server (a thread)."""
    if kind == "mock":
        port = free_port()
        profile = MOCK_PROFILES / f"{api}.yaml"
        ids = list(load_fixtures(api, DEFAULT_DIR / f"{api}.yaml").models)
        with running("--api", api, "--port", str(port), "--quiet", url=f"http://127.0.0.1:{port}/"):
            yield f"http://127.0.0.1:{port}", profile, [*ids, "no-such-model-0000"]
    else:
        profile = REFERENCE_PROFILES / f"{api}.yaml"
        ids = list(yaml.safe_load(profile.read_text())["models"].values())
        with serve(make_app(api, prefix=base_path(api))) as url:
            yield url, profile, ids


def _masked(api: str, body: Any, tokens: dict[str, str]) -> Any:
    """``body`` with real tokens replaced by the recording's and every x-secret field masked."""
    text = json.dumps(body)
    for real, new in tokens.items():
        text = text.replace(json.dumps(real)[1:-1], new)
    value = json.loads(text)
    if isinstance(value, dict):
        value.update({name: "<masked>" for name in secret_fields(api) if name in value})
    return value


#: the mock of each vendor (each credential placement, the richest fixtures), and one server that is not the mock
RECORDED = [("mock", api) for api in APIS] + [("reference", "openwebui")]


@pytest.mark.parametrize(("kind", "api"), RECORDED)
def test_recorded_fixtures_answer_the_same_and_pass_the_harness(tmp_path: Path, api: str, kind: str) -> None:
    out = tmp_path / "recorded"
    with upstream(kind, api) as (url, profile_path, ids):
        profile = yaml.safe_load(profile_path.read_text())
        roles = {**profile["tokens"], "nobody": None, "invalid": "not-a-token-of-anyone"}
        port = free_port()
        args = ("record", "--api", api, "--upstream", url, "--out", str(out), "--profile", str(profile_path))
        with running(*args, "--port", str(port), url=f"http://127.0.0.1:{port}/") as recorder:
            before = {(r, m): send(f"http://127.0.0.1:{port}", api, t, m) for r, t in roles.items() for m in ids}
        stdout, stderr = recorder.stop()
    assert recorder.proc.returncode == 0, stderr
    recorded = yaml.safe_load((out / f"{api}.yaml").read_text())
    new = {role: recorded["identities"][role]["token"] for role in profile["tokens"]}
    for role, token in new.items():  # printed once, with the role it stands for
        assert stdout.count(token) == 1 and f"tokens.{role}" in stdout, stdout
    written = (out / f"{api}.yaml").read_text() + (out / "profiles" / f"{api}.yaml").read_text()
    for real in profile["tokens"].values():  # never in a file nor the log
        assert real not in written and real not in stdout + stderr
    real_to_new = {profile["tokens"][role]: token for role, token in new.items()}

    replay_port = free_port()
    replay = f"http://127.0.0.1:{replay_port}"
    with running("--api", api, "--fixtures", str(out), "--port", str(replay_port), "--quiet", url=replay + "/"):
        for (role, model_id), answer in before.items():
            again = send(replay, api, new.get(role, roles[role]), model_id)
            assert again.status_code == answer.status_code, (role, model_id, again.text, answer.text)
            if answer.status_code == 200:
                assert _masked(api, again.json(), {}) == _masked(api, answer.json(), real_to_new), (role, model_id)
        check = [str(BIN / "contracts"), "check", "--api", api, "--base-url", replay + base_path(api)]
        check += ["--profile", str(out / "profiles" / f"{api}.yaml"), "--max-examples", "5", "--seed", "1"]
        done = subprocess.run(check, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASSED" in done.stdout and "access_control" in done.stdout.split("Checks run:")[1]


def test_upstream_down_is_exit_2_and_nothing_is_written(tmp_path: Path) -> None:
    port = free_port()
    args = ["record", "--api", "respan", "--upstream", f"http://127.0.0.1:{port}", "--out", str(tmp_path / "rec")]
    done = subprocess.run([str(BIN / "mock-server"), *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (
        f"mock-server: upstream http://127.0.0.1:{port} is unreachable (connection refused); start it or fix "
        "--upstream, then record again (nothing was written)\n"
    )
    assert done.stdout == "" and not (tmp_path / "rec").exists()


@pytest.mark.parametrize(
    ("setup", "args", "expect"),
    [
        ("file", ["--out", "{tmp}/a-file/rec"], "--out {tmp}/a-file/rec cannot be written ("),
        ("existing", ["--out", "{tmp}/rec"], "{tmp}/rec/respan.yaml already exists; record into a new directory"),
        ("", ["--out", "{tmp}/rec", "--profile", str(MOCK_PROFILES / "selise.yaml")], "describes selise, not --api"),
        ("", ["--out", "{tmp}/rec", "--profile", "{tmp}/none.yaml"], "--profile: profile {tmp}/none.yaml: cannot be"),
        ("", ["--out", "{tmp}/rec", "--port", "70000"], "--port 70000 is out of range"),
        ("", ["--out", "{tmp}/rec", "--overlay", "openwebui-0.12.4"], "extends openwebui.yaml, not respan"),
    ],
)
def test_bad_input_is_exit_2_before_serving(
    tmp_path: Path, setup: str, args: list[str], expect: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """In process (the ``mock-server`` script calls ``main``; the test above runs the script itself)."""
    if setup == "file":
        (tmp_path / "a-file").write_text("not a directory")
    if setup == "existing":
        (tmp_path / "rec").mkdir()
        (tmp_path / "rec" / "respan.yaml").write_text("hand-written fixtures")
    with serve(make_app("respan")) as url:  # reachable: the input is refused before the upstream matters
        argv = ["record", "--api", "respan", "--upstream", url, *(a.replace("{tmp}", str(tmp_path)) for a in args)]
        code = main(argv)
    out, err = capsys.readouterr()
    assert code == 2 and out == "", out + err
    assert err.startswith("mock-server: ") and expect.replace("{tmp}", str(tmp_path)) in err
    assert len(err.splitlines()) == 1
    if setup == "existing":
        assert (tmp_path / "rec" / "respan.yaml").read_text() == "hand-written fixtures"


GOOD = examples_for("respan", 200)["documented"]["value"]


async def _respan_like(request: Request) -> JSONResponse:
    name = request.path_params["name"]
    if name == "cheap":  # does not conform: input_cost must be a number
        return JSONResponse({**GOOD, "id": name, "model_name": name, "input_cost": "cheap"})
    return JSONResponse({**GOOD, "id": name, "model_name": name, "provider": None, "affiliation_category": "openai"})


def test_a_non_conforming_answer_is_passed_on_logged_and_not_recorded(tmp_path: Path) -> None:
    app = Starlette(routes=[Route("/api/models/{name:path}/", _respan_like)])
    out = tmp_path / "rec"
    port = free_port()
    with serve(app) as url:
        args = ("record", "--api", "respan", "--upstream", url, "--out", str(out), "--port", str(port))
        with running(*args, "--log-format", "json", url=f"http://127.0.0.1:{port}/") as recorder:
            bad = send(f"http://127.0.0.1:{port}", "respan", "k", "cheap")
            good = send(f"http://127.0.0.1:{port}", "respan", "k", "openai/gpt-4o")
        stdout, stderr = recorder.stop()
    assert bad.json()["input_cost"] == "cheap" and good.status_code == 200  # passed on unchanged
    lines = [json.loads(line) for line in stderr.splitlines()]
    exchanges = [line for line in lines if line["message"].startswith("record GET /api/models/")]
    assert len(exchanges) == 2, stderr  # one line per exchange, the verdict and what recording made of it
    refused = [line for line in exchanges if line.get("recorded") is False]
    assert len(refused) == 1 and refused[0]["message"].startswith(
        "record GET /api/models/cheap/ -> 200: response body $.input_cost: is not of type 'number'"
    )
    assert refused[0]["message"].endswith("; not recorded: the exchange violates the respan spec")
    assert refused[0]["level"] == "warning" and refused[0]["verdict"] == "violations"
    recorded = load_fixtures("respan", out / "respan.yaml")
    assert list(recorded.models) == ["openai/gpt-4o"]
    assert recorded.identities["anonymous-1"]["token"] is None  # no profile: an identity nobody may call as
    assert "no --profile tokens" in stdout and "recorded 1 model into" in stdout


def test_help_explains_record(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0 and "mock-server record --api respan --upstream" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["record", "--help"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    for words in ("--upstream URL", "--har FILE", "--out DIR", "--profile FILE", "--har-host", "Exit codes: 0"):
        assert words in out


def test_an_implementation_is_recorded_by_its_overlay_and_stored_in_the_pages_shape(tmp_path: Path) -> None:
    """Open WebUI 0.12.4 (the mock with its overlay plays it) answers in its own shape (`user: null`, grants with
    ids): judged by the page nothing conforms; with --overlay every answer does, and the records are page-shaped
    fixtures that a mock with the same overlay serves back as the implementation sent them."""
    overlay, profile_path = "openwebui-0.12.4", MOCK_PROFILES / "openwebui.yaml"
    profile = yaml.safe_load(profile_path.read_text())
    ids = list(load_fixtures("openwebui", DEFAULT_DIR / "openwebui.yaml").models)
    port = free_port()
    real = f"http://127.0.0.1:{port}"
    with running("--api", "openwebui", "--overlay", overlay, "--port", str(port), "--quiet", url=real + "/"):
        outputs = {}
        for mode in ("page", "overlay"):
            at = free_port()
            args = [
                "record",
                "--api",
                "openwebui",
                "--upstream",
                real,
                "--out",
                str(tmp_path / mode),
                "--port",
                str(at),
            ]
            args += ["--profile", str(profile_path)] + (["--overlay", overlay] if mode == "overlay" else [])
            with running(*args, url=f"http://127.0.0.1:{at}/") as recorder:
                before = {
                    (r, m): send(f"http://127.0.0.1:{at}", "openwebui", t, m)
                    for r, t in profile["tokens"].items()
                    for m in ids
                }
            outputs[mode] = recorder.stop()
    assert not (tmp_path / "page").exists()
    lines = outputs["page"][1].splitlines()
    refused = [line for line in lines if line.startswith("record GET /api/models/") and " -> 200: " in line]
    assert refused and all(
        "response body $.version_id: is not allowed" in line
        and line.endswith("; not recorded: the exchange violates the openwebui spec")
        for line in refused
    ), refused
    recorded = load_fixtures(
        "openwebui", tmp_path / "overlay" / "openwebui.yaml"
    )  # page-shaped: the page's spec loads it
    assert recorded.models["acme/test-model:v1"]["access_grants"][0] == {
        "access_type": "user",
        "access_id": "5e1f2d3c-reader-4000-8000-000000000003",
        "permission": "read",
    }
    text = (tmp_path / "overlay" / "openwebui.yaml").read_text()
    assert "# generated (the page requires them, the implementation never sends them): user" in text
    new = {role: recorded.identities[role]["token"] for role in profile["tokens"]}
    replay_port = free_port()
    replay = f"http://127.0.0.1:{replay_port}"
    args = ("--api", "openwebui", "--overlay", overlay, "--fixtures", str(tmp_path / "overlay"))
    with running(*args, "--port", str(replay_port), "--quiet", url=replay + "/"):
        for (role, model_id), answer in before.items():
            again = send(replay, "openwebui", new[role], model_id)
            assert (again.status_code, again.json()) == (answer.status_code, answer.json()), (role, model_id)
        check = [
            str(BIN / "contracts"),
            "check",
            "--api",
            "openwebui",
            "--overlay",
            overlay,
            "--base-url",
            replay + "/api",
        ]
        check += ["--profile", str(tmp_path / "overlay" / "profiles" / "openwebui.yaml"), "--max-examples", "5"]
        done = subprocess.run(check, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
