"""Explicit cases: requests Schemathesis cannot make (known tokens, known ids, literal slashes).

Each case is a function ``(ctx) -> list[Finding]`` registered in ``CASES`` with the check it reports
under and the profile data it needs; without that data it is skipped with a reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from contracts import checks
from contracts.findings import CheckOutcome, Finding, spec_location
from contracts.profile import Profile
from contracts.target import BAD_TOKEN, Exchange, Target
from contracts.vendors import Situation, Vendor
from vendor_specs import Operation, OperationMatch, core_request, core_response, openapi_core_spec

__all__ = ["CASES", "Case", "CaseContext", "run_cases"]


@dataclass
class CaseContext:
    vendor: Vendor
    profile: Profile
    target: Target
    strict: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def api(self) -> str:
        return self.vendor.api

    @property
    def op(self) -> Operation:
        return self.target.operation(self.vendor.id_param)

    @property
    def label(self) -> str:
        return f"{self.op.method} {self.op.path}"

    def token(self, role: str) -> str | None:
        return self.profile.token(role)

    def send(self, ident: str | None, role: str | None, *, literal: bool = False, token: str | None = None) -> Exchange:
        if token is None and role is not None:
            token = self.profile.token(role)
        return self.target.send(self.op, self.vendor.id_param, ident, token=token, role=role, literal=literal)

    def finding(self, check: str, message: str, ex: Exchange, *where: str | int) -> Finding:
        return Finding(
            check=check,
            operation=self.label,
            message=message,
            location=spec_location(self.api, self.op.path, self.op.method, *where),
            curl=ex.curl(),
            status=ex.status,
        )

    def response_checks(self, ex: Exchange) -> list[Finding]:
        """The checks every answer gets: spec conformance, error contract, secrets, consistency, identity."""
        if ex.error is not None:
            return [
                self.finding(
                    "timeout" if "timeout" in ex.error else "not_a_server_error",
                    f"{ex.method} {ex.url}: {ex.error}",
                    ex,
                )
            ]
        assert ex.status is not None
        out = [self.finding(check, msg, ex, *where) for check, msg, where in self._openapi_errors(ex)]
        body = ex.json()
        for name, problems in (
            ("error_contract", checks.error_contract(self.op, ex.status, ex.media_type, body, self.strict)),
            ("secrets", checks.secrets(self.api, body)),
            ("consistency", checks.consistency(self.api, self.op, ex.status, body)),
            ("identity", checks.identity(self.api, ex.requested_id, ex.status, body)),
        ):
            out += [self.finding(name, p.message, ex, *p.where) for p in problems]
        return out

    def _openapi_errors(self, ex: Exchange) -> list[tuple[str, str, tuple[str | int, ...]]]:
        path_params: dict[str, str] = {}
        query: dict[str, str] = {}
        for p in self.op.parameters:
            if p["name"] == self.vendor.id_param and ex.requested_id is not None:
                (path_params if p["in"] == "path" else query)[p["name"]] = ex.requested_id
        request = core_request(OperationMatch(self.op, path_params), query=query, headers=ex.headers)
        response = core_response(ex.status or 0, ex.body, ex.content_type)
        result = openapi_core_spec(self.api).unmarshal_response(request, response)
        return [_classify(e, ex.status or 0) for e in result.errors]

    def expect(self, check: str, ex: Exchange, situation: Situation, what: str) -> list[Finding]:
        """``ex`` must be answered as the spec's example for ``situation`` (status, shape, message)."""
        _, status, example = checks.example_for(self.api, situation)
        if ex.error is not None:
            return []  # reported once, as `timeout` or `not_a_server_error`, by response_checks
        if ex.status != status:
            return [self.finding(check, f"{what}: expected {status}, got {ex.status}", ex, "responses", status)]
        body = ex.json()
        problems = checks.error_contract(self.op, status, ex.media_type, body, strict=False)
        out = [self.finding(check, f"{what}: {p.message}", ex, *p.where) for p in problems]
        if not out and situation.exact_message and self.strict:
            want, got = checks.message_of(example), checks.message_of(body)
            if want is not None and got != want:
                out.append(self.finding(check, f"{what}: detail {got!r}, documented {want!r}", ex, "responses", status))
        return out


def _classify(error: Exception, status: int) -> tuple[str, str, tuple[str | int, ...]]:
    """openapi-core's error as (check, message, spec location): the same names Schemathesis uses."""
    from openapi_core.templating.media_types.exceptions import MediaTypeNotFound
    from openapi_core.templating.responses.exceptions import ResponseNotFound

    chain = [error, error.__cause__]
    if any(isinstance(e, ResponseNotFound) for e in chain):
        return "status_code_conformance", f"undocumented status {status}", ("responses",)
    if any(isinstance(e, MediaTypeNotFound) for e in chain):
        return "content_type_conformance", _describe(error), ("responses", status, "content")
    return (
        "response_schema_conformance",
        _describe(error),
        ("responses", status, "content", "application/json", "schema"),
    )


def _describe(error: Exception) -> str:
    cause = error.__cause__ or error
    inner = getattr(cause, "schema_errors", None)
    if inner:
        return "; ".join(getattr(e, "message", str(e)) for e in inner)
    return str(cause)


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
        if p["name"] == ctx.vendor.id_param:
            examples = p.get("examples") or {}
            if examples:
                return str(next(iter(examples.values()))["value"])
            return str(p.get("example", "contracts-model"))
    return "contracts-model"  # pragma: no cover


def auth_case(ctx: CaseContext) -> list[Finding]:
    ident = probe_id(ctx)
    ex = ctx.send(ident, None)
    out = ctx.expect("auth", ex, ctx.vendor.no_credentials, "request without credentials") + ctx.response_checks(ex)
    ex = ctx.send(ident, "invalid", token=BAD_TOKEN)
    out += ctx.expect(
        "auth", ex, ctx.vendor.bad_credentials, "request with an invalid credential"
    ) + ctx.response_checks(ex)
    return out


def not_found_case(ctx: CaseContext) -> list[Finding]:
    ident = ctx.profile.model("missing") or "contracts-no-such-model-0000"
    ex = ctx.send(ident, "owner")
    return ctx.expect("error_contract", ex, ctx.vendor.not_found, f"missing model {ident!r}") + ctx.response_checks(ex)


def access_case(ctx: CaseContext) -> list[Finding]:
    own = ctx.profile.model("own")
    ex = ctx.send(own, "stranger")
    out = ctx.expect("access_control", ex, ctx.vendor.denied, f"`stranger` reading models.own {own!r}")
    out += ctx.response_checks(ex)
    ex = ctx.send(own, "owner")
    if ex.error is None and ex.status != 200:
        out.append(
            ctx.finding(
                "access_control",
                f"`owner` reading models.own {own!r}: expected 200, got {ex.status or ex.error}",
                ex,
                "responses",
                200,
            )
        )
    out += ctx.response_checks(ex)
    if ctx.vendor.extra_cases is not None:
        out += list(ctx.vendor.extra_cases(ctx))
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
                out.append(
                    ctx.finding(
                        "identity",
                        f"models.{role} {ident!r} sent {form}: expected 200, got {ex.status or ex.error}",
                        ex,
                        "responses",
                        200,
                    )
                )
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
            out.append(ctx.finding("not_a_server_error", f"id {ident[:40]!r} answered {ex.status}", ex, "responses"))
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


def run_cases(ctx: CaseContext) -> tuple[list[Finding], list[CheckOutcome]]:
    findings: list[Finding] = []
    outcomes: list[CheckOutcome] = []
    for case in CASES:
        missing = [f"tokens.{t}" for t in case.needs_tokens if ctx.profile.token(t) is None]
        missing += [f"models.{m}" for m in case.needs_models if ctx.profile.model(m) is None]
        if missing:
            outcomes.append(CheckOutcome(case.check, ctx.label, skipped=f"the profile has no {', '.join(missing)}"))
            continue
        outcomes.append(CheckOutcome(case.check, ctx.label))
        findings += case.run(ctx)
    return findings, outcomes
