"""``mock-server record``: thin over the recorder. From a server (``--upstream``, through the validating
proxy) or a browser capture (``--har``) into ``--out DIR``: ``DIR/<api>.yaml`` and ``DIR/profiles/<api>.yaml``.

Bad input (an unknown API, a profile that does not load or is another API's, an ``--out`` that cannot be
written or already holds a recording, an upstream that cannot be reached, a file that is not a HAR) is one
line on stderr and exit 2, before anything is served or written.
"""

from __future__ import annotations

import argparse
import math
import socket
import sys
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import vendor_specs
from mock_server import logs
from mock_server.errors import UsageError
from mock_server.proxy import UPSTREAM_HELP
from vendor_specs import InvalidHar, InvalidProfile, Profile

if TYPE_CHECKING:
    from mock_server.record.har import HarSummary
    from mock_server.record.learning import Learning
    from mock_server.record.writing import Output

__all__ = ["register"]

_EPILOG = """\
examples:
  mock-server record --api openwebui --overlay openwebui-0.12.4 --upstream http://staging:8080/api/v1 \\
      --out ./recorded --profile staging.yaml     point the app at http://127.0.0.1:9100/api, use it, Ctrl-C
  mock-server record --api respan --har capture.har --har-host staging.example.com --out ./recorded --profile p.yaml
  mock-server --api openwebui --overlay openwebui-0.12.4 --fixtures ./recorded     replay it
  contracts check --api openwebui --overlay openwebui-0.12.4 --base-url http://127.0.0.1:9001/api \\
      --profile ./recorded/profiles/openwebui.yaml

--upstream is where the vendor's paths are mounted on the real server: a request to the recorder under its
--base-path (default: any prefix of the spec's servers) goes there with that prefix replaced; an --upstream
without a path (http://staging:8080) gets every request's path as sent.

Only 200 answers of the model operation that conform to the spec (or --overlay's) are recorded, merged
by id (a full view is never replaced by a read-only one). Each token of --profile becomes an identity of the
same role with a new token, printed once; other callers become identities without a token. Real credentials
never reach a file or the log; x-secret fields are stored masked.
Exit codes: 0 stopped (or, for --har, something recorded); 1 --har recorded nothing; 2 bad input."""


def _profile(args: argparse.Namespace) -> Profile | None:
    if args.profile is None:
        return None
    try:
        profile = vendor_specs.read_profile(args.profile)
    except InvalidProfile as exc:
        raise UsageError(f"--profile: {exc}") from None
    if profile.api != args.api:
        raise UsageError(f"--profile {args.profile} describes {profile.api}, not --api {args.api}")
    roles: dict[str, str] = {}
    for role, token in profile.tokens.items():
        if token in roles:
            raise UsageError(f"--profile {args.profile}: tokens.{roles[token]} and tokens.{role} are the same token")
        roles[token] = role
    return profile


def _probe(upstream: str, timeout: float) -> None:
    """``UsageError`` when nothing answers a connection at ``upstream`` (nothing was written yet)."""
    parts = urlsplit(upstream)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname or "", port), timeout=min(timeout, 10.0)).close()
    except OSError as exc:
        if isinstance(exc, socket.gaierror):
            why = f"host name {parts.hostname} not found"
        elif isinstance(exc, TimeoutError):
            why = f"no connection within {min(timeout, 10.0):g} s"
        else:
            why = (exc.strerror or str(exc)).lower()
        raise UsageError(
            f"upstream {upstream} is unreachable ({why}); start it or fix --upstream, then record again "
            "(nothing was written)"
        ) from None


def _introduce(learning: Learning, profile: Profile | None) -> None:
    """The one place the new tokens are shown, with the roles they stand for."""
    if profile is None or not profile.tokens:
        print(
            "no --profile tokens: every caller becomes an identity without a token (nobody can call the mock as "
            "it); name your tokens in a profile (tokens: {owner: ..., stranger: ...}) to get usable identities",
            flush=True,
        )
        return
    print("identities (tokens made for this recording, shown only now; the real ones are never written):")
    for caller in learning.callers.values():
        print(f"  {caller.name:<9} tokens.{caller.name:<9} -> {caller.token}")
    print("callers the profile does not name become identities anonymous-1, ... without a token", flush=True)


def _run(args: argparse.Namespace) -> int:
    from mock_server.record.learning import Learning
    from mock_server.record.writing import Output

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is out of range (0-65535)")
    if not (math.isfinite(args.max_body_mb) and args.max_body_mb > 0):
        raise UsageError(f"--max-body-mb must be a positive number of megabytes, got {args.max_body_mb:g}")
    profile = _profile(args)
    key = vendor_specs.spec_key(args.api, args.overlay)  # answers are judged by the overlay's spec, if any
    serve = f"mock-server --api {args.api}" + (f" --overlay {args.overlay}" if args.overlay else "")
    serve += f" --fixtures {args.out}" + (f" --base-path {args.base_path}" if args.base_path is not None else "")
    output = Output(
        key,
        args.out,
        serve=serve,
        header=[
            f"Recorded by mock-server record --api {args.api} from {args.upstream or f'the capture {args.har}'}.",
            f"Serve it: {serve}",
            "Real credentials are never written: each identity of the profile has a token made for this recording;",
            "other callers are identities with token: null (nobody can call as them). x-secret fields are masked.",
        ],
        base_url=f"http://127.0.0.1:{vendor_specs.mock_port(args.api)}{_prefix(args)}",
    )
    output.check()
    learning = Learning(key, profile.tokens if profile else None, source=args.profile or "")
    if args.har is not None:
        return _from_capture(args, learning, output, profile)
    return _from_upstream(args, learning, output, profile)


def _drift(args: argparse.Namespace, key: str) -> Any:
    """What --write-overlay learns into (None without it)."""
    from mock_server.record.drift import Drift

    return Drift(key, args.write_overlay) if args.write_overlay else None


def _prefix(args: argparse.Namespace) -> str:
    """Where the vendor's paths are: ``--base-path``, else the spec's first server's prefix."""
    if args.base_path is None:
        return vendor_specs.base_path(args.api)
    return vendor_specs.normalize_prefix(args.base_path)


def _from_capture(args: argparse.Namespace, learning: Learning, output: Output, profile: Profile | None) -> int:
    from mock_server.record.har import read_har, record_har
    from mock_server.record.recorder import Recorder, counted
    from vendor_specs import Judge

    try:
        hosts = vendor_specs.HostRule(args.har_host, option="--har-host")
    except InvalidHar as exc:
        raise UsageError(str(exc)) from None
    entries = read_har(args.har)
    logs.setup(quiet=getattr(args, "quiet", False), log_format=getattr(args, "log_format", "text"))
    _introduce(learning, profile)
    recorder = Recorder(learning.api, learning, output, autosave=False, drift=_drift(args, learning.api))
    judge = Judge(learning.api, args.base_path, int(args.max_body_mb * 1_048_576))
    summary = record_har(entries, recorder, judge, hosts)
    recorder.write_drift()
    if not learning.model_count:
        why = _nothing(args.api, summary)
        print(f"mock-server: nothing recorded from {args.har}: {why}; nothing written", file=sys.stderr)
        return 1
    if not recorder.save():
        return 2
    models, answers = counted(learning.model_count, "model"), counted(summary.answered, "answer")
    print(f"recorded {models} from {answers} into {output.fixture_path}")
    return 0


def _from_upstream(args: argparse.Namespace, learning: Learning, output: Output, profile: Profile | None) -> int:
    from mock_server.proxy import ProxyApp
    from mock_server.record.recorder import Recorder, counted
    from mock_server.serve import Listener, bind, run

    recorder = Recorder(learning.api, learning, output, drift=_drift(args, learning.api))
    app = ProxyApp.from_args(args, observer=recorder)
    _probe(args.upstream, args.timeout)
    logs.setup(quiet=getattr(args, "quiet", False), log_format=getattr(args, "log_format", "text"))
    listener = Listener(args.api, app, bind(args.host, args.port), "", passthrough=True)
    print(f"record {args.api}: {app.mapping(listener.url)}, learning into {args.out}", flush=True)
    _introduce(learning, profile)
    run([listener])
    if recorder.unsaved:
        recorder.save()
    if learning.model_count:
        models = counted(learning.model_count, "model")
        print(f"recorded {models} into {output.fixture_path} (profile {output.profile_path})")
    else:
        print(f"nothing recorded: no conforming 200 answer of {args.api}'s model operation came; nothing written")
    return 0


def _nothing(api: str, summary: HarSummary) -> str:
    """Why a capture taught nothing, and what to do."""
    if summary.answered:
        return (
            f"{summary.answered} of its entries answered {api}'s model operation, none with a conforming 200 "
            "(the lines above say why)"
        )
    hint = ""
    if summary.other_hosts:
        host, count = summary.other_hosts.most_common(1)[0]
        hint = f"; {count} entries on {host} do: pass --har-host {host}"
    return f"none of its {summary.entries} entries addresses {api}'s model operation on its hosts{hint}"


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``record`` subcommand; its ``func`` returns the exit code."""
    parser = subparsers.add_parser(
        "record",
        help="learn fixtures (and a harness profile) from a real server or a browser capture",
        description="Record a server into fixtures: a validating proxy to --upstream (or a --har capture) whose "
        "conforming 200 answers become model records in DIR/<api>.yaml, with identities from --profile's tokens "
        "(new tokens) and a harness profile in DIR/profiles/<api>.yaml. Files are rewritten atomically after "
        "each new fact.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--api", required=True, choices=vendor_specs.APIS, help="the vendor whose spec judges the answers"
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--upstream", metavar="URL", help=UPSTREAM_HELP)
    source.add_argument("--har", metavar="FILE", help="a browser capture (devtools: Save all as HAR) to record from")
    parser.add_argument("--out", required=True, metavar="DIR", help="where to write <api>.yaml and profiles/<api>.yaml")
    vendor_specs.add_overlay_argument(parser, "judge the answers (the records are stored in the page's shape) by")
    parser.add_argument(
        "--write-overlay",
        metavar="FILE",
        help="also learn what the server does differently from the spec into an overlay FILE (rewritten as it "
        "learns; review it, then use it: --overlay FILE); with --overlay, it extends that one",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        help="a harness profile naming the callers' tokens (owner, stranger, reader, admin); ${ENV} is read",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9100, help="port to listen on (default 9100)")
    parser.add_argument(
        "--base-path",
        metavar="PREFIX",
        help="with --upstream: where the recorder serves the vendor's paths, the prefix replaced by --upstream's "
        "path; with --har: the prefix of the vendor's paths in the capture (default: each prefix of the spec's "
        "servers); the replay command it prints serves the recording there",
    )
    parser.add_argument(
        "--har-host",
        action="append",
        metavar="HOST[:PORT]",
        help="with --har: the host the capture's API calls went to (repeatable; default: the spec's and loopback)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="seconds for the upstream's whole answer (default 30)"
    )
    parser.add_argument(
        "--max-body-mb", type=float, default=16.0, help="largest body passed either way, in MB (default 16)"
    )
    logs.add_arguments(parser, subcommand=True)
    parser.set_defaults(func=_run)
    return parser
