"""The harness's own requests (:mod:`contracts.plan`), sent and judged by every registered check.

Each answer becomes a :class:`~contracts.reply.Reply` carrying the rules that predict it; every check of
:data:`~contracts.registry.CHECKS` with a judge judges it. Requests of one scenario (the same caller reading the
same model) must get the same answer however the credential and the id are written: a deviation seen in only
some of them is the rule of what differs (the id's form, the credential's place, which of two credentials
decides), not of the scenario. A vendor module may add cases of its own (:class:`Case`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from contracts.checks import CHECKS
from contracts.expect import describe
from contracts.findings import CheckOutcome, Finding
from contracts.observed import Observed
from contracts.plan import Probe, forged_token, plan, predicted_statuses, predictions
from contracts.profile import Profile
from contracts.reply import Prediction, Problem, Reply
from contracts.target import BAD_TOKEN, Attempt, Target
from vendor_specs import (
    Credential,
    Operation,
    Situation,
    json_pointer,
    model_facts,
    model_operation,
    placements,
    rule_at,
    rules,
    situation,
)

__all__ = ["Case", "CaseContext", "elsewhere", "judge", "probe_id", "run_cases", "without_id"]

ANOTHER_SPELLING = "the page does not say that ids differing only so are different models"
NO_ID = "the page documents no answer to a request without the id"


def elsewhere(found: list[Finding], reply: Reply) -> list[Finding]:
    """The findings on a request whose id is an empty path segment: `/models/` is another path (the list of the
    same API, the framework's own 404 page, a merged `//`), so only the model itself answered there breaks the rule
    that the id is required; any other answer there is judged for server errors only."""
    return found if reply.is_model else [f for f in found if f.check == "not_a_server_error"]


def without_id(finding: Finding) -> Finding:
    """A finding on a request naming no model: an undocumented refusal (a 4xx) is the page's silence, a warning."""
    refused = finding.check == "status_code_conformance" and 400 <= (finding.status or 0) < 500
    return finding.as_warning(NO_ID) if refused else finding


@dataclass
class CaseContext:
    api: str  # the spec key the run judges by
    profile: Profile
    target: Target
    strict: bool
    findings: list[Finding] = field(default_factory=list)
    deadline: float | None = None  # time.monotonic() by which the run must stop (--max-time)
    seen_answers: dict[str, set[int]] = field(default_factory=dict)  # situation -> statuses, where several are allowed

    def out_of_time(self) -> bool:
        return self.deadline is not None and time.monotonic() >= self.deadline

    @property
    def op(self) -> Operation:
        return model_operation(self.api)

    @property
    def id_param(self) -> str:
        return model_facts(self.api).id_parameter

    @property
    def id_in_path(self) -> bool:
        """Whether the id is a path segment (else a query parameter)."""
        return any(p["name"] == self.id_param and p["in"] == "path" for p in self.op.parameters)

    def situation(self, name: str) -> Situation:
        return situation(self.api, name)

    @property
    def label(self) -> str:
        return self.op.label

    def token(self, caller: str) -> str | None:
        """The credential ``caller`` sends: none, the made-up one, or the profile's token of that role."""
        return BAD_TOKEN if caller == "invalid" else self.profile.token(caller)

    def send(self, ident: str | None, role: str | None, *, literal: bool = False, token: str | None = None) -> Attempt:
        if token is None and role is not None:
            token = self.profile.token(role)
        return self.target.send(self.op, self.id_param, ident, token=token, role=role, literal=literal)

    def send_in(self, ident: str, token: str, role: str, place: Credential) -> Attempt:
        """``ident`` read with ``token`` (of ``role``) where ``place`` puts a credential."""
        return self.target.send(self.op, self.id_param, ident, placed=[(place, token, role)])

    def send_probe(self, probe: Probe, where: dict[str, Credential]) -> Attempt:
        ident: str | None = probe.ident
        if probe.model == "none":  # no id at all: a query parameter left out, a path segment left empty
            ident = "" if self.id_in_path else None
        placed = []
        for place, caller in probe.sent:
            token = forged_token(self.profile, probe.forged) if probe.forged else self.token(caller)
            if token is not None:
                placed.append((where[place], token, "invalid" if caller == "invalid" else caller))
        return self.target.send(self.op, self.id_param, ident, literal=probe.literal, placed=placed)

    def observed(self, ex: Attempt) -> Observed:
        return ex.observed(self.api, self.op)

    def finding(self, check: str, message: str, ex: Attempt, *where: str | int, rule: str = "") -> Finding:
        """A finding of ``check`` on ``ex``; ``rule`` names what the spec requires (e.g. the situation's status)."""
        return self.observed(ex).finding(check, message, *where, rule=rule)

    def reply(
        self, ex: Attempt, caller: str | None = None, model: str | None = None, probe: Probe | None = None
    ) -> Reply:
        """``ex``'s answer as the checks see it."""
        assert ex.status is not None
        predicted = predictions(self.api, probe) if probe is not None else ()
        path_params = {}
        for p in self.op.parameters:
            if p["name"] == self.id_param and p["in"] == "path" and ex.requested_id is not None:
                path_params[p["name"]] = ex.requested_id
        return Reply(
            self.api,
            self.op,
            ex.status,
            ex.content_type,
            ex.body,
            ex.requested_id,
            caller,
            model,
            # the credential the answer is for (of two callers' at once, the one the page says decides: the caller)
            self._credential(caller, probe, ex.status, predicted),
            self.strict,
            "explicit",
            predicted,
            path_params,
            probe,
            self._others(caller, probe),
        )

    def _others(self, caller: str | None, probe: Probe | None) -> tuple[tuple[str, str], ...]:
        """The profile's tokens this request did not carry: no answer to it may show one."""
        sent = {c for _, c in probe.sent} if probe is not None else {caller}
        return tuple((role, token) for role, token in self.profile.tokens.items() if token and role not in sent)

    def _credential(
        self, caller: str | None, probe: Probe | None, status: int, predicted: tuple[Prediction, ...]
    ) -> str | None:
        if caller in (None, "anonymous"):
            return None
        if probe is not None and probe.forged:
            return forged_token(self.profile, probe.forged)
        if probe is not None and probe.mixed and status not in predicted_statuses(self.api, predicted):
            return None  # the server decided by the other credential: the rule of which decides says so, not more
        return self.token(caller)

    def response_checks(self, ex: Attempt) -> list[Finding]:
        """Every check on ``ex``'s answer (a vendor case's own request: no rule predicts it). An answer the guard
        cut (timeout, over the size limit) or did not send is reported once for the run by the runner, from the
        guard's record; one that never came (connection refused, not HTTP) here."""
        if ex.error is not None:
            if ex.cut in ("timeout", "too_big", "skipped"):
                return []
            return [self.finding("not_a_server_error", f"{ex.method} {ex.url}: {ex.error}", ex, rule="an answer")]
        seen = self.observed(ex)
        return [seen.problem(check, problem) for check, problem in judge(self.reply(ex))]


def judge(reply: Reply) -> list[tuple[str, Problem]]:
    """Every registered check with a judge, on ``reply``: (check, problem) for each problem."""
    return [(check.name, problem) for check in CHECKS.judges() if check.judge for problem in check.judge(reply)]


@dataclass(frozen=True)
class Case:
    """A vendor's own explicit case: ``run(ctx)`` sends what it needs and returns its findings."""

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


@dataclass
class _Sent:
    probe: Probe
    exchange: Attempt
    reply: Reply
    problems: list[tuple[str, Problem]]


def _differs_in(ctx: CaseContext, odd: list[_Sent], fine: list[_Sent], where: dict[str, Credential]) -> str:
    """The rule of what the ``odd`` requests of a scenario share and the ``fine`` ones do not ('' when nothing
    separates them): two callers' credentials at once (the rule that says which decides), the way the id is
    written (the id's rule), or one place of the credential (that place's rule)."""

    def apart(value: Callable[[Probe], object]) -> object | None:
        seen = {value(s.probe) for s in odd}
        return next(iter(seen)) if len(seen) == 1 and not seen & {value(s.probe) for s in fine} else None

    if all(len(s.probe.sent) > 1 for s in odd) and any(len(s.probe.sent) < 2 for s in fine):
        # only requests carrying the credential in two places (two callers' or one's): how they combine
        decides = [r for r in rules(ctx.api) if r.expect is not None and r.expect.decided_by]
        return decides[0].id if decides else ""
    if apart(lambda p: p.literal) is not None:
        return _form_rule(ctx)
    place = apart(lambda p: tuple(name for name, _ in p.sent))
    if isinstance(place, tuple) and len(place) == 1 and len(where) > 1:
        found = rule_at(ctx.api, where[place[0]].pointer)
        return found.id if found is not None else ""
    return ""


def _attribute(ctx: CaseContext, group: list[_Sent], where: dict[str, Credential]) -> None:
    """A prediction broken by some requests of a scenario but not all is the rule of what they differ in."""
    if len(group) < 2:
        return

    def keys(sent: _Sent) -> set[tuple[object, ...]]:
        predicted = {p.rule.id for p in sent.reply.predictions}
        return {(c, p.rule_id, p.rule, p.field) for c, p in sent.problems if p.rule_id in predicted}

    every = [keys(s) for s in group]
    for key in set().union(*every):
        odd = [s for s, k in zip(group, every, strict=True) if key in k]
        fine = [s for s, k in zip(group, every, strict=True) if key not in k]
        rule_id = _differs_in(ctx, odd, fine, where) if fine else ""
        other = f"; {fine[0].probe.variant(where) or 'otherwise'}: {fine[0].exchange.status}" if fine else ""
        if not rule_id and fine and all(s.probe.again for s in odd) and not any(s.probe.again for s in fine):
            rule_id = str(key[1])  # the same rule, broken only when asked again: said so
        if not rule_id:
            continue
        check = next(r.check for r in rules(ctx.api) if r.id == rule_id)
        for sent in odd:
            sent.problems = [
                (check, replace(p, message=f"{p.message} ({sent.probe.variant(where)}{other})", rule_id=rule_id))
                if (c, p.rule_id, p.rule, p.field) == key
                else (c, p)
                for c, p in sent.problems
            ]


def _same_model(ctx: CaseContext, sent: list[_Sent]) -> None:
    """Every 200 for one of the profile's models, whoever asked, however the id was written, and when, shows the
    same values but in the fields the spec says depend on the caller (``x-model.per-caller``): one problem per
    field that differs, on the first answer that differs from the first one read."""
    rule = rule_at(ctx.api, json_pointer("paths", ctx.op.path, ctx.op.method.lower(), "x-model"))
    if rule is None or rule.id != "same-model-for-all":
        return
    skip = set(model_facts(ctx.api).per_caller)
    reads: dict[str, list[_Sent]] = {}
    for s in sent:
        if s.probe.model in ("own", "shared") and s.exchange.status == 200 and isinstance(s.reply.json, dict):
            reads.setdefault(s.probe.ident, []).append(s)
    for group in reads.values():
        first, seen = group[0], set[str]()
        for s in group[1:]:
            for name in sorted((set(first.reply.json) | set(s.reply.json)) - skip - seen):
                was, now = first.reply.json.get(name), s.reply.json.get(name)
                if was != now:
                    seen.add(name)
                    message = (
                        f"`{name}` is {now!r} here but was {was!r} for {describe(first.reply)}: a model's fields do "
                        "not depend on who reads it or when"
                    )
                    problem = Problem(
                        message, ("responses", 200), "the same model for every read", (name,), now, rule_id=rule.id
                    )
                    s.problems.append(("consistency", problem))


def _form_rule(ctx: CaseContext) -> str:
    """The rule that says how ids may be written (the id parameter's description: ids with ``/``)."""
    index = next(i for i, p in enumerate(ctx.op.parameters) if p["name"] == ctx.id_param)
    found = rule_at(
        ctx.api, json_pointer("paths", ctx.op.path, ctx.op.method.lower(), "parameters", index, "description")
    )
    return found.id if found is not None else ""


def _unrouted(ctx: CaseContext, sent: list[_Sent]) -> None:
    """A model whose id has a ``/`` that every request, however written and whoever sends it, finds missing: the
    server does not take ids with ``/`` (one cause, the form rule's), not a wrong answer to each caller."""
    rule_id = _form_rule(ctx)
    missing = set(ctx.situation("not_found").statuses())
    slashed = {m for m in ("own", "shared") if "/" in (ctx.profile.model(m) or "")}
    if all(s.exchange.status in missing for s in sent if s.probe.model not in slashed):
        return  # every other request is "not found" too: not the ids (a wrong prefix, say), the diagnosis's business
    for model in ("own", "shared"):
        ident = ctx.profile.model(model)
        group = [s for s in sent if s.probe.model == model]
        if not rule_id or not ident or "/" not in ident or not group:
            continue
        if not all(s.exchange.status in missing for s in group):
            continue
        predicted = [
            (s, c, p) for s in group for c, p in s.problems if p.rule_id in {x.rule.id for x in s.reply.predictions}
        ]
        if not predicted:
            continue
        expected = sorted({p.rule for _, _, p in predicted})
        for s in group:
            ids = {x.rule.id for x in s.reply.predictions}
            s.problems = [(c, p) for c, p in s.problems if p.rule_id not in ids]
        first = predicted[0][0]
        check = next(r.check for r in rules(ctx.api) if r.id == rule_id)
        message = (
            f"every request for models.{model} {ident!r} (an id with `/`), whoever sent it and however the `/` was "
            f"written, was answered {first.exchange.status} as a missing model; expected {', '.join(expected)}"
        )
        first.problems.append((check, Problem(message, ("parameters",), "ids with `/`", rule_id=rule_id)))
        for s in sent:  # a missing id with `/` found missing before the credentials: the same cause
            if s.probe.model == "missing" and "/" in s.probe.ident and s.exchange.status in missing:
                ids = {x.rule.id for x in s.reply.predictions}
                s.problems = [(c, p) for c, p in s.problems if p.rule_id not in ids]


def _unjudged(ctx: CaseContext) -> list[str]:
    """The rules that predict answers this profile cannot ask for (no token of the role, no model of the kind)."""
    out = []
    for rule in rules(ctx.api):
        if rule.expect is None or rule.expect.decided_by:
            continue
        callers = [
            c for c in rule.when.get("caller", ("anonymous",)) if c in ("anonymous", "invalid") or ctx.profile.token(c)
        ]
        models = [m for m in rule.when.get("model", ("missing",)) if m in ("missing", "none") or ctx.profile.model(m)]
        if not callers or not models:
            lacks = [f"tokens.{c}" for c in rule.when.get("caller", ())] if not callers else []
            lacks += [f"models.{m}" for m in rule.when.get("model", ())] if not models else []
            out.append(f"rule {rule.id} ({rule.check}) not judged: the profile has no {' or '.join(lacks)}")
    if out:
        out.append(
            "to judge those rules, give --profile a YAML file naming those tokens and model ids (docs/contracts-check.md, "
            "'Target profile'); against the mock, --profile mock"
        )
    return out


def run_cases(
    ctx: CaseContext, extra: tuple[Case, ...] = (), on_case: Callable[[int, int], None] | None = None
) -> tuple[list[Finding], list[CheckOutcome], list[str]]:
    """Send the plan, judge every answer, then ``extra`` (the vendor's own cases). Returns the findings, which
    checks ran, and notes on the rules this profile could not judge. ``on_case(done, total)`` is told as it goes."""
    where = {c.scheme: c for c in placements(ctx.api, ctx.op)}
    probes = plan(ctx.api, ctx.profile)
    total = len(probes) + len(extra)
    sent: list[_Sent] = []
    findings: list[Finding] = []
    outcomes: list[CheckOutcome] = []
    for done, probe in enumerate(probes):
        if on_case is not None and done % 8 == 0:
            on_case(done, total)
        if ctx.out_of_time() or ctx.target.guard.is_broken(ctx.label) is not None:
            break
        ex = ctx.send_probe(probe, where)
        if ex.error is not None:
            findings += ctx.response_checks(ex)
            continue
        reply = ctx.reply(ex, probe.caller, probe.model, probe)
        for p in reply.predictions:
            if p.situation is not None and len(ctx.situation(p.situation).answers) > 1:
                if ex.status in ctx.situation(p.situation).statuses():
                    ctx.seen_answers.setdefault(p.situation, set()).add(ex.status)
        sent.append(_Sent(probe, ex, reply, judge(reply)))
    _unrouted(ctx, sent)
    _same_model(ctx, sent)
    groups: dict[tuple[str, str, str], list[_Sent]] = {}
    for item in sent:
        groups.setdefault(item.probe.scenario, []).append(item)
    for group in groups.values():
        _attribute(ctx, group, where)
    for item in sent:
        if item.probe.again and item.exchange.status == 429:
            item.problems = []  # refused again, by a limit on failed attempts: the refusal held
        seen = ctx.observed(item.exchange)
        found = [replace(seen.problem(check, p), evidence=item.reply) for check, p in item.problems]
        if item.probe.model == "variant":  # that another spelling is another id is the harness's inference
            found = [f.as_warning(ANOTHER_SPELLING) for f in found]
        if item.probe.model == "none":
            found = elsewhere(found, item.reply) if ctx.id_in_path else [without_id(f) for f in found]
        findings += found
    cut = ctx.target.guard.is_broken(ctx.label)
    skipped = "--max-time ran out before it" if ctx.out_of_time() else None
    if cut is not None:
        skipped = (
            f"not all sent: {ctx.label} {'timed out' if cut.kind == 'timeout' else 'answered over the size limit'}"
        )
    outcomes += [CheckOutcome(c.name, ctx.label, skipped=skipped if not sent else None) for c in CHECKS.judges()]
    for done, case in enumerate(extra, len(probes)):
        if on_case is not None:
            on_case(done, total)
        missing = [f"tokens.{t}" for t in case.needs_tokens if ctx.profile.token(t) is None]
        missing += [f"models.{m}" for m in case.needs_models if ctx.profile.model(m) is None]
        if ctx.out_of_time() or missing:
            why = "--max-time ran out before it" if not missing else f"the profile has no {', '.join(missing)}"
            outcomes.append(CheckOutcome(case.check, ctx.label, skipped=why))
            continue
        outcomes.append(CheckOutcome(case.check, ctx.label))
        findings += case.run(ctx)
    return findings, outcomes, _unjudged(ctx)
