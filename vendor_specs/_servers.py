"""The spec's ``servers``: where a vendor's paths are mounted (origin, path prefix, host name).

The one place that fills server variables with their defaults and splits a server URL; the mock,
the proxy, the harness and the validators all ask here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit

from vendor_specs._load import load_spec

__all__ = ["Server", "base_path", "normalize_prefix", "prefixes", "servers"]


@dataclass(frozen=True)
class Server:
    """One entry of ``servers`` with its variables at their defaults."""

    url: str
    origin: str  # scheme://host[:port], '' for a relative server URL
    prefix: str  # the path part, without a trailing slash ('' for a bare host)
    host: str | None  # the host name, None for a relative server URL
    description: str = ""


@functools.lru_cache(maxsize=None)
def servers(api: str) -> tuple[Server, ...]:
    """Every server of ``api``'s spec, in spec order (a spec without ``servers`` is served at ``/``)."""
    found = []
    for server in load_spec(api).get("servers") or [{"url": "/"}]:
        url = str(server["url"])
        for name, var in (server.get("variables") or {}).items():
            url = url.replace("{" + name + "}", str(var.get("default", "")))
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
        found.append(Server(url, origin, parts.path.rstrip("/"), parts.hostname, str(server.get("description", ""))))
    return tuple(found)


def base_path(api: str) -> str:
    """The first server's path prefix ('' for a bare host): where the documented paths are mounted."""
    return servers(api)[0].prefix


def normalize_prefix(path: str) -> str:
    """``api/v1/`` -> ``/api/v1``; ``/`` and ``''`` -> ``''`` (mounted at the root)."""
    return "/" + path.strip("/") if path.strip("/") else ""


def prefixes(api: str, extra: str | None = None, *, with_spec: bool = True) -> list[str]:
    """``extra`` (a deployment's own prefix) first, then (``with_spec``) every distinct prefix of the spec's servers."""
    first = [] if extra is None else [normalize_prefix(extra)]
    rest = [server.prefix for server in servers(api)] if with_spec or extra is None else []
    return list(dict.fromkeys([*first, *rest]))
