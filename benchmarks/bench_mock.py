"""Benchmark the mock server side by side with a bare Starlette route and Stoplight Prism (not a test).

    .venv/bin/python benchmarks/bench_mock.py [--duration 5] [--rounds 3] [--connections 50] [--no-prism]

Each server is one process on 127.0.0.1 serving Respan's `GET /api/models/{model_name}/` for the same
fixture record, with a valid bearer token (the mock validates parameters and checks the token and the
organisation on every request). The load generator is `wrk` when installed (`apt-get install wrk`),
else a keep-alive asyncio client in its own process; both are bounded in time and loopback-only.
Prism is installed with npm into benchmarks/.prism/ (git-ignored) when `npx` exists; if that fails it
is skipped with a note. Prints requests/s, p50, p99, the ratios against their targets, and the time
from starting `mock-server` to its first answered request.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PRISM_DIR = ROOT / "benchmarks" / ".prism"
PATH = "/api/models/openai%2Fgpt-4/"  # %2F: Prism answers a literal slash with 404
TOKEN = yaml.safe_load((ROOT / "mock_server" / "data" / "respan.yaml").read_text())["identities"]["acme"]["token"]
HEADERS = {"Authorization": f"Bearer {TOKEN}"}

BARE_APP = textwrap.dedent(
    """
    import yaml
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    RECORD = next(m for m in yaml.safe_load(open({fixture!r}))["models"] if m["model_name"] == "openai/gpt-4")

    async def model(request):
        return JSONResponse(RECORD)

    app = Starlette(routes=[Route("/api/models/{{model_name:path}}/", model)])
    """
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def consecutive_free_ports(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    for base in range(random.randrange(20000, 50000), 60000, 7):
        socks = []
        try:
            for offset in range(count):
                sock = socket.socket()
                socks.append(sock)
                sock.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for sock in socks:
                sock.close()
    raise RuntimeError("no free ports")


def wait_ready(url: str, proc: subprocess.Popen, timeout: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            httpx.get(url, headers=HEADERS, timeout=1)
            return time.monotonic() - start
        except httpx.TransportError:
            time.sleep(0.01)
    raise RuntimeError(f"{url} not ready after {timeout}s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---------------------------------------------------------------- load generators
def run_wrk(url: str, connections: int, duration: float) -> dict[str, float]:
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration:.0f}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        url,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30).stdout

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": ms("50"), "p99": ms("99"), "errors": float(non2xx.group(1)) if non2xx else 0.0}


async def _client(
    host: str,
    port: int,
    path: str,
    deadline: float,
    latencies: list[float],
    errors: list[int],
    interval: float,
    distinct: bool = False,
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    head = f"GET {path}".encode()
    rest = f" HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n".encode()
    request = head + rest
    serial = hash(writer) % 1000 * 10**9
    due = time.perf_counter() + interval * (hash(writer) % 1000) / 1000
    while time.perf_counter() < deadline:
        if interval:
            due += interval
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
        if distinct:  # no two requests alike (?n=<serial>): a server cannot answer from a cache
            serial += 1
            request = b"%s?n=%d%s" % (head, serial, rest)
        start = time.perf_counter()
        writer.write(request)
        head_in = await reader.readuntil(b"\r\n\r\n")
        length = int(re.search(rb"(?i)content-length:\s*(\d+)", head_in).group(1))
        await reader.readexactly(length)
        latencies.append(time.perf_counter() - start)
        if not head_in.startswith(b"HTTP/1.1 200"):
            errors.append(1)
    writer.close()


def _python_load(
    host: str,
    port: int,
    path: str,
    connections: int,
    duration: float,
    queue: multiprocessing.Queue,
    rate: float,
    distinct: bool = False,
) -> None:
    latencies: list[float] = []
    errors: list[int] = []

    async def main() -> None:
        deadline = time.perf_counter() + duration
        interval = connections / rate if rate else 0.0
        await asyncio.gather(
            *(_client(host, port, path, deadline, latencies, errors, interval, distinct) for _ in range(connections))
        )

    start = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - start
    latencies.sort()
    queue.put(
        {
            "rps": len(latencies) / elapsed,
            "p50": latencies[len(latencies) // 2] * 1000,
            "p99": latencies[int(len(latencies) * 0.99)] * 1000,
            "errors": float(len(errors)),
        }
    )


def run_python(
    url: str, connections: int, duration: float, rate: float = 0.0, distinct: bool = False
) -> dict[str, float]:
    """Closed loop (as fast as possible) or, with ``rate``, ``rate`` requests/s spread over the connections.
    ``distinct``: every request carries its own ``?n=<serial>``, so no two are alike."""
    m = re.match(r"http://([^:/]+):(\d+)(.*)", url)
    queue: multiprocessing.Queue = multiprocessing.Queue()
    proc = multiprocessing.Process(
        target=_python_load,
        args=(m.group(1), int(m.group(2)), m.group(3), connections, duration, queue, rate, distinct),
    )
    proc.start()
    result = queue.get(timeout=duration + 60)
    proc.join(10)
    return result


# ---------------------------------------------------------------- servers
def start_mock(port: int, quiet: bool = True) -> subprocess.Popen:
    args = [str(BIN / "mock-server"), "--api", "respan", "--port", str(port)] + (["--quiet"] if quiet else [])
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_bare(port: int, workdir: Path) -> subprocess.Popen:
    (workdir / "bare_app.py").write_text(BARE_APP.format(fixture=str(ROOT / "mock_server" / "data" / "respan.yaml")))
    cmd = [
        str(BIN / "uvicorn"),
        "bare_app:app",
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
        "--no-access-log",
        "--log-level",
        "warning",
        "--no-proxy-headers",
    ]
    for flag, module in (("--http", "httptools"), ("--loop", "uvloop")):
        if __import__("importlib").util.find_spec(module):
            cmd += [flag, module]
    return subprocess.Popen(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def prism_binary() -> Path | None:
    binary = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if binary.exists():
        return binary
    if shutil.which("npx") is None or shutil.which("npm") is None:
        print("note: npx/npm not found; Prism skipped")
        return None
    print("installing @stoplight/prism-cli into benchmarks/.prism/ ...", flush=True)
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(PRISM_DIR), "@stoplight/prism-cli"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0 or not binary.exists():
        print(
            f"note: installing Prism failed ({(done.stderr or done.stdout).strip().splitlines()[-1:]}); Prism skipped"
        )
        return None
    return binary


def start_prism(binary: Path, port: int, *command: str) -> subprocess.Popen:
    """``prism mock`` of Respan's spec, or ``prism <command...>`` (e.g. ``proxy SPEC UPSTREAM``)."""
    command = command or ("mock", str(ROOT / "openapi" / "respan.yaml"))
    cmd = [str(binary), *command, "-h", "127.0.0.1", "-p", str(port)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def time_to_first_request() -> float:
    """`mock-server` alone (all three vendors) from process start to the first answered request."""
    base = consecutive_free_ports(3)
    start = time.monotonic()
    proc = subprocess.Popen(
        [str(BIN / "mock-server"), "--port", str(base), "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        wait_ready(f"http://127.0.0.1:{base + 1}{PATH}", proc, 30)
        return time.monotonic() - start
    finally:
        stop(proc)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement (default 5)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--no-prism", action="store_true")
    parser.add_argument("--python-client", action="store_true", help="use the asyncio client even if wrk is installed")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds per server; the median is reported (default 3)"
    )
    parser.add_argument(
        "--rate", type=float, default=1000.0, help="offered load (req/s) of the paced latency run (default 1000)"
    )
    args = parser.parse_args()
    load = run_wrk if shutil.which("wrk") and not args.python_client else run_python
    print(
        f"load generator: {'wrk' if load is run_wrk else 'asyncio keep-alive client'}, {args.connections} connections, "
        f"{args.rounds} interleaved rounds of {args.duration:g} s per server (median shown), after a 2 s warm-up; cpus: {os.cpu_count()}"
    )

    ttfr = sorted(time_to_first_request() for _ in range(3))[1]
    results: dict[str, dict[str, float]] = {}
    paced: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        starters = {
            "mock": lambda p: start_mock(p),
            "mock (access log on)": lambda p: start_mock(p, quiet=False),
            "bare starlette": lambda p: start_bare(p, Path(tmp)),
        }
        binary = None if args.no_prism else prism_binary()
        if binary is not None:
            starters["prism"] = lambda p: start_prism(binary, p)
        running: dict[str, tuple[subprocess.Popen, str]] = {}
        rounds: dict[str, list[dict[str, float]]] = {}
        try:
            for name, start in starters.items():  # all servers up at once; only the measured one gets load
                port = free_port()
                proc = start(port)
                url = f"http://127.0.0.1:{port}{PATH}"
                try:
                    wait_ready(url, proc, 60)
                    status = httpx.get(url, headers=HEADERS).status_code
                    load(url, args.connections, 2)  # warm-up
                    running[name] = (proc, url)
                    rounds[name] = [{"status": float(status)}]
                except Exception as exc:  # a server that cannot be measured is reported, not fatal
                    print(f"note: {name} not measured: {exc}")
                    stop(proc)
            # Interleaved rounds, median per server: this 2-core machine is shared, so one run is noisy.
            for _ in range(args.rounds):
                for name, (_proc, url) in running.items():
                    rounds[name].append(load(url, args.connections, args.duration))
            for name in ("mock", "bare starlette"):
                if name in running:
                    paced[name] = run_python(running[name][1], args.connections, args.duration, rate=args.rate)
        finally:
            for proc, _ in running.values():
                stop(proc)
        for name, runs in rounds.items():
            measured = sorted(runs[1:], key=lambda r: r["rps"])
            if measured:
                results[name] = {**measured[len(measured) // 2], "status": runs[0]["status"]}

    print(f"\n{'server':<22}{'status':>7}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    for name, r in results.items():
        print(f"{name:<22}{int(r['status']):>7}{r['rps']:>10.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{int(r['errors']):>9}")
    mock = results.get("mock")
    if mock and "bare starlette" in results:
        ratio = mock["rps"] / results["bare starlette"]["rps"]
        print(
            f"\nmock / bare starlette throughput: {ratio:.2f}  (target >= 0.8: {'met' if ratio >= 0.8 else 'NOT met'})"
        )
    if mock and "prism" in results:
        ratio = mock["rps"] / results["prism"]["rps"]
        print(f"mock / prism throughput:          {ratio:.2f}  (target >= 6: {'met' if ratio >= 6 else 'NOT met'})")
    print(f"\npaced: {args.rate:g} req/s offered over {args.connections} connections (asyncio client)")
    for name, r in paced.items():
        print(f"{name:<22}{r['rps']:>10.0f} req/s  p50 {r['p50']:.2f} ms  p99 {r['p99']:.2f} ms")
    if mock:
        paced_p99 = paced.get("mock", {}).get("p99", float("nan"))
        verdict = "met" if mock["p99"] < 10 else "NOT met saturated (queueing on a busy machine?)"
        print(
            f"mock p99 at {args.connections} connections, saturated: {mock['p99']:.2f} ms; paced: {paced_p99:.2f} ms"
            f"  (target < 10 ms: {verdict})"
        )
    print(
        f"mock-server start to first answered request (all three vendors, median of 3): {ttfr:.2f} s  (target < 1.5 s: {'met' if ttfr < 1.5 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
