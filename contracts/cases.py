"""Explicit cases: requests Schemathesis cannot make (known tokens, known ids, literal slashes).

Each case is a function ``(ctx) -> list[Finding]`` registered in ``CASES`` with the check it reports
under and the profile data it needs; without that data it is skipped with a reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from contracts import checks
from contracts.findings import CheckOutcome, Finding
from contracts.observed import Observed
from contracts.profile import Profile
from contracts.target import BAD_TOKEN, Exchange, Target
from vendor_specs import (
    Operation,
    OperationMatch,
    Situation,
    Violation,
    json_body_schema,
    message_field,
    message_of,
    model_facts,
    model_operation,
    response_violations,
    situation,
)

__all__ = ["CASES", "Case", "CaseContext", "run_cases"]


@dataclass
class CaseContext:
    api: str
    profile: Profile
    target: Target
    strict: bool
    findings: list[Finding] = field(default_factory=list)
    deadline: float | None = None  # time.monotonic() by which the run must stop (--max-time)
    seen_answers: dict[str, set[int]] = field(
        default_factory=dict
    )  # situation -> statuses seen, where several are allowed

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    @property
    def op(self) -> Operation:
        return model_operation(self.api)

    @property
    def id_param(self) -> str:
        return model_facts(self.api).id_parameter

    def situation(self, name: str) -> Situation:
        return situation(self.api, name)

    @property
    def label(self) -> str:
        return f"{self.op.method} {self.op.path}"

    def token(self, role: str) -> str | None:
        return self.profile.token(role)

    def send(self, ident: str | None, role: str | None, *, literal: bool = False, token: str | None = None) -> Exchange:
        if token is None and role is not None:
            token = self.profile.token(role)
        return self.target.send(self.op, self.id_param, ident, token=token, role=role, literal=literal)

    def observed(self, ex: Exchange) -> Observed:
        return ex.observed(self.api, self.op)

    def finding(self, check: str, message: str, ex: Exchange, *where: str | int, rule: str = "") -> Finding:
        """A finding of this case on ``ex``; ``rule`` names what the spec requires (e.g. the situation's status)."""
        return self.observed(ex).finding(check, message, *where, rule=rule)

    def problem(self, check: str, ex: Exchange, problem: checks.Problem, prefix: str = "") -> Finding:
        return self.observed(ex).problem(check, problem, prefix)

    def response_checks(self, ex: Exchange) -> list[Finding]:
        """The checks every answer gets: spec conformance, error contract, secrets, consistency, identity.

        An answer the guard cut (timeout, over the size limit) or did not send is reported once for the run
        by the runner, from the guard's record; one that never came (connection refused, not HTTP) here."""
        if ex.error is not None:
            if ex.cut in ("timeout", "too_big", "skipped"):
                return []
            return [self.finding("not_a_server_error", f"{ex.method} {ex.url}: {ex.error}", ex, rule="an answer")]
        assert ex.status is not None
        seen = self.observed(ex)
        out = [seen.violation(v) for v in self._openapi_errors(ex)]
        body = ex.json()
        for name, problems in (
            ("error_contract", checks.error_contract(self.op, ex.status, ex.media_type, body, self.strict)),
            ("secrets", checks.secrets(self.api, body)),
            ("consistency", checks.consistency(self.api, self.op, ex.status, body)),
            ("identity", checks.identity(self.api, ex.requested_id, ex.status, body)),
        ):
            out += [seen.problem(name, p) for p in problems]
        return out

    def _openapi_errors(self, ex: Exchange) -> list[Violation]:
        path_params: dict[str, str] = {}
        for p in self.op.parameters:
            if p["name"] == self.id_param and p["in"] == "path" and ex.requested_id is not None:
                path_params[p["name"]] = ex.requested_id
        return response_violations(OperationMatch(self.op, path_params), ex.status or 0, ex.body, ex.content_type)

    def expect(self, check: str, ex: Exchange, name: str, what: str) -> list[Finding]:
        """``ex`` must be answered as the spec's situation ``name`` says: one of its documented answers
        (status, body shape and, with --strict-messages, the example's message)."""
        allowed = self.situation(name)
        if ex.error is not None:
            return []  # reported once, as `timeout` or `not_a_server_error`, by response_checks
        answers = [a for a in allowed.answers if a.status == ex.status]
        want = " or ".join(str(s) for s in allowed.statuses())
        if not answers:
            message = f"{what}: expected {want}, got {ex.status}"
            return [self.finding(check, message, ex, "responses", allowed.preferred.status, rule=f"{name}: {want}")]
        status = answers[0].status
        if len(allowed.answers) > 1:
            self.seen_answers.setdefault(name, set()).add(status)
        body = ex.json()
        problems = checks.error_contract(self.op, status, ex.media_type, body, strict=False)
        out = [self.problem(check, ex, p, f"{what}: ") for p in problems]
        if not out and self.strict and all(a.exact_message for a in answers):
            schema = json_body_schema(self.op.responses[str(status)]) or {}
            wanted = [message_of(schema, a.body) for a in answers]
            got = message_of(schema, body)
            if None not in wanted and got not in wanted:
                shown = " or ".join(repr(w) for w in wanted)
                field = message_field(schema)
                problem = checks.Problem(
                    f"detail {got!r}, documented {shown}", ("responses", status), "documented message", field, got
                )
                out.append(self.problem(check, ex, problem, f"{what}: "))
        return out


@dataclass(frozen=True)
class Case:
    check: str
    needs_tokens: tuple[str, ...]
    needs_models: tuple[str, ...]
    run: Callable[[CaseContext], list[Finding]]


def probe_id(ctx: CaseContext) -> str:
    """An id to probe with: models.shared, else models.own, else the spec's documented example id."""
    return ctx.profile.model("shared") or ctx.profile.model("own") or _documented_id(ctx)


def _documented_id(ctx: CaseContext) -> str:
    for p in ctx.op.parameters:
        if p["name"] == ctx.id_param:
            examples = p.get("examples") or {}
            if examples:
                return str(next(iter(examples.values()))["value"])
            return str(p.get("example", "contracts-model"))
    return "contracts-model"  # pragma: no cover


def auth_case(ctx: CaseContext) -> list[Finding]:
    ident = probe_id(ctx)
    ex = ctx.send(ident, None)
    out = ctx.expect("auth", ex, "no_credentials", "request without credentials") + ctx.response_checks(ex)
    ex = ctx.send(ident, "invalid", token=BAD_TOKEN)
    out += ctx.expect("auth", ex, "bad_credentials", "request with an invalid credential") + ctx.response_checks(ex)
    return out


def not_found_case(ctx: CaseContext) -> list[Finding]:
    ident = ctx.profile.model("missing") or "contracts-no-such-model-0000"
    ex = ctx.send(ident, "owner")
    return ctx.expect("error_contract", ex, "not_found", f"missing model {ident!r}") + ctx.response_checks(ex)


def access_case(ctx: CaseContext) -> list[Finding]:
    own = ctx.profile.model("own")
    ex = ctx.send(own, "stranger")
    out = ctx.expect("access_control", ex, "denied", f"`stranger` reading models.own {own!r}")
    out += ctx.response_checks(ex)
    ex = ctx.send(own, "owner")
    if ex.error is None and ex.status != 200:
        message = f"`owner` reading models.own {own!r}: expected 200, got {ex.status or ex.error}"
        out.append(ctx.finding("access_control", message, ex, "responses", 200, rule="owner reads models.own: 200"))
    out += ctx.response_checks(ex)
    return out


def identity_case(ctx: CaseContext) -> list[Finding]:
    out: list[Finding] = []
    for role in ("own", "shared"):
        ident = ctx.profile.model(role)
        if ident is None:
            continue
        forms = (("with literal slashes", True), ("with %2F", False)) if "/" in ident else (("as is", False),)
        for form, literal in forms:
            ex = ctx.send(ident, "owner", literal=literal)
            if ex.error is None and ex.status != 200:
                message = f"models.{role} {ident!r} sent {form}: expected 200, got {ex.status or ex.error}"
                rule = f"an id sent {form}: 200"
                out.append(ctx.finding("identity", message, ex, "responses", 200, rule=rule))
            out += ctx.response_checks(ex)
    return out


#: ids real clients send and naive servers trip over: spaces, non-ASCII, percent signs, dot segments, length.
UNUSUAL_IDS = ("a b", "modèle-ünïcode", "100%", "../etc/passwd", "a:b@c", "x" * 300, "%2F", "\u0000")


def unusual_ids_case(ctx: CaseContext) -> list[Finding]:
    """Unusual ids are answered with a documented status, never a 5xx."""
    out: list[Finding] = []
    for ident in UNUSUAL_IDS:
        ex = ctx.send(ident, "owner" if ctx.profile.token("owner") else None)
        if ex.status is not None and ex.status >= 500:
            message = f"id {ident[:40]!r} answered {ex.status} (a server error)"
            out.append(ctx.finding("not_a_server_error", message, ex, "responses", rule="no 5xx"))
        out += ctx.response_checks(ex)
    return out


def secrets_case(ctx: CaseContext) -> list[Finding]:
    ex = ctx.send(ctx.profile.model("own"), "owner")
    return ctx.response_checks(ex)


CASES: tuple[Case, ...] = (
    Case("auth", (), (), auth_case),
    Case("not_a_server_error", (), (), unusual_ids_case),
    Case("error_contract", ("owner",), (), not_found_case),
    Case("access_control", ("owner", "stranger"), ("own",), access_case),
    Case("identity", ("owner",), ("own",), identity_case),
    Case("secrets", ("owner",), ("own",), secrets_case),
)


def run_cases(
    ctx: CaseContext, extra: tuple[Case, ...] = (), on_case: Callable[[int, int], None] | None = None
) -> tuple[list[Finding], list[CheckOutcome]]:
    """The shared cases, then ``extra`` (the vendor's own); a case without its profile data is skipped.
    ``on_case(done, total)`` is told after each case (a progress display)."""
    findings: list[Finding] = []
    outcomes: list[CheckOutcome] = []
    every = (*CASES, *extra)
    for done, case in enumerate(every, 1):
        if on_case is not None:
            on_case(done - 1, len(every))
        if ctx.out_of_time():
            outcomes.append(CheckOutcome(case.check, ctx.label, skipped="--max-time ran out before it"))
            continue
        cut = ctx.target.guard.is_broken(ctx.label)
        if cut is not None:
            why = "timed out" if cut.kind == "timeout" else "answered over the size limit"
            outcomes.append(CheckOutcome(case.check, ctx.label, skipped=f"not sent: {ctx.label} {why} before"))
            continue
        missing = [f"tokens.{t}" for t in case.needs_tokens if ctx.profile.token(t) is None]
        missing += [f"models.{m}" for m in case.needs_models if ctx.profile.model(m) is None]
        if missing:
            outcomes.append(CheckOutcome(case.check, ctx.label, skipped=f"the profile has no {', '.join(missing)}"))
            continue
        outcomes.append(CheckOutcome(case.check, ctx.label))
        findings += case.run(ctx)
    return findings, outcomes
