"""`contracts validate`: thin CLI over the library. Exit 0 valid, 1 invalid, 2 unusable input."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

import vendor_specs
from contracts.validate.errors import UnusableInput, UsageError, ValidateError
from contracts.validate.findings import Report, Result
from contracts.validate.har import validate_har_file
from contracts.validate.ndjson import validate_ndjson, validate_ndjson_file
from contracts.validate.payload import validate_payload

__all__ = ["main", "register", "run"]

_EPILOG = """\
inputs:
  FILE or -            one JSON response body; needs --api (and --status, default 200)
  --ndjson FILE        one {"api", "status", "body"} object per line (also FILE ending .ndjson or .jsonl)
  --har FILE           a browser HAR capture (also FILE ending .har); entries of other services are counted
exit codes: 0 all valid, 1 some invalid, 2 some input unusable (not JSON, unknown API or status, unreadable)
"""


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:  # type: ignore[type-arg]
    """Add the ``validate`` subcommand; its ``func`` returns the exit code."""
    parser = subparsers.add_parser(
        "validate",
        help="validate response bodies, NDJSON files or HAR captures against the vendor specs",
        description="Validate payloads against the documented responses of the vendor specs (openapi-core verdicts).",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", help="a JSON body, - for standard input, or an .ndjson/.jsonl/.har file")
    parser.add_argument(
        "--api", help=f"the vendor: {', '.join(vendor_specs.APIS)} (NDJSON: default for lines; HAR: only this vendor)"
    )
    parser.add_argument("--status", type=int, default=200, help="documented status of the body (default 200)")
    parser.add_argument("--ndjson", metavar="FILE", help="validate an NDJSON file (- for standard input)")
    parser.add_argument("--har", metavar="FILE", help="validate every matching entry of a HAR capture")
    parser.add_argument("--base-path", help="HAR: deployment prefix of the vendor paths, e.g. /api/v1")
    parser.add_argument("--max-body-mb", type=float, default=16.0, help="largest body validated (default 16 MB)")
    parser.set_defaults(func=run)
    return parser


def _mode(args: argparse.Namespace) -> tuple[str, str]:
    given = [(m, f) for m, f in (("har", args.har), ("ndjson", args.ndjson)) if f]
    if args.file:
        name = args.file.lower()
        mode = "har" if name.endswith(".har") else "ndjson" if name.endswith((".ndjson", ".jsonl")) else "payload"
        given.append((mode, args.file))
    if len(given) != 1:
        raise UsageError("give exactly one input: FILE (or -), --ndjson FILE or --har FILE")
    return given[0]


def _print_report(report: Report, out: TextIO) -> None:
    for result in report.results:
        if result.verdict != "valid":
            print(result, file=out)
    print(report.render_summary(), file=out)


def _read(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise UnusableInput(f"{path}: cannot be read ({exc.strerror or exc}); check the path") from None


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run ``contracts validate``; errors become one line on stderr and exit code 2, never a traceback."""
    out = out or sys.stdout
    try:
        mode, path = _mode(args)
        max_bytes = int(args.max_body_mb * 1024 * 1024)
        if args.api is not None and args.api not in vendor_specs.APIS:
            raise UsageError(f"unknown API {args.api!r}: choose one of {', '.join(vendor_specs.APIS)}")
        if mode == "payload":
            if args.api is None:
                raise UsageError(f"--api is required for a single payload: one of {', '.join(vendor_specs.APIS)}")
            data = _read(path)
            source = "<stdin>" if path == "-" else path
            result: Result = validate_payload(args.api, data, args.status, source=source, max_bytes=max_bytes)
            if result.problem:
                print(f"contracts validate: {source}: {result.problem}", file=sys.stderr)
            else:
                print(result, file=out)
            return {"valid": 0, "invalid": 1}.get(result.verdict, 2)
        if mode == "ndjson":
            if path == "-":
                report = validate_ndjson(sys.stdin.buffer, api=args.api, status=args.status, max_bytes=max_bytes)
            else:
                report = validate_ndjson_file(path, api=args.api, status=args.status, max_bytes=max_bytes)
        else:
            report = validate_har_file(path, base_path=args.base_path, max_bytes=max_bytes, api=args.api)
    except ValidateError as exc:
        print(f"contracts validate: {exc}", file=sys.stderr)
        return 2
    _print_report(report, out)
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m contracts.validate ...``: the same subcommand without the rest of ``contracts``."""
    parser = argparse.ArgumentParser(prog="contracts")
    subparsers = parser.add_subparsers(dest="command", required=True)
    register(subparsers)
    args = parser.parse_args(["validate", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.func(args)
    return code
