"""How the fields of one answer relate, as the page's field descriptions imply (``x-rules`` with ``relation``).

``user_id`` and ``user.id`` both name the model's creator, so they are equal; a SELISE model's ``ProjectKey`` is
the project the request read it in; an Azure model carries the fields the page says Azure requires. Judged on
every 2xx answer with a JSON object body, the harness's requests and Schemathesis' alike.
"""

from __future__ import annotations

from typing import Any

from contracts.reply import Problem, Reply
from vendor_specs import MISSING, Rule, field_at, rules

__all__ = ["related"]


def _field(dotted: str) -> tuple[str, ...]:
    return tuple(dotted.split("."))


def _unset(value: Any) -> bool:
    return value is None or value is MISSING


def _broken(rule: Rule, reply: Reply, body: dict[str, Any]) -> list[Problem]:
    relation = rule.relation
    assert relation is not None
    if not relation.applies(body):
        return []
    parts = [f"{f} = {v!r}" for f, v in relation.when.items()]
    parts += [f"{f} != {v!r}" for f, v in relation.unless.items()]
    cond = f" (as {' and '.join(parts)})" if parts else ""
    where = ("responses", reply.status)
    out = []

    def add(name: str, message: str, wanted: str, shown: bool = True) -> None:
        value = field_at(body, name) if shown else MISSING  # a credential is never repeated in a report
        out.append(Problem(message, where, wanted, _field(name), value, rule.id))

    if relation.equal:
        a, b = relation.equal
        va, vb = field_at(body, a), field_at(body, b)
        if not _unset(va) and not _unset(vb) and va != vb:
            add(b, f"`{b}` is {vb!r} but `{a}` is {va!r}: both name the same thing", f"{b} = {a}")
    for name, value in relation.then.items():
        if field_at(body, name) != value:
            add(name, f"`{name}` is {field_at(body, name)!r}{cond}; expected {value!r}", f"{name}: {value!r}{cond}")
    for name in relation.present:
        if _unset(field_at(body, name)):
            add(name, f"`{name}` is not set{cond}", f"{name} set{cond}")
    for flag, (grants, permission, value) in relation.granted.items():
        given = field_at(body, grants)
        if field_at(body, flag) is True and isinstance(given, list):
            if not any(isinstance(g, dict) and g.get(permission) == value for g in given):
                add(flag, f"`{flag}` is true, but no grant in `{grants}` gives {value!r} {permission}", f"{flag} false")
    for name, values in relation.among.items():
        value = field_at(body, name)
        if not _unset(value) and value not in values:
            listed = ", ".join(map(str, values))
            add(
                name, f"`{name}` is {value!r}, not one of the values the page lists ({listed})", f"{name} in ({listed})"
            )
    for name in relation.absent:
        if not _unset(field_at(body, name)):
            add(name, f"`{name}` is {field_at(body, name)!r}{cond}; expected null", f"{name} null{cond}")
    if relation.credential and reply.credential is not None:
        value = field_at(body, relation.credential)
        if isinstance(value, str) and value != reply.credential:
            add(
                relation.credential,
                f"`{relation.credential}` names another project than the request's",
                f"{relation.credential} = the request's credential",
                shown=False,
            )
    return out


def related(reply: Reply, check: str) -> list[Problem]:
    """Every relation rule judged by ``check`` that the 2xx answer ``reply`` breaks."""
    body = reply.json
    if not 200 <= reply.status < 300 or not isinstance(body, dict):
        return []
    mixed = bool(getattr(reply.probe, "mixed", False))
    return [
        problem
        for rule in rules(reply.key)
        if rule.relation is not None and rule.check == check
        if not rule.when or (reply.caller is not None and rule.selects(reply.caller, reply.model, mixed))
        for problem in _broken(rule, reply, body)
    ]
