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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connexion.apps.asynchronous import AsyncApi
from connexion.exceptions import OAuthProblem
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.swagger_ui import SwaggerUIAPI, SwaggerUIMiddleware
from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler
from openapi_schema_validator import OAS30Validator, oas30_format_checker
from starlette.datastructures import Headers, QueryParams
from starlette.types import Receive, Scope, Send

from mock_server.errors import MockServerError

__all__ = [
    "InvalidParameters",
    "MockAsyncApi",
    "ParameterValidator",
    "ParametersValidationMiddleware",
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

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else "/ui"
        if "/ui" in path or "/openapi." in path or "/swagger." in path:
            await super().__call__(scope, receive, send)
        else:
            await self.app(scope, receive, send)
