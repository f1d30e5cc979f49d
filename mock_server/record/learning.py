"""What a recording has learnt: its callers, the models merged by id, and the fixture data they make.

Pure: no I/O and no HTTP. The recorder feeds it the conforming 200 answers it sees (``learn``); the writer
renders ``recording()``. The vendor module says how an answer becomes a stored record and what the answers
show about their callers (``Vendor.observe`` / ``identify``).

- Callers: each token of the profile is a caller of the same name with a token made for the recording; any
  other credential becomes ``anonymous-N``, an identity without a token. Real credentials stay in memory,
  only to tell callers apart: whatever is stored carries the caller's stand-in instead (its new token, or
  ``<anonymous-N>``), every ``x-secret`` field is stored masked.
- Models, merged by id: a full view (an owner's) replaces any view, a view that lacks something (a read-only
  caller's ``params: {}``) never replaces a full one.
- Every answer is tried on the whole fixture data first: one that would make the file unloadable (a record
  the vendor's rules refuse) is not recorded, and ``Learnt.why`` says why.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mock_server.errors import FixtureError
from mock_server.fixtures import FixtureSet, parse_fixtures
from mock_server.observed import page_form
from mock_server.vendors import Asked, vendor
from mock_server.vendors._common import mask_secrets
from mock_server.vendors._learn import Observation
from vendor_specs import model_facts

__all__ = ["Caller", "Learning", "Learnt", "RecordedIdentity", "RecordedModel", "Recording", "new_token"]

_NOBODY = "<no credential>"  # the stand-in of a request that carried no credential at all
_SHORTEST_SCRUBBED = 8  # a credential at least this long is replaced inside longer strings too


def _problem(exc: Exception) -> str:
    if isinstance(exc, FixtureError):
        return f"{f' field `{exc.field}`' if exc.field else ''}: {exc.problem}"
    return f": {type(exc).__name__}: {exc}"


def new_token(name: str) -> str:
    """A token for identity ``name`` that no real server issued."""
    return f"rec-{name}-{secrets.token_hex(12)}"


@dataclass
class Caller:
    """Someone who called through the recorder: ``token`` is the one made for it (None: nobody may call as it)."""

    name: str
    token: str | None
    source: str  # where it comes from, for the comment above it
    seen: dict[str, Observation] = field(default_factory=dict)  # model id -> the latest answer it got

    @property
    def stand_in(self) -> str:
        """What stored data carries instead of its credential."""
        return self.token if self.token is not None else f"<{self.name}>"


@dataclass(frozen=True)
class _Kept:
    observation: Observation  # the fullest, then latest, view
    seen_by: tuple[tuple[str, str], ...]  # (caller, what its view lacked: "" for a full one), in order
    made: tuple[str, ...] = ()  # fields the page requires that the implementation never sends: generated


@dataclass(frozen=True)
class Learnt:
    """What one answer taught. ``kind``: ``new`` (model), ``fuller`` (a full view replaced a partial one),
    ``changed`` (the latest view differs), ``kept`` (a partial view; the full one stays), ``same``, or
    ``refused`` (not recorded: ``why``)."""

    kind: str
    model: str
    caller: str
    why: str = ""

    def __str__(self) -> str:
        who = f"from {self.caller}"
        return {
            "new": f"model {self.model} learnt {who}",
            "fuller": f"model {self.model}: the full view {who} replaces the partial one",
            "changed": f"model {self.model} changed: the answer {who} replaces the recorded one",
            "kept": f"model {self.model}: the view {who} lacks {self.why}; the full one stays",
            "same": f"model {self.model}: nothing new {who}",
            "refused": f"model {self.model} {who} not recorded: {self.why}",
        }[self.kind]


@dataclass(frozen=True)
class RecordedIdentity:
    name: str
    fields: dict[str, Any]  # token first (None: nobody may call as it), then the vendor's fields
    notes: tuple[str, ...]  # where each came from


@dataclass(frozen=True)
class RecordedModel:
    record: dict[str, Any]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Recording:
    """The fixture data of a recording, with the provenance of each identity and model."""

    api: str
    identities: tuple[RecordedIdentity, ...]
    models: tuple[RecordedModel, ...]

    def data(self) -> dict[str, Any]:
        """As a fixture file holds it."""
        return {
            "identities": {ident.name: ident.fields for ident in self.identities},
            "models": [model.record for model in self.models],
        }


class Learning:
    """The callers and models of one recording of ``api``.

    ``tokens``: the profile's role -> real credential; ``source`` names the profile in comments.
    """

    def __init__(
        self,
        api: str,
        tokens: Mapping[str, str] | None = None,
        source: str = "the profile",
        make_token: Callable[[str], str] = new_token,
    ) -> None:
        self.api = api
        self.module = vendor(api)
        self.key = model_facts(api).key
        self.callers: dict[str, Caller] = {}
        self._by_credential: dict[str, Caller] = {}  # real credential -> caller: memory only, never stored
        for role, real in (tokens or {}).items():
            made = Caller(role, make_token(role), f"tokens.{role} of {source}; its token was made for this recording")
            self.callers[role] = self._by_credential[real] = made
        self._models: dict[str, _Kept] = {}

    # ----------------------------------------------------------------- callers
    def known(self, credential: str) -> Caller | None:
        """The caller a credential belongs to, if it was seen or named in the profile."""
        return self._by_credential.get(credential)

    def credentials(self) -> dict[str, str]:
        """Every real credential known -> how logs may show it (``<owner>``, ``<anonymous-1>``)."""
        return {real: f"<{caller.name}>" for real, caller in self._by_credential.items()}

    def _caller(self, credential: str) -> tuple[Caller, bool]:
        found = self._by_credential.get(credential)
        if found is not None:
            return found, False
        name = f"anonymous-{sum(c.token is None for c in self.callers.values()) + 1}"
        made = Caller(name, None, "a caller the profile does not name; its credential is not kept: token null")
        self.callers[name] = self._by_credential[credential] = made
        return made, True

    def _forget(self, caller: Caller) -> None:
        del self.callers[caller.name]
        self._by_credential = {real: c for real, c in self._by_credential.items() if c is not caller}

    # ----------------------------------------------------------------- answers
    def learn(self, credential: str | None, body: dict[str, Any]) -> Learnt:
        """Learn from one conforming 200 body of the model operation, answered to ``credential``."""
        caller, created = self._caller(credential) if credential is not None else (None, False)
        who = caller.name if caller is not None else "a caller without credentials"
        made: list[str] = []  # with an overlay: what the page requires and the implementation never sends
        page_shaped = page_form(self.api, body, made)
        observed = self.module.observe(self.api, page_shaped, caller.stand_in if caller is not None else _NOBODY)
        record = self._scrub(mask_secrets(self.api, observed.record))
        observation = Observation(record, observed.lacks)
        model_id = record.get(self.key)
        if not isinstance(model_id, (str, int)) or isinstance(model_id, bool):
            if created and caller is not None:
                self._forget(caller)
            return Learnt("refused", "?", who, f"the answer has no `{self.key}` to store it under")
        model_id = str(model_id)
        before_model = self._models.get(model_id)
        before_seen = caller.seen.get(model_id) if caller is not None else None
        kind = self._merge(model_id, observation, who, tuple(place.partition(".")[2] for place in made))
        if caller is not None:
            caller.seen[model_id] = observation
        if kind in ("new", "fuller", "changed") or caller is not None and before_seen != observation:
            try:
                self.fixtures()
            except Exception as exc:  # the vendor's rules refuse it (or trip over it): as if it never came
                if before_model is None:
                    del self._models[model_id]
                else:
                    self._models[model_id] = before_model
                if caller is not None:
                    if created:
                        self._forget(caller)
                    elif before_seen is None:
                        del caller.seen[model_id]
                    else:
                        caller.seen[model_id] = before_seen
                return Learnt("refused", model_id, who, f"the mock could not serve it{_problem(exc)}")
        return Learnt(kind, model_id, who, observation.lacks if kind == "kept" else "")

    def _merge(self, model_id: str, observation: Observation, who: str, made: tuple[str, ...]) -> str:
        kept = self._models.get(model_id)
        seen_by = tuple(entry for entry in (kept.seen_by if kept else ()) if entry[0] != who)
        seen_by += ((who, observation.lacks),)
        if kept is None:
            self._models[model_id] = _Kept(observation, seen_by, made)
            return "new"
        if not observation.full and kept.observation.full:
            self._models[model_id] = replace(kept, seen_by=seen_by)
            return "kept"
        self._models[model_id] = _Kept(observation, seen_by, made)
        if observation.full and not kept.observation.full:
            return "fuller"
        return "same" if observation == kept.observation else "changed"

    def _scrub(self, value: Any) -> Any:
        """``value`` with every known real credential replaced by its caller's stand-in."""
        if isinstance(value, dict):
            return {self._scrub(k): self._scrub(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._scrub(item) for item in value]
        if isinstance(value, str):
            for real, caller in self._by_credential.items():
                if value == real:
                    return caller.stand_in
                if len(real) >= _SHORTEST_SCRUBBED and real in value:
                    value = value.replace(real, caller.stand_in)
        return value

    # ----------------------------------------------------------------- results
    @property
    def model_count(self) -> int:
        return len(self._models)

    def recording(self) -> Recording:
        """The fixture data learnt so far, with the provenance of each identity and model."""
        records = {model_id: kept.observation.record for model_id, kept in self._models.items()}
        fields: dict[str, dict[str, Any]] = {}
        identities = []
        for caller in self.callers.values():
            found = self.module.identify(
                Asked(self.api, caller.name, list(caller.seen.values()), caller.token, records, fields)
            )
            fields[caller.name] = {"token": caller.token, **found.fields}
            identities.append(RecordedIdentity(caller.name, fields[caller.name], (caller.source, *found.notes)))
        return Recording(self.api, tuple(identities), tuple(self._model_notes(k) for k in self._models.values()))

    @staticmethod
    def _model_notes(kept: _Kept) -> RecordedModel:
        views = "; ".join(f"{who} ({'full view' if not lacks else 'lacks ' + lacks})" for who, lacks in kept.seen_by)
        notes = [f"seen by {views}"]
        if not kept.observation.full:
            notes.append(f"only partial views were seen: stored as shown, lacking {kept.observation.lacks}")
        if kept.made:
            notes.append(
                f"generated (the page requires them, the implementation never sends them): {', '.join(kept.made)}"
            )
        return RecordedModel(kept.observation.record, tuple(notes))

    def fixtures(self) -> FixtureSet:
        """The recording as the mock would load it; :class:`FixtureError` if it could not."""
        return parse_fixtures(self.api, self.recording().data(), "(recording)")
