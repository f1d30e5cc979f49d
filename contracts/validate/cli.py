"""`contracts validate`: thin CLI over the library. Exit 0 valid, 1 invalid, 2 unusable input."""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Sequence
from typing import TextIO

import vendor_specs
from contracts.errors import ContractsError
from contracts.validate.errors import UnusableInput, UsageError
from contracts.validate.findings import Report, Result
from contracts.validate.har import HostRule, validate_har_file
from contracts.validate.ndjson import validate_ndjson, validate_ndjson_file
from contracts.validate.payload import validate_payload

__all__ = ["DEFAULT_MAX_VIOLATIONS", "main", "register", "run"]

DEFAULT_MAX_VIOLATIONS = 50

_EPILOG = """\
inputs:
  FILE or -            one JSON response body; needs --api (and --status, default 200)
  --ndjson FILE        one {"api", "status", "body"} object per line (also FILE ending .ndjson or .jsonl)
  --har FILE           a browser HAR capture (also FILE ending .har); entries of other services are counted
HAR entries validated: those on a host of the API under test whose path is a vendor operation (under the
  spec's servers prefixes or --base-path). Hosts: with --host, only those; without, each spec's servers
  hosts plus loopback (localhost, 127.0.0.1, [::1]). A capture from a staging server needs --host, e.g.
  --har staging.har --api openwebui --host staging.example.com:8443
  A request violation answered with a documented 4xx is info (the server refused it correctly); answered
  with 2xx it is a finding (the server accepted an invalid request).
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
    vendor_specs.add_overlay_argument(parser, "validate against")
    parser.add_argument("--status", type=int, default=200, help="documented status of the body (default 200)")
    parser.add_argument("--ndjson", metavar="FILE", help="validate an NDJSON file (- for standard input)")
    parser.add_argument("--har", metavar="FILE", help="validate every matching entry of a HAR capture")
    parser.add_argument(
        "--base-path", help="HAR: deployment prefix of the vendor paths, e.g. /api/v1 (in addition to the spec's)"
    )
    parser.add_argument(
        "--host",
        action="append",
        metavar="HOST[:PORT]",
        help="HAR: the server under test (repeatable); only its entries are validated "
        "(default: the specs' servers hosts and loopback hosts)",
    )
    parser.add_argument("--max-body-mb", type=float, default=16.0, help="largest body validated (default 16 MB)")
    parser.add_argument(
        "--max-violations",
        type=int,
        default=DEFAULT_MAX_VIOLATIONS,
        metavar="N",
        help=f"print at most N violations per body, then the count of the rest (default {DEFAULT_MAX_VIOLATIONS}); "
        "the exit code is the same",
    )
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
        if result.verdict != "valid" or result.refused:
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
        if not (math.isfinite(args.max_body_mb) and args.max_body_mb > 0):
            raise UsageError(f"--max-body-mb must be a positive number of megabytes, got {args.max_body_mb:g}")
        max_bytes = max(int(args.max_body_mb * 1024 * 1024), 1)
        if args.max_violations < 0:
            raise UsageError(f"--max-violations must be 0 or more, got {args.max_violations}")
        limit = args.max_violations
        if args.host and mode != "har":
            raise UsageError("--host applies to HAR captures only (--har FILE)")
        if args.api is not None:
            vendor_specs.require_api(args.api, UsageError)
        if args.overlay is not None:
            try:
                args.api = vendor_specs.spec_key(args.api, args.overlay)  # the page's spec with the overlay applied
            except vendor_specs.SpecError as exc:
                raise UsageError(str(exc)) from None
        if mode == "payload":
            if args.api is None:
                raise UsageError(f"--api is required for a single payload: one of {', '.join(vendor_specs.APIS)}")
            data = _read(path)
            source = "<stdin>" if path == "-" else path
            result: Result = validate_payload(
                args.api, data, args.status, source=source, max_bytes=max_bytes, max_violations=limit
            )
            if result.problem:
                print(f"contracts validate: {source}: {result.problem}", file=sys.stderr)
            else:
                print(result, file=out)
                out.flush()
            return {"valid": 0, "invalid": 1}.get(result.verdict, 2)
        if mode == "ndjson":
            if path == "-":
                report = validate_ndjson(
                    sys.stdin.buffer, api=args.api, status=args.status, max_bytes=max_bytes, max_violations=limit
                )
            else:
                report = validate_ndjson_file(
                    path, api=args.api, status=args.status, max_bytes=max_bytes, max_violations=limit
                )
        else:
            HostRule(args.host)  # a malformed --host is a usage error, named without the file
            report = validate_har_file(
                path, base_path=args.base_path, max_bytes=max_bytes, api=args.api, hosts=args.host, max_violations=limit
            )
    except ContractsError as exc:  # the input cannot be used, or the command line asks for the impossible
        print(f"contracts validate: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _broken_pipe(2)
    try:
        _print_report(report, out)
        out.flush()
    except BrokenPipeError:
        return _broken_pipe(report.exit_code)
    return report.exit_code


def _broken_pipe(code: int) -> int:
    """The reader of our output went away (``| head``): stop quietly, as the Python docs recommend, by
    pointing stdout at devnull so that the flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout is not a real file (tests, embedding)
        pass
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m contracts.validate ...``: the same subcommand without the rest of ``contracts``."""
    parser = argparse.ArgumentParser(prog="contracts")
    subparsers = parser.add_subparsers(dest="command", required=True)
    register(subparsers)
    args = parser.parse_args(["validate", *(sys.argv[1:] if argv is None else argv)])
    code: int = args.func(args)
    return code
