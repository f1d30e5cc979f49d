"""``contracts``: thin CLI over :func:`contracts.runner.run`. Exit 0 conformant, 1 violations, 2 could not judge."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from contracts.checks import CHECKS
from contracts.errors import ContractsError
from contracts.html import render_html
from contracts.named_profiles import NAMED_PROFILES
from contracts.progress import ProgressReporter, reporter
from contracts.report import render_json, render_junit, render_matrix, render_text
from contracts.runfile import load_run
from contracts.runner import (
    DEFAULT_MAX_BODY_MB,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_TIMEOUT,
    FAIL_ON,
    RunConfig,
    RunResult,
    parse_header,
    run,
    unjudged,
)
from vendor_specs import APIS, SpecError, __version__, add_overlay_argument, warn_missing_roots

__all__ = ["build_parser", "main"]


def _epilog() -> str:
    """The registered checks (each with the number of page rules it judges per vendor), then the exit codes."""
    lines = ["checks (in report order; rules: how many of each vendor's page rules it judges):"]
    for c in CHECKS:
        judged = ", ".join(f"{api} {len(c.rule_ids(api))}" for api in APIS if c.rule_ids(api))
        lines.append(f"  {c.name:30} {c.description}" + (f" [rules: {judged}]" if judged else ""))
    lines.append(
        "\nseverities: failure = breaks what the page states; warning = breaks what the spec infers where the page "
        "is silent, or differs from a text the page gives verbatim (`contracts rules --api API` lists the rules)"
    )
    lines.append(
        "\nexit codes: 0 conformant (warnings allowed unless --fail-on warning), 1 failures found, 2 usage/profile/"
        "spec/connection problem (or --max-time ran out before any failure was found)"
    )
    return "\n".join(lines)


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ContractsError(f"cannot write {path} ({exc.strerror or exc}); check the directory exists") from None


def _check(args: argparse.Namespace) -> int:
    _hypothesis_cache_out_of_the_working_directory()
    progress = reporter(sys.stderr)  # a live bar on a terminal, plain lines in CI
    try:
        result = _run(args, progress)
    except (ContractsError, SpecError) as exc:
        _write_unjudged(args, str(exc))
        raise
    except KeyboardInterrupt:
        _write_unjudged(args, "interrupted (Ctrl-C or SIGINT) before the run ended")
        raise
    except Exception as exc:
        _write_unjudged(args, f"internal error: {type(exc).__name__}: {exc}")
        raise
    finally:
        progress.close()
    _write_reports(args, result)
    try:
        sys.stdout.write(render_text(result))
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    if args.write_overlay:
        from contracts.learn import learned_overlay

        text, said = learned_overlay(result, args.write_overlay)
        if text is not None:
            _write(args.write_overlay, text)
        print(f"contracts: {said}", file=sys.stderr)
    return result.exit_code


def _write_reports(args: argparse.Namespace, result: RunResult) -> None:
    renders: list[tuple[str | None, Callable[[], str]]] = [
        (args.junit, lambda: render_junit(result)),
        (args.json, lambda: render_json(result)),
        (args.html, lambda: render_html([result])),
    ]
    for path, render in renders:
        if path:
            _write(path, render())


def _write_unjudged(args: argparse.Namespace, error: str) -> None:
    """The reports of a run that could not judge its target (exit 2), saying why: a CI job that could not reach
    its server has them to show. The error itself is printed by ``main``; a report that cannot be written is
    one more line."""
    if not (args.junit or args.json or args.html):
        return
    try:
        _write_reports(args, unjudged(_config(args), error))
    except ContractsError as exc:
        print(f"contracts: error: {exc}", file=sys.stderr)


def _report(args: argparse.Namespace) -> int:
    """``contracts report RUN.json...``: several runs as one matrix (text, and --html)."""
    results = [load_run(path) for path in args.runs]
    if args.html:
        _write(args.html, render_html(results))
    try:
        sys.stdout.write(render_matrix(results))
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    codes = {r.exit_code for r in results}
    return 1 if 1 in codes else 2 if 2 in codes else 0


def _config(args: argparse.Namespace, progress: ProgressReporter | None = None) -> RunConfig:
    """The run ``contracts check``'s options ask for."""
    return RunConfig(
        api=args.api,
        base_url=args.base_url,
        profile=args.profile,
        token=args.token,
        max_examples=args.max_examples,
        seed=args.seed,
        timeout=args.timeout,
        strict_messages=args.strict_messages,
        baseline=args.baseline,
        property_based=not args.no_property_based,
        progress=progress,
        max_body_mb=args.max_body_mb,
        max_time=args.max_time,
        wait=args.wait,
        headers=dict(parse_header(h) for h in args.header or ()),
        overlay=args.overlay,
        fail_on=args.fail_on,
    )


def _run(args: argparse.Namespace, progress: ProgressReporter) -> RunResult:
    return run(_config(args, progress))


def _hypothesis_cache_out_of_the_working_directory() -> None:
    """Hypothesis caches what it reads of source files in ``.hypothesis/`` under the working directory, which
    for ``contracts check`` is the user's project: the command keeps it in the user's cache folder instead
    (``$XDG_CACHE_HOME`` or ``~/.cache``, then ``vendor-model-contracts/hypothesis``), unless
    ``HYPOTHESIS_STORAGE_DIRECTORY`` says where. The pytest plugin leaves Hypothesis' settings to the host."""
    if not os.environ.get("HYPOTHESIS_STORAGE_DIRECTORY"):  # read by Hypothesis when it first stores something
        cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(cache / "vendor-model-contracts" / "hypothesis")


def _silence_stdout() -> None:
    """The reader went away (``contracts check ... | head``): drop the rest quietly, as Python's docs advise,
    so that the interpreter's final flush does not print a BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="contracts", description="Conformance harness for the vendors' get-one-model endpoints."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser(
        "check",
        help="test a live server against its vendor spec",
        epilog=_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--api", required=True, choices=APIS, help="which vendor's spec the server implements")
    check.add_argument(
        "--base-url",
        help="server URL, may carry a path prefix (http://host:8080/api/v1); default: the profile's base_url",
    )
    check.add_argument(
        "--profile",
        help="target profile: a YAML file (tokens, known model ids; ${ENV_VAR} allowed), or a name: "
        + "; ".join(f"`{name}` = {what}" for name, what in NAMED_PROFILES.items()),
    )
    check.add_argument("--token", help="credential of the owner role (overrides tokens.owner)")
    add_overlay_argument(check, "judge by")
    check.add_argument("--junit", metavar="PATH", help="write a JUnit XML report")
    check.add_argument("--json", metavar="PATH", help="write a JSON report (the input of `contracts report`)")
    check.add_argument("--html", metavar="PATH", help="write a self-contained HTML report (verdict, matrix, findings)")
    check.add_argument(
        "--write-overlay",
        metavar="FILE",
        help="write what the server does differently as an OpenAPI Overlay (review it, commit it, check with "
        "--overlay FILE from then on); with --overlay, it extends that one",
    )
    check.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        help=f"examples per operation and phase (default {DEFAULT_MAX_EXAMPLES})",
    )
    check.add_argument("--seed", type=int, help="Hypothesis seed (default: random, printed in the report)")
    check.add_argument("--baseline", metavar="FILE", help="YAML of accepted findings (check, operation, reason)")
    check.add_argument(
        "--strict-messages",
        action="store_true",
        help="a text the page gives verbatim (an error's `detail`) that the server words differently is a failure, "
        "not a warning",
    )
    check.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="failure",
        help="the lowest severity that fails the run (exit 1): failure (default) or warning",
    )
    check.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds for a whole answer: connect, headers and body (default {DEFAULT_TIMEOUT:g})",
    )
    check.add_argument(
        "--max-body-mb",
        type=float,
        default=DEFAULT_MAX_BODY_MB,
        help=f"largest answer body read, in MB; a larger one is cut and reported (default {DEFAULT_MAX_BODY_MB:g})",
    )
    check.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="first wait up to SECONDS for the target to answer at all (a server still starting); exit 2 if it never does",
    )
    check.add_argument(
        "-H",
        "--header",
        action="append",
        metavar="'NAME: VALUE'",
        help="add a header to every request, e.g. a gateway token beside SELISE's key (repeatable); "
        "its value is shown as <NAME value> in reproductions",
    )
    check.add_argument(
        "--max-time",
        type=float,
        metavar="SECONDS",
        help="bound the whole run; when it runs out: exit 1 if violations were found, else exit 2, with what was done",
    )
    check.add_argument(
        "--no-property-based", action="store_true", help="skip the Schemathesis phases (explicit cases only)"
    )
    check.set_defaults(func=_check)
    report = sub.add_parser(
        "report",
        help="show several runs' JSON reports as one check x run matrix (and --html)",
        description="Show the JSON reports of `contracts check --json` (e.g. the three vendors, or one vendor's "
        "deployments) as one matrix. Exit code: 1 if a run failed, else 2 if one is incomplete, else 0; "
        "2 for a file that is not a run report.",
    )
    report.add_argument("runs", nargs="+", metavar="RUN.json", help="run reports written by contracts check --json")
    report.add_argument("--html", metavar="PATH", help="write the runs as one self-contained HTML page")
    report.set_defaults(func=_report)
    from contracts.overlays import register as register_overlays
    from contracts.ruletable import register as register_rules

    register_overlays(sub)
    register_rules(sub)
    try:
        from contracts.validate.cli import register
    except ImportError:
        pass
    else:
        register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    warn_missing_roots("contracts")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except (ContractsError, SpecError) as exc:
        print(f"contracts: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        _silence_stdout()
        return 2
    except KeyboardInterrupt:
        print("contracts: interrupted", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback at the CLI boundary
        if os.environ.get("CONTRACTS_DEBUG"):
            raise
        print(
            f"contracts: internal error: {type(exc).__name__}: {exc} (set CONTRACTS_DEBUG=1 for the traceback and report it)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
