"""Benchmark `mock-server proxy` side by side with Stoplight Prism 5's proxy, both in front of the mock (not a test).

    .venv/bin/python benchmarks/bench_proxy.py [--duration 5] [--rounds 3] [--connections 50] [--no-prism]

One run, three servers on 127.0.0.1, each loaded with Respan's `GET /api/models/openai%2Fgpt-4/` and a
valid key (answered 200 by the mock):

- the mock direct: `mock-server --api respan --quiet`;
- this proxy in front of it: `mock-server proxy --api respan --upstream http://127.0.0.1:<mock port>`,
  validating every exchange (request parameters and credentials, response status, media type, body) and
  logging every exchange (to /dev/null here); the targets are judged on this row;
- the same with `--quiet` (no per-exchange log line; violations are still logged), when it has the option;
- Prism 5's proxy in front of the same mock: `prism proxy openapi/respan.yaml http://127.0.0.1:<mock port>`
  (installed with npm into benchmarks/.prism/ as bench_mock.py does; skipped with a note without npx).

Memoisation: the proxy keeps no verdicts (only compiled checks), and to make sure no server can answer from
a cache, every request is distinct: the load client adds `?n=<serial>` (an undocumented query parameter,
which the spec allows) to each one, for all three rows alike. The load generator is bench_mock.py's
asyncio keep-alive client in its own process, 50 connections, interleaved rounds, median shown.

Targets: proxy throughput >= 3x Prism proxy's, proxy p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_mock import (  # noqa: E402 - the one load client and Prism installer
    BIN,
    HEADERS,
    PATH,
    ROOT,
    free_port,
    prism_binary,
    run_python,
    start_mock,
    start_prism,
    stop,
    wait_ready,
)


def proxy_has_quiet() -> bool:
    """Whether `mock-server proxy` has `--quiet` (added alongside this script by another change)."""
    done = subprocess.run([str(BIN / "mock-server"), "proxy", "--help"], capture_output=True, text=True, timeout=60)
    return "--quiet" in done.stdout


def start_proxy(port: int, upstream: str, quiet: bool) -> subprocess.Popen:
    cmd = [str(BIN / "mock-server"), "proxy", "--api", "respan", "--upstream", upstream, "--port", str(port)]
    return subprocess.Popen(cmd + (["--quiet"] if quiet else []), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement (default 5)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per server, median shown (default 3)")
    parser.add_argument("--no-prism", action="store_true")
    args = parser.parse_args()
    quiet = proxy_has_quiet()
    print(
        f"load generator: asyncio keep-alive client, {args.connections} connections, every request distinct "
        f"(?n=<serial>), {args.rounds} interleaved rounds of {args.duration:g} s per server (median shown), after "
        f"a 2 s warm-up; cpus: {os.cpu_count()}; proxy log lines go to /dev/null"
    )
    mock_port = free_port()
    mock = start_mock(mock_port)
    upstream = f"http://127.0.0.1:{mock_port}"
    running: dict[str, tuple[subprocess.Popen, str]] = {}
    rounds: dict[str, list[dict[str, float]]] = {}
    try:
        wait_ready(upstream + PATH, mock, 60)
        starters = {
            "mock direct": None,
            "proxy -> mock": lambda p: start_proxy(p, upstream, False),
        }
        if quiet:
            starters["proxy --quiet -> mock"] = lambda p: start_proxy(p, upstream, True)
        binary = None if args.no_prism else prism_binary()
        if binary is not None:
            starters["prism proxy -> mock"] = lambda p: start_prism(
                binary, p, "proxy", str(ROOT / "openapi" / "respan.yaml"), upstream
            )
        for name, start in starters.items():
            if start is None:
                proc, url = mock, upstream + PATH
            else:
                port = free_port()
                proc, url = start(port), f"http://127.0.0.1:{port}{PATH}"
            try:
                wait_ready(url, proc, 60)
                status = httpx.get(url, headers=HEADERS).status_code
                run_python(url, args.connections, 2, distinct=True)  # warm-up
                running[name] = (proc, url)
                rounds[name] = [{"status": float(status)}]
            except Exception as exc:  # a server that cannot be measured is reported, not fatal
                print(f"note: {name} not measured: {exc}")
                if proc is not mock:
                    stop(proc)
        for _ in range(args.rounds):  # interleaved: this 2-core machine is shared, one run is noisy
            for name, (_proc, url) in running.items():
                rounds[name].append(run_python(url, args.connections, args.duration, distinct=True))
    finally:
        for proc, _ in running.values():
            stop(proc)
        stop(mock)

    results: dict[str, dict[str, float]] = {}
    for name, runs in rounds.items():
        measured = sorted(runs[1:], key=lambda r: r["rps"])
        if measured:
            results[name] = {**measured[len(measured) // 2], "status": runs[0]["status"]}
    print(f"\n{'server':<24}{'status':>7}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, r in results.items():
        print(f"{name:<24}{int(r['status']):>7}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{int(r['errors']):>9}")
    proxy, quiet_proxy, prism, direct = (
        results.get(n) for n in ("proxy -> mock", "proxy --quiet -> mock", "prism proxy -> mock", "mock direct")
    )
    print()
    if proxy and direct:
        print(f"proxy / mock direct throughput:          {proxy['rps'] / direct['rps']:.2f}")
    if proxy and prism:
        ratio = proxy["rps"] / prism["rps"]
        print(
            f"proxy / prism proxy throughput:          {ratio:.2f}  (target >= 3: {'met' if ratio >= 3 else 'NOT met'})"
        )
        if quiet_proxy:
            print(f"proxy --quiet / prism proxy throughput:  {quiet_proxy['rps'] / prism['rps']:.2f}")
    elif proxy:
        print("proxy / prism proxy throughput:          not measured (Prism skipped)")
    if proxy:
        verdict = "met" if proxy["p99"] <= 50 else "NOT met"
        print(
            f"proxy p99 at {args.connections} connections:         {proxy['p99']:.2f} ms  (target <= 50 ms: {verdict})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
