"""`contracts validate --max-violations N`: at most N violations per body are printed, then the count of the rest."""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path

import pytest

from contracts.validate import validate_payload, validate_value
from vendor_specs import Violations


def _bad_keys(example, count: int) -> dict:
    body = example("selise")
    body.update({f"leak{i:07d}": i for i in range(count)})
    return body


def test_at_most_n_are_printed_then_the_count(cli, example, tmp_path: Path) -> None:
    path = tmp_path / "body.json"
    path.write_text(json.dumps(_bad_keys(example, 120)))
    code, out, _ = cli("--api", "selise", "--max-violations", "5", path)
    lines = out.splitlines()
    assert code == 1  # unchanged: invalid
    assert lines[0].endswith("(120 violations)")
    assert [line.split(":")[0].strip() for line in lines[1:6]] == [f"response body $.leak{i:07d}" for i in range(5)]
    assert lines[6] == "  ... and 115 more violations not shown (--max-violations)" and len(lines) == 7


def test_the_default_is_50(cli, example, tmp_path: Path) -> None:
    path = tmp_path / "body.json"
    path.write_text(json.dumps(_bad_keys(example, 60)))
    code, out, _ = cli("--api", "selise", path)
    assert code == 1 and out.count("is not allowed") == 50 and "and 10 more violations" in out


def test_zero_prints_only_the_count_and_negative_is_a_usage_error(cli, example, tmp_path: Path) -> None:
    path = tmp_path / "body.json"
    path.write_text(json.dumps(_bad_keys(example, 3)))
    code, out, _ = cli("--api", "selise", "--max-violations", "0", path)
    assert code == 1 and "is not allowed" not in out and "and 3 more violations" in out
    code, _, err = cli("--api", "selise", "--max-violations", "-1", path)
    assert code == 2 and "--max-violations must be 0 or more" in err


def test_ndjson_lines_are_bounded_too(cli, example, tmp_path: Path) -> None:
    path = tmp_path / "bodies.ndjson"
    line = json.dumps({"api": "selise", "body": _bad_keys(example, 30)})
    path.write_text(f"{line}\n{line}\n")
    code, out, _ = cli(path, "--max-violations", "2")
    assert code == 1 and out.count("is not allowed") == 4 and out.count("and 28 more violations") == 2


@pytest.mark.slow
def test_many_bad_keys_cost_a_count_not_a_violation_each(example) -> None:
    """200,000 undocumented keys: what is kept is 50 violations and a count (the CLI's size limit is tested in
    tests/validate/test_payload_cli.py; a million keys takes five times as long to say the same)."""
    body = _bad_keys(example, 200_000)
    tracemalloc.start()
    start = time.perf_counter()
    result = validate_value("selise", body, max_violations=50)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert (len(result.violations), result.omitted, result.verdict) == (50, 199_950, "invalid")
    assert len(str(result).splitlines()) == 52
    # openapi-core decodes the body again and jsonschema names every extra key in one message: linear in the
    # body, but no Violation (nor its path string) per key: about 55 MB at the peak here, 77 MB when every
    # violation is kept (max_violations=None). A generous time bound for a busy 2-core machine.
    assert elapsed < 30 and peak < 66 * 1024 * 1024


def test_the_library_default_keeps_every_violation(example) -> None:
    result = validate_payload("selise", json.dumps(_bad_keys(example, 70)))
    assert len(result.violations) == 70 and result.omitted == 0
    assert isinstance(Violations(), list)
