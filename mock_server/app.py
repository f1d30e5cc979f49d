"""``create_app``: one vendor's spec as a Connexion 3 ``AsyncApp`` serving its fixtures.

Routes, parameters, security and validation come from the spec; each operation's handler is the
vendor module's function named by its operationId. Every framework-level error is answered in the
vendor's documented format as ``application/json``.
"""

from __future__ import annotations

import functools
import random
from pathlib import Path
from typing import Any

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.middleware import main as cm
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolver
from starlette.responses import Response
from starlette.types import Scope

from mock_server._connexion import (
    MockAsyncApi,
    ParametersValidationMiddleware,
    ParameterValidator,
    SwaggerUIOnDemand,
    build_now,
    security_map,
)
from mock_server.control import MockRoutes, check_reserved
from mock_server.errorhandlers import register_error_handlers
from mock_server.errors import UsageError, VendorError
from mock_server.fixtures import FixtureStore
from mock_server.hot import HotPath
from mock_server.journal import DEFAULT_SIZE, Journal, JournalFile, JournalRecorder
from mock_server.middleware import CORS, AccessLog, LastResort, Latency, parse_latency
from mock_server.observed import observed_form
from mock_server.prefer import option_problem, prefer_problem, preferred_response, seeded_rng
from mock_server.render import Ready, encode, ready, render
from mock_server.served_spec import served_spec
from mock_server.vendors import vendor
from mock_server.vendors._common import Context
from vendor_specs import base_path as spec_base_path
from vendor_specs import normalize_prefix, operations, overlay_ref, raw_spec, spec_key, vendor_of

__all__ = ["create_app", "default_prefer", "error_response", "json_response"]

# Connexion's default stack without response validation (fixtures are validated against the spec's
# schemas when loaded, and errors come from the spec's examples) and without the context middleware
# (handlers get their context explicitly); Swagger UI and request validation in their faster variants;
# Connexion's ServerErrorMiddleware (broken on Starlette 1.x) replaced by LastResort.
_MIDDLEWARES = [
    LastResort,  # replaced per app by a subclass that knows the vendor's 500 body
    cm.ExceptionMiddleware,
    SwaggerUIOnDemand,
    cm.RoutingMiddleware,
    cm.SecurityMiddleware,
    ParametersValidationMiddleware,
    cm.LifespanMiddleware,
]


def json_response(status: int, body: Any, headers: dict[str, str] | None = None, *, stable: bool = False) -> Response:
    """A vendor JSON answer (``application/json``, compact like FastAPI and DRF)."""
    return Response(encode(body, stable=stable), status, headers=headers, media_type="application/json")


def error_response(error: VendorError) -> Response:
    status, headers, body = render(error)
    return Response(body, status, headers=headers)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _dispatcher(
    api: str, operation_id: str, store: FixtureStore, default_prefer: str | None = None, seed: int | None = None
) -> Any:
    module = vendor(api)
    handler = getattr(module, operation_id)
    op = next(o for o in operations(api) if o.operation_id == operation_id)
    responses = op.responses
    shaped = overlay_ref(api) is not None

    async def dispatch(scope: Scope) -> Response | Ready:
        try:
            context = scope.get("extensions", {}).get("connexion_context", {})
            ctx = Context(api, store.get(), context.get("token_info"), scope)
            prefer = _header(scope, b"prefer") or default_prefer
            if prefer:
                # Like Prism: only after auth and validation. Credentials were checked by the security
                # middleware; a vendor whose auth context is checked in the handler (SELISE's project key)
                # checks it here first. Per-model access (owner, grant, project of the model) is what a
                # forced answer overrides.
                module.authorize(ctx)
                rng = random.Random() if seed is None else seeded_rng(seed, api, ctx.requested_id)
                finish = lambda body: module.generated(ctx, body, rng)  # noqa: E731
                chosen = preferred_response(prefer, responses, module.errors(api), api, finish, rng)
                if chosen is not None:
                    return json_response(*chosen)
            body = handler(ctx)  # page-shaped; with an overlay, sent in the implementation's shape (memoised)
            if shaped:
                body = ctx.fixtures.memo(("observed", id(body)), lambda: observed_form(api, body))
            return ready(body)  # bytes and headers made once per body
        except VendorError as exc:
            return error_response(exc)

    dispatch.__name__ = operation_id
    return dispatch


def default_prefer(prefer: str | None, dynamic: bool) -> str | None:
    """The ``Prefer`` value of ``--prefer`` and ``--dynamic`` together (None: neither)."""
    parts = [p for p in (prefer, "dynamic=true" if dynamic else None) if p and p.strip()]
    return ", ".join(parts) or None


def _index_paths(api: str, spec: dict[str, Any], base_path: str) -> frozenset[str]:
    """``/`` and the base path (with and without ``/``), unless the spec itself has an operation there."""
    candidates = {"/", base_path, base_path + "/"} - {""}
    templates = {base_path + template for template in spec.get("paths") or {}}
    return frozenset(candidates - templates)


def create_app(
    api: str,
    fixtures: str | Path | FixtureStore | None = None,
    base_path: str | None = None,
    latency: str | tuple[float, float] | None = None,
    *,
    spec: dict[str, Any] | None = None,
    access_log: bool = True,
    swagger_ui: bool = True,
    journal_size: int = DEFAULT_SIZE,
    journal_file: JournalFile | None = None,
    prefer: str | None = None,
    dynamic: bool = False,
    seed: int | None = None,
    overlay: str | Path | None = None,
) -> AsyncApp:
    """The mock of ``api`` (``openwebui``, ``respan`` or ``selise``, or a spec key such as
    ``openwebui@openwebui-0.12.4``), answering as the vendor's page documents, or with ``overlay`` (a shipped
    overlay's name or a file) as that implementation does: its error texts, its null and extra fields.

    ``fixtures`` is a directory holding ``<api>.yaml`` (default: the packaged fixtures) or a ready
    ``FixtureStore``; ``base_path`` replaces the spec's first server path; ``latency`` is ``"200ms"``,
    ``"100ms-300ms"`` or a (low, high) tuple in seconds; ``spec`` overrides the packaged spec dict.
    ``journal_size`` requests are kept for ``GET /__mock/requests`` (0: none), ``journal_file`` gets each
    as NDJSON; ``prefer`` / ``dynamic`` apply to requests without a ``Prefer`` header of their own; with
    ``seed``, generated bodies depend only on (seed, vendor, id). The app's ``journal`` attribute is its
    :class:`~mock_server.journal.Journal`.
    """
    key = spec_key(api, overlay)  # the page's spec, or the overlaid one: what is served and judged
    module = vendor(key)
    errors = module.errors(key)
    raw = spec if spec is not None else raw_spec(key)
    if base_path is not None:  # Connexion serves nothing under a base path with a trailing slash
        base_path = normalize_prefix(base_path)
    mounted = spec_base_path(key) if base_path is None else base_path
    check_reserved(key, raw, mounted)
    problem = option_problem(prefer) if prefer is not None else None
    if problem is not None:
        raise UsageError(f"--prefer {prefer!r}: {problem}")
    forced = default_prefer(prefer, dynamic)
    if forced is not None:
        for op in operations(key):
            problem = prefer_problem(forced, op.responses)
            if problem is not None:
                raise UsageError(f"--prefer {forced!r} cannot be served by {key} {op.operation_id}: {problem}")
    store = fixtures if isinstance(fixtures, FixtureStore) else FixtureStore(key, fixtures)
    delay = parse_latency(latency) if isinstance(latency, (str, type(None))) else latency
    journal = Journal(key, journal_size, journal_file)
    name = vendor_of(key).capitalize()
    last_resort = type(f"{name}LastResort", (LastResort,), {"errors": errors})

    def view(served: dict[str, Any], request: Any) -> dict[str, Any]:
        origin = f"{request.url.scheme}://{request.headers.get('host') or request.url.netloc}"
        return served_spec(key, served, store.get(), origin + mounted)

    swagger = type(f"{name}SwaggerUI", (SwaggerUIOnDemand,), {"spec_view": staticmethod(view)})
    middlewares = [last_resort, cm.ExceptionMiddleware, swagger, *_MIDDLEWARES[3:]]
    if journal.enabled:
        middlewares.insert(0, functools.partial(JournalRecorder, journal=journal, fixtures=store))
    app = AsyncApp(__name__, middlewares=middlewares)
    app._middleware_app.api_cls = MockAsyncApi  # instance attribute: only this app's APIs
    app.store = store  # type: ignore[attr-defined]
    app.journal = journal  # type: ignore[attr-defined]
    app.add_api(
        raw,
        base_path=base_path,
        resolver=Resolver(lambda operation_id: _dispatcher(key, operation_id, store, forced, seed)),
        validator_map={"parameter": ParameterValidator},
        security_map=security_map(lambda credential: module.authenticate(credential, store.get())),
        swagger_ui_options=SwaggerUIOptions(swagger_ui=swagger_ui, swagger_ui_path="/ui"),
        validate_responses=False,
        strict_validation=False,
    )
    register_error_handlers(app, errors)
    methods = sorted({op.method for op in operations(key)})
    if access_log:
        app.add_middleware(AccessLog, position=MiddlewarePosition.BEFORE_EXCEPTION, api=key, fixtures=store.get)
    if delay is not None:
        app.add_middleware(Latency, position=MiddlewarePosition.BEFORE_EXCEPTION, latency=delay)
    app.add_middleware(CORS, position=MiddlewarePosition.BEFORE_EXCEPTION, methods=methods)
    app.add_middleware(
        MockRoutes,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        api=key,
        base_path=mounted,
        journal=journal,
        fixtures=store.get,
        errors=errors,
        index_paths=_index_paths(key, raw, mounted),
    )
    app.add_middleware(HotPath, position=MiddlewarePosition.BEFORE_EXCEPTION, fixtures=store.get)  # innermost
    build_now(app)
    for layer in app.middleware.middleware_stack or ():
        if isinstance(layer, HotPath):
            layer.wire()
    return app
