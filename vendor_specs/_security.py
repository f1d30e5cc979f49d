"""Credentials as the spec's security schemes place them: a header, a query parameter or a bearer token.

The one place that reads ``securitySchemes``: the harness sends credentials with :meth:`Credential.place`,
Schemathesis gets :func:`schemathesis_auth`, messages name them with :meth:`Credential.describe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from vendor_specs._errors import SpecError
from vendor_specs._load import load_spec
from vendor_specs._match import Operation
from vendor_specs._pointers import json_pointer

__all__ = ["Credential", "credentials", "placements", "schemathesis_auth"]


@dataclass(frozen=True)
class Credential:
    """How a scheme carries a credential: ``where`` is ``header``, ``query`` or ``cookie``; ``name`` the
    header (``Authorization`` for HTTP schemes), parameter or cookie name; ``prefix`` the HTTP auth scheme
    word put before the token (``Bearer``)."""

    scheme: str  # the name in components.securitySchemes
    where: str
    name: str
    prefix: str = ""
    pointer: str = ""  # where the spec documents it (the scheme, or a parameter marked `x-credential`)

    def value(self, token: str) -> str:
        return f"{self.prefix} {token}" if self.prefix else token

    def place(self, token: str) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """(headers, query, cookies) carrying ``token``."""
        item = {self.name: self.value(token)}
        return (
            item if self.where == "header" else {},
            item if self.where == "query" else {},
            item if self.where == "cookie" else {},
        )

    def describe(self, shown: str = "<token>") -> str:
        """``Authorization: Bearer <token>``, ``X-Blocks-Key: <token>``, ``?key=<token>``: how to send it."""
        if self.where == "header":
            return f"{self.name}: {self.value(shown)}"
        if self.where == "query":
            return f"?{self.name}={shown}"
        return f"cookie {self.name}={shown}"


def _credential(name: str, scheme: dict[str, Any]) -> Credential | None:
    kind = scheme.get("type")
    pointer = json_pointer("components", "securitySchemes", name)
    if kind == "http":
        word = str(scheme.get("scheme", "")).lower()
        prefix = {"bearer": "Bearer", "basic": "Basic"}.get(word, word)
        return Credential(name, "header", "Authorization", prefix, pointer)
    if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
        return Credential(name, str(scheme["in"]), str(scheme["name"]), pointer=pointer)
    return None  # oauth2 / openIdConnect: the token source is outside the spec


def credentials(api: str, operation: dict[str, Any] | None = None) -> list[Credential]:
    """The documented ways to send a credential to ``operation`` (its own ``security``, else the spec's),
    in the spec's order of preference."""
    spec = load_spec(api)
    requirements = (operation or {}).get("security", spec.get("security", []))
    schemes = (spec.get("components") or {}).get("securitySchemes") or {}
    found: list[Credential] = []
    for requirement in requirements:
        for name in requirement:
            if name not in schemes:
                raise SpecError(f"spec {api}: security requirement {name!r} names no securitySchemes entry")
            credential = _credential(name, schemes[name])
            if credential is not None and credential not in found:
                found.append(credential)
    return found


def placements(api: str, operation: Operation) -> list[Credential]:
    """Every place a request to ``operation`` may carry its credential: the security schemes
    (:func:`credentials`), then each parameter marked ``x-credential: <scheme>`` (the same credential sent as
    that parameter, e.g. SELISE's ``project_key``)."""
    found = credentials(api, operation.definition)
    schemes = {c.scheme for c in found}
    for i, parameter in enumerate(operation.parameters):
        scheme = parameter.get("x-credential")
        if scheme is None:
            continue
        if scheme not in schemes:
            raise SpecError(
                f"spec {api}: parameter {parameter.get('name')!r} says x-credential {scheme!r}, "
                f"which is not a security scheme of {operation.operation_id}"
            )
        pointer = json_pointer("paths", operation.path, operation.method.lower(), "parameters", i)
        found.append(Credential(str(parameter["name"]), str(parameter["in"]), str(parameter["name"]), pointer=pointer))
    return found


def schemathesis_auth(api: str, token: str) -> dict[str, Any]:
    """Schemathesis' ``auth`` configuration sending ``token`` through every scheme of the spec."""
    schemes = (load_spec(api).get("components") or {}).get("securitySchemes") or {}
    out: dict[str, Any] = {}
    for name, scheme in schemes.items():
        credential = _credential(name, scheme)
        if credential is not None and credential.prefix == "Bearer":
            out[name] = {"bearer": token}
        elif credential is not None and not credential.prefix:
            out[name] = {"api_key": token}
    return {"openapi": out} if out else {}
