"""The Connexion extension points the mock plugs into (the one place that knows Connexion internals).

- ``MockAsyncApi``: calls the operationId handler with the raw ASGI scope (no per-request signature
  inspection), so the spec-routed request costs little more than a bare Starlette route.
- ``ParameterValidator``: Connexion's parameter validation with schema validators compiled once per
  parameter, reporting FastAPI-style ``{loc, msg, type, input}`` errors instead of a problem+json 400.
- ``ParametersValidationMiddleware``: for operations without a request body, the parameter validator is
  built once per operation instead of once per request (operations with a body keep Connexion's).
- ``SwaggerUIOnDemand``: only requests that can be Swagger UI or spec requests go through its router; a
  subclass's ``spec_view(spec, request)`` adjusts the spec it serves (``served_spec.py``).
- ``security_map``: Connexion's bearer and apiKey handlers with the vendor's ``authenticate`` injected
  programmatically (no ``x-bearerInfoFunc`` in the YAML files).
- ``Shortcuts``: Connexion's own pieces for one request to a body-less operation (its router's match, the
  operation's security check, parameter validator and handler), found in the built stack, to be called in a
  row by the hot path (``hot.py``) instead of through seven middlewares.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp
from connexion.exceptions import OAuthProblem
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.routing import RoutingMiddleware, RoutingOperation
from connexion.middleware.security import SecurityMiddleware
from connexion.middleware.swagger_ui import SwaggerUIAPI, SwaggerUIMiddleware
from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from starlette.datastructures import Headers, QueryParams
from starlette.routing import Match, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.errors import MockServerError

__all__ = [
    "InvalidParameters",
    "MockAsyncApi",
    "ParameterValidator",
    "ParametersValidationMiddleware",
    "Shortcut",
    "Shortcuts",
    "SwaggerUIOnDemand",
    "build_now",
    "security_map",
]


class InvalidParameters(MockServerError):
    """Request parameters that do not satisfy the spec; ``errors`` are FastAPI-style entries."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors))
        self.errors = errors


class _Operation:
    """The innermost ASGI app of one operation: ``fn(scope)`` returns a Starlette response."""

    def __init__(self, fn: Callable[[Scope], Any], operation_id: str) -> None:
        self.fn = fn
        self.operation_id = operation_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.fn(scope)
        await response(scope, receive, send)


class MockAsyncApi(AsyncApi):
    def make_operation(self, operation: Any) -> _Operation:  # type: ignore[override]
        return _Operation(operation.function, operation.operation_id)


_COERCE: dict[str, Callable[[str], Any]] = {"integer": int, "number": float}
_BOOL = {"true": True, "false": False}
_VALIDATORS: dict[int, tuple[dict[str, Any], OAS30Validator]] = {}


def _validator(param: dict[str, Any]) -> OAS30Validator:
    cached = _VALIDATORS.get(id(param))
    if cached is None or cached[0] is not param:
        cached = (param, OAS30Validator(param.get("schema", {}), format_checker=oas30_format_checker))
        _VALIDATORS[id(param)] = cached
    return cached[1]


def _coerce(schema: dict[str, Any], raw: str) -> Any:
    kind = schema.get("type")
    if kind in _COERCE:
        return _COERCE[kind](raw)
    if kind == "boolean":
        return _BOOL[raw.lower()]
    return raw


_CHECKED: dict[tuple[int, str], tuple[dict[str, Any], list[dict[str, Any]]]] = {}


def _checked(param: dict[str, Any], raw: str) -> list[dict[str, Any]]:
    """The errors of one raw parameter value (memoised: clients repeat the same ids and keys)."""
    key = (id(param), raw)
    cached = _CHECKED.get(key)
    if cached is not None and cached[0] is param:
        return cached[1]
    schema = param.get("schema", {})
    try:
        value = _coerce(schema, raw)
    except (ValueError, KeyError):
        found = [
            {
                "type": f"{schema.get('type')}_parsing",
                "msg": f"Input should be a valid {schema.get('type')}",
                "input": raw,
            }
        ]
    else:
        found = [
            {"type": f"{error.validator}_error", "msg": error.message, "input": raw}
            for error in _validator(param).iter_errors(value)
        ]
    if len(_CHECKED) >= 8192:
        _CHECKED.clear()
    _CHECKED[key] = (param, found)
    return found


class ParameterValidator:
    """Drop-in for ``connexion.validators.ParameterValidator`` (the ``validator_map['parameter']`` slot)."""

    def __init__(
        self,
        parameters: list[dict[str, Any]],
        uri_parser: Any = None,
        strict_validation: bool = False,
        security_query_params: Any = None,
    ) -> None:
        self.parameters = parameters

    def validate(self, scope: Scope) -> None:
        query = headers = None
        errors: list[dict[str, Any]] = []
        for param in self.parameters:
            where, name = param["in"], param["name"]
            if where == "path":
                raw = scope.get("path_params", {}).get(name)
            elif where == "query":
                query = query if query is not None else QueryParams(scope.get("query_string", b""))
                raw = query.get(name)
            elif where == "header":
                headers = headers if headers is not None else Headers(scope=scope)
                raw = headers.get(name)
            else:
                continue
            if raw is None:
                if param.get("required"):
                    errors.append({"type": "missing", "loc": [where, name], "msg": "Field required", "input": None})
                continue
            found = _checked(param, raw)
            if found:
                errors.extend({**error, "loc": [where, name]} for error in found)
        if errors:
            raise InvalidParameters(errors)


def security_map(authenticate: Callable[[str], dict[str, Any]]) -> dict[str, type]:
    """Connexion security handlers whose info function is ``authenticate(credential) -> identity``."""

    def _check(self: Any, func: Any, exception_msg: str) -> Callable[..., Any]:
        async def wrapper(request: Any, *args: Any, required_scopes: Any = None) -> dict[str, Any]:
            return authenticate(args[-1] if args else "")

        return wrapper

    def _resolve(self: Any, security_scheme: dict[str, Any]) -> Callable[..., Any]:
        return authenticate

    def _auth_header(request: Any) -> tuple[str | None, str | None]:
        # Connexion's own parsing, reading the raw ASGI headers instead of building a Headers object.
        for key, value in request.scope["headers"]:
            if key == b"authorization":
                parts = value.decode("latin-1").split(maxsplit=1)
                if not parts:
                    return None, None
                if len(parts) == 1:
                    raise OAuthProblem(detail="Invalid authorization header")
                return parts[0].lower(), parts[1]
        return None, None

    overrides = {
        "_resolve_func": _resolve,
        "_generic_check": _check,
        "get_auth_header_value": staticmethod(_auth_header),
    }
    return {
        "bearer": type("MockBearerHandler", (BearerSecurityHandler,), overrides),
        "apiKey": type("MockApiKeyHandler", (ApiKeySecurityHandler,), overrides),
    }


def build_now(app: Any) -> None:
    """Build Connexion's middleware stack now instead of on the first request, so a spec or resolver
    problem surfaces when the app is created and the first request is not slowed down."""
    middleware = app.middleware
    if middleware.middleware_stack is None:
        middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()


class _ParametersOnly(RequestValidationOperation):
    def __init__(self, next_app: Any, *, operation: Any, **kwargs: Any) -> None:
        super().__init__(next_app, operation=operation, **kwargs)
        self._validator = self._validator_map["parameter"](
            operation.parameters,
            uri_parser=operation.uri_parser_class(operation.parameters, {}),
            strict_validation=self.strict_validation,
            security_query_params=self.security_query_params,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self._validator.validate(scope)
        await self.next_app(scope, receive, send)


class _ValidationAPI(RequestValidationAPI):
    def make_operation(self, operation: Any) -> RequestValidationOperation:
        if operation.request_body:
            return super().make_operation(operation)
        return _ParametersOnly(
            self.next_app,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )


class ParametersValidationMiddleware(RequestValidationMiddleware):
    """Connexion's request validation; body-less operations validate parameters with a prebuilt validator."""

    api_cls = _ValidationAPI


class _ServedSwaggerUIAPI(SwaggerUIAPI):
    def __init__(self, *args: Any, spec_view: Callable[[dict[str, Any], Any], dict[str, Any]] | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.spec_view = spec_view

    def _spec_for_prefix(self, request: Any) -> dict[str, Any]:
        spec: dict[str, Any] = super()._spec_for_prefix(request)
        return self.spec_view(spec, request) if self.spec_view is not None else spec


class SwaggerUIOnDemand(SwaggerUIMiddleware):
    """Connexion's Swagger UI middleware, skipped for paths that cannot be UI or spec files.

    ``spec_view(spec, request) -> spec`` (set on a per-app subclass) adjusts the spec served to Swagger UI."""

    spec_view: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None

    def add_api(self, specification: Any, base_path: str | None = None, arguments: Any = None, **kwargs: Any) -> None:
        view = type(self).spec_view
        api = _ServedSwaggerUIAPI(
            specification,
            base_path=base_path,
            arguments=arguments,
            default=self.default_fn,
            spec_view=view,
            **kwargs,
        )
        self.router.mount(api.base_path, app=api.router)

    @staticmethod
    def claims(path: str) -> bool:
        """Whether a request for ``path`` goes through Swagger UI's router (it may be a UI or spec file)."""
        return "/ui" in path or "/openapi." in path or "/swagger." in path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.claims(scope.get("path", "")):
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def _operation(layer: Any, base: str, operation_id: str) -> Any:
    return next(
        (api.operations[operation_id] for api in layer.apis.get(base, ()) if operation_id in api.operations), None
    )


class Shortcut:
    """What Connexion does for one body-less operation once it is routed there: check the credentials with the
    operation's own verification function (none when it has no security), validate the parameters, call the
    handler (``fn(scope)`` -> an ASGI response).

    Who the caller is, is found once per credential: the verification's outcome (the ``connexion_context`` it
    sets) is kept per fixture version and per value of the headers its schemes read, since the vendor's
    ``authenticate(credential, fixtures)`` depends on nothing else. A refusal is not kept: it raises each time."""

    _KEPT = 4096  # credentials whose caller is remembered per fixture version; then forgotten at once

    def __init__(self, secured: Any, validate: Callable[[Scope], None], fn: Callable[[Scope], Awaitable[Any]]):
        self.verify = secured.verification_fn if secured is not None and secured.security else None
        self.reads = _credential_places(secured) if self.verify is not None else ()
        self.validate = validate
        self.fn = fn
        self._callers: dict[Any, dict[str, Any]] = {}
        self._version: Any = None

    async def answer(self, scope: Scope, version: Any) -> Any:
        """The handler's response to ``scope`` (path parameters set; ``version``: the fixture set in force);
        whatever Connexion's middlewares would raise (no or bad credentials, invalid parameters) raises here."""
        if self.verify is not None:
            await self._caller(scope, version)
        self.validate(scope)
        return await self.fn(scope)

    async def _caller(self, scope: Scope, version: Any) -> None:
        assert self.verify is not None
        if self.reads is None:  # a scheme whose inputs are not known here: verified every time
            await self.verify(ConnexionRequest(scope))
            return
        if version is not self._version:
            self._callers.clear()
            self._version = version
        key = self._credentials(scope)
        context = self._callers.get(key)
        if context is not None:
            scope["extensions"]["connexion_context"] = context  # never changed after it is set
            return
        await self.verify(ConnexionRequest(scope))  # sets scope["extensions"]["connexion_context"]
        if len(self._callers) >= self._KEPT:
            self._callers.clear()
        self._callers[key] = scope["extensions"]["connexion_context"]

    def _credentials(self, scope: Scope) -> Any:
        """The first value of each header the schemes read (as Connexion's handlers read them)."""
        reads = self.reads
        assert reads is not None
        if len(reads) == 1:
            name = reads[0]
            for key, value in scope["headers"]:
                if key == name:
                    return value
            return None
        found: dict[bytes, bytes] = {}
        for key, value in scope["headers"]:
            if key in reads and key not in found:
                found[key] = value
        return tuple(found.get(name) for name in reads)


def _credential_places(secured: Any) -> tuple[bytes, ...] | None:
    """The raw header names Connexion's security handlers read for an operation's schemes; None when a scheme
    reads anything else (an API key in the query, OAuth 2, OpenID): its caller is then verified every time."""
    places: list[bytes] = []
    for requirement in secured.security:
        for name in requirement:
            scheme = secured.security_schemes.get(name) or {}
            kind, where = scheme.get("type"), scheme.get("in")
            if kind == "http" or kind == "basic":
                place = b"authorization"
            elif kind == "apiKey" and where == "header":
                place = str(scheme.get("name", "")).lower().encode("latin-1")
            elif kind == "apiKey" and where == "cookie":
                place = b"cookie"
            else:
                return None
            if place not in places:
                places.append(place)
    return tuple(places)


class Shortcuts:
    """Every body-less operation's :class:`Shortcut`, found in a built Connexion stack below ``app`` (the
    middleware after the mock's own ones), and Connexion's router to find them by."""

    def __init__(self, app: ASGIApp) -> None:
        layers: list[Any] = []
        layer: Any = app
        while layer is not None:
            layers.append(layer)
            layer = getattr(layer, "app", None) or getattr(layer, "next_app", None)
        routing = next(layer for layer in layers if isinstance(layer, RoutingMiddleware))
        security = next(layer for layer in layers if isinstance(layer, SecurityMiddleware))
        validation = next(layer for layer in layers if isinstance(layer, ParametersValidationMiddleware))
        handlers = next(layer for layer in layers if isinstance(layer, AsyncASGIApp))
        self.router = routing.router
        self.found: dict[tuple[str, str], Shortcut] = {}
        for base, apis in validation.apis.items():
            for api in apis:
                for operation_id, checked in api.operations.items():
                    # each layer's operation as it finds it: in the first of its APIs at that base path that has it
                    handler = _operation(handlers, base, operation_id)
                    secured = _operation(security, base, operation_id)
                    if not isinstance(checked, _ParametersOnly) or not isinstance(handler, _Operation):
                        continue  # an operation with a body: Connexion's full request validation
                    shortcut = Shortcut(secured, checked._validator.validate, handler.fn)
                    self.found.setdefault((base, operation_id), shortcut)

    def route(self, scope: Scope) -> tuple[Shortcut, dict[str, Any]] | None:
        """The shortcut Connexion's router would take ``scope`` to, and the path parameters it would set; None
        where it takes it anywhere else (no route, another method, a route with a body)."""
        for mount in self.router.routes:  # Starlette's rule: the first route that matches fully
            match, child = mount.matches(scope)
            if match is Match.FULL:
                return self._in_mount(mount, scope, child) if isinstance(mount, Mount) else None
        return None

    def _in_mount(self, mount: Mount, scope: Scope, child: Scope) -> tuple[Shortcut, dict[str, Any]] | None:
        mounted = {**scope, **child}
        for route in mount.routes:
            match, routed = route.matches(mounted)
            if match is Match.FULL:
                endpoint = routed.get("endpoint")
                if not isinstance(route, Route) or not isinstance(endpoint, RoutingOperation):
                    return None
                # what RoutingOperation computes: the mount's part of the root path
                base = mounted.get("root_path", "")[len(scope.get("root_path", "")) :]
                shortcut = self.found.get((base, str(endpoint.operation_id)))
                return None if shortcut is None else (shortcut, routed.get("path_params", {}))
        return None
