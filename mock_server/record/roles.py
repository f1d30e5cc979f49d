"""The harness profile of a recording: its identities as the profile's token roles, and which recorded model
plays ``own``, ``shared`` and ``missing``, chosen by asking the vendor module's own handler (the mock's access
rules), so that ``contracts check`` holds the mock serving the recording to what the roles mean:

- ``own``: the owner is shown it in full, the stranger is refused, a reader is shown it read-only;
- ``shared``: every identity may read it (else another model the owner may read, as the mock's own SELISE
  profile does: projects share no model);
- ``missing``: an id nothing was recorded under.

A role that no recorded model fills is left out with a comment saying why: the harness skips the checks that
need it and says so.
"""

from __future__ import annotations

from typing import Any

from mock_server.fixtures import FixtureSet
from mock_server.identities import answer
from mock_server.vendors import vendor
from mock_server.vendors._learn import Observation
from vendor_specs import TOKEN_ROLES, vendor_of

__all__ = ["recorded_profile"]


def recorded_profile(api: str, fixtures: FixtureSet, base_url: str) -> tuple[dict[str, Any], dict[str, str]]:
    """(profile data, a note per ``tokens.<role>`` / ``models.<role>`` saying why it is, or why it is missing)."""
    module = vendor(api)
    tokens = {
        name: str(ident["token"])
        for name, ident in fixtures.identities.items()
        if name in TOKEN_ROLES and ident["token"] is not None
    }
    notes = {f"tokens.{role}": f"identity {role} of the recording" for role in tokens}

    def view(role: str, model_id: str) -> Observation | None:
        body = answer(api, fixtures, tokens[role], model_id)
        return None if body is None else module.observe(api, body, tokens[role])

    models: dict[str, str] = {}
    own = _own(tokens, list(fixtures.models), view, notes)
    if own is not None:
        models["own"] = own
    shared = _shared(tokens, [m for m in fixtures.models if m != own], view, notes)
    if shared is not None:
        models["shared"] = shared
    missing = "no-such-model-0000"
    while missing in fixtures.models:
        missing += "-0"
    models["missing"] = missing
    notes["models.missing"] = "no model was recorded under this id"
    if notes.get("tokens.reader", "").startswith("left out"):
        del tokens["reader"]
    return {"api": vendor_of(api), "base_url": base_url, "tokens": tokens, "models": models}, notes


def _own(tokens: dict[str, str], ids: list[str], view: Any, notes: dict[str, str]) -> str | None:
    if "owner" not in tokens:
        notes["models.own"] = "none: the profile named no owner (tokens.owner); the harness skips what needs one"
        return None
    full = [m for m in ids if (seen := view("owner", m)) is not None and seen.full]
    refused = [m for m in full if "stranger" not in tokens or view("stranger", m) is None]
    if not refused:
        what = "no recorded model is shown to the owner in full" if not full else "the stranger may read every one"
        notes["models.own"] = (
            f"none: {what} of the models the owner may read; record the owner reading one of its own models "
            "(the harness skips access_control and identity without it)"
        )
        return None
    why = "the owner is shown it in full" + (", the stranger is refused" if "stranger" in tokens else "")
    if "reader" in tokens:
        read_only = [m for m in refused if (seen := view("reader", m)) is not None and not seen.full]
        if read_only:
            notes["models.own"] = f"{why}, the reader is shown it read-only (the mock's access rules)"
            return read_only[0]
        notes["tokens.reader"] = (
            f"left out: no such model is shown read-only to the reader ({', '.join(refused)} are not), so the "
            "harness skips its reader case"
        )
    notes["models.own"] = f"{why} (the mock's access rules)"
    return refused[0]


def _shared(tokens: dict[str, str], ids: list[str], view: Any, notes: dict[str, str]) -> str | None:
    everyone = [m for m in ids if tokens and all(view(role, m) is not None for role in tokens)]
    if everyone:
        notes["models.shared"] = f"every identity of the profile may read it ({', '.join(tokens)})"
        return everyone[0]
    owners = [m for m in ids if "owner" in tokens and view("owner", m) is not None]
    if owners:
        notes["models.shared"] = (
            "no other recorded model may be read by every identity; this is another model the owner may read "
            "(the harness reads models.shared with the owner's token)"
        )
        return owners[0]
    notes["models.shared"] = "none: no other recorded model may be read by the owner"
    return None
