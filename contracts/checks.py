"""Every check the harness reports, registered once (:mod:`contracts.registry`), in report order.

A check is one function ``(reply) -> list[Problem]``. Statuses, schemas, situations, texts, secret fields and
the rules themselves are read from the spec (``x-rules``); a check only knows how to look.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from contracts.expect import predicted
from contracts.masking import fields, redact_value, unmasked
from contracts.registry import CHECKS, check
from contracts.relations import related
from contracts.reply import Problem, Reply
from vendor_specs import (
    Operation,
    json_body_schema,
    json_pointer,
    model_facts,
    rule_at,
    rules,
    secret_fields,
)

__all__ = ["CHECKS", "Problem", "error_shape"]


def _violations(reply: Reply, *kinds: str) -> list[Problem]:
    """openapi-core's verdict on the answer, the violations of ``kinds``."""
    return [Problem(v.message, violation=v) for v in reply.violations if v.kind in kinds]


@check(kind="schemathesis")
def not_a_server_error(reply: Reply) -> list[Problem]:
    """No 5xx answers: not to the harness's requests (unusual ids included), nor to Schemathesis'."""
    if reply.status < 500:
        return []
    return [
        Problem(
            f"answered {reply.status} (a server error)",
            ("responses",),
            "no 5xx",
            rule_id=reply.rule_of("not_a_server_error"),
        )
    ]


@check(kind="schemathesis")
def status_code_conformance(reply: Reply) -> list[Problem]:
    """Every status is documented (Schemathesis; openapi-core for the harness's own requests)."""
    return _violations(reply, "status")


@check(kind="schemathesis")
def content_type_conformance(reply: Reply) -> list[Problem]:
    """Every Content-Type is documented for its status (Schemathesis; openapi-core for the harness's own requests)."""
    return _violations(reply, "media_type")


@check(kind="schemathesis")
def response_schema_conformance(reply: Reply) -> list[Problem]:
    """Bodies match the documented schema (Schemathesis; openapi-core for the harness's own requests)."""
    return _violations(reply, "body")


@check(kind="schemathesis")
def negative_data_rejection(reply: Reply) -> list[Problem]:
    """Invalid requests (no model id, malformed parameters) are refused with a documented 4xx (Schemathesis; the
    harness's own request without an id)."""
    return predicted(reply, "negative_data_rejection")


CHECKS.register(
    name="ignored_auth",
    kind="schemathesis",
    description="Schemathesis: requests without or with wrong credentials are refused.",
)


def error_shape(op: Operation, status: int, media_type: str, body: Any) -> list[Problem]:
    """A documented error status must carry a documented media type and a JSON body of the documented shape."""
    if status < 400 or status >= 500:
        return []
    response = op.responses.get(str(status))
    if response is None:
        return []  # undocumented statuses are status_code_conformance's business
    where: tuple[str | int, ...] = ("responses", status)
    content = response.get("content") or {}
    if content and media_type not in content:
        documented = ", ".join(content)
        message = f"{status} answered with Content-Type {media_type or '(none)'!r}; documented: {documented}"
        return [Problem(message, where + ("content",), "documented media type", value=media_type or None)]
    if body is None and content:
        return [Problem(f"{status} body is not JSON; documented: a JSON body", where, "valid JSON", ())]
    problems = []
    schema = json_body_schema(response, media_type) or {}
    for name in schema.get("required", []):
        if not isinstance(body, dict) or name not in body:
            problems.append(Problem(f"{status} body lacks the documented field {name}", where, "required", (name,)))
    if schema.get("additionalProperties") is False and isinstance(body, dict):
        for name in sorted(set(body) - set(schema.get("properties") or {})):
            message = f"{status} body has the undocumented field {name}"
            problems.append(
                Problem(
                    message, where, "additionalProperties: false", (name,), body[name], keyword="additionalProperties"
                )
            )
    return problems


@check
def error_contract(reply: Reply) -> list[Problem]:
    """Every documented error status carries the documented media type and body shape, with the page's text
    where the page gives it verbatim; a missing model gets the documented not-found answer."""
    # texts are judged where the situation is known (a rule predicts the answer): a status may carry other texts
    # for other requests (SELISE's 422 for any invalid parameter)
    return error_shape(reply.op, reply.status, reply.media_type, reply.json) + predicted(reply, "error_contract")


def _documented_masks(key: str, name: str | int) -> str:
    masks = secret_fields(key).get(str(name))
    if masks is None:
        return "a masked value or none"
    return ", ".join(repr(v) for v in sorted(masks, key=str)) or "a masked value"


@check
def secrets(reply: Reply) -> list[Problem]:
    """No credential is returned unmasked: not the fields marked `x-secret`, nor any value that looks like a
    key, wherever it sits in the body (also behind a later value of the same key)."""
    out = []
    judged = [r for r in rules(reply.key) if "secrets" in r.checks]
    rule_id = judged[0].id if judged else ""  # the vendor's rule on secrets (a second one: other callers' tokens)
    others = next((r.id for r in judged[1:] if r.basis == "infers"), rule_id)
    where = ("responses", reply.status)
    declared = secret_fields(reply.key)

    def rule(name: str | int) -> str:
        return "x-secret: masked" if name in declared else "no credential unmasked"

    tied = {r.relation.credential for r in rules(reply.key) if r.relation is not None and r.relation.credential}
    for parts, value in fields(reply.json):
        if not parts:
            continue
        if unmasked(reply.key, parts[-1], value):
            shown = redact_value(value)
            message = (
                f"`{parts[-1]}` is returned unmasked ({shown}); documented: {_documented_masks(reply.key, parts[-1])}"
            )
            out.append(Problem(message, where, rule(parts[-1]), parts, shown, rule_id))
        if isinstance(value, str) and parts[-1] not in tied:
            out += _others_credentials(reply, parts, value, others, where)
    for dup in reply.duplicates:
        for value in dup.values[:-1]:
            if unmasked(reply.key, dup.key, value):
                shown = redact_value(value)
                message = (
                    f"`{dup.key}` is sent {len(dup.values)} times in one object and an earlier value is unmasked "
                    f"({shown}); a lenient JSON parser shows only the last"
                )
                out.append(Problem(message, where, rule(dup.key), (*dup.path, dup.key), shown, rule_id))
    return out


def _others_credentials(
    reply: Reply, parts: tuple[str | int, ...], value: str, rule_id: str, where: tuple[str | int, ...]
) -> list[Problem]:
    """Another caller's credential in the field ``parts`` (a token of the profile the request did not carry), as a
    whole word; the field a relation ties to the request's credential (SELISE's ``ProjectKey``) is that rule's."""
    own = reply.credential or ""
    out = []
    for role, token in reply.others:
        if len(token) >= 8 and token not in own and re.search(rf"(?<![\w-]){re.escape(token)}(?![\w-])", value):
            message = f"`{parts[-1]}` carries `{role}`'s credential, which this request did not send"
            out.append(Problem(message, where, "no other caller's credential", parts, redact_value(token), rule_id))
    return out


def _parse_iso(value: str) -> dt.datetime | None:
    """An ISO 8601 / RFC 3339 date-time (``T`` and ``Z`` in either case); one without a zone is read as UTC."""
    try:
        parsed = dt.datetime.fromisoformat(value.upper())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _untyped_instant(value: Any) -> tuple[str, float] | None:
    """A value of a timestamp the spec types nowhere, as (kind, comparable number), or None."""
    if isinstance(value, str):
        parsed = _parse_iso(value)
        return ("date-time", parsed.timestamp()) if parsed is not None else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return ("number", float(value))
    return None


@check
def consistency(reply: Reply) -> list[Problem]:
    """Fields agree with what the page says they describe: ISO 8601 where it says so, Unix seconds not
    milliseconds, updated not before created, and the relations between fields that its descriptions imply."""
    body, status = reply.json, reply.status
    if not 200 <= status < 300 or not isinstance(body, dict):
        return []
    schema = json_body_schema(reply.op.responses.get(str(status)) or {}) or {}
    props = schema.get("properties") or {}
    where = ("responses", status, "content", "application/json", "schema")
    problems = []
    values: dict[str, float] = {}
    kinds: dict[str, str] = {}  # of untyped timestamps: "date-time" or "number"
    for name, prop in props.items():
        value = body.get(name)
        if value is None:
            continue
        if prop.get("format") == "date-time" and isinstance(value, str):
            parsed = _parse_iso(value)
            if parsed is None:
                message = f"`{name}` = {value!r} is not an ISO 8601 date-time"
                problems.append(Problem(message, where + ("properties", name), "format: date-time", (name,), value))
            else:
                values[name] = parsed.timestamp()
        elif prop.get("type") == "integer" and isinstance(value, int) and not isinstance(value, bool):
            values[name] = float(value)
        elif "type" not in prop and "format" not in prop:
            instant = _untyped_instant(value)
            if instant is not None:
                kinds[name], values[name] = instant
    pair = model_facts(reply.key).timestamps
    order = rule_at(reply.key, json_pointer("paths", reply.op.path, reply.op.method.lower(), "x-model", "timestamps"))
    for created, updated in [pair] if pair else []:
        if kinds.get(created) != kinds.get(updated):
            continue  # an ISO date beside a number: two readings, no order to judge
        if created in values and updated in values:
            if values[updated] < values[created]:
                message = f"`{updated}` ({body[updated]!r}) is before `{created}` ({body[created]!r})"
                rule_id = order.id if order else ""
                problems.append(Problem(message, where, f"{updated} >= {created}", (updated,), body[updated], rule_id))
            for name in (created, updated):
                if props[name].get("type") == "integer" and values[name] > 1e11:
                    message = f"`{name}` = {body[name]} looks like milliseconds; documented: Unix seconds"
                    problems.append(
                        Problem(
                            message,
                            where + ("properties", name),
                            "Unix seconds",
                            (name,),
                            body[name],
                            keyword="description",
                        )
                    )
    return problems + related(reply, "consistency")


@check
def identity(reply: Reply) -> list[Problem]:
    """A 200 for model X describes model X (for ids with `/` sent as literal slashes and as %2F alike)."""
    body = reply.json
    if reply.requested_id is None or reply.status != 200 or not isinstance(body, dict):
        return []
    echo = rule_at(reply.key, json_pointer("paths", reply.op.path, reply.op.method.lower(), "x-model", "id-fields"))
    return [
        Problem(
            f"asked for {reply.requested_id!r}, `{name}` is {body.get(name)!r}",
            ("responses", 200),
            "the requested id (x-model id-fields)",
            (name,),
            body.get(name),
            echo.id if echo else "",
        )
        for name in reply.id_fields
        if name in body and body[name] != reply.requested_id
    ]


@check
def auth(reply: Reply) -> list[Problem]:
    """No credentials and bad credentials are refused with the documented answer, before any model is looked
    up; a request carrying a credential in two places is decided by the one the page says wins."""
    return predicted(reply, "auth")


@check
def access_control(reply: Reply) -> list[Problem]:
    """Each caller of the profile gets what the page's access rules give it: the model, with the fields its
    access shows (Open WebUI's read-only `params: {}`, `write_access`), or the documented refusal."""
    return predicted(reply, "access_control") + related(reply, "access_control") + _model_in_refusal(reply)


def _model_in_refusal(reply: Reply) -> list[Problem]:
    """A refusal the rules predict that carries the model anyway: an object in its body with at least half of the
    documented model's required fields (at least 3) gives away what the caller may not read."""
    denied = [p for p in reply.judged_by("access_control") if p.situation is not None]
    if reply.status < 400 or not denied or reply.json is None:
        return []
    schema = json_body_schema(reply.op.responses.get("200") or {}) or {}
    required = set(schema.get("required") or ())
    enough = max(3, len(required) // 2)
    found = [(parts, value) for parts, value in fields(reply.json) if isinstance(value, dict)]
    if isinstance(reply.json, dict):
        found.insert(0, ((), reply.json))
    for parts, value in found:
        shared = required & set(value)
        if len(shared) >= enough:
            where = "the body" if not parts else f"`{'.'.join(map(str, parts))}`"
            message = (
                f"the refusal ({reply.status}) carries the model anyway: {where} has {len(shared)} of its "
                f"{len(required)} required fields ({', '.join(sorted(shared)[:4])}, ...)"
            )
            return [
                Problem(
                    message,
                    ("responses", reply.status),
                    "a refusal without the model",
                    parts or None,
                    rule_id=denied[0].rule.id,
                )
            ]
    return []


@check
def duplicate_keys(reply: Reply) -> list[Problem]:
    """No JSON object of a body names a key twice (a lenient parser keeps only the last value)."""
    rule_id = reply.rule_of("duplicate_keys")
    return [
        Problem(
            f"`{dup.key}` is sent {len(dup.values)} times in one object; a client keeps only the last value",
            ("responses", reply.status),
            "unique keys",
            (*dup.path, dup.key),
            dup.values[-1],
            rule_id,
        )
        for dup in reply.duplicates
    ]


CHECKS.register(
    name="timeout",
    kind="limit",
    description="Every answer arrives whole (status line, headers and body) within --timeout seconds.",
)
CHECKS.register(name="body_size", kind="limit", description="Every answer's body fits within --max-body-mb.")
