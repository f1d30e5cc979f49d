"""``mock-server``: serve one vendor's mock, or all three on consecutive ports. Thin over ``create_app``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from mock_server import logs
from mock_server.errors import MockServerError, UsageError
from vendor_specs import (
    APIS,
    SpecError,
    __version__,
    add_overlay_argument,
    base_path,
    mock_port,
    spec_key,
    vendor_of,
    warn_missing_roots,
)

__all__ = ["build_parser", "main"]

_EPILOG = """\
examples:
  mock-server                                   all three: openwebui :9001, respan :9002, selise :9003
  mock-server --api respan --port 8080          one vendor at http://127.0.0.1:8080
  mock-server --api openwebui --base-path /api/v1 --latency 100ms-300ms
  mock-server --fixtures ./my-fixtures          uses ./my-fixtures/<api>.yaml (reloaded when edited); a vendor
                                                without its file there gets the built-in fixtures
  mock-server --dynamic --seed 7                generated data, the same for the same id on every run
  mock-server --prefer 'code=404' --journal requests.ndjson
  mock-server --overlay openwebui-0.12.4        Open WebUI answering as 0.12.4 really does (user: null, ...)
  mock-server record --api respan --upstream http://staging:8000 --out ./recorded --profile staging.yaml
                                                learn fixtures from a real server (see mock-server record --help)


requests may force a documented answer with `Prefer: code=404`, `Prefer: example=<name>` or
`Prefer: dynamic=true` (--prefer / --dynamic do it for requests that send no Prefer).
Each port answers GET / with the vendor, base URL, Swagger UI (<base URL>/ui/) and the fixture tokens.
The mock's own paths start with /__mock/ (never a vendor path):
  GET /__mock/requests[?path=/api/models/*&status=4xx&identity=reader&since=2026-01-31T12:00:00Z]
                      the request journal as JSON (tokens shown as identity names); DELETE clears it
Exit codes: 0 stopped, 2 bad input or fixtures."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one line, exit 2 (argparse prints the whole usage)
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mock-server",
        description="Serve the vendors' 'get one model' endpoints from their OpenAPI specs, with fixture data "
        "and each vendor's exact auth, access rules and error formats.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--api", choices=APIS, help="serve only this vendor (default: all three, each on its own port)")
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=int, help="port (default: 9001/9002/9003; with all three, the first of three consecutive ports)"
    )
    parser.add_argument(
        "--base-path", help="mount the documented paths under this prefix instead of the spec's (e.g. /api/v1)"
    )
    parser.add_argument(
        "--fixtures",
        metavar="DIR",
        help="directory with <api>.yaml fixture files (default: the packaged fixtures); serving several vendors, "
        "one without its file there gets the packaged one (the start line says which)",
    )
    add_overlay_argument(parser, "answer as the implementation of (it applies to the vendor it extends)")
    parser.add_argument("--latency", help="simulated latency per request: 200ms, 0.5s, or a range 100ms-300ms")
    parser.add_argument(
        "--dynamic", action="store_true", help="answer every request as if it sent `Prefer: dynamic=true`"
    )
    parser.add_argument(
        "--prefer",
        metavar="VALUE",
        help="a Prefer value for every request that sends none: code=<status>, example=<name>, dynamic=true, several "
        "joined by ', ' (e.g. 'code=404' or 'example=<name>, code=200'); checked against the spec at start",
    )
    parser.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="generated bodies depend only on (seed, vendor, id): the same id gets the same body, also after a restart",
    )
    parser.add_argument(
        "--journal",
        metavar="FILE",
        help="also append every journaled request to FILE as NDJSON (the journal is always at /__mock/requests)",
    )
    parser.add_argument(
        "--journal-size",
        type=int,
        default=1000,
        metavar="N",
        help="requests kept in memory per vendor for /__mock/requests; the oldest are dropped (default 1000, 0: none)",
    )
    logs.add_arguments(parser)
    from mock_server.proxy import register as register_proxy  # here, not at import: keeps `mock-server` start fast
    from mock_server.record.cli import register as register_record

    subparsers = parser.add_subparsers(dest="command", metavar="{proxy,record}")
    register_proxy(subparsers)
    register_record(subparsers)
    return parser


def _fixture_dirs(directory: str | None, apis: list[str], chosen: bool) -> dict[str, str | None]:
    """Each API's fixtures folder: ``--fixtures DIR`` where it holds ``<vendor>.yaml``, else None (the built-in
    fixtures). A vendor named with ``--api`` must have its file there, and a DIR holding none of them is a mistake."""
    from mock_server.fixtures import fixture_path

    if directory is None:
        return dict.fromkeys(apis)
    folder = Path(directory)
    if not folder.is_dir():
        raise UsageError(
            f"fixtures directory {directory} {'is not a directory' if folder.exists() else 'does not exist'}"
        )
    found = {api: directory if fixture_path(api, directory).is_file() else None for api in apis}
    names = [fixture_path(api, directory).name for api in apis]
    if chosen and found[apis[0]] is None:
        raise UsageError(
            f"--fixtures {directory} has no {names[0]}; write it there (or leave out --fixtures for the built-in one)"
        )
    if not any(found.values()):
        raise UsageError(
            f"--fixtures {directory} holds none of {', '.join(names)}; name the folder that holds your fixture files"
        )
    return found


def _serve(args: argparse.Namespace) -> int:
    from mock_server.app import create_app
    from mock_server.fixtures import fixture_path
    from mock_server.journal import JournalFile
    from mock_server.middleware import parse_latency
    from mock_server.serve import Listener, bind, run

    apis = [args.api] if args.api else list(APIS)
    if args.overlay is not None:  # the overlay's vendor is served as that implementation
        key = spec_key(args.api, args.overlay)
        apis = [key if api == vendor_of(key) else api for api in apis]
    if args.port is not None and not 0 <= args.port <= 65535 - len(apis):
        raise UsageError(f"--port {args.port} is out of range")
    if args.base_path is not None and args.base_path and not args.base_path.startswith("/"):
        raise UsageError(f"--base-path {args.base_path!r} must start with '/'")
    latency = parse_latency(args.latency)
    if args.journal_size < 0:
        raise UsageError(f"--journal-size must be 0 or more, got {args.journal_size}")
    folders = _fixture_dirs(args.fixtures, apis, chosen=args.api is not None)
    logs.setup(quiet=args.quiet, log_format=args.log_format)
    journal_file = JournalFile(args.journal) if args.journal else None
    # Every app is built (every option and fixture file checked) before any port is taken.
    apps = [
        create_app(
            api,
            fixtures=folders[api],
            base_path=args.base_path,
            latency=latency,
            access_log=not args.quiet,
            journal_size=args.journal_size,
            journal_file=journal_file,
            prefer=args.prefer,
            dynamic=args.dynamic,
            seed=args.seed,
        )
        for api in apis
    ]
    listeners = []
    try:
        for index, (api, app) in enumerate(zip(apis, apps, strict=True)):
            port = mock_port(api) if args.port is None else args.port + (index if args.port else 0)
            base = (
                ("/" + args.base_path.strip("/") if args.base_path.strip("/") else "")
                if args.base_path is not None
                else base_path(api)
            )
            listeners.append(Listener(api, app, bind(args.host, port), base))
    except BaseException:
        for item in listeners:
            item.sock.close()
        raise
    urls = [item.url for item in listeners]
    uis = [f"(Swagger UI: {url}/ui/)" for url in urls]
    for item, url, ui in zip(listeners, urls, uis, strict=True):
        line = f"{item.api:<10} {url:<{max(map(len, urls))}}   {ui}"
        if args.fixtures is not None:  # where each vendor's data comes from, when a folder was named
            shown = fixture_path(item.api, args.fixtures)
            source = str(shown) if folders[item.api] else f"built-in ({shown.name} not in {args.fixtures})"
            line = f"{line:<{len(line) + max(map(len, uis)) - len(ui)}}   fixtures: {source}"
        print(line, flush=True)
    if args.seed is None and (args.dynamic or "dynamic" in (args.prefer or "")):
        print("generated bodies are new on every request; --seed N makes them the same for the same id", flush=True)
    run(listeners)
    return 0


def main(argv: list[str] | None = None) -> int:
    warn_missing_roots("mock-server")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "func", None) is not None:
            return int(args.func(args))
        return _serve(args)
    except (MockServerError, SpecError) as exc:
        print(f"mock-server: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
