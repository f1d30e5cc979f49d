"""The one adapter from an HTTP exchange to what openapi-core validates.

openapi-core wants the spec's own server URL, the path template for literal-slash ids, and the
path parameters already decoded; every caller (mock proxy, harness, payload validation) goes
through here instead of building ``MockRequest`` objects itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from openapi_core.testing import MockRequest, MockResponse

from vendor_specs._load import load_spec
from vendor_specs._match import OperationMatch


def _server(api: str) -> tuple[str, str]:
    server = (load_spec(api).get("servers") or [{"url": "http://localhost"}])[0]
    url = server["url"]
    for name, var in (server.get("variables") or {}).items():
        url = url.replace("{" + name + "}", str(var.get("default", "")))
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}", parts.path.rstrip("/")


def core_request(
    match: OperationMatch,
    *,
    query: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    cookies: Mapping[str, str] | None = None,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> MockRequest:
    """An openapi-core request for ``match``, addressed at the spec's own first server."""
    op = match.operation
    origin, prefix = _server(op.api)
    concrete = op.path
    for name, value in match.path_params.items():
        concrete = concrete.replace("{" + name + "}", value)
    return MockRequest(
        origin,
        op.method.lower(),
        prefix + concrete,
        path_pattern=prefix + op.path,
        view_args=dict(match.path_params),
        args=dict(query or {}),
        headers=dict(headers or {}),
        cookies=dict(cookies or {}),
        data=body,
        content_type=content_type,
    )


def core_response(
    status: int, body: bytes, content_type: str | None, headers: Mapping[str, str] | None = None
) -> MockResponse:
    """An openapi-core response; ``content_type`` None means the server sent no Content-Type."""
    return MockResponse(body, status_code=status, headers=dict(headers or {}), content_type=content_type or "")
