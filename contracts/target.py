"""The target server: base URL with its prefix, URLs for a model id, and raw HTTP exchanges.

The one place that turns "read model X as role R" into bytes on the wire (httpx, through the run's
:class:`~contracts.guard.Guard`), so that ids with ``/`` can be sent as literal slashes *or* ``%2F``, which
Schemathesis cannot do. The guard bounds every answer (one deadline, a body cap) and answers a cut one
with a marked 5xx, which :meth:`Target.send` turns into :attr:`Attempt.error`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from contracts.errors import TargetError
from contracts.findings import curl_command, request_excerpt, response_excerpt
from contracts.guard import MARKER, Guard
from contracts.masking import redacted
from contracts.observed import Observed
from contracts.reach import client_failure
from vendor_specs import Credential, Operation, base_path, credentials, match_operation, operations

__all__ = ["BAD_TOKEN", "Attempt", "Target", "root_url"]

BAD_TOKEN = "contracts-invalid-credential-0000"
#: the characters an id keeps as written when sent "literally" (a path's and a query value's own delimiters)
LITERAL = "/:@"
_SPARE = 5.0  # the client waits this much longer than the guard's deadline: the guard always answers first


def root_url(base_url: str, api: str) -> str:
    """Where the spec's paths are mounted: a base URL with a path keeps it (it replaces the spec's server
    prefix); a bare ``http://host:port`` gets the prefix of the spec's first server (Open WebUI: ``/api``)."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise TargetError(f"base URL {base_url!r} is not an http(s) URL; pass e.g. --base-url http://127.0.0.1:9002")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise TargetError(
            f"base URL {base_url!r} has an invalid port (must be 1-65535); pass e.g. --base-url http://127.0.0.1:9002"
        ) from None
    base = base_url.rstrip("/")
    return base if parts.path.strip("/") else base + base_path(api)


def shape_of(api: str, root: str) -> Any:
    """``shape(method, url)``: the label (``GET /models/model``) of the operation a URL under ``root`` addresses."""
    prefix = urlsplit(root).path

    def shape(method: str, url: str) -> str | None:
        match = match_operation(api, method, urlsplit(url).path, prefix)
        return None if match is None else match.operation.label

    return shape


@dataclass
class Attempt:
    """One request the harness sent and what came of it: an answer, or why none usable came (``error``; ``cut``
    for the guard's kind). Not ``vendor_specs.HttpExchange``, which is an exchange as bytes from the wire."""

    method: str
    url: str
    headers: dict[str, str]
    role: str | None  # the token role used, for the curl command
    status: int | None = None
    content_type: str | None = None
    body: bytes = b""
    error: str | None = None
    cut: str | None = None  # timeout, too_big, skipped, unreachable, not_http
    cause: str = ""  # unreachable: why (dns, refused, tls, not_tls, reset, ...: contracts.reach)
    elapsed: float = 0.0
    requested_id: str | None = None
    secrets: Mapping[str, str] = field(default_factory=dict, repr=False)
    serial: int = 0  # this exchange's number in the run (findings on one exchange are nested by cause)
    _json: Any = field(default=None, repr=False)

    def json(self) -> Any:
        if self._json is None and self.body:
            try:
                self._json = json.loads(self.body)
            except ValueError:
                self._json = None
        return self._json

    @property
    def media_type(self) -> str:
        return (self.content_type or "").split(";")[0].strip().lower()

    def curl(self) -> str:
        return curl_command(self.method, self.url, self.headers.items(), self.secrets)

    def observed(self, api: str, op: Operation) -> Observed:
        """This exchange as its findings show it (reproduction, request and response excerpts)."""
        return Observed(
            api,
            op,
            self.status,
            self.media_type,
            self.curl(),
            request_excerpt(self.method, self.url, self.headers.items(), self.secrets),
            response_excerpt(self.status, self.content_type, redacted(api, self.body), self.secrets),
            f"explicit:{self.serial}",
            "explicit",
        )


class Target:
    """A live server for ``api`` at ``base_url``, reached through the run's guard."""

    def __init__(
        self,
        api: str,
        base_url: str,
        guard: Guard,
        secrets: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.api = api
        self.base_url = base_url
        self.root = root_url(base_url, api)
        self.guard = guard
        self.timeout = guard.timeout
        self.secrets = dict(secrets or {})
        self.headers = dict(headers or {})  # added to every request (-H)
        # trust_env=False: the guard is the proxy; an HTTP(S)_PROXY of the environment would bypass it
        self.client = httpx.Client(
            timeout=guard.timeout + _SPARE, follow_redirects=False, proxy=guard.url, trust_env=False
        )
        self.requests = 0
        self.sent = 0  # exchanges made (skipped ones included): their serial numbers

    def close(self) -> None:
        self.client.close()

    def operation(self, id_param: str) -> Operation:
        for op in operations(self.api):
            if any(p["name"] == id_param for p in op.parameters):
                return op
        raise TargetError(f"spec {self.api}: no operation has the id parameter {id_param!r}")  # pragma: no cover

    def url_for(self, op: Operation, id_param: str, ident: str | None, *, literal: bool, query: dict[str, str]) -> str:
        safe = LITERAL if literal else ""
        path = op.path
        q = dict(query)
        for p in op.parameters:
            if p["name"] == id_param and ident is not None:
                if p["in"] == "path":
                    path = path.replace("{" + id_param + "}", quote(ident, safe=safe))
                else:
                    q[id_param] = ident
        qs = "&".join(f"{quote(k, safe='')}={quote(v, safe=safe)}" for k, v in q.items())
        return self.root + path + (f"?{qs}" if qs else "")

    def send(
        self,
        op: Operation,
        id_param: str,
        ident: str | None,
        *,
        token: str | None = None,
        role: str | None = None,
        literal: bool = False,
        placed: Sequence[tuple[Credential, str, str]] | None = None,
    ) -> Attempt:
        """``ident`` read with ``token`` (of ``role``) where the spec's first scheme puts it, or with each
        (credential, token, role) of ``placed`` where that credential goes."""
        headers: dict[str, str] = {"Accept": "application/json", **self.headers}
        query: dict[str, str] = {}
        shown = dict(self.secrets)
        if placed is None and token is not None:
            placed = [(c, token, role or "a") for c in credentials(self.api, op.definition)[:1]]
        for credential, value, who in placed or ():
            h, q, _cookies = credential.place(value)
            headers.update(h)
            query.update(q)
            shown.setdefault(value, f"{who} token")
        url = self.url_for(op, id_param, ident, literal=literal, query=query)
        secrets = shown
        self.sent += 1
        ex = Attempt(op.method, url, headers, role, requested_id=ident, secrets=secrets, serial=self.sent)
        started = time.monotonic()
        self.requests += 1
        try:
            # A pre-built URL keeps literal slashes and %2F exactly as written. No cookie of an earlier answer
            # goes along: a request "without credentials" must carry none (a server may set a session cookie).
            self.client.cookies.clear()
            response = self.client.request(op.method, httpx.URL(url), headers=headers)
        except httpx.DecodingError as exc:  # an answer came, but its body is not what its Content-Encoding says
            ex.error = f"the answer's body cannot be decoded as its Content-Encoding says ({exc})"
        except httpx.HTTPError as exc:  # an https:// tunnel that failed, or its TLS: the guard knows why
            ex.cut = "unreachable"
            ex.cause, ex.error = self._failure(url, exc)
        else:
            kind = response.headers.get(MARKER)
            if kind == "skipped":
                self.requests -= 1  # never reached the target
            if kind is not None:
                ex.cut = kind
                ex.error, ex.cause = _detail(response.content)
                ex.error = ex.error or kind
            else:
                ex.status = response.status_code
                ex.content_type = response.headers.get("content-type")
                ex.body = response.content
        ex.elapsed = time.monotonic() - started
        return ex

    def _failure(self, url: str, exc: httpx.HTTPError) -> tuple[str, str]:
        """(cause, detail) of a request the client could not make: what the guard saw of the tunnel (no
        connection, a plain-HTTP answer, a hang-up), else what the client's own error says (its TLS)."""
        parts = urlsplit(url)
        host = f"[{parts.hostname}]" if ":" in (parts.hostname or "") else parts.hostname
        try:
            authority = f"{host}:{parts.port or (443 if parts.scheme == 'https' else 80)}"
        except ValueError:
            authority = parts.netloc
        trouble = self.guard.trouble(authority)
        if trouble is not None and trouble.cause:
            return trouble.cause, trouble.detail
        return client_failure(exc)


def _detail(content: bytes) -> tuple[str, str]:
    """A guard's marked answer -> (detail, cause)."""
    try:
        data = json.loads(content)
        return str(data.get("detail", "")), str(data.get("cause", ""))
    except (ValueError, AttributeError):
        return "", ""
