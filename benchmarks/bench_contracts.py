"""How long a full `contracts check` of each vendor takes against the mock, before and after, in one run.

Starts `mock-server --api X` on a free port per vendor (stopped afterwards) and runs `contracts check` with the
mock's shipped profile at the default example count, twice per vendor against the same mock: with the harness of
this checkout ("after") and with the harness of an earlier commit ("before", by default the last one before the
page's rules generated the harness's own requests; its sources are exported with `git archive` into a temporary
folder and put first on PYTHONPATH, the installed dependencies are shared). Prints a table with the ratio.
Targets: all three under 60 s, and after at most 2x before.

    .venv/bin/python benchmarks/bench_contracts.py [--max-examples N] [--seed S] [--before REF] [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import httpx

from contracts.runner import DEFAULT_MAX_EXAMPLES
from vendor_specs import APIS

ROOT = Path(__file__).resolve().parents[1]
MOCK = Path(sys.executable).with_name("mock-server")
TARGET_SECONDS = 60.0
TARGET_RATIO = 2.0
#: the last commit before the rule table (x-rules) generated the harness's own requests
BEFORE = "1433ba8"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_mock(api: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [str(MOCK), "--api", api, "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        if proc.poll() is not None:
            log.seek(0)
            raise SystemExit(
                f"mock-server --api {api} exited with {proc.returncode}: {log.read().decode(errors='replace')[:300]}"
            )
        try:
            httpx.get(url + "/", timeout=0.5)
            return proc, url
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                proc.kill()
                raise SystemExit(f"mock-server --api {api} did not serve within 20 s") from None
            time.sleep(0.1)


def export(ref: str, into: Path) -> Path:
    """The packages of commit ``ref``, as files under ``into`` (``git archive``)."""
    try:
        data = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "contracts", "vendor_specs", "openapi", "mock_server"],
            capture_output=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise SystemExit(
            f"cannot export {ref} with git archive ({exc}); pass --before REF of this repository"
        ) from None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def check(api: str, url: str, args: argparse.Namespace, path: Path | None) -> tuple[float, int]:
    """(seconds the run reports, requests) of `contracts check` with the harness at ``path`` (None: this one)."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(path), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "run.json"
        command = [sys.executable, "-c", "from contracts.cli import main; raise SystemExit(main())", "check"]
        command += ["--api", api, "--base-url", url, "--profile", "mock", "--json", str(report)]
        command += ["--max-examples", str(args.max_examples), "--seed", str(args.seed)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp)
        if not report.exists():
            raise SystemExit(f"contracts check {api} ({path or 'this checkout'}) wrote no report: {done.stderr[-400:]}")
        data = json.loads(report.read_text())
    return float(data["seconds"]), int(data["requests"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--before", default=BEFORE, help=f"the commit to compare with (default {BEFORE})")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the fastest counts (default 3)")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        before = export(args.before, Path(tmp))
        for api in APIS:
            proc, url = start_mock(api)
            try:
                old = min(check(api, url, args, before) for _ in range(args.repeat))
                new = min(check(api, url, args, None) for _ in range(args.repeat))
            finally:
                proc.terminate()
                proc.wait(timeout=10)
            rows.append((api, old, new))
    total_old = sum(r[1][0] for r in rows)
    total_new = sum(r[2][0] for r in rows)
    print(
        f"contracts check against the mock, max-examples {args.max_examples}, seed {args.seed}, best of {args.repeat}"
    )
    print(f"before = {args.before}, after = this checkout")
    print(f"{'vendor':<10} {'before s':>9} {'after s':>8} {'ratio':>6} {'requests before':>16} {'after':>6}")
    for api, (s_old, r_old), (s_new, r_new) in rows:
        print(f"{api:<10} {s_old:>9.2f} {s_new:>8.2f} {s_new / s_old:>6.2f} {r_old:>16} {r_new:>6}")
    ratio = total_new / total_old
    met = total_new < TARGET_SECONDS and ratio <= TARGET_RATIO
    print(
        f"{'total':<10} {total_old:>9.2f} {total_new:>8.2f} {ratio:>6.2f}  targets: all three < {TARGET_SECONDS:g} s, "
        f"after <= {TARGET_RATIO:g}x before: {'met' if met else 'MISSED'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
