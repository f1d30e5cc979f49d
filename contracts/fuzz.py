"""Property-based testing of every operation with Schemathesis (examples, coverage, fuzzing phases).

The vendor checks of :mod:`contracts.checks` judge every generated response too, through an ``after_call``
hook registered on the harness's own schema: they are never put into Schemathesis' global check registry
(``@schemathesis.check``), so another Schemathesis user in the same process (a host project's own tests,
next to the pytest plugin) never gets them. Schemathesis 4 has no per-schema check list; ``after_call`` is
its per-schema hook that sees every request and response, shrinking included. Auth goes through
``[auth.openapi.<scheme>]``: Schemathesis adds it to generated cases and still generates the
unauthenticated ones ``ignored_auth`` needs.

Negative cases may carry undeclared headers with any token as name. Names that belong to the HTTP
layer (``Transfer-Encoding``, ``Content-Length``, ``Host``, connection control) are not API input:
``requests``/urllib3 frame the message by them (a ``Transfer-Encoding`` header makes urllib3 append a
chunked terminator to a body-less GET), so the request is malformed on the wire and the server's HTTP
layer (uvicorn, any proxy) answers 400/501 before the API sees it. The ``filter_case`` hook
:func:`sendable_over_http`, registered on the harness's schema only, drops such cases before they are sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import schemathesis
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName

from contracts import checks
from contracts.errors import TargetError
from contracts.findings import CheckOutcome, Finding, spec_location
from vendor_specs import Operation, model_facts, operations, raw_spec, schemathesis_auth

__all__ = [
    "BUILTIN_CHECKS",
    "CUSTOM_CHECKS",
    "HTTP_LAYER_HEADERS",
    "FuzzResult",
    "fuzz",
    "sendable_over_http",
    "vendor_problems",
]

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


def _media_type(response: Any) -> str:
    values = response.headers.get("content-type") or response.headers.get("Content-Type") or [""]
    value = values[0] if isinstance(values, list) else values
    return value.split(";")[0].strip().lower()


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


def vendor_problems(api: str, strict: bool, case: Any, response: Any) -> dict[str, list[checks.Problem]]:
    """The vendor checks (:data:`CUSTOM_CHECKS`) on one Schemathesis exchange: check name -> its problems."""
    op = _operation(api, case)
    body = _json(response)
    status = response.status_code
    found = {
        "error_contract": checks.error_contract(op, status, _media_type(response), body, strict),
        "secrets": checks.secrets(api, body),
        "consistency": checks.consistency(api, op, status, body),
        "identity": checks.identity(api, _requested_id(api, case), status, body),
    }
    return {name: problems for name, problems in found.items() if problems}


def _curl(case: Any, response: Any) -> str:
    """The request as sent, credentials masked (Schemathesis' own code samples are built the same way)."""
    headers = {name: value for name, value in response.request.headers.items()}
    return case.as_curl_command(headers=headers, verify=response.verify).replace("[Filtered]", "<token>")


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
    timeout: float,
    strict: bool,
    progress: Callable[[str], None] = lambda line: None,
) -> FuzzResult:
    """Run the Schemathesis phases against ``root`` (the base URL with its prefix)."""
    spec = raw_spec(api)
    config: dict[str, Any] = {
        "request-timeout": timeout,
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
    seen: set[tuple[str, str, str]] = set()
    by_label = {f"{op.method} {op.path}": op for op in operations(api)}

    def add(check: str, label: str, message: str, status: int | None, curl: str) -> None:
        key = (check, label, "" if check == "timeout" else message.splitlines()[0])
        if key in seen:
            return
        seen.add(key)
        result.findings.append(
            Finding(
                check=check,
                operation=label,
                message=" ".join(message.split()) if len(message) < 300 else message,
                location=_location(api, by_label.get(label), check, status),
                curl=curl,
                status=status,
            )
        )

    def after_call(ctx: Any, case: Any, response: Any) -> None:
        """The vendor checks on every response of this schema (never registered globally)."""
        for check, problems in vendor_problems(api, strict, case, response).items():
            message = "; ".join(p.message for p in problems)
            add(check, case.operation.label, message, response.status_code, _curl(case, response))

    schema = schemathesis.openapi.from_dict(spec, config=schemathesis.Config.from_dict(config))
    schema.config.base_url = root
    # hooks of this schema only, not Schemathesis' global dispatcher
    schema.hooks.register_hook_with_name(sendable_over_http, "filter_case")
    schema.hooks.register_hook_with_name(after_call, "after_call")
    schema.config.checks.update(included_check_names=list(BUILTIN_CHECKS))
    for event in from_schema(schema).execute():
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
                    add(
                        node.name,
                        recorder.label,
                        message,
                        status,
                        info.code_sample.replace("[Filtered]", "<token>"),
                    )
        elif isinstance(event, events.NonFatalError):
            text = str(event.info)
            if "timed out" in text.lower() or "timeout" in text.lower():
                sample = (event.info._code_sample or "").replace("[Filtered]", "<token>")
                add(
                    "timeout",
                    event.label,
                    f"no response within the {timeout:g} s timeout ({event.info.title})",
                    None,
                    sample,
                )
            else:
                raise TargetError(
                    f"Schemathesis could not test {event.label}: {event.info.title}: {text.splitlines()[0] if text else ''}"
                )
        elif isinstance(event, events.PhaseFinished) and event.phase.name in {PhaseName(p) for p in PHASES}:
            progress(f"phase {event.phase.name.value}: {event.status.value}")
        elif isinstance(event, events.FatalError):
            raise TargetError(f"Schemathesis stopped: {event.exception}")
    for label in by_label:
        for name in (*BUILTIN_CHECKS, *CUSTOM_CHECKS, "timeout"):
            result.outcomes.append(CheckOutcome(name, label))
    return result
