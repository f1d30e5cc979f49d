"""The mock's hot path: a request for a vendor operation, answered by Connexion's own pieces called in a row.

Below the mock's own middlewares, a request goes through seven of Connexion's (exceptions, Swagger UI, routing,
security, parameter validation, lifespan, the app), each a coroutine and most a wrapped ``send``. For a request
that Connexion's router takes to a body-less operation, ``HotPath`` calls what those layers would call, in the
same order and with the same scope: the route's match (memoised by method and path), the operation's security
check, its parameter validator, its handler; the answer is the handler's (``render.ready``: bytes and headers
made once per body). Anything that raises on the way (no or bad credentials, invalid parameters, a failing
handler) is left to the whole stack, which computes it again and answers as it always did, so every answer is
the one Connexion gives: only the way there is shorter. What the answer itself depends on is computed once
where it can be: the route per path, the parameters' checks per value (``_connexion._checked``), the identity per
token (the fixtures' ``by_token``), the served body per model and caller (the handlers' ``memo``), the overlaid
shape per body (``observed_form``, memoised), the bytes per body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server._connexion import Shortcut, Shortcuts, SwaggerUIOnDemand

__all__ = ["HotPath"]

_ROUTES_KEPT = 4096  # distinct (method, path) pairs whose route is remembered; then forgotten at once


class HotPath:
    """Innermost of the mock's middlewares (after ``MockRoutes``): takes the requests it can take the short way.

    ``wire(shortcuts)`` is called once Connexion's stack is built (``app.create_app``); until then every request
    goes through the stack."""

    def __init__(self, app: ASGIApp, fixtures: Callable[[], Any]) -> None:
        self.app = app
        self.fixtures = fixtures  # the FixtureStore's get: the fixture version a caller is known for
        self.shortcuts: Shortcuts | None = None
        self._routes: dict[tuple[str, str, str], tuple[Shortcut, dict[str, Any]] | None] = {}

    def wire(self) -> None:
        """Find the shortcuts in the (now built) stack below this middleware."""
        self.shortcuts = Shortcuts(self.app)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._route(scope) if scope["type"] == "http" and self.shortcuts is not None else None
        if route is None:
            await self.app(scope, receive, send)
            return
        shortcut, path_params = route
        routed = dict(scope)  # a copy, as Connexion's router makes
        routed["path_params"] = {**scope.get("path_params", {}), **path_params}
        routed["extensions"] = {**scope.get("extensions", {})}
        try:
            answer = await shortcut.answer(routed, self.fixtures())
        except Exception:  # the stack answers it: the same pieces, raising the same, then Connexion's handling
            await self.app(scope, receive, send)
            return
        await answer(routed, receive, send)

    def _route(self, scope: Scope) -> tuple[Shortcut, dict[str, Any]] | None:
        key = (scope["method"], scope["path"], scope.get("root_path", ""))
        try:
            return self._routes[key]
        except KeyError:
            pass
        assert self.shortcuts is not None
        route = None if SwaggerUIOnDemand.claims(scope["path"]) else self.shortcuts.route(scope)
        if len(self._routes) >= _ROUTES_KEPT:
            self._routes.clear()
        self._routes[key] = route
        return route
