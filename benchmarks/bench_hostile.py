"""A verdict from every target in bounded time and memory: `contracts check` against hostile servers.

Each target is started on 127.0.0.1 by this script (``tests/faults/hostile.py`` and the reference apps of
``tests/faults/reference.py``) and stopped after its run; each run is a fresh `contracts check` process whose
wall time, exit code and peak RSS (``wait4``) are measured. Targets: a body that drips one byte per second,
a 50 MB body, an endless chunked body, a server that hangs for every name it does not know, and, for scale,
the mock itself. Target: every verdict in under 60 s with peak RSS under 400 MB.

    .venv/bin/python benchmarks/bench_hostile.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.contracts.fixtures import MOCK_PROFILES, mock_process  # noqa: E402
from tests.faults.hostile import hostile  # noqa: E402
from tests.faults.reference import DATA, make_app  # noqa: E402
from tests.faults.serve import serve  # noqa: E402

CONTRACTS = Path(sys.executable).with_name("contracts")
SECONDS, RSS_MB = 60.0, 400.0


# A small wrapper process runs the check and reports its peak RSS: Linux counts a child's peak from the RSS its
# parent had when it forked, so measuring from this (larger) process would overstate it.
_WRAPPER = (
    "import resource, subprocess, sys; code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, "
    "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)"
)


def measure(url: str, *args: str) -> tuple[int, float, float]:
    """(exit code, seconds, peak RSS in MB) of one `contracts check` process."""
    started = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _WRAPPER,
            str(CONTRACTS),
            "check",
            "--api",
            "respan",
            "--base-url",
            url,
            "--seed",
            "1",
            *args,
        ],
        capture_output=True,
        text=True,
    )
    return done.returncode, time.monotonic() - started, int(done.stdout.strip() or 0) / 1024


CASES: list[tuple[str, Callable[[], AbstractContextManager[str]], tuple[str, ...]]] = [
    ("drip, 1 byte/s (--timeout 2)", lambda: hostile("drip", interval=1.0), ("--timeout", "2")),
    ("50 MB body", lambda: hostile("big", size=50 << 20), ()),
    ("endless chunked body", lambda: hostile("endless"), ()),
    (
        "hangs on unknown names (default --timeout 10)",
        lambda: serve(make_app("respan", {"hang_on_unknown_model"})),
        ("--profile", str(DATA / "respan.yaml")),
    ),
    (
        "the mock (for scale)",
        lambda: mock_process("respan", "--quiet"),
        ("--profile", str(MOCK_PROFILES / "respan.yaml")),
    ),
]


def main() -> int:
    print(f"{'target':<46} {'exit':>4} {'seconds':>8} {'peak RSS MB':>12}  target (< {SECONDS:g} s, < {RSS_MB:g} MB)")
    met = True
    for name, start, args in CASES:
        with start() as url:
            code, seconds, rss = measure(url, *args)
        ok = seconds < SECONDS and rss < RSS_MB
        met = met and ok
        print(f"{name:<46} {code:>4} {seconds:>8.1f} {rss:>12.0f}  {'met' if ok else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
