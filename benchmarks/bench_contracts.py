"""How long a full `contracts check` of each vendor takes against the mock, and how many requests it makes.

Starts `mock-server --api X` on a free port per vendor (stopped afterwards), runs the harness with the
mock's shipped profile at the default example count, prints a table. Target: all three under 60 s.

    .venv/bin/python benchmarks/bench_contracts.py [--max-examples N] [--seed S]
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from contracts import RunConfig, load_profile, run
from contracts.runner import DEFAULT_MAX_EXAMPLES
from vendor_specs import APIS

ROOT = Path(__file__).resolve().parents[1]
PROFILES = ROOT / "mock_server" / "data" / "profiles"
MOCK = Path(sys.executable).with_name("mock-server")
TARGET_SECONDS = 60.0


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = []
    for api in APIS:
        profile_path = PROFILES / f"{api}.yaml"
        profile = load_profile(profile_path) if profile_path.exists() else None
        proc, url = start_mock(api)
        try:
            result = run(
                RunConfig(api=api, base_url=url, profile=profile, max_examples=args.max_examples, seed=args.seed)
            )
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        note = "" if profile else "no shipped profile: data-dependent checks skipped"
        rows.append((api, result.seconds, result.requests, len(result.failures), note))
    total = sum(r[1] for r in rows)
    print(f"contracts check against the mock, max-examples {args.max_examples}, seed {args.seed}")
    print(f"{'vendor':<10} {'seconds':>8} {'requests':>9} {'failures':>9}  note")
    for api, seconds, requests, failures, note in rows:
        print(f"{api:<10} {seconds:>8.1f} {requests:>9} {failures:>9}  {note}")
    print(
        f"{'total':<10} {total:>8.1f} {sum(r[2] for r in rows):>9} {sum(r[3] for r in rows):>9}  target < {TARGET_SECONDS:g} s: {'met' if total < TARGET_SECONDS else 'MISSED'}"
    )
    return 0 if total < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
