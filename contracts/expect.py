"""Judging an answer by the rules that predict it (``x-rules`` with ``when`` and ``expect``).

Each prediction says what the answer to this caller, for this model, must be: one of a situation's documented
answers (status, body and, where the page gives it verbatim, its text), a status, a refusal, or the values of
some body fields. :func:`predicted` returns every way the answer breaks the predictions ``check`` judges, each
naming its rule.
"""

from __future__ import annotations

from typing import Any

from contracts.plan import FORGED
from contracts.reply import Prediction, Problem, Reply
from vendor_specs import (
    json_body_schema,
    json_pointer,
    message_field,
    message_of,
    rule_at,
    situation,
)

__all__ = ["describe", "predicted", "text_problems"]


def describe(reply: Reply) -> str:
    """``\\`stranger\\` reading models.own 'acme/x'``: who asked for what, as a report says it."""
    who = {"anonymous": "a request without credentials", "invalid": "a made-up credential"}.get(
        reply.caller or "", f"`{reply.caller}`"
    )
    if reply.probe is not None and reply.probe.forged:
        who = f"a made-up credential (a real token {FORGED[reply.probe.forged][1]})"
    if reply.model == "none":
        return f"{who} asking for no model (no id)"
    if reply.model == "variant":
        return f"{who} reading {reply.requested_id!r}, another spelling of an id of the profile"
    what = f"models.{reply.model}" if reply.model in ("own", "shared", "missing") else "id"
    return f"{who} reading {what} {reply.requested_id!r}"


def _example_pointer(reply: Reply, status: int, example: str) -> str:
    return json_pointer(
        "paths",
        reply.op.path,
        reply.op.method.lower(),
        "responses",
        str(status),
        "content",
        "application/json",
        "examples",
        example,
    )


def text_problems(reply: Reply, answers: list[tuple[int, str, Any]], prefix: str) -> list[Problem]:
    """The answer's text against the texts the page gives verbatim for ``answers`` ((status, example name,
    body) of the documented answers with that status): a different text is a problem of the page's text rule.
    Answers whose text is not a rule of the page (an implied body, a varying text) are not compared."""
    schema = json_body_schema(reply.op.responses.get(str(reply.status)) or {}) or {}
    texts: dict[str, str] = {}
    for status, example, body in answers:
        text_rule = rule_at(reply.key, _example_pointer(reply, status, example))
        text = message_of(schema, body)
        if text_rule is None or not text_rule.text or not isinstance(text, str):
            return []  # one of the allowed answers has no verbatim text: any text may be right
        texts[text] = text_rule.id
    got = message_of(schema, reply.json)
    if not texts or not isinstance(got, str) or got in texts:
        return []
    shown = " or ".join(repr(t) for t in texts)
    return [
        Problem(
            f"{prefix}detail {got!r}, the page's text is {shown}",
            ("responses", reply.status),
            "the page's text",
            tuple(int(part) if part.isdigit() else part for part in message_field(schema) or ()),
            got,
            rule_id=next(iter(texts.values())),
        )
    ]


def _one(reply: Reply, p: Prediction) -> list[Problem]:
    what = describe(reply)
    expect, rule_id = p.expect, p.rule.id
    where: tuple[str | int, ...] = ("responses",)
    if p.situation is not None:
        allowed = situation(reply.key, p.situation)
        statuses = allowed.statuses()
        if reply.status not in statuses:
            want = " or ".join(str(s) for s in statuses)
            where = ("responses", allowed.preferred.status)
            message = f"{what}: expected {want} ({p.situation.replace('_', ' ')}), got {reply.status}"
            return [Problem(message, where, f"{p.situation}: {want}", rule_id=rule_id, answer=True)]
        answers = [(a.status, a.example, a.body) for a in allowed.answers if a.status == reply.status]
        exact = all(a.exact_message for a in allowed.answers if a.status == reply.status)
        return text_problems(reply, answers, f"{what}: ") if exact else []
    if expect.refused and 200 <= reply.status < 300:
        message = f"{what}: answered {reply.status}, expected a refusal (a documented 4xx)"
        return [Problem(message, where, "refused", rule_id=rule_id, answer=True)]
    if expect.status is not None:
        if reply.status != expect.status:
            message = f"{what}: expected {expect.status}, got {reply.status}"
            return [Problem(message, ("responses", expect.status), f"{expect.status}", rule_id=rule_id, answer=True)]
        if expect.status == 200 and not isinstance(reply.json, dict):
            if reply.body.strip() == b"null":
                shown = "null"
            elif reply.json is None:
                shown = "not JSON" if reply.body else "empty"
            else:
                shown = f"a JSON {type(reply.json).__name__}"
            message = f"{what}: got no model (the {reply.status} body is {shown})"
            return [Problem(message, ("responses", 200), "a model", (), rule_id=rule_id, answer=True)]
    out = []
    body = reply.json
    if expect.fields and reply.status == 200 and isinstance(body, dict):
        for name, value in expect.fields.items():
            if body.get(name) != value:
                message = f"{what}: `{name}` is {body.get(name)!r}, expected {value!r}"
                out.append(Problem(message, ("responses", 200), f"{name}: {value!r}", (name,), body.get(name), rule_id))
    return out


def predicted(reply: Reply, check: str) -> list[Problem]:
    """Every way ``reply`` breaks the predictions ``check`` judges."""
    return [problem for p in reply.judged_by(check) for problem in _one(reply, p)]
