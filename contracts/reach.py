"""Why a target cannot be reached, as one plain line: what happened and what to do.

The guard (:mod:`contracts.guard`) names why a connection carried no answer with a *cause*
(:class:`vendor_specs.UpstreamError`'s ``cause``: ``dns``, ``refused``, ``tls``, ``reset``, ...); an HTTPS
request's TLS failure is seen by the client instead, and :func:`client_failure` names it the same way. The
runner says :func:`cannot_reach` once, exit 2, never the client's or the guard's own words
(``ProxyError: 502 Bad Gateway``, ``[SSL: WRONG_VERSION_NUMBER]``).
"""

from __future__ import annotations

import ssl
from urllib.parse import urlsplit, urlunsplit

import httpx

from vendor_specs import UpstreamError

__all__ = ["PERMANENT", "cannot_reach", "client_failure"]

#: causes that waiting does not cure: ``--wait`` stops at once on them (a name that does not resolve, a port
#: that answers plain HTTP to https://, a certificate the harness does not trust)
PERMANENT = frozenset({"dns", "not_tls", "certificate"})


def client_failure(exc: httpx.HTTPError) -> tuple[str, str]:
    """(cause, detail) of an exchange the HTTP client itself could not make (its TLS handshake, mostly)."""
    found: BaseException | None = exc
    while found is not None:
        if isinstance(found, ssl.SSLError):  # the SSL module's own errors carry these; others may not
            failure = UpstreamError.connecting(found, 0)
            return failure.cause, failure.reason
        found = found.__cause__ or found.__context__
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ProxyError):
        return "other", f"could not open a connection ({text})"
    if "SSL" in text or "TLS" in text:  # an SSL error the client wrapped without chaining it
        return "tls", f"TLS handshake failed ({text})"
    return "other", text


def cannot_reach(base_url: str, cause: str, detail: str) -> str:
    """``cannot reach URL: what happened; what to do`` for a connection that carried no answer."""
    parts = urlsplit(base_url)
    host = parts.hostname or base_url
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = 0
    where = f"{host}:{port}"
    why = {
        "dns": f"the host name {host} does not resolve (DNS); check the URL",
        "dns_again": f"the host name {host} could not be resolved now (DNS: {_inner(detail)}); check the network "
        "and its DNS server, or try again",
        "refused": f"nothing accepts connections on {where} (connection refused); start the server, or check the "
        "host and port",
        "timeout": f"{where} accepted no connection in time ({detail}); check the host and port, and any firewall "
        "on the way",
        "not_tls": f"{where} does not speak TLS (it answered {detail}); "
        + (
            f"use {urlunsplit(('http', parts.netloc, parts.path, parts.query, ''))}"
            if detail == "plain HTTP"
            else "check the port"
        ),
        "tls": f"the TLS handshake with {where} failed ({_inner(detail)}); check that it serves https:// on that "
        "port (else use http://)",
        "certificate": f"{where}'s TLS certificate is not trusted ({_inner(detail)}); the harness trusts the public "
        "CAs (certifi): check the host name, or give the server such a certificate",
        "reset": f"{where} reset the connection without answering; check the port and the scheme (http:// or "
        "https://), and the server's log",
        "closed": f"{where} closed the connection without answering; check the port and the scheme (http:// or "
        "https://), and the server's log",
    }.get(cause, f"cannot connect to {where} ({detail}); check the URL")
    return f"cannot reach {base_url}: {why}"


def _inner(detail: str) -> str:
    """``TLS handshake failed (x)`` -> ``x``: the words of the system, without the guard's framing."""
    _, sep, rest = detail.partition(" (")
    return rest[:-1] if sep and rest.endswith(")") else detail
