"""Open WebUI: bearer tokens of users; write/read access per caller; params stripped for read-only callers.

Write access = admin, owner (the model's ``user_id``), or a ``write`` grant to the caller.
Read access = write access, or a ``read`` grant to the caller (a public grant has access_id ``*``; a group grant,
access_type ``group``, is to the identity's ``groups``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from mock_server.errors import spec_example
from mock_server.vendors._common import Context, FastAPIErrors
from mock_server.vendors._learn import Identified, Observation, generated_id
from mock_server.vendors.base import Asked, Vendor

__all__ = ["VENDOR", "OpenWebUI", "access"]


@functools.lru_cache(maxsize=None)
def _errors(api: str) -> FastAPIErrors:
    missing_id = spec_example(api, 422, "missing_id")["detail"][0]
    return FastAPIErrors(api, template=missing_id, missing=missing_id)


def _grant_to(grant: dict[str, Any], identity: dict[str, Any]) -> bool:
    kind, principal = grant["access_type"], grant["access_id"]
    if kind == "group":
        return principal in identity.get("groups", ())
    return principal in ("*", identity["user_id"])


def access(identity: dict[str, Any], record: dict[str, Any]) -> str | None:
    """``write``, ``read`` or None for this caller on this model."""
    grants = [g for g in record.get("access_grants", []) if _grant_to(g, identity)]
    if identity["role"] == "admin" or record["user_id"] == identity["user_id"]:
        return "write"
    if any(g.get("permission") == "write" for g in grants):
        return "write"
    if any(g.get("permission") == "read" for g in grants):
        return "read"
    return None


def _view(record: dict[str, Any], level: str) -> dict[str, Any]:
    body = {**record, "write_access": level == "write"}
    if level != "write":
        body["params"] = {}
    return body


class OpenWebUI(Vendor):
    IDENTITY_SCHEMA: dict[str, Any] = {
        "type": "object",
        "required": ["token", "user_id", "role"],
        "properties": {
            "token": {"type": "string", "minLength": 1},
            "user_id": {"type": "string", "minLength": 1},
            "role": {"type": "string", "enum": ["admin", "user"]},
            "groups": {"type": "array", "items": {"type": "string"}},
        },
    }

    def errors(self, key: str) -> FastAPIErrors:
        return _errors(key)

    def served_form(self, key: str, record: dict[str, Any]) -> dict[str, Any]:
        """The body an owner gets (``write_access`` is computed per caller, so it is not stored)."""
        return {**record, "write_access": True}

    def check_record(self, record: dict[str, Any], identities: dict[str, dict[str, Any]]) -> tuple[str, str] | None:
        if "write_access" in record:
            return "write_access", "is computed per caller (admin, owner or write grant); remove it from the fixture"
        return None

    def readable(self, ctx: Context, record: dict[str, Any]) -> bool:
        assert ctx.identity is not None  # the spec's bearer security ran before the handler
        return access(ctx.identity, record) is not None

    def view(self, ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
        assert ctx.identity is not None
        level = access(ctx.identity, record) or "read"
        return ctx.fixtures.memo(("view", record["id"], level), lambda: _view(record, level))

    def observe(self, key: str, body: dict[str, Any], caller: str) -> Observation:
        """``write_access`` is the caller's, not the model's; a read-only caller's ``params`` are not the model's."""
        record = {key: value for key, value in body.items() if key != "write_access"}
        if body.get("write_access") is True:
            return Observation(record)
        return Observation(record, lacks="params, {} for read-only callers")

    def identify(self, asked: Asked) -> Identified:
        return _identify(asked)


# --------------------------------------------------------------------------- recording (mock-server record)
_ADMIN = "<admin>"  # stands for "an admin" among the user ids a caller may have


def _principals(grants: list[dict[str, Any]], permission: str) -> tuple[set[str], bool]:
    """The user ids (``*``: everyone) a model's grants give ``permission``, and whether a group grant does too."""
    users: set[str] = set()
    group = False
    for grant in grants:
        if grant.get("permission") != permission:
            continue
        if grant.get("access_type") == "group":
            group = True
        elif isinstance(grant.get("access_id"), str):
            users.add(grant["access_id"])
    return users, group


def _identify(asked: Asked) -> Identified:
    """Who the caller can be, from every answer it got: shown a model with write access, it is that model's
    owner (``user_id``), an admin, or holds a write grant; shown it read-only, it is none of those and holds a
    read grant. An identity named ``admin`` (the profile's role) is taken for an admin when no answer says
    otherwise; a user id no answer narrows down is generated."""
    api, name, seen = asked.key, asked.name, asked.seen
    may_be: set[str] | None = None  # None: any user id
    never: set[str] = set()
    read_only = [obs.record["id"] for obs in seen if not obs.full]
    for obs in seen:
        grants = obs.record.get("access_grants") or []
        writers, group_writes = _principals(grants, "write")
        if obs.full:
            if "*" not in writers and not group_writes:
                can = {_ADMIN, obs.record["user_id"], *writers}
                may_be = can if may_be is None else may_be & can
            continue
        never |= {obs.record["user_id"], *writers}
        readers, group_reads = _principals(grants, "read")
        if "*" not in readers and not group_reads:
            may_be = readers if may_be is None else may_be & readers
    users = sorted((may_be or set()) - never - {_ADMIN})
    notes: list[str] = []
    admin = not read_only and (may_be == {_ADMIN} or (name == "admin" and (may_be is None or _ADMIN in may_be)))
    if admin:
        why = "write access to models of different owners" if may_be == {_ADMIN} else "named admin in the profile"
        notes.append(f"role admin: {why}")
        user_id = generated_id(api, name)
        notes.append("user_id generated: an admin's own id shows in no answer")
    elif users:
        user_id = users[0]
        named = [obs for obs in seen if user_id == obs.record["user_id"] or _named(user_id, obs.record)]
        basis = ", ".join(f"{'write' if obs.full else 'read'} access to {obs.record['id']}" for obs in named)
        notes.append(f"user_id {user_id}: the only user the answers allow ({basis})")
        if len(users) > 1:
            notes[-1] = f"user_id {user_id}: one of {', '.join(users)}, which the answers cannot tell apart"
        if _ADMIN in (may_be or ()) and not read_only:
            notes.append("role user: an admin would have been shown the same, and it is not named admin")
    else:
        user_id = generated_id(api, name)
        if may_be is not None and not may_be - never:
            shown = "the answers contradict each other (did the grants change while recording?); none"
        elif read_only:
            shown = f"it was shown only public or group models ({', '.join(read_only)}); none"
        else:
            shown = "no answer"
        notes.append(f"user_id generated: {shown} showed which user it is")
    identity: dict[str, Any] = {"user_id": user_id, "role": "admin" if admin else "user"}
    if read_only and not admin:
        notes.append(f"role user: shown {', '.join(read_only)} read-only (an admin has write access everywhere)")
    groups = _groups(identity, seen)
    if groups:
        identity["groups"] = groups
        notes.append(f"groups {', '.join(groups)}: a group grant is the only grant that explains what it was shown")
    return Identified(identity, tuple(notes))


def _named(user_id: str, record: dict[str, Any]) -> bool:
    """Whether a grant of ``record`` names ``user_id``."""
    return any(user_id in _principals(record.get("access_grants") or [], p)[0] for p in ("read", "write"))


def _groups(identity: dict[str, Any], seen: Sequence[Observation]) -> list[str]:
    """Groups the identity must be in for the access rules to give it what it was shown (group grants)."""
    groups: list[str] = []
    for obs in seen:
        wanted = "write" if obs.full else "read"
        if access({**identity, "groups": groups}, obs.record) == wanted:
            continue
        for grant in obs.record.get("access_grants") or []:
            if grant.get("access_type") == "group" and grant.get("permission") == wanted:
                groups.append(str(grant.get("access_id")))
                break
    return groups


VENDOR = OpenWebUI()
