"""Connexion error handlers that answer in the vendor's format (``application/json``, never problem+json)."""

from __future__ import annotations

import logging
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import OAuthProblem, ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from mock_server._connexion import InvalidParameters
from mock_server.errors import VendorError
from mock_server.render import render
from mock_server.vendors._common import ErrorFormat

__all__ = ["register_error_handlers"]

log = logging.getLogger("mock_server.errors")


def _render(error: VendorError) -> ConnexionResponse:
    status, headers, body = render(error)
    return ConnexionResponse(status_code=status, mimetype="application/json", body=body, headers=headers)


def register_error_handlers(app: AsyncApp, errors: ErrorFormat) -> None:
    """Map every exception Connexion or Starlette may raise to ``errors``' vendor-format answer."""

    async def vendor_error(request: ConnexionRequest, exc: VendorError) -> ConnexionResponse:
        return _render(exc)

    async def invalid_parameters(request: ConnexionRequest, exc: InvalidParameters) -> ConnexionResponse:
        return _render(errors.invalid_params(exc.errors))

    async def unauthenticated(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        return _render(errors.missing_credentials())

    async def http_error(request: ConnexionRequest, exc: Any) -> ConnexionResponse:
        status = getattr(exc, "status_code", 500)
        if status == 404:
            return _render(errors.route_not_found())
        if status == 405:
            allow = (exc.headers or {}).get("Allow", "")
            return _render(errors.method_not_allowed(request.method, allow))
        if status == 401:
            return _render(errors.missing_credentials())
        if status == 400:
            detail = getattr(exc, "detail", None) or "Bad Request"
            return _render(
                errors.invalid_params([{"loc": ["request"], "msg": str(detail), "type": "value_error", "input": None}])
            )
        if status >= 500:
            return _render(errors.server_error())
        return _render(VendorError(status, {"detail": str(getattr(exc, "detail", "") or "")}))

    async def server_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        log.error("unhandled error on %s %s: %r", request.method, request.url, exc, exc_info=exc)
        return _render(errors.server_error())

    app.add_error_handler(VendorError, vendor_error)
    app.add_error_handler(InvalidParameters, invalid_parameters)
    app.add_error_handler(OAuthProblem, unauthenticated)
    app.add_error_handler(ProblemException, http_error)
    app.add_error_handler(HTTPException, http_error)
    app.add_error_handler(Exception, server_error)
