"""``run(config) -> RunResult``: the one entry point. The CLI, the pytest plugin and library users call it."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from contracts.baseline import Accepted, apply_baseline, load_baseline
from contracts.cases import CaseContext, probe_id, run_cases
from contracts.errors import ProfileError, TargetError, UsageError
from contracts.findings import CheckOutcome, Finding
from contracts.fuzz import fuzz
from contracts.profile import Profile, load_profile
from contracts.target import BAD_TOKEN, Exchange, Target, root_url
from contracts.vendors import harness_vendor
from vendor_specs import APIS

__all__ = ["DEFAULT_MAX_EXAMPLES", "RunConfig", "RunResult", "run", "validate_config"]

DEFAULT_MAX_EXAMPLES = 100
DEFAULT_TIMEOUT = 10.0


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
    progress: Callable[[str], None] | None = None


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

    @property
    def failures(self) -> list[Finding]:
        """Findings not accepted by the baseline: these fail the run."""
        return [f for f in self.findings if f.accepted is None]

    @property
    def accepted(self) -> list[Finding]:
        return [f for f in self.findings if f.accepted is not None]

    @property
    def skipped(self) -> list[CheckOutcome]:
        return [o for o in self.outcomes if o.skipped]

    @property
    def exit_code(self) -> int:
        return 1 if self.failures else 0


def _resolve(config: RunConfig) -> tuple[Profile, str, list[Accepted]]:
    if config.api not in APIS:
        raise UsageError(f"unknown API {config.api!r}: choose one of {', '.join(APIS)}")
    profile = config.profile
    if isinstance(profile, (str, Path)):
        profile = load_profile(profile, api=config.api)  # a path, or a name such as "mock"
    if profile is None:
        profile = Profile(api=config.api)
    if profile.api != config.api:
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
    if config.timeout <= 0:
        raise UsageError(f"--timeout must be positive, got {config.timeout}")
    root_url(base_url, config.api)  # a malformed URL or port is a usage problem, before any request
    return profile, base_url, list(baseline or [])


def validate_config(config: RunConfig) -> None:
    """Raise :class:`ContractsError` if ``config`` cannot make a run (bad options, profile, baseline or URL).
    Sends no request: the pytest plugin calls it at configure time to turn these into usage errors."""
    _resolve(config)


def _preflight(target: Target, ctx: CaseContext) -> None:
    """One request before anything else: a target that is down, hangs or is not HTTP stops the run (exit 2)."""
    ex = ctx.send(probe_id(ctx), "owner" if ctx.profile.token("owner") else None)
    if ex.error is None:
        return
    if "timeout" in ex.error:
        raise TargetError(
            f"target {target.base_url} did not answer within {target.timeout:g} s (GET {ex.url}); is it hanging? raise --timeout if it is just slow"
        )
    raise TargetError(f"target {target.base_url}: {ex.error}")


def _refused_as_invalid(ex: Exchange, invalid: Exchange, api: str, ctx: CaseContext) -> bool:
    """``ex`` is refused exactly as the invalid credential ``invalid`` is: the spec's bad-credential status and
    the same body (or, where the documented message names the credential, the same body shape)."""
    refusal = ctx.situation("bad_credentials")
    if ex.error is not None or ex.status not in refusal.statuses() or invalid.status != ex.status:
        return False
    if all(answer.exact_message for answer in refusal.answers if answer.status == ex.status):
        return ex.body == invalid.body
    a, b = ex.json(), invalid.json()
    return isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b)


#: the models each token role may read, by the profile's definition (tokens.stranger may read models.shared only)
_READABLE = {
    "owner": ("own", "shared"),
    "reader": ("own", "shared"),
    "admin": ("own", "shared"),
    "stranger": ("shared",),
}


def _probe_credentials(ctx: CaseContext, owner_source: str) -> None:
    """Are the profile's tokens valid at all? If the server refuses a token on every model the profile says it
    may read (owner, reader, admin: models.own and models.shared; stranger: models.shared), exactly as it
    refuses a made-up credential (the spec's bad-credential status and the same answer), the token is the
    problem, not the server: exit 2 naming the profile key (``tokens.owner``, or ``--token``).

    A server that refuses the owner with another answer (Open WebUI's 401 ``Access prohibited``, Respan's
    403, SELISE's 422) or serves it one of the models is judged by the checks (``access_control``, exit 1);
    a server that ignores credentials serves the token and is judged too. The one case this cannot tell
    apart is a server that refuses *every* valid credential as invalid: it looks exactly like a bad token,
    and exit 2 with "check the token" is the honest verdict."""
    invalid: Exchange | None = None
    for role, readable in _READABLE.items():
        models = [m for m in (ctx.profile.model(r) for r in readable) if m is not None]
        if ctx.profile.token(role) is None or not models:
            continue
        if invalid is None:
            invalid = ctx.send(models[0], "invalid", token=BAD_TOKEN)
        if all(_refused_as_invalid(ctx.send(ident, role), invalid, ctx.api, ctx) for ident in models):
            source = owner_source if role == "owner" else f"tokens.{role}"
            raise ProfileError(
                f"profile {ctx.profile.source}: the server refuses {source} as an invalid credential "
                f"(HTTP {invalid.status}, the same answer as a made-up token) on "
                f"{', '.join(repr(m) for m in models)}; the token is wrong or expired: put a valid one in "
                f"{source} (or its ${{ENV_VAR}})"
            )


def run(config: RunConfig) -> RunResult:
    """Check the live server described by ``config`` against its vendor spec. Raises ContractsError (exit 2)."""
    profile, base_url, accepted = _resolve(config)
    progress = config.progress or (lambda line: None)
    seed = config.seed if config.seed is not None else random.randrange(2**31)
    started = time.monotonic()
    target = Target(config.api, base_url, config.timeout)
    result = RunResult(api=config.api, base_url=base_url, root=target.root, seed=seed, profile=profile.source)
    try:
        vendor = harness_vendor(config.api)
        ctx = CaseContext(config.api, profile, target, config.strict_messages)
        _preflight(target, ctx)
        _probe_credentials(ctx, "--token" if config.token is not None else "tokens.owner")
        progress(f"target {target.root} answers; running explicit cases")
        findings, outcomes = run_cases(ctx, vendor.CASES)
        result.findings += findings
        result.outcomes += outcomes
        # every explicit request is timed; a run that got here without a timeout finding passed `timeout`
        result.outcomes.append(CheckOutcome("timeout", ctx.label))
        progress(f"explicit cases: {len(findings)} finding(s), {target.requests} request(s)")
        if config.property_based:
            progress(
                f"Schemathesis: phases examples, coverage, fuzzing (max {config.max_examples} examples, seed {seed})"
            )
            fuzzed = fuzz(
                config.api,
                target.root,
                token=profile.token("owner"),
                max_examples=config.max_examples,
                seed=seed,
                timeout=config.timeout,
                strict=config.strict_messages,
                progress=progress,
            )
            result.findings += fuzzed.findings
            result.outcomes += fuzzed.outcomes
            result.requests += fuzzed.requests
        else:
            result.outcomes.append(CheckOutcome("schemathesis", "*", skipped="property-based testing disabled"))
    finally:
        target.close()
    result.requests += target.requests
    result.findings = _dedupe(result.findings)
    result.findings, result.stale_baseline = apply_baseline(result.findings, accepted)
    result.seconds = time.monotonic() - started
    return result


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    out = []
    for f in findings:
        key = (f.check, f.operation, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
