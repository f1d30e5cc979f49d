"""The harness's own requests, generated from the page's rules rather than picked by hand.

Every caller (no credentials, a made-up credential, each token role of the profile) x every model of the profile
(own, shared, missing) x every place the spec lets a credential go (each alone, all together, and, where a rule
says which one decides, two callers' credentials at once) x each way to write the id (percent-encoded, and with
literal ``/`` when it has one); plus made-up credentials one character away from a real token, every request the
rules say is refused asked three times, other spellings of the profile's ids (the other case, without a tag or a
provider) read by the owner, and a fixed set of unusual ids, sent by the owner and without credentials. Each
request is a :class:`Probe`; :func:`predictions` gives the rules that predict its answer.

The count is bounded by the profile's vocabulary. Per model (own, shared, missing) and way to write its id (1, or
2 when it has a ``/``, ``:`` or ``@``): 1 request without credentials + (callers with a credential: the made-up one
and each token role, at most 5) x (each placement alone, and all together when there are several); where a rule
says which placement decides, 2 callers' credentials at once for each ordered pair of callers with a credential;
one request naming no model (by the owner); 8 unusual ids sent without credentials and by the owner; where the
profile's ids have a ``/``, a missing id with one, both ways, without and with a made-up credential (4); 2 near-miss
credentials in each placement; 2 repetitions of each refused request (at most 4 roles x 2 models x 2 placements);
at most 3 other spellings of each of 2 ids. For the mock's profiles: 53 requests for Open WebUI, 49 for Respan, 90
for SELISE; at most 173 + 4 + 4 + 32 + 6 = 219 for a two-placement vendor with every role
(``tests/contracts/test_plan.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from contracts.reply import Prediction
from contracts.target import LITERAL
from vendor_specs import Credential, Profile, model_operation, placements, rules, situation

__all__ = [
    "ASKED",
    "FORGED",
    "MISSING_ID",
    "UNUSUAL_IDS",
    "Probe",
    "forged_token",
    "id_variants",
    "plan",
    "predicted_statuses",
    "predictions",
]

#: ids real clients send and naive servers trip over: spaces, non-ASCII, percent signs, dot segments, length.
UNUSUAL_IDS = ("a b", "modèle-ünïcode", "100%", "../etc/passwd", "a:b@c", "x" * 300, "%2F", "\u0000")
#: the id read as "missing" when the profile names none
MISSING_ID = "contracts-no-such-model-0000"
_CALLERS = ("anonymous", "invalid")
#: made-up credentials one character away from a real one (a server comparing a prefix, or a token's start, takes
#: them): how each is made from the token, and how a report says it
FORGED = {
    "longer": (lambda token: token + "0", "with a character added"),
    "shorter": (lambda token: token[:-1], "with its last character cut"),
}
#: how often a request that the rules say is refused is sent in all (a refusal must not give way when asked again)
ASKED = 3


@dataclass(frozen=True)
class Probe:
    """One request: ``caller`` is who decides the answer, ``sent`` which caller's credential goes where (placement
    name, caller), ``literal`` whether the id's ``/`` is sent as is (else percent-encoded)."""

    caller: str
    model: str
    ident: str
    sent: tuple[tuple[str, str], ...] = ()
    literal: bool = False
    forged: str = ""  # the ``invalid`` caller's credential made from a real one (a key of FORGED); '' unrelated
    again: int = 0  # the same request asked again (the n-th repetition)

    @property
    def mixed(self) -> bool:
        return len({caller for _, caller in self.sent}) > 1

    @property
    def scenario(self) -> tuple[str, str, str]:
        """The requests that must get the same answer: same caller, same model."""
        return (self.caller, self.model, self.ident)

    def variant(self, where: dict[str, Credential]) -> str:
        """How this request differs from the others of its scenario, in words."""
        parts = []
        if self.forged:
            parts.append(f"a real token {FORGED[self.forged][1]}")
        if self.again:
            parts.append(f"the same request sent again (time {self.again + 1})")
        if self.mixed:
            parts.append(" and ".join(f"`{c}`'s credential in {where[p].describe('…')}" for p, c in self.sent))
        elif len(self.sent) > 1:
            parts.append("the credential in " + " and ".join(where[p].describe("…") for p, _ in self.sent))
        elif self.sent and len(where) > 1:
            parts.append(f"the credential in {where[self.sent[0][0]].describe('…')} only")
        kept = "".join(sorted(set(self.ident) & set(LITERAL)))
        if kept:
            shown = ", ".join(f"`{c}`" for c in kept)
            parts.append(f"the id's {shown} sent as is" if self.literal else f"the id's {shown} percent-encoded")
        return ", ".join(parts)


def _decider(key: str) -> str | None:
    """The placement a rule says decides when two callers' credentials are sent (None: the page is silent)."""
    for rule in rules(key):
        if rule.expect is not None and rule.expect.decided_by:
            return rule.expect.decided_by
    return None


def plan(key: str, profile: Profile) -> list[Probe]:
    """Every request the harness sends of its own to ``key``'s model operation, for ``profile``."""
    places = [c.scheme for c in placements(key, model_operation(key))]
    roles = [role for role in profile.tokens]
    callers = [*_CALLERS, *roles]
    models = {m: ident for m in ("own", "shared") if (ident := profile.model(m))}
    models["missing"] = profile.model("missing") or MISSING_ID
    combos = [[p] for p in places] + ([places] if len(places) > 1 else [])  # each alone, then all together
    out: list[Probe] = []
    for model, ident in models.items():
        forms = (False, True) if set(ident) & set(LITERAL) else (False,)
        for literal in forms:
            out.append(Probe("anonymous", model, ident, (), literal))
            for caller in callers[1:]:
                for combo in combos:
                    out.append(Probe(caller, model, ident, tuple((p, caller) for p in combo), literal))
    decider = _decider(key)
    if decider in places and len(places) > 1:
        other = next(p for p in places if p != decider)
        for model, ident in models.items():
            for winner in callers[1:]:
                for loser in callers[1:]:
                    if winner != loser:
                        out.append(Probe(winner, model, ident, ((other, loser), (decider, winner))))
    first = places[:1]
    slashed = f"contracts/{models['missing']}"
    if any("/" in models.get(m, "") for m in ("own", "shared")) and "/" not in models["missing"]:
        # ids have `/` here: a missing one with `/` is still looked up only after the credentials
        for literal in (False, True):
            out.append(Probe("anonymous", "missing", slashed, (), literal))
            out.append(Probe("invalid", "missing", slashed, tuple((p, "invalid") for p in first), literal))
    out += _forged(profile, places, models)
    out += [replace(p, again=n) for p in out if _refused(key, p) for n in range(1, ASKED)]
    asker = next((role for role in ("owner", *roles) if role in profile.tokens), None)
    if asker is not None:  # a request that names no model (no `id`, an empty path segment)
        out.append(Probe(asker, "none", "", tuple((p, asker) for p in first)))
    for ident in UNUSUAL_IDS:
        out.append(Probe("anonymous", "unusual", ident))
        if "owner" in profile.tokens:
            out.append(Probe("owner", "unusual", ident, tuple((p, "owner") for p in first)))
    if "owner" in profile.tokens:  # another id than the profile's, however alike: not that model
        for model in ("own", "shared"):
            for ident in id_variants(models.get(model, "")):
                out.append(Probe("owner", "variant", ident, tuple((p, "owner") for p in first)))
    return out


def forged_token(profile: Profile, name: str) -> str | None:
    """The made-up credential ``name`` of :data:`FORGED` makes from a real token (the owner's, else the first
    role's); None when there is none to make it from, or it would be another role's token."""
    base = profile.token("owner") or next(iter(profile.tokens.values()), None)
    if base is None or len(base) < 2:
        return None
    made = FORGED[name][0](base)
    return None if made in profile.tokens.values() else made


def _forged(profile: Profile, places: list[str], models: dict[str, str]) -> list[Probe]:
    """The made-up credentials one character away from a real token, each place alone, reading the first model
    the profile names."""
    model = next(iter(models))
    out = []
    for name in FORGED:
        if forged_token(profile, name) is not None:
            out += [Probe("invalid", model, models[model], ((p, "invalid"),), forged=name) for p in places]
    return out


def _refused(key: str, probe: Probe) -> bool:
    """Whether the rules predict that a profile role's request for a model of its profile is refused."""
    if probe.caller in _CALLERS or probe.model not in ("own", "shared") or probe.mixed or probe.literal:
        return False
    if len(probe.sent) != 1:
        return False
    return any(
        p.situation is not None and all(status >= 400 for status in _statuses(key, p)) for p in predictions(key, probe)
    )


def _statuses(key: str, prediction: Prediction) -> set[int]:
    """The statuses ``prediction`` allows: its situation's answers, or the status its rule expects."""
    if prediction.situation is not None:
        return set(situation(key, prediction.situation).statuses())
    return {prediction.expect.status} if prediction.expect.status is not None else set()


def predicted_statuses(key: str, predicted: tuple[Prediction, ...]) -> set[int]:
    """Every status the ``predicted`` rules allow an answer."""
    return {status for p in predicted for status in _statuses(key, p)}


def id_variants(ident: str) -> tuple[str, ...]:
    """Other ids as alike as can be: the id in the other case, and without its tag (``a:b`` -> ``a``) or provider
    (``openai/gpt-4`` -> ``gpt-4``). A server that answers one with that model takes ids it does not have."""
    out = []
    if ident.swapcase() != ident:
        out.append(ident.swapcase())
    if ":" in ident.strip(":"):
        out.append(ident.rsplit(":", 1)[0])
    if "/" in ident.strip("/"):
        out.append(ident.rsplit("/", 1)[-1])
    return tuple(dict.fromkeys(v for v in out if v and v != ident))


def predictions(key: str, probe: Probe) -> tuple[Prediction, ...]:
    """The rules that predict ``probe``'s answer (none for unusual ids and variants of the profile's: only the
    checks every answer gets)."""
    if probe.model in ("unusual", "variant"):
        return ()
    selected = [r for r in rules(key) if r.expect is not None and r.selects(probe.caller, probe.model, probe.mixed)]
    answer = [r for r in selected if r.expect and (r.expect.situation or r.expect.status is not None)]
    most = max((r.specificity for r in answer), default=0)
    out = []
    for rule in selected:
        expect = rule.expect
        assert expect is not None
        if rule in answer and rule.specificity < most:
            continue  # a more specific rule predicts this answer (credentials before lookup, for a missing model)
        if expect.decided_by:
            continue  # says which credential decides: the caller of the probe already is that one
        situation = expect.situation
        if situation == "of-caller":
            situation = {"anonymous": "no_credentials", "invalid": "bad_credentials"}.get(probe.caller)
            if situation is None:
                continue
        out.append(Prediction(rule, expect, situation))
    return tuple(out)
