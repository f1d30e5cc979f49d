"""The one adapter from an HTTP exchange to openapi-core, written against ``openapi_core.protocols``.

openapi-core wants the spec's own server URL, the path template for ids with literal slashes
(``SupportsPathPattern``) and the path parameters already decoded; every caller (the proxy, the
harness, payload validation) builds its requests and responses here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from werkzeug.datastructures import Headers, ImmutableMultiDict

from vendor_specs._match import OperationMatch
from vendor_specs._servers import servers

__all__ = ["CoreRequest", "CoreResponse", "RequestParameters", "core_request", "core_response"]

Pairs = Mapping[str, str] | Iterable[tuple[str, str]]


@dataclass
class RequestParameters:
    """``openapi_core.datatypes.RequestParameters``, field for field (openapi-core is imported only to explain)."""

    query: ImmutableMultiDict[str, str]
    header: Headers
    cookie: ImmutableMultiDict[str, str]
    path: Mapping[str, str]

    def __getitem__(self, location: str) -> object:
        return getattr(self, location)


@dataclass
class CoreRequest:
    """``openapi_core.protocols.Request`` and ``SupportsPathPattern``."""

    host_url: str
    path: str
    path_pattern: str
    method: str  # lower case
    parameters: RequestParameters
    body: bytes | None = None
    content_type: str = "application/json"


@dataclass
class CoreResponse:
    """``openapi_core.protocols.Response``; ``content_type`` '' means the server sent none."""

    status_code: int
    data: bytes | None
    content_type: str = ""
    headers: Headers = field(default_factory=Headers)


def _pairs(items: Pairs | None) -> list[tuple[str, str]]:
    if items is None:
        return []
    return list(items.items()) if isinstance(items, Mapping) else list(items)


def core_request(
    match: OperationMatch,
    *,
    query: Pairs | None = None,
    headers: Pairs | None = None,
    cookies: Pairs | None = None,
    body: bytes | None = None,
    content_type: str = "application/json",
) -> CoreRequest:
    """An openapi-core request for ``match`` (path parameters decoded), addressed at the spec's first server."""
    op = match.operation
    server = servers(op.api)[0]
    concrete = op.path
    for name, value in match.path_params.items():
        concrete = concrete.replace("{" + name + "}", value)
    return CoreRequest(
        host_url=server.origin or "http://localhost",
        path=server.prefix + concrete,
        path_pattern=server.prefix + op.path,
        method=op.method.lower(),
        parameters=RequestParameters(
            path=dict(match.path_params),
            query=ImmutableMultiDict(_pairs(query)),
            header=Headers(_pairs(headers)),
            cookie=ImmutableMultiDict(_pairs(cookies)),
        ),
        body=body,
        content_type=content_type,
    )


def core_response(
    status: int, body: bytes | None, content_type: str | None, headers: Pairs | None = None
) -> CoreResponse:
    """An openapi-core response; ``content_type`` None means the server sent no Content-Type."""
    return CoreResponse(status, body, (content_type or "").lower(), Headers(_pairs(headers)))
