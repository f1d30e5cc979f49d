"""NDJSON lines per second: ``contracts validate`` vs the ceiling of its libraries, per vendor, in one run.

Each vendor's documented 200 example is varied (ids, names, numbers and timestamps all distinct) into N
distinct valid bodies, serialised as NDJSON lines ``{"api", "status", "body"}``. Figures per vendor:
- openapi-core: ``iter_response_errors`` on the body bytes (the judge of record, for scale);
- ceiling: ``orjson.loads(line)["body"]`` + jsonschema-rs ``is_valid`` on the same lines, with a plain
  ``jsonschema_rs.Draft4Validator`` of the translated schema (no custom format callbacks; it must accept
  every line): what the two libraries cost with no harness around them;
- validate_ndjson: ``contracts validate``'s NDJSON path end to end (decoding, routing by api and status,
  validation, counting), and its share of the ceiling. Target: at least 0.9 of the ceiling per vendor.
Runs are interleaved and each figure is the best of five (the run least disturbed by other processes).
Run: ``.venv/bin/python benchmarks/bench_validate.py [N]``.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import jsonschema_rs
import orjson
from openapi_schema_validator import OAS30ReadValidator

import vendor_specs
from contracts.validate import validate_ndjson

TARGET = 0.9


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


def _best(funcs: dict[str, Any], items: dict[str, list[Any]], repeat: int = 5) -> dict[str, float]:
    """Items per second of each function, the best of ``repeat`` interleaved runs."""
    best = {name: float("inf") for name in funcs}
    for _ in range(repeat):
        for name, func in funcs.items():
            start = time.perf_counter()
            func(items[name])
            best[name] = min(best[name], time.perf_counter() - start)
    return {name: len(items[name]) / seconds for name, seconds in best.items()}


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
        ours = vendor_specs.body_validator(api, op.operation_id, 200)
        assert ours is not None and all(ours(b) for b in bodies)
        schema = vendor_specs.json_body_schema(op.responses["200"])
        translated, callbacks = vendor_specs.to_json_schema(schema, vendor_specs.format_checker(api))
        is_valid = jsonschema_rs.Draft4Validator(translated).is_valid  # the library alone, as a user would call it
        assert all(is_valid(b) for b in bodies)
        if callbacks:
            print(f"note: {api}'s schema has formats checked by Python calls: {', '.join(callbacks)}")
        # for scale: the same without any format rule (date-time unchecked), which openapi-core does check
        unchecked, _ = vendor_specs.to_json_schema(schema, type(OAS30ReadValidator.FORMAT_CHECKER)(formats=()))
        no_formats = jsonschema_rs.Draft4Validator(unchecked).is_valid

        def core(items: list[bytes], openapi: Any = openapi, request: Any = request) -> None:
            for body in items:
                response = vendor_specs.core_response(200, body, "application/json")
                assert not list(openapi.iter_response_errors(request, response))

        def ceiling(items: list[bytes], is_valid: Any = is_valid, loads: Any = orjson.loads) -> None:
            ok = 0
            for line in items:
                ok += is_valid(loads(line)["body"])
            assert ok == len(items)

        def bare(items: list[bytes], is_valid: Any = no_formats, loads: Any = orjson.loads) -> None:
            ok = 0
            for line in items:
                ok += is_valid(loads(line)["body"])
            assert ok == len(items)

        def ndjson(items: list[bytes]) -> None:
            assert validate_ndjson(items).exit_code == 0

        rates = _best(
            {"core": core, "ceiling": ceiling, "bare": bare, "ndjson": ndjson},
            {"core": raw[: max(n // 20, 200)], "ceiling": lines, "bare": lines, "ndjson": lines},
        )
        rows.append((api, rates["core"], rates["ceiling"], rates["bare"], rates["ndjson"]))
    print(
        f"{'vendor':<10} {'openapi-core/s':>15} {'ceiling lines/s':>16} {'NDJSON lines/s':>15} {'of ceiling':>11}"
        f"  target          {'no-format lines/s':>18} {'of it':>6}"
    )
    met = True
    for api, core_rate, ceiling_rate, bare_rate, line_rate in rows:
        share = line_rate / ceiling_rate
        met = met and share >= TARGET
        print(
            f"{api:<10} {core_rate:>15,.0f} {ceiling_rate:>16,.0f} {line_rate:>15,.0f} {share:>11.2f}  "
            f"{'met' if share >= TARGET else 'NOT met'} (>= {TARGET}) {bare_rate:>18,.0f} {line_rate / bare_rate:>6.2f}"
        )
    print(
        "ceiling: the libraries alone with openapi-core's rules (date-time as jsonschema-rs patterns); "
        "no-format: the same schema with no format checked at all (less than openapi-core checks), for scale"
    )
    print(f"NDJSON throughput vs openapi-core: {', '.join(f'{r[0]} {r[3] / r[1]:.0f}x' for r in rows)}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000))
