"""`contracts validate --api NAME [--status CODE] FILE|-`: output and exit codes, end to end."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from contracts.validate import Violation, validate_payload


def write(tmp_path: Path, data: object, name: str = "body.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return path


def test_valid_body_exits_0(cli, example, tmp_path: Path) -> None:
    code, out, err = cli("--api", "selise", write(tmp_path, example("selise")))
    assert code == 0 and err == ""
    assert out.strip().endswith("valid against selise get_model_by_id 200")


def test_every_violation_is_printed_with_path_rule_and_value(cli, example, tmp_path: Path) -> None:
    body = example("selise")
    body.update(CreatedDate="yesterday", IsActive=1, Leak="sk-live-1", ApiVersion=3)
    body["Tags"][1] = 7
    del body["ModelName"]
    code, out, _ = cli("--api", "selise", write(tmp_path, body))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].endswith("invalid against selise get_model_by_id 200 (6 violations)")
    at = " at #/components/schemas/AIModel"  # where each rule is written in openapi/selise.yaml
    expected = [
        "response body $.Leak: is not allowed: the schema is closed (additionalProperties: false) "
        f'[rule additionalProperties: false; value "sk-live-1"]{at}',
        f"response body $.ModelName: is required but missing [rule required]{at}/properties/ModelName",
        f"response body $.CreatedDate: is not a 'date-time' [rule format: date-time; value \"yesterday\"]{at}/properties/CreatedDate",
        f"response body $.Tags[1]: is not of type 'string' [rule type: string; value 7]{at}/properties/Tags/items",
        f"response body $.ApiVersion: is not of type 'string' [rule type: string; value 3]{at}/properties/ApiVersion",
        f"response body $.IsActive: is not of type 'boolean' [rule type: boolean; value 1]{at}/properties/IsActive",
    ]
    assert sorted(line.strip() for line in lines[1:]) == sorted(expected)


def test_null_where_not_nullable_and_integer_one_point_zero(cli, example, tmp_path: Path) -> None:
    body = example("respan")
    body.update(max_context_window=8192.0, display_name=None, streaming_support=True)
    code, out, _ = cli("--api", "respan", write(tmp_path, body))
    assert code == 1
    assert "$.max_context_window: is not of type 'integer' [rule type: integer; value 8192.0]" in out
    assert "$.display_name: is null, but the schema is string and not nullable [rule type: string; value null]" in out
    assert "$.streaming_support: is not of type 'integer' [rule type: integer; value true]" in out


def test_other_documented_status(cli, tmp_path: Path) -> None:
    assert cli("--api", "respan", "--status", "404", write(tmp_path, {"detail": "Not found."}))[0] == 0
    code, out, _ = cli("--api", "respan", "--status", "404", write(tmp_path, {"detail": "Not found.", "code": 1}))
    assert code == 1 and "$.code: is not allowed" in out


@pytest.mark.parametrize(
    ("args", "data", "message"),
    [
        (
            ["--api", "respan", "--status", "500"],
            {"detail": "x"},
            "status 500 is not documented for respan retrieve_custom_model; use one of 200, 401, 403, 404",
        ),
        (["--api", "nope"], {}, "unknown API 'nope': choose one of openwebui, respan, selise"),
        ([], {}, "--api is required for a single payload"),
        (
            ["--api", "respan"],
            b'{"id": "x", "model_name": ',
            "is not JSON (truncated?): Expecting value (line 1, column 27)",
        ),
        (
            ["--api", "respan"],
            b'{"id": "\xff\xfe"}',
            "is not UTF-8 (byte 0xff at offset 8); JSON must be UTF-8 encoded",
        ),
        (["--api", "respan"], b"", "is not JSON (truncated?): Expecting value (line 1, column 1)"),
    ],
)
def test_unusable_input_exits_2_with_one_clear_line(cli, tmp_path: Path, args, data, message) -> None:
    code, out, err = cli(*args, write(tmp_path, data))
    assert code == 2 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_unreadable_file_and_two_inputs(cli, tmp_path: Path) -> None:
    code, _, err = cli("--api", "respan", tmp_path / "missing.json")
    assert code == 2 and "missing.json: cannot be read (No such file or directory); check the path" in err
    code, _, err = cli("--api", "respan", "--har", "a.har", "b.json")
    assert code == 2 and "give exactly one input" in err


def test_50_mb_body_is_refused_with_the_limit_then_validated_when_raised(cli, example, tmp_path: Path) -> None:
    body = example("openwebui")
    body["params"]["system"] = "x" * (50 * 1024 * 1024)
    path = write(tmp_path, body, "big.json")
    code, _, err = cli("--api", "openwebui", path)
    assert code == 2 and "over the 16,777,216-byte limit; raise it with --max-body-mb" in err
    assert cli("--api", "openwebui", "--max-body-mb", "64", path)[0] == 0


def test_stdin(monkeypatch: pytest.MonkeyPatch, cli, example) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(json.dumps(example("respan")).encode()))
    monkeypatch.setattr(sys, "stdin", stdin)
    code, out, _ = cli("--api", "respan", "-")
    assert code == 0 and out.startswith("<stdin>: valid")


def test_library_returns_findings_as_data(example) -> None:
    body = example("respan")
    body["provider"]["organization_id"] = "123"
    result = validate_payload("respan", json.dumps(body))
    assert result.verdict == "invalid"
    assert result.violations == [
        Violation(
            "response body",
            "$.provider.organization_id",
            "type: integer",
            "is not of type 'integer'",
            "123",
            pointer="#/components/schemas/Provider/properties/organization_id",
        )
    ]


def test_installed_contracts_command_runs_validate(example, tmp_path: Path) -> None:
    """Through helper C's `contracts` entry point, as a user runs it."""
    exe = Path(sys.executable).with_name("contracts")
    path = write(tmp_path, {**example("respan"), "input_cost": "cheap"})
    done = subprocess.run([str(exe), "validate", "--api", "respan", str(path)], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert "$.input_cost: is not of type 'number'" in done.stdout
    done = subprocess.run(
        [sys.executable, "-m", "contracts.validate", "--api", "respan", str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr


@pytest.mark.parametrize("page", ["docs/contracts-validate.md", "docs/validating-payloads.md"])
def test_documented_example_output_is_what_the_cli_prints(
    cli, example, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    from tests.docs import blocks, read

    expected = blocks(read(page), "text")[0]
    monkeypatch.chdir(tmp_path)
    write(tmp_path, {**example("selise"), "Leak": "sk-live-1", "CreatedDate": "yesterday"})
    code, out, _ = cli("--api", "selise", "body.json")
    assert code == 1 and out == expected


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf"])
def test_non_positive_max_body_mb_is_a_usage_error(cli, example, tmp_path: Path, value: str) -> None:
    code, out, err = cli("--api", "respan", "--max-body-mb", value, write(tmp_path, example("respan")))
    assert code == 2 and out == ""
    assert err.startswith("contracts validate: --max-body-mb must be a positive number of megabytes, got ")
    assert len(err.splitlines()) == 1


def test_output_into_a_closed_pipe_exits_quietly(example, tmp_path: Path) -> None:
    """`contracts validate big.ndjson | head -1`: no 'internal error: BrokenPipeError', no traceback."""
    bad = json.dumps({"api": "respan", "body": {**example("respan"), "input_cost": "cheap"}}) + "\n"
    path = tmp_path / "bodies.ndjson"
    path.write_text(bad * 1000)  # about 200 KB of verdicts: more than a pipe holds, so the writer meets the close
    exe = Path(sys.executable).with_name("contracts")
    for command in ([str(exe), "validate"], [sys.executable, "-m", "contracts.validate"]):
        proc = subprocess.Popen([*command, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # the reader goes away, as `head -1` does
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
        proc.stderr.close()
        assert first.startswith(b"line 1: invalid")
        assert err == "" and proc.returncode == 1, err
