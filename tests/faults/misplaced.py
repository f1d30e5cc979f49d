"""Targets the harness reaches at the wrong place: every answer says "the API is not here".

- ``web_app(api)``: the vendor's reference API under the spec's *real* prefix (Open WebUI's ``/api/v1``) and,
  for every other GET, the web app's page (200 ``text/html``, titled), as a real Open WebUI with its bundled
  frontend answers a base URL without ``/api/v1``; ``web_app(api, gzip=True)`` compresses every answer for a
  client that accepts gzip, as a real server does (Open WebUI behind its usual proxy);
- ``not_found()``: FastAPI's ``{"detail": "Not Found"}`` 404 for every path (a wrong prefix, no web app);
- ``login_gateway()``: a 302 to ``/login?next=...`` for every request (a gateway's session check), and its
  sign-in page at ``/login`` (where a client that follows redirects, like Schemathesis, ends up).

Each is an ASGI app for ``tests.faults.serve.serve``; ``test_diagnosis.py`` checks that the report opens with
the likely cause.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route

from tests.faults.reference import make_app
from vendor_specs import servers

__all__ = ["PAGE_TITLE", "login_gateway", "not_found", "real_prefix", "web_app"]

PAGE_TITLE = "Open WebUI"
_PAGE = f"<!doctype html><html><head><title>{PAGE_TITLE}</title></head><body><div id=app></div></body></html>"
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def real_prefix(api: str) -> str:
    """The prefix of the spec's last server (Open WebUI's real deployments: ``/api/v1``)."""
    return servers(api)[-1].prefix


def web_app(api: str = "openwebui", gzip: bool = False) -> Starlette:
    async def page(request: Request) -> Response:
        if request.method != "GET":
            return JSONResponse({"detail": "Method Not Allowed"}, status_code=405)
        return HTMLResponse(_PAGE)

    return Starlette(
        routes=[
            Mount(real_prefix(api), app=make_app(api, prefix="")),
            Route("/{path:path}", page, methods=_METHODS),
        ],
        middleware=[Middleware(GZipMiddleware, minimum_size=0)] if gzip else [],
    )


def not_found() -> Starlette:
    async def nothing(request: Request) -> Response:
        return JSONResponse({"detail": "Not Found"}, status_code=404)

    return Starlette(routes=[Route("/{path:path}", nothing, methods=_METHODS)])


def login_gateway() -> Starlette:
    async def sign_in(request: Request) -> Response:
        return HTMLResponse("<!doctype html><html><head><title>Sign in</title></head><body><form></form></body></html>")

    async def redirect(request: Request) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=302)

    return Starlette(routes=[Route("/login", sign_in), Route("/{path:path}", redirect, methods=_METHODS)])
