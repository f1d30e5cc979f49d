"""Property-based testing of every operation with Schemathesis (examples, coverage, fuzzing phases).

The harness's checks (:data:`contracts.registry.CHECKS` of kind ``harness``) judge every generated response too,
through an ``after_call`` hook registered on the harness's own schema: they are never put into Schemathesis'
global check registry (``@schemathesis.check``), so another Schemathesis user in the same process (a host
project's own tests, next to the pytest plugin) never gets them; Schemathesis runs its own built-ins, the
checks of kind ``schemathesis``. Schemathesis 4 has no per-schema check list; ``after_call`` is
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

import time
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

import schemathesis
from schemathesis.engine import events, from_schema
from schemathesis.engine.run import PhaseName

from contracts.cases import elsewhere, without_id
from contracts.checks import CHECKS
from contracts.errors import TargetError
from contracts.failures import failure_finding
from contracts.findings import CheckOutcome, Finding, curl_command, request_excerpt, response_excerpt
from contracts.guard import MARKER, Guard
from contracts.masking import redacted
from contracts.merge import Tally
from contracts.observed import Observed
from contracts.progress import Progress, ProgressReporter
from contracts.reply import Problem, Reply
from vendor_specs import FRAMING, HOP_BY_HOP, Operation, model_facts, operations, raw_spec, schemathesis_auth

__all__ = [
    "HTTP_LAYER_HEADERS",
    "FuzzResult",
    "fuzz",
    "sendable_over_http",
    "vendor_problems",
]

PHASES = ("examples", "coverage", "fuzzing")
# Header fields the HTTP layer owns, never the API contract (lower case):
# - message framing, RFC 9112 section 6: Content-Length, Transfer-Encoding (a request whose framing the
#   server cannot parse MUST get 400; urllib3 also changes what it writes after the headers by them);
# - the request's authority, RFC 9112 section 3.2: Host (set from the base URL; urllib3 drops its own
#   Host when the caller passes one);
# - connection management, RFC 9110 section 7.6.1 (connection-specific fields a proxy strips) and
#   section 10.1.1 (Expect, answered by the HTTP layer with 100/417).
HTTP_LAYER_HEADERS = frozenset(
    {name.decode() for name in FRAMING | HOP_BY_HOP if name != b"proxy-authorization"} | {"host", "expect"}
)


@dataclass
class FuzzResult:
    """What the phases found (merged into ``tally``: one finding per cause), which checks ran, how many requests."""

    tally: Tally = field(default_factory=Tally)
    outcomes: list[CheckOutcome] = field(default_factory=list)
    requests: int = 0
    notes: list[str] = field(default_factory=list)  # what Schemathesis could not do, where that is not fatal

    @property
    def findings(self) -> list[Finding]:
        return self.tally.findings()


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


def _requested_id(api: str, case: Any) -> str | None:
    name = model_facts(api).id_parameter
    path_value = (case.path_parameters or {}).get(name)
    if isinstance(path_value, str):
        return unquote(path_value)  # Schemathesis stores path values already percent-encoded (`/` as %2F)
    value = (case.query or {}).get(name)
    return value if isinstance(value, str) else None


def _names_no_model(api: str, case: Any) -> bool:
    """Whether a case leaves out the id (a query parameter not sent; a path always has a segment for it)."""
    name = model_facts(api).id_parameter
    in_query = any(p["name"] == name and p["in"] == "query" for p in _operation(api, case).parameters)
    return in_query and name not in (case.query or {})


def _empty_segment(api: str, case: Any) -> bool:
    """Whether a case's id is an empty path segment (`/models/`): another path than the operation's."""
    value = (case.path_parameters or {}).get(model_facts(api).id_parameter)
    return isinstance(value, str) and value == ""


def _not_implemented(case: Any, response: Any) -> bool:
    """A 501 to a method the spec does not document for the path (Schemathesis sends QUERY, TRACE...): RFC 9110
    says a server SHOULD answer so a method it does not implement; not a server error of the API."""
    status = getattr(response, "status_code", None)
    return status == 501 and str(case.method).upper() != str(case.operation.method).upper()


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


def _caller(request: Any, tokens: dict[str, str]) -> tuple[str, str | None]:
    """Who sent a generated request, by the credential it carries: a profile role, ``invalid`` or ``anonymous``
    (and that credential)."""
    sent = " ".join([str(v) for v in (request.headers or {}).values()] + [str(request.url)])
    for token, role in sorted(tokens.items(), key=lambda item: len(item[0]), reverse=True):
        if token and token in sent:
            return role, token
    return "anonymous", None


def _reply(
    api: str, op: Operation, response: Any, requested: str | None, tokens: dict[str, str], strict: bool
) -> Reply:
    """A Schemathesis answer as the checks see it."""
    caller, credential = _caller(response.request, tokens)
    return Reply(
        api,
        op,
        response.status_code,
        _header(response, "content-type") or None,
        getattr(response, "content", b"") or b"",
        requested,
        caller,
        None,
        credential,
        strict,
        "generated",
    )


def vendor_problems(
    api: str, strict: bool, case: Any, response: Any, tokens: dict[str, str] | None = None
) -> dict[str, list[Problem]]:
    """The harness's checks on one Schemathesis exchange: check name -> its problems. No rule predicts a generated
    request's answer (its caller and model are not the profile's); the checks every answer gets judge it."""
    return judged(_reply(api, _operation(api, case), response, _requested_id(api, case), tokens or {}, strict))


def judged(reply: Reply) -> dict[str, list[Problem]]:
    """The harness's checks (kind ``harness``) on ``reply``: check name -> its problems."""
    found: dict[str, list[Problem]] = {}
    for check in CHECKS.judges():
        if check.kind == "harness" and check.judge is not None:
            problems = list(check.judge(reply))
            if problems:
                found[check.name] = problems
    return found


def _observed(
    api: str,
    op: Operation,
    method: str,
    url: str,
    headers: list[tuple[str, str]],
    response: Any,
    secrets: dict[str, str],
    exchange: str,
) -> Observed:
    """A Schemathesis exchange as its findings show it (credentials shown as everywhere else: ``<owner token>``)."""
    status = response.status_code if response is not None else None
    content_type = _header(response, "content-type") if response is not None else ""
    content = getattr(response, "content", b"") if response is not None else b""
    return Observed(
        api,
        op,
        status,
        content_type.split(";")[0].strip().lower(),
        curl_command(method, url, headers, secrets),
        request_excerpt(method, url, headers, secrets),
        response_excerpt(status, content_type or None, redacted(api, content or b""), secrets),
        exchange,
    )


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
    tokens: dict[str, str] | None = None,
    deadline: float | None = None,
    headers: dict[str, str] | None = None,
    progress: ProgressReporter = lambda event: None,
    tally: Tally | None = None,
) -> FuzzResult:
    """Run the Schemathesis phases against ``root`` (the base URL with its prefix), every request through
    ``guard`` (its ``proxy``): one deadline per answer, a body cap, and no more requests of an operation that
    timed out (they are skipped, and counted by the guard). ``deadline`` (``time.monotonic()``) ends the run.
    Findings go into ``tally`` (the run's, so that they merge with the explicit cases'), exchange by exchange."""
    spec = raw_spec(api)
    shown = secrets or {}
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
    if headers:
        config["headers"] = dict(headers)
    if token is not None:
        auth = schemathesis_auth(api, token)
        if auth:
            config["auth"] = auth
    result = FuzzResult(tally if tally is not None else Tally())
    by_label = {op.label: op for op in operations(api)}
    broken = [label for label in by_label if guard.is_broken(label) is not None]
    for label in broken:
        reason = f"not run: {label} {_why(guard, label)} in the explicit cases (its generated requests would too)"
        result.outcomes += [CheckOutcome(name, label, skipped=reason) for name in _names()]
    if len(broken) == len(by_label):
        return result

    vendor_found: dict[str, list[Finding]] = {}  # case id -> the vendor checks' findings on its answer
    phase_sent = [0]

    def tick(phase: str, message: str = "") -> None:
        total = max_examples * (len(by_label) - len(broken)) if phase == "fuzzing" else None
        progress(Progress(phase, message, phase_sent[0], total, guard.requests, result.tally.size))

    def after_call(ctx: Any, case: Any, response: Any) -> None:
        """The vendor checks on every response of this schema (never registered globally); not on the guard's
        own answers (a cut or skipped request), which the runner reports once from the guard's record."""
        phase_sent[0] += 1
        tick(current[0])
        if _header(response, MARKER):
            return
        reply = _reply(api, _operation(api, case), response, _requested_id(api, case), tokens or {}, strict)
        problems = judged(reply)
        if not problems:
            return
        request = response.request
        seen = _observed(
            api,
            _operation(api, case),
            str(request.method),
            str(request.url),
            list(request.headers.items()),
            response,
            shown,
            f"case:{case.id}",
        )
        vendor_found.setdefault(case.id, []).extend(
            replace(seen.problem(check, problem), evidence=reply)
            for check, found in problems.items()
            for problem in found
        )

    def scenario(recorder: Any, phase: str) -> None:
        """Every finding on each exchange of a finished scenario: the built-in checks' and the vendor checks'."""
        for case_id, interaction in recorder.interactions.items():
            found = vendor_found.pop(case_id, [])
            failures = [
                (node.name, node.failure_info.failure)
                for node in recorder.checks.get(case_id, [])
                if node.failure_info is not None
            ]
            if failures:
                request = interaction.request
                pairs = [(name, value) for name, values in request.headers.items() for value in values]
                seen = _observed(
                    api,
                    by_label[recorder.label],
                    request.method,
                    request.uri,
                    pairs,
                    interaction.response,
                    shown,
                    f"case:{case_id}",
                )
                evidence = _reply(api, by_label[recorder.label], interaction.response, None, tokens or {}, strict)
                found += [
                    replace(failure_finding(seen, check, failure), evidence=evidence) for check, failure in failures
                ]
            node = recorder.cases.get(case_id)
            if node is not None and _names_no_model(api, node.value):
                found = [without_id(f) for f in found]
            if node is not None and _empty_segment(api, node.value) and interaction.response is not None:
                answer = _reply(api, by_label[recorder.label], interaction.response, None, tokens or {}, strict)
                found = elsewhere(found, answer)
            if node is not None and _not_implemented(node.value, interaction.response):
                found = [f for f in found if f.check != "not_a_server_error"]
            result.tally.add(replace(f, sources=(phase,)) for f in found)

    current = ["examples"]

    def sendable(ctx: Any, case: Any) -> bool:
        if deadline is not None and time.monotonic() >= deadline:
            return False  # --max-time ran out: the remaining cases are not sent
        if guard.is_broken(case.operation.label) is not None:
            guard.skip(case.operation.method.upper(), case.operation.path, case.operation.label)
            return False
        return sendable_over_http(ctx, case)

    def not_cut(ctx: Any, failure: Any, case: Any, response: Any) -> bool:
        """A built-in check's failure on the guard's own answer is not the target's: dropped."""
        return not _header(response, MARKER)

    schema: Any = schemathesis.openapi.from_dict(spec, config=schemathesis.Config.from_dict(config))
    if broken:
        schema = schema.exclude(name=broken)
    schema.config.base_url = root
    # hooks of this schema only, not Schemathesis' global dispatcher
    schema.hooks.register_hook_with_name(sendable, "filter_case")
    schema.hooks.register_hook_with_name(not_cut, "filter_failure")
    schema.hooks.register_hook_with_name(after_call, "after_call")
    schema.config.checks.update(included_check_names=list(CHECKS.names("schemathesis")))
    stream = from_schema(schema).execute()
    for event in stream:
        if deadline is not None and time.monotonic() >= deadline:
            stream.stop()
        if isinstance(event, events.PhaseStarted) and event.phase.name in {PhaseName(p) for p in PHASES}:
            current[0], phase_sent[0] = event.phase.name.value, 0
            tick(current[0])
        elif isinstance(event, events.ScenarioFinished):
            result.requests += len(event.recorder.interactions)
            scenario(event.recorder, event.phase.value)
        elif isinstance(event, events.NonFatalError):
            if guard.is_broken(event.label) is not None or (deadline is not None and time.monotonic() >= deadline):
                continue  # its cases were not sent (the hook refused them all): the guard's record says why
            text = str(event.info)
            if "ContentDecodingError" in text:  # the answer is the server's fault, not the run's: the harness's
                # own requests read the same answers and report them (not_a_server_error)
                result.notes.append(f"Schemathesis could not decode some answers of {event.label}: {event.info.title}")
                continue
            raise TargetError(
                f"Schemathesis could not test {event.label}: {event.info.title}: {text.splitlines()[0] if text else ''}"
            )
        elif isinstance(event, events.PhaseFinished) and event.phase.name in {PhaseName(p) for p in PHASES}:
            tick(event.phase.name.value, f"phase {event.phase.name.value}: {event.status.value}")
        elif isinstance(event, events.FatalError):
            raise TargetError(f"Schemathesis stopped: {event.exception}")
    # answers judged outside a recorded scenario (none expected): still reported, as fuzzing
    result.tally.add(replace(f, sources=("fuzzing",)) for found in vendor_found.values() for f in found)
    for label in by_label:
        if label not in broken:
            result.outcomes += [CheckOutcome(name, label) for name in _names()]
    return result


def _names() -> tuple[str, ...]:
    """The checks a Schemathesis run judges: its built-ins and the harness's."""
    return CHECKS.names("schemathesis", "harness")


def _why(guard: Guard, label: str) -> str:
    cut = guard.is_broken(label)
    return "answered over the size limit" if cut is not None and cut.kind == "too_big" else "timed out"
