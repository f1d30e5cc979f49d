"""`mock-server proxy`: forward every request to a real server and validate the exchange against the spec.

The answer of the upstream goes back unchanged (status, headers, body); each violation of the spec by
the request or the response is logged. With ``--strict`` a response that violates the spec is answered
with 502 and the violations (request ones included) as JSON instead. Request violations alone never turn
into a 502: a request without credentials that gets the documented 401 must still reach the frontend.
A request violation that the upstream refused with a documented 4xx status is logged as info, not as a
violation (the upstream kept its contract); answered otherwise (2xx: accepted) it is a warning.
Requests that address no operation of the spec are forwarded unvalidated.

``--upstream`` is a server URL: its path is where the vendor's paths are mounted there. A request under the
proxy's own base path (``--base-path``, else any prefix of the spec's servers) goes to the upstream's path with
that prefix replaced (``/api/models/model`` -> ``http://host:8080/api/v1/models/model`` for ``--upstream
http://host:8080/api/v1``); an upstream URL without a path keeps every request's path as sent. The first
answer to an operation that is a web page (HTML) or a 404 is told once, with the likely fix (a wrong prefix).

A plain ASGI app: ``vendor_specs.Upstream`` (keep-alive HTTP/1.1, one deadline per exchange, bodies capped)
talks to the upstream, ``vendor_specs.Judge`` validates (fast checks; openapi-core, in a worker thread, only
where they fail). Every exchange is one or more log records on ``mock_server.proxy`` with its facts in
``extra`` (``method``, ``path``, ``status``, ``answered``, ``verdict``, ``violations``, ``ms``, ...).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import vendor_specs
from mock_server import logs
from mock_server._http import URL_LIMIT, URL_SIZE
from mock_server.errors import UsageError
from vendor_specs import HttpExchange, Judge, Upstream, UpstreamError, UpstreamResponse, Verdict

__all__ = ["ExchangeObserver", "Note", "ProxyApp", "create_proxy_app", "register"]

log = logging.getLogger("mock_server.proxy")
MB = 1_048_576
_HOP = vendor_specs.HOP_BY_HOP | vendor_specs.FRAMING  # the proxy frames the answer it sends anew
_NOT_FORWARDED = _HOP | {b"host", b"accept-encoding", b"expect"}  # the proxy already holds the whole body
_OFF_LOOP_BYTES = MB  # a body this large is judged entirely in the worker thread (decoding it takes a while)
UPSTREAM_HELP = (
    "the real server's URL where the vendor's paths are mounted, e.g. http://staging:8080/api/v1 for an Open "
    "WebUI (a request for <base path>/models/model goes to http://staging:8080/api/v1/models/model); without a "
    "path (http://staging:8080) every request keeps its path"
)
BASE_PATH_HELP = (
    "where this side serves the vendor's paths, the prefix replaced by --upstream's path (default: each prefix "
    "of the spec's servers, e.g. /api and /api/v1 for openwebui)"
)


class _ClientGone(Exception):
    """The client disconnected before its request body was complete."""


Scope = dict[str, Any]
Receive = Any
Send = Any


@dataclass(frozen=True)
class Note:
    """What an observer made of one exchange: said at the end of the exchange's log line (``; text``), at
    ``level`` if that is higher than the verdict's, with ``facts`` added to the record's."""

    text: str
    level: int = logging.INFO
    facts: dict[str, Any] = field(default_factory=dict)


class ExchangeObserver(Protocol):
    """A hook into the proxy (``mock-server record`` is one): it is shown every exchange the proxy judged, and
    says how a request target may appear in the log."""

    label: str  # the word each exchange's log line starts with instead of ``proxy``

    def shown(self, target: str) -> str:
        """The request target (path and query, as sent) as log lines may show it, e.g. with credentials hidden."""

    def observe(self, exchange: HttpExchange, verdict: Verdict, body: bytes | str) -> Note | None:
        """One judged exchange, before it is logged and answered; ``body`` is the response body decoded (gzip,
        deflate), or why it could not be. What it returns is said on the exchange's log line."""

    def settle(self) -> None:
        """Called once the exchange's line is logged, before it is answered (the recorder writes its files)."""


def _check(api: str, upstream: str, timeout: float, max_body_mb: float) -> None:
    vendor_specs.require_api(api, UsageError)
    parts = urlsplit(upstream)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--upstream {upstream!r} is not an http(s) URL such as http://staging.example.com:8080")
    try:
        parts.port  # noqa: B018 - urllib checks the port range only when asked
    except ValueError:
        raise UsageError(f"--upstream {upstream!r} has an invalid port (0-65535)") from None
    if parts.username is not None:
        raise UsageError(
            f"--upstream {upstream!r} must not carry user:password@: the proxy forwards each client's own credentials"
        )
    if parts.query or parts.fragment:
        raise UsageError(f"--upstream {upstream!r} must not carry a query or fragment: give scheme, host, port, path")
    if not (math.isfinite(timeout) and timeout > 0):
        raise UsageError(f"--timeout must be a positive number of seconds, got {timeout:g}")
    if not (math.isfinite(max_body_mb) and max_body_mb > 0):
        raise UsageError(f"--max-body-mb must be a positive number of megabytes, got {max_body_mb:g}")


def _json_answer(status: int, data: dict[str, Any]) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = json.dumps(data, ensure_ascii=False).encode()
    return status, [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))], body


def _passed_back(method: str, answer: UpstreamResponse) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The upstream's answer as it came, minus hop-by-hop headers; Content-Length for the body as read
    (the upstream's own for HEAD, 1xx, 204 and 304, which carry none)."""
    bodiless = method == "HEAD" or answer.status in (204, 304) or answer.status < 200
    headers = [
        (name, value)
        for name, value in answer.headers
        if (lowered := name.lower()) not in _HOP or (bodiless and lowered == b"content-length")
    ]
    if not bodiless:
        headers.append((b"content-length", b"%d" % len(answer.body)))
    return answer.status, headers, answer.body


class ProxyApp:
    """An ASGI app forwarding to ``upstream`` (a server URL: a request under ``base_path``, default any prefix of
    the spec's servers, goes to the upstream's path with that prefix replaced; an upstream without a path gets
    the paths as sent), validating against ``api``'s spec, or with ``overlay`` against that implementation's
    overlay of it (see the module's docstring)."""

    @classmethod
    def from_args(cls, args: argparse.Namespace, observer: ExchangeObserver | None = None) -> ProxyApp:
        """The proxy of a command line (``mock-server proxy``, ``mock-server record --upstream``)."""
        return cls(
            args.api,
            args.upstream,
            base_path=args.base_path,
            strict=getattr(args, "strict", False),
            timeout=args.timeout,
            max_body_mb=args.max_body_mb,
            overlay=args.overlay,
            observer=observer,
        )

    def __init__(
        self,
        api: str,
        upstream: str,
        *,
        base_path: str | None = None,
        strict: bool = False,
        timeout: float = 30.0,
        max_body_mb: float = 16.0,
        overlay: str | None = None,
        observer: ExchangeObserver | None = None,
    ) -> None:
        _check(api, upstream, timeout, max_body_mb)
        key = vendor_specs.spec_key(api, overlay)  # the overlaid spec, when validating against an implementation
        self.key = key
        self.observer = observer
        self.hider = vendor_specs.Hider.for_spec(key)  # no credential of a request reaches the log
        self.label = observer.label if observer is not None else "proxy"
        self.strict = strict
        self.max_body_mb = max_body_mb
        max_body = int(max_body_mb * MB)
        self.upstream = Upstream(upstream, timeout=timeout, max_body=max_body)
        self.judge = Judge(key, base_path, max_body)
        # The proxy's own prefixes, longest first: the one a request path is under is replaced by the upstream's.
        self._mounts = sorted(self.judge.prefixes, key=len, reverse=True)
        self._hinted = False  # the wrong-prefix hint is said once
        self._worker: ThreadPoolExecutor | None = None  # openapi-core's thread, started on the first need

    @property
    def base_path(self) -> str:
        """Where the proxy serves the vendor's paths first (``--base-path``, else the spec's first server's)."""
        return self.judge.prefixes[0]

    def forwarded(self, path: str) -> str:
        """The upstream path for a request ``path`` (as sent): the proxy's prefix it is under replaced by the
        upstream's; unchanged when the upstream URL has no path, or the request is under no prefix of the proxy."""
        if not self.upstream.prefix:
            return path
        for mount in self._mounts:
            if not mount or path == mount or path.startswith(mount + "/"):
                return self.upstream.prefix + path[len(mount) :]
        return path

    def mapping(self, here: str) -> str:
        """``<here><base path><model path> -> <upstream URL of it>``: the start line's truthful example."""
        path = self.base_path + vendor_specs.model_operation(self.key).path
        return f"{here}{path} -> {self.upstream.origin}{self.forwarded(path)}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "websocket":  # not forwarded: refuse the handshake
            await receive()
            await send({"type": "websocket.close", "code": 1003})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def aclose(self) -> None:
        """Close the idle upstream connections and stop openapi-core's thread."""
        await self.upstream.aclose()
        if self._worker is not None:
            self._worker.shutdown(wait=False)
            self._worker = None

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        method: str = scope["method"]
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        query: bytes = scope.get("query_string", b"")
        path = raw_path.decode("latin-1")
        where = path + ("?" + query.decode("latin-1") if query else "")
        where = self.observer.shown(where) if self.observer is not None else self.hider.target(where)
        cut = (scope.get("extensions") or {}).get(URL_SIZE)
        if cut is not None:  # the HTTP server kept only the URL's first URL_LIMIT bytes: not sent on cut
            error = f"request target of {cut} bytes is over the {URL_LIMIT}-byte limit; not forwarded"
            facts = {"method": method, "path": where[:200], "status": None, "answered": 414, "verdict": "not forwarded"}
            log.warning("%s %s %s...: %s", self.label, method, where[:200], error, extra={**facts, "error": error})
            await self._send(send, _json_answer(414, {"error": error}))
            return
        try:
            body = await self._request_body(receive)
        except _ClientGone:
            return  # nobody would get the answer: a cut request is not sent on
        if body is None:
            error = f"request body over the {self.max_body_mb:g} MB cap (--max-body-mb)"
            facts = {"method": method, "path": where, "status": None, "answered": 413, "verdict": "not forwarded"}
            log.warning(
                "%s %s %s: %s, not forwarded", self.label, method, where, error, extra={**facts, "error": error}
            )
            await self._send(send, _json_answer(413, {"error": error}))
            return
        headers = [(name, value) for name, value in scope["headers"] if name.lower() not in _NOT_FORWARDED]
        headers += [(b"host", self.upstream.host_header), (b"accept-encoding", b"identity")]
        forwarded = self.forwarded(path)
        target = forwarded.encode("latin-1") + (b"?" + query if query else b"")
        try:
            upstream_answer = await self.upstream.request(method, target, headers, body)
        except UpstreamError as exc:
            await self._send(send, self._failure(method, where, exc, started))
            return
        exchange = HttpExchange(
            method, path, query, scope["headers"], upstream_answer.status, upstream_answer.headers, upstream_answer.body
        )
        verdict = await self._verdict(exchange)
        note = None
        if self.observer is not None:
            note = self.observer.observe(exchange, verdict, self.judge.decoded(exchange))
        if verdict.operation is not None and not self._hinted:
            self._hint(exchange, forwarded)
        answer = _passed_back(method, upstream_answer)
        if self.strict and verdict.response_violated:
            answer = _json_answer(
                502,
                {
                    "error": f"the upstream exchange violates the {self.key} spec",
                    "operation": verdict.operation,
                    "upstream_status": upstream_answer.status,
                    "violations": [str(v) for v in verdict.violations],
                },
            )
        self._log(exchange, where, verdict, answer[0], started, note)  # before the answer: its reader may look
        if self.observer is not None:
            self.observer.settle()
        await self._send(send, answer)

    async def _request_body(self, receive: Receive) -> bytes | None:
        """The request body, or None when it is over the cap (never more than the cap is kept)."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.upstream.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _verdict(self, exchange: HttpExchange) -> Verdict:
        match = self.judge.match(exchange.method, exchange.path)
        if match is None:
            return Verdict(None)
        try:
            if len(exchange.body) < _OFF_LOOP_BYTES:
                request_ok, response_ok = self.judge.fast(match, exchange)
            else:
                request_ok, response_ok = await self._off_loop(self.judge.fast, match, exchange)
            if request_ok and response_ok:
                return Verdict(match.operation.operation_id)
            return await self._off_loop(self.judge.verdict, match, exchange, request_ok, response_ok)
        except Exception as exc:  # a validator crashed on this exchange: the answer still goes back
            log.exception("proxy %s %s: validation failed", exchange.method, exchange.path)
            return Verdict(match.operation.operation_id, note=f"not validated: {type(exc).__name__}: {exc}")

    async def _off_loop(self, function: Any, *args: Any) -> Any:
        if self._worker is None:
            self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="proxy-openapi-core")
        return await asyncio.get_running_loop().run_in_executor(self._worker, function, *args)

    @staticmethod
    async def _send(send: Send, answer: tuple[int, list[tuple[bytes, bytes]], bytes]) -> None:
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _failure(
        self, method: str, where: str, exc: UpstreamError, started: float
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        what = "gave no usable answer" if exc.answered else "unreachable"
        error = f"upstream {self.upstream.origin} {what}: {exc.reason}"
        facts: dict[str, Any] = {
            "method": method,
            "path": where,
            "status": None,
            "answered": 502,
            "verdict": "upstream error",
            "violations": [],
            "error": exc.reason,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        log.error("%s %s %s: %s", self.label, method, where, error, extra=facts)
        return _json_answer(502, {"error": error})

    def _hint(self, exchange: HttpExchange, forwarded: str) -> None:
        """Said once: the upstream answered an operation with a web page or a 404, most likely because the
        vendor's paths are not where ``--upstream`` says; the spec's other prefixes are the likely fix."""
        content_type = (exchange.response_header(b"content-type") or "").split(";")[0].strip().lower()
        if content_type != "text/html" and exchange.status != 404:
            return
        self._hinted = True
        url = self.upstream.origin + forwarded
        if content_type == "text/html":
            vendor = vendor_specs.vendor_of(self.key)
            what = f"a web page ({exchange.status} text/html), not the {vendor} API: the API is not at that path"
        else:
            what = "404: unless that model is really missing, the API is not at that path"
        used = self.upstream.prefix or next(
            (m for m in self._mounts if not m or exchange.path == m or exchange.path.startswith(m + "/")), ""
        )
        others = [s.prefix for s in vendor_specs.servers(self.key) if s.prefix and s.prefix != used]
        tries = " or ".join(f"--upstream {self.upstream.origin}{p}" for p in dict.fromkeys(others))
        fix = (
            f"wrong prefix? --upstream is where the vendor's paths are mounted: try {tries}"
            if tries
            else f"wrong prefix? --upstream is where the vendor's paths are mounted: {self.upstream.origin}/PREFIX"
        )
        log.warning(
            "%s: %s answered %s; %s (said once)",
            self.label,
            url,
            what,
            fix,
            extra={"hint": "upstream-path", "upstream_url": url, "status": exchange.status},
        )

    def _log(
        self, exchange: HttpExchange, where: str, verdict: Verdict, answered: int, started: float, note: Note | None
    ) -> None:
        level = logging.WARNING if verdict.violations else logging.INFO
        if note is not None:
            level = max(level, note.level)
        if not log.isEnabledFor(level):
            return
        method, status = exchange.method, exchange.status
        facts = {
            "method": method,
            "path": where,
            "status": status,
            "answered": answered,
            "operation": verdict.operation,
            "verdict": verdict.kind,
            "violations": [str(v) for v in verdict.violations],
            "refused": [str(v) for v in verdict.refused],
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        # One record per exchange: the verdict (what was refused as it should be, every violation, its note),
        # then what the observer made of it.
        said = verdict.said(status, self.key)
        if note is not None:
            said += f"; {note.text}"
            facts.update(note.facts)
        log.log(level, "%s %s %s -> %d: %s", self.label, method, where, status, said, extra=facts)


#: the public name of the constructor (``create_app`` builds the mock)
create_proxy_app = ProxyApp


def _run(args: argparse.Namespace) -> int:
    from mock_server.serve import Listener, bind, run

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is out of range (0-65535)")
    app = ProxyApp.from_args(args)
    logs.setup(quiet=getattr(args, "quiet", False), log_format=getattr(args, "log_format", "text"))
    sock = bind(args.host, args.port)
    listener = Listener(args.api, app, sock, "", passthrough=True)
    mode = "strict: violations are answered with 502" if args.strict else "violations are logged"
    print(f"proxy {args.api}: {app.mapping(listener.url)} ({mode})", flush=True)
    run([listener])
    return 0


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``proxy`` subcommand; its ``func`` returns the exit code."""
    parser = subparsers.add_parser(
        "proxy",
        help="forward to a real server and validate every exchange against the spec",
        description="Forward every request to --upstream, return its answer unchanged, and log each violation "
        "of the vendor spec by the request or the response (openapi-core). --strict answers 502 instead when the "
        "response violates the spec.",
    )
    parser.add_argument("--api", required=True, choices=vendor_specs.APIS, help="the spec to validate against")
    parser.add_argument("--upstream", required=True, metavar="URL", help=UPSTREAM_HELP)
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9100, help="port to listen on (default 9100)")
    parser.add_argument("--base-path", metavar="PREFIX", help=BASE_PATH_HELP)
    vendor_specs.add_overlay_argument(parser, "validate against")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="answer 502 with the violations when the upstream's response violates the spec",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds for the upstream's whole answer: connection, headers and body (default 30)",
    )
    parser.add_argument(
        "--max-body-mb",
        type=float,
        default=16.0,
        help="largest body passed either way, in MB; a larger upstream body is answered 502 (default 16)",
    )
    logs.add_arguments(parser, subcommand=True)
    parser.set_defaults(func=_run)
    return parser
