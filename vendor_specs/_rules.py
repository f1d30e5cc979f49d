"""The page's rules (``x-rules``): every normative statement of a vendor's page, as data beside its spec.

A rule quotes the page (``page``), says whether the page *states* it or the spec *infers* it where the page is
silent (``basis``, with the ``reason``), where in the spec it lives (``where``: JSON pointers) and which check
judges it (``check``). Rules that predict an answer say for which requests (``when``: caller, model, placement)
and what (``expect``); rules about how the fields of one answer relate say so (``relation``). The harness
generates its requests from them and judges every answer by every rule that predicts it; every finding names
its rule, whose basis gives the finding's severity: breaking what the page states is a failure, what the spec
infers (or a text the page shows verbatim) a warning.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vendor_specs._errors import SpecError
from vendor_specs._load import _key_of, _raw
from vendor_specs._pointers import _split
from vendor_specs._profile import MODEL_ROLES, TOKEN_ROLES
from vendor_specs._violations import MISSING

__all__ = ["CALLERS", "Expect", "Relation", "Rule", "field_at", "rule", "rule_at", "rules"]

#: who may send a request: nobody (no credentials), a made-up credential, or one of a profile's token roles
CALLERS = ("anonymous", "invalid", *TOKEN_ROLES)
#: models a rule may name: a profile's, and ``none`` (a request that names no model at all)
MODELS = (*MODEL_ROLES, "none")
_WHEN = {"caller": CALLERS, "model": MODELS, "placement": ("mixed",)}
_BASES = ("states", "infers")
_KEYS = {"id", "page", "basis", "reason", "where", "check", "text", "when", "expect", "relation"}


@dataclass(frozen=True)
class Expect:
    """What the requests a rule selects get: a situation of ``x-situations`` (``of-caller``: the caller's own,
    no_credentials or bad_credentials), a status, any documented refusal (``refused``), the values of body
    fields, or, for a request carrying two credentials, the answer the one in ``decided_by`` gets alone."""

    situation: str | None = None
    status: int | None = None
    refused: bool = False
    fields: Mapping[str, Any] = field(default_factory=dict)
    decided_by: str | None = None


@dataclass(frozen=True)
class Relation:
    """How the fields of one answer relate (dotted paths into the body). ``if``/``unless`` (field -> value)
    select the answers it applies to; then ``equal`` (two fields, when both are set), ``then`` (field -> value),
    ``present`` (set, not null), ``absent`` (null or missing), ``credential`` (a field holding the request's
    credential), ``among`` (field -> the values the page lists for it, when set), ``granted`` (a flag -> (the
    list of grants, their permission field, the permission that sets it): a flag true only if a grant gives it).
    With the rule's ``when``, a relation holds for the answers to those callers and models only."""

    when: Mapping[str, Any] = field(default_factory=dict)
    unless: Mapping[str, Any] = field(default_factory=dict)
    equal: tuple[str, ...] = ()
    then: Mapping[str, Any] = field(default_factory=dict)
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    credential: str | None = None
    among: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    granted: Mapping[str, tuple[str, str, str]] = field(default_factory=dict)

    def applies(self, body: Any) -> bool:
        """Whether this relation holds for the answer ``body`` (its ``if`` fields have those values, and not all of
        its ``unless`` fields theirs)."""
        if self.when and not all(field_at(body, f) == v for f, v in self.when.items()):
            return False
        return not (self.unless and all(field_at(body, f) == v for f, v in self.unless.items()))


def field_at(body: Any, dotted: str) -> Any:
    """The value of the dotted field ``dotted`` (``user.id``) of a JSON body, or ``MISSING``."""
    node = body
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return MISSING
        node = node[part]
    return node


@dataclass(frozen=True)
class Rule:
    api: str
    id: str
    page: str
    basis: str
    where: tuple[str, ...]
    checks: tuple[str, ...]
    reason: str = ""
    text: bool = False
    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    expect: Expect | None = None
    relation: Relation | None = None

    @property
    def check(self) -> str:
        """The check that judges it (the first named; the others see the same thing another way)."""
        return self.checks[0]

    @property
    def severity(self) -> str:
        """``failure`` for what the page states; ``warning`` for what the spec infers, and for texts."""
        return "failure" if self.basis == "states" and not self.text else "warning"

    def selects(self, caller: str, model: str | None, mixed: bool) -> bool:
        """Whether this rule predicts the answer to ``caller`` reading ``model`` (``mixed``: two credentials)."""
        if not self.when:
            return False
        wanted = {"caller": caller, "model": model, "placement": "mixed" if mixed else None}
        return all(wanted[dim] in values for dim, values in self.when.items())

    @property
    def specificity(self) -> int:
        return len(self.when)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "page": self.page,
            "basis": self.basis,
            "severity": self.severity,
            "reason": self.reason,
            "text": self.text,
            "where": list(self.where),
            "checks": list(self.checks),
            "when": {k: list(v) for k, v in self.when.items()},
        }


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v for v in items):
        raise SpecError(f"{where} must be a string or a list of strings, got {value!r}")
    return tuple(items)


def _resolves(spec: dict[str, Any], pointer: str) -> bool:
    if not pointer.startswith("#/"):
        return False
    node: Any = spec
    for part in _split(pointer):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def _expect(raw: Any, where: str, situations: Mapping[str, Any]) -> Expect:
    if not isinstance(raw, dict) or not raw:
        raise SpecError(f"{where}.expect must be a mapping (situation, status, refused, fields or decided-by)")
    unknown = set(raw) - {"situation", "status", "refused", "fields", "decided-by"}
    if unknown:
        raise SpecError(f"{where}.expect has unknown key(s) {', '.join(sorted(unknown))}")
    name = raw.get("situation")
    if name is not None and name != "of-caller" and name not in situations:
        raise SpecError(f"{where}.expect.situation {name!r} is not in x-situations ({', '.join(situations)})")
    status = raw.get("status")
    if status is not None and not isinstance(status, int):
        raise SpecError(f"{where}.expect.status must be an integer, got {status!r}")
    fields = raw.get("fields") or {}
    if not isinstance(fields, dict):
        raise SpecError(f"{where}.expect.fields must map field names to values")
    return Expect(name, status, bool(raw.get("refused", False)), dict(fields), raw.get("decided-by"))


def _relation(raw: Any, where: str) -> Relation:
    if not isinstance(raw, dict) or not raw:
        raise SpecError(f"{where}.relation must be a mapping")
    unknown = set(raw) - {"if", "unless", "equal", "then", "present", "absent", "credential", "among", "granted"}
    if unknown:
        raise SpecError(f"{where}.relation has unknown key(s) {', '.join(sorted(unknown))}")
    equal = tuple(raw.get("equal") or ())
    if equal and len(equal) != 2:
        raise SpecError(f"{where}.relation.equal names two fields, got {equal!r}")
    relation = Relation(
        dict(raw.get("if") or {}),
        dict(raw.get("unless") or {}),
        equal,
        dict(raw.get("then") or {}),
        tuple(raw.get("present") or ()),
        tuple(raw.get("absent") or ()),
        raw.get("credential"),
        {name: tuple(values) for name, values in (raw.get("among") or {}).items()},
        {name: _granted(spec, where) for name, spec in (raw.get("granted") or {}).items()},
    )
    said = (relation.equal, relation.then, relation.present, relation.absent, relation.credential, relation.among)
    if not any(said) and not relation.granted:
        raise SpecError(f"{where}.relation says nothing (equal, then, present, absent, credential, among or granted)")
    return relation


def _granted(raw: Any, where: str) -> tuple[str, str, str]:
    if not (isinstance(raw, list) and len(raw) == 3 and all(isinstance(x, str) for x in raw)):
        raise SpecError(f"{where}.relation.granted maps a flag to [grants field, permission field, permission]")
    return (raw[0], raw[1], raw[2])


def _rule(api: str, spec: dict[str, Any], i: int, raw: Any, situations: Mapping[str, Any]) -> Rule:
    where = f"spec {api}: x-rules[{i}]"
    if not isinstance(raw, dict):
        raise SpecError(f"{where} must be a mapping")
    unknown = set(raw) - _KEYS
    if unknown:
        raise SpecError(f"{where} has unknown key(s) {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_KEYS))}")
    for key in ("id", "page", "basis", "where", "check"):
        if key not in raw:
            raise SpecError(f"{where} lacks `{key}`")
    ident = str(raw["id"])
    where = f"spec {api}: rule {ident}"
    if raw["basis"] not in _BASES:
        raise SpecError(f"{where}: basis must be states or infers, got {raw['basis']!r}")
    if raw["basis"] == "infers" and not raw.get("reason"):
        raise SpecError(f"{where}: a rule the spec infers says why (`reason`)")
    pointers = _strings(raw["where"], f"{where}: where")
    for pointer in pointers:
        if not _resolves(spec, pointer):
            raise SpecError(f"{where}: where {pointer!r} is not a node of the spec")
    when: dict[str, tuple[str, ...]] = {}
    for dim, values in (raw.get("when") or {}).items():
        if dim not in _WHEN:
            raise SpecError(f"{where}: when.{dim} is not one of {', '.join(_WHEN)}")
        when[dim] = _strings(values, f"{where}: when.{dim}")
        bad = [v for v in when[dim] if v not in _WHEN[dim]]
        if bad:
            raise SpecError(f"{where}: when.{dim} {', '.join(bad)}: known are {', '.join(_WHEN[dim])}")
    expect = _expect(raw["expect"], where, situations) if "expect" in raw else None
    if (expect is None) != (not when) and "relation" not in raw:
        raise SpecError(f"{where}: `when` and `expect` go together (the requests, and what they get)")
    if expect is not None and not when:
        raise SpecError(f"{where}: `expect` needs `when` (the requests that get it)")
    relation = _relation(raw["relation"], where) if "relation" in raw else None
    return Rule(
        api,
        ident,
        str(raw["page"]),
        str(raw["basis"]),
        pointers,
        _strings(raw["check"], f"{where}: check"),
        str(raw.get("reason") or ""),
        bool(raw.get("text", False)),
        when,
        expect,
        relation,
    )


@functools.lru_cache(maxsize=None)
def rules(key: str) -> tuple[Rule, ...]:
    """Every rule of the spec ``key`` (a vendor, or a vendor with an overlay), in the spec's order."""
    spec = _raw(_key_of(key))
    raw = spec.get("x-rules") or []
    if not isinstance(raw, list):
        raise SpecError(f"spec {key}: x-rules must be a list of rules")
    situations: dict[str, Any] = {}
    for path in (spec.get("paths") or {}).values():
        for operation in (path or {}).values():
            if isinstance(operation, dict):
                situations.update(operation.get("x-situations") or {})
    found = tuple(_rule(key, spec, i, item, situations) for i, item in enumerate(raw))
    seen: set[str] = set()
    for item in found:
        if item.id in seen:
            raise SpecError(f"spec {key}: two rules have the id {item.id!r}")
        seen.add(item.id)
    return found


def rule(key: str, ident: str) -> Rule:
    for item in rules(key):
        if item.id == ident:
            return item
    raise SpecError(f"spec {key}: no rule {ident!r}")


def rule_at(key: str, pointer: str) -> Rule | None:
    """The rule that holds the spec node ``pointer``: the one whose ``where`` is the longest prefix of it."""
    return _index(key).get(pointer) or _longest(key, pointer)


@functools.lru_cache(maxsize=None)
def _index(key: str) -> dict[str, Rule]:
    out: dict[str, Rule] = {}
    for item in rules(key):
        for pointer in item.where:
            out.setdefault(pointer, item)
    return out


@functools.lru_cache(maxsize=4096)
def _longest(key: str, pointer: str) -> Rule | None:
    best: tuple[int, Rule] | None = None
    for where, item in _index(key).items():
        if pointer == where or pointer.startswith(where + "/"):
            if best is None or len(where) > best[0]:
                best = (len(where), item)
    return best[1] if best else None
