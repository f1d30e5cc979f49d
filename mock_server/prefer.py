"""The ``Prefer`` header as Stoplight Prism has it: ``code=404``, ``example=<name>``, ``dynamic=true``.

Only statuses and example names the spec documents for the operation are served; anything else is
answered with the vendor's own error format (``ErrorFormat.bad_prefer``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_server.errors import VendorError
from mock_server.generate import generate
from vendor_specs import mask

__all__ = ["parse_prefer", "preferred_response"]


def parse_prefer(header: str) -> dict[str, str]:
    """``"code=404, example=x"`` -> ``{"code": "404", "example": "x"}`` (keys lower-case)."""
    prefs = {}
    for part in header.replace(";", ",").split(","):
        key, _, value = part.strip().partition("=")
        if key:
            prefs[key.strip().lower()] = value.strip().strip('"')
    return prefs


def _content(responses: dict[str, Any], status: str) -> dict[str, Any]:
    return responses[status].get("content", {}).get("application/json", {})


def preferred_response(
    header: str,
    responses: dict[str, Any],
    errors: Any,
    api: str,
    finish: Callable[[Any], Any] | None = None,
) -> tuple[int, Any] | None:
    """The (status, body) the ``Prefer`` header asks for, or None when it asks for nothing we handle.

    ``responses`` is the operation's resolved ``responses`` object; ``errors`` the vendor's ``ErrorFormat``;
    ``api`` names the spec whose masks ``x-secret`` fields get;
    ``finish`` makes a generated 200 body plausible for the request (the requested id, ordered timestamps).
    """
    prefs = parse_prefer(header)
    code, name = prefs.get("code"), prefs.get("example")
    dynamic = prefs.get("dynamic", "").lower() == "true"
    if code is None and name is None and not dynamic:
        return None
    documented = [s for s in responses if s.isdigit()]
    if code is not None and code not in documented:
        raise errors.bad_prefer(
            f"Prefer code={code} is not a documented status of this operation; documented: {', '.join(documented)}"
        )
    if name is not None:
        candidates = [code] if code else documented
        for status in candidates:
            examples = _content(responses, status).get("examples", {})
            if name in examples:
                return int(status), examples[name]["value"]
        known = sorted({n for s in candidates for n in _content(responses, s).get("examples", {})})
        raise errors.bad_prefer(
            f"Prefer example={name} is not a documented example{' of status ' + code if code else ''}; documented: {', '.join(known)}"
        )
    status = code or "200"
    content = _content(responses, status)
    if dynamic or not content.get("examples"):
        if "schema" not in content:
            raise VendorError(int(status), None)
        body = generate(content["schema"], masks=lambda name: mask(api, name))
        if finish is not None and status == "200" and isinstance(body, dict):
            body = finish(body)
        return int(status), body
    first = next(iter(content["examples"].values()))
    return int(status), first["value"]
