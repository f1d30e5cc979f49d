"""NDJSON bulk validation: one {"api", "status", "body"} per line; bad lines never stop the run."""

from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path

import pytest

from contracts.validate import UnusableInput, validate_ndjson
from contracts.validate.ndjson import _record


def line(api: str, body: object, status: int = 200, **extra: object) -> bytes:
    return json.dumps({"api": api, "status": status, "body": body, **extra}).encode() + b"\n"


def test_mixed_file_reports_each_bad_line_and_validates_the_rest(cli, example, tmp_path: Path) -> None:
    bad = {**example("respan"), "input_cost": "cheap"}
    lines = [
        line("respan", example("respan")),
        line("selise", example("selise"), name="prod model"),
        b"\n",
        line("respan", bad, name="cheap one"),
        b'{"api": "respan", "status": 200, "body": {"id": \n',
        b'{"api": "respan", "body": "\xff"}\n',
        line("nope", {}),
        line("respan", {"detail": "x"}, status=500),
        b'{"api": "respan", "status": 200}\n',
        line("openwebui", {"detail": "Model not found"}, status=404),
    ]
    path = tmp_path / "bodies.ndjson"
    path.write_bytes(b"".join(lines))
    code, out, err = cli(path)
    assert code == 2 and err == ""
    assert "line 4 (cheap one): invalid against respan retrieve_custom_model 200" in out
    assert "response body $.input_cost: is not of type 'number'" in out
    blocks = {block.split(":")[0]: block for block in out.split("\nline ")}
    assert "unusable: is not JSON (truncated?)" in blocks["5"]
    assert "unusable: is not UTF-8 (byte 0xff at offset 27)" in blocks["6"]
    assert "unusable: unknown API 'nope'" in blocks["7"]
    assert "unusable: status 500 is not documented for respan retrieve_custom_model" in blocks["8"]
    assert 'unusable: is not an object with a "body" key' in blocks["9"]
    assert "9 checked: 3 valid, 1 invalid, 5 unusable" in out
    rows = [row.split() for row in out.splitlines()]
    assert ["respan", "retrieve_custom_model", "200", "1", "1", "0"] in rows
    assert ["respan", "?", "500", "0", "0", "1"] in rows


def test_exit_codes_all_valid_and_some_invalid(cli, example, tmp_path: Path) -> None:
    path = tmp_path / "ok.jsonl"
    path.write_bytes(line("respan", example("respan")) * 3)
    code, out, _ = cli(path)
    assert code == 0 and "3 checked: 3 valid, 0 invalid, 0 unusable" in out
    path.write_bytes(line("respan", example("respan")) + line("respan", {**example("respan"), "source": 1}))
    assert cli(path)[0] == 1


def test_default_api_and_status_from_the_command_line(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = b'{"body": {"detail": "Not found."}}\n{"body": {"detail": 3}}\n'
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = cli("--ndjson", "-", "--api", "respan", "--status", "404")
    assert code == 1 and "line 2: invalid against respan retrieve_custom_model 404" in out
    path = tmp_path / "x.ndjson"
    path.write_bytes(data)
    code, out, _ = cli(path)
    assert code == 2 and 'has no "api" and no default was given (--api)' in out


@pytest.mark.parametrize(
    "text",
    [
        b'{"a": NaN}',
        b'\xef\xbb\xbf{"a": 1}',
        b'{"a": "\\ud800"}',
        b'{"a": 1, "a": 2}',
        b'{"a": 1.0, "b": -0, "c": 1e400, "d": 1E2, "e": 18446744073709551615}',
        b"[" * 2000 + b"]" * 2000,
    ],
)
def test_fast_decoding_matches_the_stdlib_json_openapi_core_uses(text: bytes) -> None:
    """Integers beyond 64 bits are the known exception (orjson reads them as floats): see the next test."""
    try:
        expected = json.loads(text.decode("utf-8-sig"))
    except RecursionError:  # too deep for the stdlib, so for openapi-core too: unusable, not a crash
        with pytest.raises(UnusableInput, match="nested too deeply"):
            _record(text, 1 << 20)
        return
    got = _record(text, 1 << 20)
    assert json.dumps(got) == json.dumps(expected)
    if isinstance(expected, dict) and isinstance(expected.get("a"), float) and math.isnan(expected["a"]):
        assert math.isnan(got["a"])


def test_nan_and_huge_integers_get_openapi_cores_verdict(example) -> None:
    body = json.dumps({**example("respan"), "max_context_window": 2**80}).replace("0.025", "NaN")
    report = validate_ndjson([b'{"api": "respan", "body": ' + body.encode() + b"}"])
    assert (
        report.exit_code == 0
    )  # openapi-core accepts both: NaN is a number (NaN >= 0 is not false), ints are unbounded
    body = json.dumps({**example("respan"), "max_context_window": -(2**80), "input_cost": 2**70})
    report = validate_ndjson([b'{"api": "respan", "body": ' + body.encode() + b"}"])
    assert [str(v) for r in report.results for v in r.violations] == [
        f"response body $.max_context_window: is less than the minimum of 0 [rule minimum: 0; value {-(2**80)}]"
        " at #/components/schemas/Model/properties/max_context_window"
    ]


def test_string_status_is_unusable_and_decode_errors_name_the_file_line(cli, example, tmp_path: Path) -> None:
    path = tmp_path / "bodies.ndjson"
    path.write_bytes(
        line("respan", example("respan"))
        + b'{"api": "respan", "status": "404", "body": {"detail": "Not found."}}\n'
        + b'{"api": "respan", "status": 200, "body": {"id": \n'
        + b'{"api": "respan", "status": 200, "body": {"id": 1,, }}\r\n'
    )
    code, out, _ = cli(path)
    assert code == 2
    blocks = {block.split(":")[0]: block for block in ("\n" + out).split("\nline ")[1:]}
    assert "unusable: \"status\" must be an integer HTTP status code such as 404, got '404' (a string)" in blocks["2"]
    assert "unusable: is not JSON (truncated?): Expecting value (column 49)" in blocks["3"]
    assert "unusable: is not JSON: Expecting property name enclosed in double quotes (column 51)" in blocks["4"]
    assert "(line " not in out
    assert "4 checked: 1 valid, 0 invalid, 3 unusable" in out
