"""Payloads per second: openapi-core alone vs the fast path, per vendor, measured in one run.

Each vendor's documented 200 example is varied (ids, names, numbers, and timestamps that are all
distinct, so the timestamp memo of the fast path does not help) into N distinct valid bodies, serialised as NDJSON lines. Three figures per vendor:
- openapi-core: ``iter_response_errors`` on the body bytes (it decodes the JSON itself);
- fast path, decoded bodies: the compiled predicate on bodies already decoded (library callers, the proxy);
- fast path, NDJSON lines: ``validate_ndjson`` end to end (json.loads of each line + predicate + result).
Each figure is the best of three runs. Run: ``.venv/bin/python benchmarks/bench_validate.py [N]``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import vendor_specs
from contracts.validate import fast_predicate, validate_ndjson


def _variants(api: str, n: int) -> list[Any]:
    """N distinct valid bodies: the documented example with free-form top-level fields varied."""
    base = vendor_specs.examples_for(api, 200)["documented"]["value"]
    props = vendor_specs.response_schema(api, 200)["properties"]
    bodies = []
    for i in range(n):
        body = json.loads(json.dumps(base))
        for key, value in body.items():
            schema = props.get(key, {})
            if "enum" in schema or value is None or isinstance(value, bool):
                continue
            if schema.get("format") == "date-time":
                minute, second = divmod(i + len(key), 3600)
                body[key] = (
                    f"20{10 + i % 15}-0{1 + i % 9}-{10 + i % 18}T{minute % 24:02d}:{second // 60:02d}:{second % 60:02d}Z"
                )
            elif isinstance(value, str):
                body[key] = f"{value}-{i}"
            elif isinstance(value, (int, float)):
                body[key] = value + i
        bodies.append(body)
    return bodies


def _rate(func: Any, items: list[Any], repeat: int = 3) -> float:
    """Payloads per second of the best of ``repeat`` runs (the one least disturbed by other processes)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(items)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def main(n: int = 20_000) -> int:
    rows = []
    for api in vendor_specs.APIS:
        op = vendor_specs.operations(api)[0]
        params = {p["name"]: "x" for p in op.parameters if p["in"] == "path"}
        openapi = vendor_specs.openapi_core_spec(api)
        request = vendor_specs.core_request(vendor_specs.OperationMatch(op, params))
        bodies = _variants(api, n)
        raw = [json.dumps(b).encode() for b in bodies]
        lines = [json.dumps({"api": api, "status": 200, "body": b}).encode() for b in bodies]
        predicate = fast_predicate(api, op.operation_id, 200)
        assert predicate is not None and all(predicate(b) for b in bodies)

        def core(items: list[bytes], openapi: Any = openapi, request: Any = request) -> None:
            for body in items:
                response = vendor_specs.core_response(200, body, "application/json")
                assert not list(openapi.iter_response_errors(request, response))

        def decoded(items: list[Any], predicate: Any = predicate) -> None:
            for body in items:
                assert predicate(body)

        def ndjson(items: list[bytes]) -> None:
            assert validate_ndjson(items).exit_code == 0

        core_rate = _rate(core, raw[: max(n // 20, 200)])
        rows.append((api, core_rate, _rate(decoded, bodies), _rate(ndjson, lines)))
    print(
        f"{'vendor':<10} {'openapi-core/s':>15} {'fast decoded/s':>15} {'ratio':>7} {'fast NDJSON/s':>14} {'ratio':>7}"
    )
    for api, core_rate, fast_rate, line_rate in rows:
        print(
            f"{api:<10} {core_rate:>15,.0f} {fast_rate:>15,.0f} {fast_rate / core_rate:>6.0f}x "
            f"{line_rate:>14,.0f} {line_rate / core_rate:>6.0f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
