"""Property-based testing of every operation with Schemathesis (examples, coverage, fuzzing phases).

The vendor checks of :mod:`contracts.checks` are registered as Schemathesis checks here, so every
generated response gets them too. Auth goes through ``[auth.openapi.<scheme>]``: Schemathesis adds it
to generated cases and still generates the unauthenticated ones ``ignored_auth`` needs.

Negative cases may carry undeclared headers with any token as name. Names that belong to the HTTP
layer (``Transfer-Encoding``, ``Content-Length``, ``Host``, connection control) are not API input:
``requests``/urllib3 frame the message by them (a ``Transfer-Encoding`` header makes urllib3 append a
chunked terminator to a body-less GET), so the request is malformed on the wire and the server's HTTP
layer (uvicorn, any proxy) answers 400/501 before the API sees it. The ``filter_case`` hook
:func:`sendable_over_http`, registered on the harness's schema only, drops such cases before they are sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import schemathesis
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName

from contracts import checks
from contracts.errors import TargetError
from contracts.findings import CheckOutcome, Finding, curl_command, spec_location
from contracts.guard import MARKER, Guard
from vendor_specs import Operation, model_facts, operations, raw_spec, schemathesis_auth

__all__ = ["BUILTIN_CHECKS", "CUSTOM_CHECKS", "HTTP_LAYER_HEADERS", "FuzzResult", "fuzz", "sendable_over_http"]

BUILTIN_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "missing_required_header",
    "ignored_auth",
)
CUSTOM_CHECKS = ("error_contract", "secrets", "consistency", "identity")
PHASES = ("examples", "coverage", "fuzzing")
# what requests adds to every request by itself: not part of a reproduction
_CLIENT_HEADERS = frozenset(
    {"user-agent", "accept-encoding", "connection", "content-length", "x-schemathesis-testcaseid"}
)
_SETTINGS_KEY = "x-contracts-run"
# Header fields the HTTP layer owns, never the API contract (lower case):
# - message framing, RFC 9112 section 6: Content-Length, Transfer-Encoding (a request whose framing the
#   server cannot parse MUST get 400; urllib3 also changes what it writes after the headers by them);
# - the request's authority, RFC 9112 section 3.2: Host (set from the base URL; urllib3 drops its own
#   Host when the caller passes one);
# - connection management, RFC 9110 section 7.6.1 (connection-specific fields a proxy strips) and
#   section 10.1.1 (Expect, answered by the HTTP layer with 100/417).
HTTP_LAYER_HEADERS = frozenset(
    {
        "content-length",
        "transfer-encoding",
        "host",
        "connection",
        "keep-alive",
        "proxy-connection",
        "te",
        "trailer",
        "upgrade",
        "expect",
    }
)


@dataclass
class FuzzResult:
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[CheckOutcome] = field(default_factory=list)
    requests: int = 0


def _settings(case: Any) -> tuple[str, bool] | None:
    """The harness run's settings, or None for a schema the harness did not load (other Schemathesis users
    in the same process: the checks are registered globally and must stay silent there)."""
    run = case.operation.schema.raw_schema.get(_SETTINGS_KEY)
    return None if run is None else (run["api"], run["strict"])


def _operation(api: str, case: Any) -> Operation:
    for op in operations(api):
        if op.path == case.operation.path and op.method == case.operation.method.upper():
            return op
    raise LookupError(case.operation.label)  # pragma: no cover


def _json(response: Any) -> Any:
    try:
        return response.json()
    except Exception:
        return None


def _header(response: Any, name: str) -> str:
    """A response header of Schemathesis' response (its headers: lower-case names to lists of values)."""
    headers = response.headers or {}
    values = headers.get(name.lower()) or headers.get(name) or [""]
    return str(values[0] if isinstance(values, list) else values)


def _media_type(response: Any) -> str:
    return _header(response, "content-type").split(";")[0].strip().lower()


def _curl(recorder: Any, case_id: str, secrets: dict[str, str]) -> str:
    """The reproduction of a generated request, credentials shown as everywhere else (``<owner token>``)."""
    interaction = recorder.interactions.get(case_id)
    if interaction is None:
        return ""
    request = interaction.request
    headers = [(name, value) for name, values in request.headers.items() for value in values]
    return curl_command(request.method, request.uri, headers, secrets)


def _requested_id(api: str, case: Any) -> str | None:
    name = model_facts(api).id_parameter
    path_value = (case.path_parameters or {}).get(name)
    if isinstance(path_value, str):
        return unquote(path_value)  # Schemathesis stores path values already percent-encoded (`/` as %2F)
    value = (case.query or {}).get(name)
    return value if isinstance(value, str) else None


def sendable_over_http(ctx: Any, case: Any) -> bool:
    """``filter_case`` hook: False for a case that sends an HTTP-layer header its operation does not declare.

    Schemathesis' negative generation adds undeclared headers (any RFC 9110 token as the name, e.g.
    picked from string constants Hypothesis collects from the project's own modules). One named
    ``Transfer-Encoding`` or ``Content-Length`` reframes the request; the server must reject it at the
    HTTP level (uvicorn: 400 text/plain ``Invalid HTTP request received.``) or waits for a body that never
    comes. That answer says nothing about the API, so such a case is not sent. Declared header parameters
    are kept: what the spec declares is the API's input.
    """
    headers = case.headers or {}
    sent = {name.lower() for name in headers if isinstance(name, str)} & HTTP_LAYER_HEADERS
    if not sent:
        return True
    declared = {p.name.lower() for p in case.operation.headers}
    return sent <= declared


def _raise(problems: list[checks.Problem]) -> None:
    if problems:
        raise AssertionError("; ".join(p.message for p in problems))


@schemathesis.check
def error_contract(ctx: Any, response: Any, case: Any) -> bool | None:
    settings = _settings(case)
    if settings is None:
        return None
    api, strict = settings
    _raise(
        checks.error_contract(
            _operation(api, case), response.status_code, _media_type(response), _json(response), strict
        )
    )
    return None


@schemathesis.check
def secrets(ctx: Any, response: Any, case: Any) -> bool | None:
    settings = _settings(case)
    if settings is None:
        return None
    api = settings[0]
    _raise(checks.secrets(api, _json(response)))
    return None


@schemathesis.check
def consistency(ctx: Any, response: Any, case: Any) -> bool | None:
    settings = _settings(case)
    if settings is None:
        return None
    api = settings[0]
    _raise(checks.consistency(api, _operation(api, case), response.status_code, _json(response)))
    return None


@schemathesis.check
def identity(ctx: Any, response: Any, case: Any) -> bool | None:
    settings = _settings(case)
    if settings is None:
        return None
    api = settings[0]
    _raise(checks.identity(api, _requested_id(api, case), response.status_code, _json(response)))
    return None


def _location(api: str, op: Operation | None, check: str, status: int | None) -> str:
    if op is None:
        return spec_location(api)
    parts: list[str | int] = ["responses"]
    if status is not None and str(status) in op.responses:
        parts.append(status)
        if check in ("response_schema_conformance", "consistency", "identity", "secrets"):
            parts += ["content", "application/json", "schema"]
        elif check in ("content_type_conformance", "error_contract"):
            parts.append("content")
    return spec_location(api, op.path, op.method, *parts)


def fuzz(
    api: str,
    root: str,
    *,
    token: str | None,
    max_examples: int,
    seed: int | None,
    guard: Guard,
    strict: bool,
    secrets: dict[str, str] | None = None,
    deadline: float | None = None,
    progress: Callable[[str], None] = lambda line: None,
) -> FuzzResult:
    """Run the Schemathesis phases against ``root`` (the base URL with its prefix), every request through
    ``guard`` (its ``proxy``): one deadline per answer, a body cap, and no more requests of an operation that
    timed out (they are skipped, and counted by the guard). ``deadline`` (``time.monotonic()``) ends the run."""
    spec = raw_spec(api)
    spec[_SETTINGS_KEY] = {"api": api, "strict": strict}
    config: dict[str, Any] = {
        "request-timeout": guard.timeout + 5,  # the guard answers first, with a marked 504 if need be
        "proxy": guard.url,
        "continue-on-failure": True,  # else an operation's first failure hides the others
        "workers": 1,
        "generation": {"max-examples": max_examples, "mode": "all", "database": "none"},
        "phases": {name: {"enabled": True} for name in PHASES} | {"stateful": {"enabled": False}},
        "suppress-health-check": ["all"],
    }
    if seed is not None:
        config["seed"] = seed
    if token is not None:
        auth = schemathesis_auth(api, token)
        if auth:
            config["auth"] = auth
    result = FuzzResult()
    by_label = {f"{op.method} {op.path}": op for op in operations(api)}
    broken = [label for label in by_label if guard.is_broken(label) is not None]
    for label in broken:
        reason = f"not run: {label} {_why(guard, label)} in the explicit cases (its generated requests would too)"
        result.outcomes += [CheckOutcome(name, label, skipped=reason) for name in (*BUILTIN_CHECKS, *CUSTOM_CHECKS)]
    if len(broken) == len(by_label):
        return result
    schema: Any = schemathesis.openapi.from_dict(spec, config=schemathesis.Config.from_dict(config))
    if broken:
        schema = schema.exclude(name=broken)
    schema.config.base_url = root

    def sendable(ctx: Any, case: Any) -> bool:
        if deadline is not None and time.monotonic() >= deadline:
            return False  # --max-time ran out: the remaining cases are not sent
        if guard.is_broken(case.operation.label) is not None:
            guard.skip(case.operation.method.upper(), case.operation.path, case.operation.label)
            return False
        return sendable_over_http(ctx, case)

    def not_cut(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
        """A check failure on the guard's own answer (a cut or skipped request) is not the target's: dropped.
        The cut itself is reported once, from the guard's record."""
        return not _header(response, MARKER)

    schema.hooks.register_hook_with_name(sendable, "filter_case")  # this schema only, not global
    schema.hooks.register_hook_with_name(not_cut, "filter_failure")
    schema.config.checks.update(included_check_names=[*BUILTIN_CHECKS, *CUSTOM_CHECKS])
    seen: set[tuple[str, str, str]] = set()
    stream = from_schema(schema).execute()
    for event in stream:
        if deadline is not None and time.monotonic() >= deadline:
            stream.stop()
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            result.requests += len(recorder.interactions)
            for case_id, nodes in recorder.checks.items():
                for node in nodes:
                    info = node.failure_info
                    if info is None:
                        continue
                    failure = info.failure
                    response = recorder.find_response(case_id=case_id)
                    status = response.status_code if response is not None else None
                    message = f"{failure.title}: {failure.message}".strip().rstrip(":")
                    key = (node.name, recorder.label, message.splitlines()[0])
                    if key in seen:
                        continue
                    seen.add(key)
                    op = by_label.get(recorder.label)
                    result.findings.append(
                        Finding(
                            check=node.name,
                            operation=recorder.label,
                            message=" ".join(message.split()) if len(message) < 300 else message,
                            location=_location(api, op, node.name, status),
                            curl=_curl(recorder, case_id, secrets or {}),
                            status=status,
                        )
                    )
        elif isinstance(event, events.NonFatalError):
            if guard.is_broken(event.label) is not None or (deadline is not None and time.monotonic() >= deadline):
                continue  # its cases were not sent (the hook refused them all): the guard's record says why
            text = str(event.info)
            raise TargetError(
                f"Schemathesis could not test {event.label}: {event.info.title}: {text.splitlines()[0] if text else ''}"
            )
        elif isinstance(event, events.PhaseFinished) and event.phase.name in {PhaseName(p) for p in PHASES}:
            progress(f"phase {event.phase.name.value}: {event.status.value}")
        elif isinstance(event, events.FatalError):
            raise TargetError(f"Schemathesis stopped: {event.exception}")
    for label in by_label:
        if label not in broken:
            result.outcomes += [CheckOutcome(name, label) for name in (*BUILTIN_CHECKS, *CUSTOM_CHECKS)]
    return result


def _why(guard: Guard, label: str) -> str:
    cut = guard.is_broken(label)
    return "answered over the size limit" if cut is not None and cut.kind == "too_big" else "timed out"
