"""``run(config) -> RunResult``: the one entry point. The CLI, the pytest plugin and library users call it."""

from __future__ import annotations

import random
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from contracts.baseline import Accepted, apply_baseline, load_baseline
from contracts.cases import CaseContext, probe_id, run_cases
from contracts.diagnosis import Diagnosis, diagnose
from contracts.errors import ContractsError, ProfileError, TargetError, UsageError
from contracts.findings import CheckOutcome, Finding, curl_command, request_excerpt, spec_location
from contracts.fuzz import fuzz
from contracts.guard import AnswerKind, Guard
from contracts.merge import Tally
from contracts.overlayfit import OverlayFit, fits
from contracts.profile import Profile, load_profile
from contracts.progress import Progress, ProgressReporter
from contracts.reach import PERMANENT, cannot_reach
from contracts.target import BAD_TOKEN, Attempt, Target, root_url, shape_of
from contracts.vendors import vendor_cases
from vendor_specs import SpecError, operations, placements, require_api, rules, spec_key, vendor_of

__all__ = [
    "DEFAULT_MAX_EXAMPLES",
    "FAIL_ON",
    "RunConfig",
    "RunResult",
    "parse_header",
    "run",
    "unjudged",
    "validate_config",
]

DEFAULT_MAX_EXAMPLES = 100
FAIL_ON = ("failure", "warning")  # the lowest severity that fails a run
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_BODY_MB = 16.0


@dataclass
class RunConfig:
    """What to check and how. ``profile`` and ``baseline`` may be paths or already-loaded objects."""

    api: str
    base_url: str | None = None
    profile: Profile | str | Path | None = None
    token: str | None = None  # overrides tokens.owner (or is the only token without a profile)
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    strict_messages: bool = False
    baseline: list[Accepted] | str | Path | None = None
    property_based: bool = True  # False: explicit cases only (fast)
    progress: ProgressReporter | None = None  # told what the run is doing (contracts.progress.Progress)
    max_body_mb: float = DEFAULT_MAX_BODY_MB  # answers' bodies are read up to this size; larger ones are cut
    max_time: float | None = None  # seconds for the whole run; when they run out it stops with what it has
    wait: float | None = None  # seconds to wait for the target to answer at all before the checks start
    headers: Mapping[str, str] = field(default_factory=dict)  # added to every request (e.g. a gateway token)
    overlay: str | Path | None = None  # judge against this implementation's overlay (a shipped name or a file)
    fail_on: str = "failure"  # "warning": warnings fail the run too


@dataclass
class RunResult:
    api: str
    base_url: str
    root: str
    seed: int
    profile: str
    findings: list[Finding] = field(default_factory=list)
    outcomes: list[CheckOutcome] = field(default_factory=list)
    stale_baseline: list[Accepted] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)  # what the run did not do, and why (skipped requests)
    observations: list[str] = field(default_factory=list)  # which of several allowed answers the server gave
    incomplete: str | None = None  # why the run stopped early (--max-time), if it did
    diagnoses: list[Diagnosis] = field(default_factory=list)  # the likely causes, when the answers show one
    answers: Counter[AnswerKind] = field(default_factory=Counter)  # every answer of the target, by kind
    fail_on: str = "failure"  # the lowest severity that fails the run (--fail-on)
    error: str | None = None  # why the run could not judge the target at all (exit 2), see unjudged()
    overlays: list[OverlayFit] = field(default_factory=list)  # shipped overlays that describe what was found

    @property
    def open(self) -> list[Finding]:
        """Findings not accepted by the baseline (one per cause; their consequences are listed under them)."""
        return [f for f in self.findings if f.accepted is None]

    @property
    def failures(self) -> list[Finding]:
        """The open findings that fail the run: failures, and warnings too with ``--fail-on warning``."""
        failing = ("failure", "warning") if self.fail_on == "warning" else ("failure",)
        return [f for f in self.open if f.severity in failing]

    @property
    def warnings(self) -> list[Finding]:
        """Open findings that break what the spec infers where the page is silent, or a text the page gives."""
        return [f for f in self.open if f.severity == "warning"]

    @property
    def accepted(self) -> list[Finding]:
        return [f for f in self.findings if f.accepted is not None]

    @property
    def skipped(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.skipped]

    @property
    def exit_code(self) -> int:
        """2 when the target is not the API (a diagnosis says so: a web app, no such path, a login); else 1 when
        failures were found; else 2 when the run could not judge the target or finish (--max-time); else 0."""
        if self.not_the_api:
            return 2
        return 1 if self.failures else 2 if self.incomplete or self.error else 0

    @property
    def not_the_api(self) -> bool:
        """A diagnosis says the target is not the API: its findings are that, not the server's contract."""
        return any(d.not_the_api for d in self.diagnoses)


def _resolve(config: RunConfig) -> tuple[str, Profile, str, list[Accepted]]:
    require_api(config.api, UsageError)
    try:
        key = spec_key(config.api, config.overlay)  # the spec the run judges by: the page's, or an overlay's
    except SpecError as exc:
        raise UsageError(str(exc)) from None
    vendor = vendor_of(key)
    profile = config.profile
    if isinstance(profile, (str, Path)):
        profile = load_profile(profile, api=vendor)  # a path, or a name such as "mock"
    if profile is None:
        profile = Profile(api=vendor)
    if profile.api != vendor:
        raise UsageError(
            f"profile {profile.source} is for {profile.api!r}, but --api is {config.api!r}; pass the matching profile"
        )
    if config.token is not None:
        profile = Profile(
            profile.api, profile.base_url, {**profile.tokens, "owner": config.token}, profile.models, profile.source
        )
    base_url = config.base_url or profile.base_url
    if not base_url:
        raise UsageError("no base URL: pass --base-url URL or set base_url in the profile")
    baseline = config.baseline
    if isinstance(baseline, (str, Path)):
        baseline = load_baseline(baseline)
    if config.max_examples < 1:
        raise UsageError(f"--max-examples must be at least 1, got {config.max_examples}")
    if not config.timeout > 0:
        raise UsageError(f"--timeout must be positive, got {config.timeout}")
    if not config.max_body_mb > 0:
        raise UsageError(f"--max-body-mb must be positive, got {config.max_body_mb:g}")
    if config.max_time is not None and not config.max_time > 0:
        raise UsageError(f"--max-time must be positive, got {config.max_time:g}")
    if config.wait is not None and not config.wait > 0:
        raise UsageError(f"--wait must be positive, got {config.wait:g}")
    if config.fail_on not in FAIL_ON:
        raise UsageError(f"--fail-on must be one of {', '.join(FAIL_ON)}, got {config.fail_on!r}")
    for name, value in config.headers.items():
        if not _TOKEN.fullmatch(name) or "\r" in value or "\n" in value:
            raise UsageError(f"header {name!r}: not a valid header name and value; pass -H 'Name: value'")
    root_url(base_url, key)  # a malformed URL or port is a usage problem, before any request
    return key, profile, base_url, list(baseline or [])


_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")  # RFC 9110 token: a header field name


def parse_header(text: str) -> tuple[str, str]:
    """``'Name: value'`` (curl's -H form) -> (name, value); :class:`UsageError` for anything else."""
    name, colon, value = text.partition(":")
    if not colon or not _TOKEN.fullmatch(name.strip()):
        raise UsageError(f"-H {text!r} is not 'Name: value' (e.g. -H 'X-Gateway-Token: abc')")
    return name.strip(), value.strip()


def validate_config(config: RunConfig) -> None:
    """Raise :class:`ContractsError` if ``config`` cannot make a run (bad options, profile, baseline or URL).
    Sends no request: the pytest plugin calls it at configure time to turn these into usage errors."""
    _resolve(config)


def _wait_for(target: Target, ctx: CaseContext, seconds: float, progress: ProgressReporter) -> None:
    """Until ``seconds`` pass, send the first request again and again while the target does not answer at all
    (nothing listening yet, or no status line within --timeout): a server that is still starting."""
    progress(Progress("waiting", f"waiting up to {seconds:g} s for {target.root} to answer"))
    deadline = time.monotonic() + seconds
    while True:
        ex = ctx.send(probe_id(ctx), "owner" if ctx.profile.token("owner") else None)
        silent = ex.cut == "unreachable" or (ex.cut == "timeout" and "no status line" in (ex.error or ""))
        if not silent:
            return
        if ex.cut == "unreachable" and ex.cause in PERMANENT:  # waiting does not make a name resolve
            raise TargetError(cannot_reach(target.base_url, ex.cause, ex.error or ""))
        if time.monotonic() + 0.25 >= deadline:
            why = cannot_reach(target.base_url, ex.cause, ex.error or "") if ex.cut == "unreachable" else ex.error
            raise TargetError(
                f"target {target.base_url} did not answer within --wait {seconds:g} s ({why}); "
                "is it starting at all? see its log, or raise --wait"
            )
        time.sleep(0.25)


def _preflight(target: Target, ctx: CaseContext) -> None:
    """One request before anything else: a target that is down, does not speak HTTP, or sends not even a status
    line within the timeout stops the run (exit 2). One that answers, however slowly, is judged (``timeout``)."""
    ex = ctx.send(probe_id(ctx), "owner" if ctx.profile.token("owner") else None)
    if ex.cut == "timeout" and "no status line" in (ex.error or ""):
        raise TargetError(
            f"target {target.base_url} did not answer within {target.timeout:g} s (GET {ex.url}); is it hanging? raise --timeout if it is just slow"
        )
    if ex.cut == "unreachable":
        raise TargetError(cannot_reach(target.base_url, ex.cause, ex.error or ""))
    if ex.cut == "not_http":
        raise TargetError(f"target {target.base_url}: {ex.url} {ex.error}")


def _refused_as_invalid(ex: Attempt, invalid: Attempt, api: str, ctx: CaseContext) -> bool:
    """``ex`` is refused exactly as the invalid credential ``invalid`` is: the spec's bad-credential status and
    the same body (or, where the documented message names the credential, the same body shape)."""
    refusal = ctx.situation("bad_credentials")
    if ex.error is not None or ex.status not in refusal.statuses() or invalid.status != ex.status:
        return False
    if all(answer.exact_message for answer in refusal.answers if answer.status == ex.status):
        return ex.body == invalid.body
    a, b = ex.json(), invalid.json()
    return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b)


def _readable(api: str, role: str) -> tuple[str, ...]:
    """The profile's models the page's rules say ``role`` may read (a rule predicts 200 for it)."""
    return tuple(
        model
        for model in ("own", "shared")
        if any(r.expect and r.expect.status == 200 and r.selects(role, model, False) for r in rules(api))
    )


def _probe_credentials(ctx: CaseContext, owner_source: str) -> None:
    """Are the profile's tokens valid at all? If the server refuses a token on every model the profile says it
    may read (by the page's rules: a rule predicts it 200), exactly as it
    refuses a made-up credential (the spec's bad-credential status and the same answer), the token is the
    problem, not the server: exit 2 naming the profile key (``tokens.owner``, or ``--token``).

    A server that refuses the owner with another answer (Open WebUI's 401 ``Access prohibited``, Respan's
    403, SELISE's 422) or serves it one of the models is judged by the checks (``access_control``, exit 1);
    a server that ignores credentials serves the token and is judged too. The one case this cannot tell
    apart is a server that refuses *every* valid credential as invalid: it looks exactly like a bad token,
    and exit 2 with "check the token" is the honest verdict."""
    invalid: dict[str, Attempt] = {}  # per placement: how a made-up credential is refused there
    places = placements(ctx.api, ctx.op)
    for role in ctx.profile.tokens:
        models = [m for m in (ctx.profile.model(r) for r in _readable(ctx.api, role)) if m is not None]
        token = ctx.profile.token(role)
        if token is None or not models:
            continue
        refused = True
        for place in places:  # a token that works in any place the spec allows is a valid token
            if place.scheme not in invalid:
                invalid[place.scheme] = ctx.send_in(models[0], BAD_TOKEN, "invalid", place)
            if not all(
                _refused_as_invalid(ctx.send_in(ident, token, role, place), invalid[place.scheme], ctx.api, ctx)
                for ident in models
            ):
                refused = False
                break
        if refused and places:
            first = invalid[places[0].scheme]
            source = owner_source if role == "owner" else f"tokens.{role}"
            raise ProfileError(
                f"profile {ctx.profile.source}: the server refuses {source} as an invalid credential "
                f"(HTTP {first.status}, the same answer as a made-up token) on "
                f"{', '.join(repr(m) for m in models)}; the token is wrong or expired: put a valid one in "
                f"{source} (or its ${{ENV_VAR}})"
            )


def _secrets(profile: Profile) -> dict[str, str]:
    """Every credential the run sends -> the role it is shown as in reproductions."""
    return {BAD_TOKEN: "invalid token", **{token: f"{role} token" for role, token in profile.tokens.items()}}


def _cut_findings(api: str, guard: Guard, secrets: dict[str, str]) -> tuple[list[Finding], list[str]]:
    """One finding per operation and kind of cut (timeout, too big), and a note per operation whose requests
    were not sent because of it."""
    findings: list[Finding] = []
    seen: set[tuple[str, str | None]] = set()
    by_label = {op.label: op for op in operations(api)}
    for cut in guard.cuts:
        if cut.kind not in ("timeout", "too_big") or (cut.kind, cut.shape) in seen:
            continue
        seen.add((cut.kind, cut.shape))
        op = by_label.get(cut.shape or "")
        where = spec_location(api, op.path, op.method, "responses") if op else spec_location(api)
        findings.append(
            Finding(
                check="timeout" if cut.kind == "timeout" else "body_size",
                operation=cut.shape or f"{cut.method} {cut.url}",
                message=f"{cut.method} {cut.url}: {cut.describe(guard.timeout, guard.max_bytes)}",
                location=where,
                curl=curl_command(cut.method, cut.url, cut.headers, secrets),
                rule="within --timeout" if cut.kind == "timeout" else "within --max-body-mb",
                request=request_excerpt(cut.method, cut.url, cut.headers, secrets),
                sources=("guard",),
            )
        )
    notes = []
    for shape, cut in sorted(guard.broken.items()):
        why = "timed out" if cut.kind == "timeout" else "answered over the size limit"
        generated = guard.skipped.get(shape, 0)
        notes.append(
            f"{shape} {why}; after that no more of its requests were sent (explicit cases not run, "
            f"{'the Schemathesis phases not run' if not generated else f'{generated} generated request(s) not sent'}): "
            "one such answer judges it, and each more would cost the same again"
        )
    return findings, notes


def _strict(finding: Finding) -> Finding:
    """With --strict-messages a text the page gives verbatim is a contract: a different one fails."""
    if finding.severity == "warning" and finding.rule_id and finding.rule == "the page's text":
        return replace(finding, severity="failure")
    return finding


def _observations(ctx: CaseContext) -> list[str]:
    """Where the spec allows several answers to a situation, which one the server gave (and why both are fine)."""
    out = []
    for name, statuses in sorted(ctx.seen_answers.items()):
        allowed = ctx.situation(name)
        gave = " and ".join(str(s) for s in sorted(statuses))
        others = ", ".join(str(s) for s in allowed.statuses())
        out.append(
            f"{name} ({allowed.description}): the server answers {gave}; the spec allows {others}: {allowed.reason}"
        )
    return out


def _probe(
    api: str, ctx: CaseContext, secrets: dict[str, str], headers: Mapping[str, str], guard: Guard
) -> Callable[[str], str | None]:
    """``probe(base_url)``: what one request to another base URL answers, when it is a documented answer."""

    def probe(base_url: str) -> str | None:
        other = Target(api, base_url, guard, secrets, headers=headers)
        try:
            role = "owner" if ctx.profile.token("owner") else None
            ex = other.send(ctx.op, ctx.id_param, probe_id(ctx), token=ctx.profile.token(role or ""), role=role)
        finally:
            other.close()
        response = ctx.op.responses.get(str(ex.status)) or {}
        # a documented answer that a missing path cannot give (404 can: it says nothing)
        if ex.error is None and ex.status != 404 and ex.media_type in (response.get("content") or {}):
            return f"{ex.status} {ex.media_type}, as the spec documents (GET {ex.url}): that is the API"
        return None

    return probe


def unjudged(config: RunConfig, error: str) -> RunResult:
    """The result of a run that could not judge its target (``error``: why; exit 2), for the reports a CI job
    keeps: what ``config`` names (as much of it as resolves), no checks, ``error`` and ``incomplete`` saying why."""
    api, base_url, source = config.api, config.base_url or "", str(config.profile or "")
    root = base_url
    try:
        api, profile, base_url, _accepted = _resolve(config)
        source, root = profile.source, root_url(base_url, api)
    except (ContractsError, SpecError):
        pass  # the options themselves are what could not make a run: shown as given
    return RunResult(
        api=api,
        base_url=base_url,
        root=root,
        seed=config.seed if config.seed is not None else 0,
        profile=source,
        error=error,
        incomplete=f"the run could not judge the target: {error}",
    )


def run(config: RunConfig) -> RunResult:
    """Check the live server described by ``config`` against its vendor spec. Raises ContractsError (exit 2)."""
    api, profile, base_url, accepted = _resolve(config)
    report = config.progress or (lambda event: None)
    seed = config.seed if config.seed is not None else random.randrange(2**31)
    started = time.monotonic()
    deadline = None if config.max_time is None else started + config.max_time
    root = root_url(base_url, api)
    secrets = {**_secrets(profile), **{value: f"{name} value" for name, value in config.headers.items() if value}}
    guard = Guard(config.timeout, int(config.max_body_mb * 1024 * 1024), shape_of(api, root)).start()
    target = Target(api, base_url, guard, secrets, headers=config.headers)
    result = RunResult(
        api=api, base_url=base_url, root=target.root, seed=seed, profile=profile.source, fail_on=config.fail_on
    )
    tally = Tally()

    def say(phase: str, message: str = "", done: int = 0, total: int | None = None) -> None:
        report(Progress(phase, message, done, total, guard.requests, tally.size))

    try:
        extra = vendor_cases(api)
        ctx = CaseContext(api, profile, target, config.strict_messages, deadline=deadline)
        if config.wait is not None:
            _wait_for(target, ctx, config.wait, report)
        _preflight(target, ctx)
        _probe_credentials(ctx, "--token" if config.token is not None else "tokens.owner")
        say("explicit cases", f"target {target.root} answers; running explicit cases")
        findings, outcomes, unjudged = run_cases(
            ctx, extra, on_case=lambda done, total: say("explicit cases", "", done, total)
        )
        tally.add(findings)
        result.outcomes += outcomes
        result.notes += unjudged
        say("explicit cases", f"explicit cases: {tally.size} finding(s), {target.requests} request(s)")
        result.observations = _observations(ctx)
        if config.property_based and not ctx.out_of_time():
            say(
                "examples",
                f"Schemathesis: phases examples, coverage, fuzzing (max {config.max_examples} examples, seed {seed})",
            )
            fuzzed = fuzz(
                api,
                target.root,
                token=profile.token("owner"),
                max_examples=config.max_examples,
                seed=seed,
                guard=guard,
                strict=config.strict_messages,
                secrets=secrets,
                tokens={BAD_TOKEN: "invalid", **{token: role for role, token in profile.tokens.items()}},
                deadline=deadline,
                headers=dict(config.headers),
                progress=report,
                tally=tally,
            )
            result.outcomes += fuzzed.outcomes
            result.requests += fuzzed.requests
            result.notes += fuzzed.notes
        elif not config.property_based:
            result.outcomes.append(CheckOutcome("schemathesis", "*", skipped="property-based testing disabled"))
        if ctx.out_of_time():
            result.incomplete = (
                f"--max-time {config.max_time:g} s ran out after {target.requests + result.requests} request(s); "
                "the checks listed ran, the rest did not"
            )
        cut_findings, cut_notes = _cut_findings(api, guard, secrets)
        result.notes += cut_notes
        tally.add(cut_findings)
        result.findings = [_strict(f) for f in tally.findings()] if config.strict_messages else tally.findings()
        result.answers = Counter(guard.answers)
        probe = None if ctx.out_of_time() else _probe(api, ctx, secrets, config.headers, guard)
        result.diagnoses = diagnose(api, target.root, result.answers, result.findings, probe)
    finally:
        target.close()
        guard.close()
    # every request went through the guard; checks that ran without a cut passed
    for check in ("timeout", "body_size"):
        result.outcomes.append(CheckOutcome(check, ctx.label))
    result.requests += target.requests
    result.findings, result.stale_baseline = apply_baseline(result.findings, accepted)
    result.overlays = [] if result.not_the_api else fits(api, result.findings)
    result.seconds = time.monotonic() - started
    return result
