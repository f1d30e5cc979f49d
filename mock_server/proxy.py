"""`mock-server proxy`: forward every request to a real server and validate the exchange against the spec.

The answer of the upstream goes back unchanged (status, headers, body); each violation of the spec by
the request or the response is logged. With ``--strict`` a response that violates the spec is answered
with 502 and the violations (request ones included) as JSON instead. Request violations alone never turn
into a 502: a request without credentials that gets the documented 401 must still reach the frontend.
A request violation that the upstream refused with a documented 4xx status is logged as info, not as a
violation (the upstream kept its contract); answered otherwise (2xx: accepted) it is a warning.
Validation is openapi-core's, through ``vendor_specs`` (the mock server never imports ``contracts``).
Requests that address no operation of the spec are forwarded unvalidated.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import socket
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import vendor_specs
from mock_server import logs
from mock_server.errors import UsageError

__all__ = ["create_proxy_app", "register", "violations"]

log = logging.getLogger("mock_server.proxy")
_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "upgrade",
    "te",
    "trailer",
    "content-length",
}
_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _prefixes(api: str, base_path: str | None) -> list[str]:
    if base_path is not None:
        return [base_path.rstrip("/")]
    found = []
    for server in vendor_specs.load_spec(api).get("servers") or [{"url": "/"}]:
        url = server["url"]
        for name, var in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(var.get("default", "")))
        found.append(urlsplit(url).path.rstrip("/"))
    return list(dict.fromkeys(found))


def _describe(exc: Exception) -> list[str]:
    cause = exc.__cause__
    errors = getattr(cause, "schema_errors", None)
    if errors:
        prefix = f"{getattr(exc, 'location', 'body')} parameter {exc.name}" if hasattr(exc, "name") else "response body"
        return [
            f"{prefix} {e.json_path}: {e.message} [rule {e.validator}]"
            for e in errors
            if e.message != "None for not nullable"
        ]
    return [f"{exc}" + (f" ({cause})" if cause is not None and str(cause) not in str(exc) else "")]


def _chain(exc: BaseException) -> list[BaseException]:
    found, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def _unreachable_reason(exc: httpx.HTTPError, timeout: float) -> str:
    """Why the upstream gave no HTTP answer, in words (httpx's own text is often empty)."""
    chain = _chain(exc)
    text = next((str(e) for e in chain if str(e)), "")
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {timeout:g} s while connecting"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {timeout:g} s waiting for its answer"
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in text.lower():
            return "connection refused (is it running, on that port?)"
        if any(isinstance(e, socket.gaierror) for e in chain):
            return f"host name not found ({text})"
        return f"could not connect ({text or type(exc).__name__})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"did not answer with HTTP ({text or 'no valid status line'})"
    if isinstance(exc, (httpx.ReadError, httpx.WriteError)):
        return f"closed the connection before answering ({text or type(exc).__name__})"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def violations(
    match: vendor_specs.OperationMatch, request: dict[str, Any], status: int, body: bytes, content_type: str | None
) -> list[str]:
    """openapi-core's findings on one exchange, one readable line each (request first)."""
    openapi = vendor_specs.openapi_core_spec(match.operation.api)
    core_req = vendor_specs.core_request(match, **request)
    found = [f"request: {line}" for exc in openapi.iter_request_errors(core_req) for line in _describe(exc)]
    core_resp = vendor_specs.core_response(status, body, content_type)
    found += [
        f"response: {line}" for exc in openapi.iter_response_errors(core_req, core_resp) for line in _describe(exc)
    ]
    return found


def create_proxy_app(
    api: str,
    upstream: str,
    *,
    base_path: str | None = None,
    strict: bool = False,
    timeout: float = 30.0,
    overlay: str | None = None,
) -> Starlette:
    """An ASGI app forwarding to ``upstream`` (its path prefix, if any, is put before every request path),
    validating against ``api``'s spec, or with ``overlay`` against that implementation's overlay of it."""
    if not (math.isfinite(timeout) and timeout > 0):
        raise UsageError(f"--timeout must be a positive number of seconds, got {timeout:g}")
    if not vendor_specs.is_api(api):
        raise UsageError(f"unknown API {api!r}: choose one of {', '.join(vendor_specs.APIS)}")
    api = vendor_specs.spec_key(api, overlay)
    parts = urlsplit(upstream)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--upstream {upstream!r} is not an http(s) URL such as http://staging.example.com:8080")
    origin, prefix = f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")
    state: dict[str, httpx.AsyncClient] = {}

    def client() -> httpx.AsyncClient:
        if "client" not in state:
            state["client"] = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        return state["client"]

    async def forward(request: Request) -> Response:
        raw_path = request.scope.get("raw_path", request.url.path.encode()).decode("latin-1")
        query = request.scope.get("query_string", b"").decode("latin-1")
        url = origin + prefix + raw_path + (f"?{query}" if query else "")
        headers = [(k, v) for k, v in request.headers.items() if k not in _HOP and k not in ("host", "accept-encoding")]
        headers.append(("accept-encoding", "identity"))  # so the body passed back is the bytes the upstream sent
        body = await request.body()
        try:
            upstream_response = await client().request(request.method, httpx.URL(url), headers=headers, content=body)
        except httpx.HTTPError as exc:
            reason = _unreachable_reason(exc, timeout)
            log.error("proxy %s %s: upstream %s unreachable: %s", request.method, raw_path, origin, reason)
            return JSONResponse({"error": f"upstream {origin} unreachable: {reason}"}, status_code=502)
        content = upstream_response.content
        match = next(
            (
                m
                for p in _prefixes(api, base_path)
                if (m := vendor_specs.match_operation(api, request.method, raw_path, p)) is not None
            ),
            None,
        )
        found: list[str] = []
        where = raw_path + (f"?{query}" if query else "")
        if match is not None:
            exchange = {
                "query": dict(parse_qsl(query, keep_blank_values=True)),
                "headers": dict(request.headers),
                "cookies": dict(request.cookies),
            }
            found = violations(
                match, exchange, upstream_response.status_code, content, upstream_response.headers.get("content-type")
            )
            status = upstream_response.status_code
            if 400 <= status < 500 and str(status) in match.operation.responses:
                # a documented refusal of an invalid request: the upstream kept its contract
                refused = [line for line in found if line.startswith("request:")]
                found = [line for line in found if not line.startswith("request:")]
                for line in refused:
                    log.info(
                        "proxy %s %s -> %d: refused with the documented %d, as it should be: %s",
                        request.method,
                        where,
                        status,
                        status,
                        line,
                    )
            for line in found:
                log.warning("proxy %s %s -> %d: %s", request.method, where, status, line)
            if not found:
                log.info("proxy %s %s -> %d: conforms", request.method, where, upstream_response.status_code)
        else:
            log.info(
                "proxy %s %s -> %d: not an operation of the %s spec, not validated",
                request.method,
                where,
                upstream_response.status_code,
                api,
            )
        if strict and any(line.startswith("response:") for line in found):
            return JSONResponse(
                {
                    "error": f"the upstream exchange violates the {api} spec",
                    "operation": match.operation.operation_id if match else None,
                    "upstream_status": upstream_response.status_code,
                    "violations": found,
                },
                status_code=502,
            )
        out_headers = [(k, v) for k, v in upstream_response.headers.multi_items() if k.lower() not in _HOP]
        response = Response(content, status_code=upstream_response.status_code)
        response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in out_headers]
        response.raw_headers.append((b"content-length", str(len(content)).encode()))
        return response

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        if "client" in state:
            await state.pop("client").aclose()

    return Starlette(routes=[Route("/{path:path}", forward, methods=_METHODS)], lifespan=lifespan)


def _run(args: argparse.Namespace) -> int:
    from mock_server.serve import Listener, bind, run

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is out of range (0-65535)")
    if not (math.isfinite(args.timeout) and args.timeout > 0):
        raise UsageError(f"--timeout must be a positive number of seconds, got {args.timeout:g}")

    app = create_proxy_app(
        args.api,
        args.upstream,
        base_path=args.base_path,
        strict=args.strict,
        timeout=args.timeout,
        overlay=args.overlay,
    )
    logs.setup(quiet=getattr(args, "quiet", False), log_format=getattr(args, "log_format", "text"))
    sock = bind(args.host, args.port)
    listener = Listener(args.api, app, sock, "")
    mode = "strict: violations are answered with 502" if args.strict else "violations are logged"
    print(f"proxy {args.api} {listener.url} -> {args.upstream} ({mode})", flush=True)
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
    parser.add_argument(
        "--overlay",
        metavar="NAME|FILE",
        help="validate against this implementation's overlay of the spec (e.g. openwebui-0.12.4) instead of the page",
    )
    parser.add_argument(
        "--upstream", required=True, help="the real server, e.g. http://staging:8080 (may carry a path prefix)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=9100, help="port to listen on (default 9100)")
    parser.add_argument("--base-path", help="prefix of the vendor paths in the requests (default: the spec's servers)")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="answer 502 with the violations when the upstream's response violates the spec",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the upstream (default 30)")
    logs.add_arguments(parser, subcommand=True)
    parser.set_defaults(func=_run)
    return parser
