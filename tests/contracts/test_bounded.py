"""A verdict from every target in bounded time and memory (the guard: one deadline per answer, a body cap,
no more requests of an operation that timed out), and ``--max-time`` for the whole run.

The hostile targets are ``tests/faults/hostile.py``; ``benchmarks/bench_hostile.py`` measures the same at
full size (a 50 MB body, an endless one, a drip, a partial hang) and prints time and peak memory.
"""

from __future__ import annotations

import time

import pytest

from contracts.cli import main
from tests.contracts.fixtures import MOCK_PROFILES, mock_process, reference_profile
from tests.faults.hostile import hostile

pytestmark = pytest.mark.slow


def check(api: str, url: str, *args: str) -> list[str]:
    return ["check", "--api", api, "--base-url", url, "--seed", "1", "--max-examples", "10", *args]


def section(out: str, check_name: str) -> str:
    assert f"== {check_name}:" in out, out
    return out.split(f"== {check_name}:", 1)[1].split("\n== ", 1)[0]


def test_a_dripping_body_is_cut_at_the_deadline(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    with hostile("drip", interval=0.5) as url:
        code = main(check("respan", url, "--timeout", "1"))
    out = capsys.readouterr().out
    assert code == 1 and time.monotonic() - started < 20, out
    found = section(out, "timeout")
    assert "no complete answer within the 1 s timeout (cut after 1.0 s; the body was still arriving" in found
    assert "no more of its requests were sent" in out


@pytest.mark.parametrize("kind", ["big", "endless"])
def test_a_body_over_the_cap_is_cut_and_named(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    with hostile(kind, size=3 << 20) as url:
        code = main(check("respan", url, "--max-body-mb", "1"))
    out = capsys.readouterr().out
    assert code == 1 and time.monotonic() - started < 20, out
    assert "the body is over the 1 MB limit (--max-body-mb); cut after" in section(out, "body_size")


def test_a_partial_hang_costs_one_timeout(reference, capsys: pytest.CaptureFixture[str]) -> None:
    started = time.monotonic()
    with reference("respan", ("hang_on_unknown_model",)) as url:
        code = main(check("respan", url, "--timeout", "1", "--profile", reference_profile("respan")))
    out = capsys.readouterr().out
    assert code == 1 and time.monotonic() - started < 15, out
    assert "cut after 1.0 s; no status line yet" in section(out, "timeout")
    assert "timed out; after that no more of its requests were sent" in out


def test_max_time_without_violations_is_exit_2_with_what_was_done(capsys: pytest.CaptureFixture[str]) -> None:
    with mock_process("respan", "--latency", "100ms", "--quiet") as url:
        started = time.monotonic()
        code = main(
            check(
                "respan",
                url,
                "--profile",
                str(MOCK_PROFILES / "respan.yaml"),
                "--max-time",
                "2",
                "--max-examples",
                "100",
            )
        )
        elapsed = time.monotonic() - started
    out = capsys.readouterr().out
    assert code == 2 and elapsed < 2 + 1 + 1, (elapsed, out)  # at most one request (--timeout) past it
    assert "INCOMPLETE: --max-time 2 s ran out after" in out and "INCOMPLETE: 0 failure(s)" in out


def test_max_time_after_violations_is_exit_1(reference, capsys: pytest.CaptureFixture[str]) -> None:
    # the explicit cases (about 20 requests of 50 ms) find the violation; the generated ones run out of time
    with reference("respan", ("wrong_id_returned", "variant_slow_answers")) as url:
        args = ["--profile", reference_profile("respan"), "--max-time", "2", "--max-examples", "300"]
        code = main(check("respan", url, *args))
    out = capsys.readouterr().out
    assert code == 1, out
    assert "== identity:" in out and "INCOMPLETE: --max-time 2 s ran out" in out


@pytest.mark.parametrize("args", [["--max-body-mb", "0"], ["--max-time", "-1"], ["--timeout", "0"]])
def test_bounds_must_be_positive(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(check("respan", "http://127.0.0.1:9", *args)) == 2
    assert "must be positive" in capsys.readouterr().err
