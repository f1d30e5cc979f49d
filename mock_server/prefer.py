"""The ``Prefer`` header as Stoplight Prism has it: ``code=404``, ``example=<name>``, ``dynamic=true``.

Only statuses and example names the spec documents for the operation are served; anything else is
answered with the vendor's own error format (``ErrorFormat.bad_prefer``). ``mock-server --prefer`` /
``--dynamic`` apply a value to every request that sends no ``Prefer`` of its own (``option_problem`` checks its
form, ``prefer_problem`` what the spec can serve, both at start-up); a request's own ``Prefer`` may carry other
preferences too, which are ignored, as Prism does; with ``--seed`` generated bodies come from ``seeded_rng(seed, api, id)``.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable
from typing import Any

from mock_server.errors import VendorError
from mock_server.generate import generate
from vendor_specs import mask

__all__ = ["FORMS", "option_problem", "parse_prefer", "prefer_problem", "preferred_response", "seeded_rng"]

FORMS = "code=<status>, example=<name>, dynamic=true"  # what the mock serves; several are joined by ", "


def parse_prefer(header: str) -> dict[str, str]:
    """``"code=404, example=x"`` -> ``{"code": "404", "example": "x"}`` (keys lower-case)."""
    prefs = {}
    for part in header.replace(";", ",").split(","):
        key, _, value = part.strip().partition("=")
        if key:
            prefs[key.strip().lower()] = value.strip().strip('"')
    return prefs


def option_problem(value: str) -> str | None:
    """Why ``value`` (``--prefer``, applied to every request without a Prefer of its own) is not a Prefer value
    the mock serves (None: its form is one; ``prefer_problem`` says whether the spec can serve it)."""
    prefs = parse_prefer(value)
    unknown = [key for key in prefs if key not in ("code", "example", "dynamic")]
    if not prefs or unknown:
        names = ", ".join(repr(key) for key in unknown)
        what = (
            "it is empty"
            if not prefs
            else f"{names} {'is not a preference' if len(unknown) == 1 else 'are not preferences'} the mock serves"
        )
        return f"{what}; give one or more of {FORMS}, joined by ', ' (e.g. 'code=404' or 'example=<name>, code=200')"
    if "code" in prefs and not (prefs["code"].isdigit() and len(prefs["code"]) == 3):
        return f"code={prefs['code']} is not an HTTP status; give code=<status>, e.g. code=404"
    if "example" in prefs and not prefs["example"]:
        return "example= names no example; give example=<name> (the spec's example names)"
    if "dynamic" in prefs and prefs["dynamic"].lower() not in ("true", "false"):
        return f"dynamic={prefs['dynamic']} is neither true nor false; give dynamic=true"
    return None


def _content(responses: dict[str, Any], status: str) -> dict[str, Any]:
    return responses[status].get("content", {}).get("application/json", {})


def seeded_rng(seed: int, api: str, model_id: str | None) -> random.Random:
    """The generator of a ``--seed`` run for one model: a pure function of (seed, vendor, id), the same in
    every process (SHA-256, not Python's per-process salted ``hash()``)."""
    digest = hashlib.sha256(f"{seed}\0{api}\0{model_id or ''}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def prefer_problem(header: str, responses: dict[str, Any]) -> str | None:
    """Why ``header`` cannot be served for an operation with these ``responses`` (None: it can)."""
    prefs = parse_prefer(header)
    code, name = prefs.get("code"), prefs.get("example")
    documented = [s for s in responses if s.isdigit()]
    if code is not None and code not in documented:
        return f"Prefer code={code} is not a documented status of this operation; documented: {', '.join(documented)}"
    if name is not None:
        candidates = [code] if code else documented
        if not any(name in _content(responses, status).get("examples", {}) for status in candidates):
            known = sorted({n for s in candidates for n in _content(responses, s).get("examples", {})})
            of = f" of status {code}" if code else ""
            return f"Prefer example={name} is not a documented example{of}; documented: {', '.join(known)}"
    return None


def preferred_response(
    header: str,
    responses: dict[str, Any],
    errors: Any,
    api: str,
    finish: Callable[[Any], Any] | None = None,
    rng: random.Random | None = None,
) -> tuple[int, Any] | None:
    """The (status, body) the ``Prefer`` header asks for, or None when it asks for nothing we handle.

    ``responses`` is the operation's resolved ``responses`` object; ``errors`` the vendor's ``ErrorFormat``;
    ``api`` names the spec whose masks ``x-secret`` fields get;
    ``finish`` makes a generated 200 body plausible for the request (the requested id, ordered timestamps);
    ``rng`` generates the dynamic body (default: a fresh one, different data every time).
    """
    prefs = parse_prefer(header)
    code, name = prefs.get("code"), prefs.get("example")
    dynamic = prefs.get("dynamic", "").lower() == "true"
    if code is None and name is None and not dynamic:
        return None
    problem = prefer_problem(header, responses)
    if problem is not None:
        raise errors.bad_prefer(problem)
    documented = [s for s in responses if s.isdigit()]
    if name is not None:
        for status in [code] if code else documented:
            examples = _content(responses, status).get("examples", {})
            if name in examples:
                return int(status), examples[name]["value"]
    status = code or "200"
    content = _content(responses, status)
    if dynamic or not content.get("examples"):
        if "schema" not in content:
            raise VendorError(int(status), None)
        body = generate(content["schema"], rng, masks=lambda name: mask(api, name))
        if finish is not None and status == "200" and isinstance(body, dict):
            body = finish(body)
        return int(status), body
    first = next(iter(content["examples"].values()))
    return int(status), first["value"]
