"""What the vendors share: the fixture data and request context handed to handlers, errors in the
vendor's format, and the small rules every vendor applies the same way (bearer identities, masked
secrets, plausible generated bodies). Vendor facts (id fields, timestamps, situations, secret fields)
are read from the spec through ``vendor_specs``.
"""

from __future__ import annotations

import http
import random
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Any

from starlette.datastructures import Headers, QueryParams

import vendor_specs
from mock_server.errors import VendorError

__all__ = [
    "Context",
    "ErrorFormat",
    "FastAPIErrors",
    "FixtureSet",
    "bearer_identity",
    "echo_request",
    "mask_secrets",
    "situation_error",
]


@dataclass(frozen=True)
class FixtureSet:
    """The validated content of one vendor's fixture file."""

    api: str
    file: str
    identities: dict[str, dict[str, Any]]
    models: dict[str, dict[str, Any]]
    by_token: dict[str, dict[str, Any]] = field(repr=False)
    views: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        """A derived body (e.g. a caller's view of a model), built once per fixture version.

        Handlers return it as the response body; it must not be mutated afterwards."""
        value = self.views.get(key)
        if value is None:
            value = self.views[key] = make()
        return value


class Context:
    """Everything a handler may look at: the caller, the request's parameters and the current fixtures.

    ``query`` and ``headers`` are parsed from the ASGI scope only when a handler asks for them.
    """

    __slots__ = ("api", "fixtures", "identity", "path_params", "scope", "__dict__")

    def __init__(
        self, api: str, fixtures: FixtureSet, identity: dict[str, Any] | None, scope: MutableMapping[str, Any]
    ) -> None:
        self.api = api
        self.fixtures = fixtures
        self.identity = identity
        self.path_params: dict[str, str] = scope.get("path_params", {})
        self.scope = scope

    @cached_property
    def query(self) -> QueryParams:
        return QueryParams(self.scope.get("query_string", b""))

    @cached_property
    def headers(self) -> Headers:
        return Headers(scope=self.scope)

    @property
    def requested_id(self) -> str | None:
        """The model id the request asks for (the spec's ``x-model.id-parameter``, from the path or the query)."""
        name = vendor_specs.model_facts(self.api).id_parameter
        return self.path_params.get(name) or self.query.get(name)


def situation_error(api: str, name: str, headers: dict[str, str] | None = None) -> VendorError:
    """The vendor's documented answer to situation ``name`` (the spec's ``x-situations``; the first answer)."""
    answer = vendor_specs.situation(api, name).preferred
    return VendorError(answer.status, answer.body, dict(headers or {}))


class ErrorFormat:
    """How a vendor answers errors its framework raises before any handler runs."""

    api: str = ""

    def missing_credentials(self) -> VendorError:
        return situation_error(self.api, "no_credentials")

    def invalid_params(self, errors: list[dict[str, Any]]) -> VendorError:
        raise NotImplementedError

    def route_not_found(self) -> VendorError:
        raise NotImplementedError

    def method_not_allowed(self, method: str, allow: str) -> VendorError:
        raise NotImplementedError

    def server_error(self) -> VendorError:
        raise NotImplementedError

    def uri_too_long(self, detail: str) -> VendorError:
        """A request target too long for the HTTP server: 414 with the framework's phrase and why."""
        return VendorError(414, {"detail": f"{http.HTTPStatus(414).phrase}: {detail}"})

    def bad_prefer(self, message: str) -> VendorError:
        """An unusable ``Prefer`` header (mock-only): reported like an invalid header parameter."""
        return self.invalid_params(
            [{"loc": ["header", "prefer"], "msg": message, "type": "value_error", "input": None}]
        )


class FastAPIErrors(ErrorFormat):
    """FastAPI/Starlette's own answers (Open WebUI and SELISE are FastAPI services).

    A 422 entry has the keys of the spec's documented 422 example (``template``), so a vendor whose page
    shows ``{loc, msg, type}`` gets exactly those keys and one whose real server adds ``input`` gets it
    too; a missing parameter copies the spec's documented missing-parameter entry when there is one.
    Starlette's router texts (``Not Found``, ``Method Not Allowed``) are the framework's answers for paths
    and methods the specs do not have; a spec that documents the unknown-route body (``not_found``) wins.
    """

    def __init__(
        self, api: str, template: dict[str, Any], missing: dict[str, Any] | None = None, not_found: Any = None
    ) -> None:
        self.api = api
        self.template = template
        self.missing = missing
        self.not_found = not_found if not_found is not None else {"detail": "Not Found"}

    def invalid_params(self, errors: list[dict[str, Any]]) -> VendorError:
        detail = []
        for error in errors:
            if error["type"] == "missing" and self.missing is not None:
                entry = {**self.missing, "loc": list(error["loc"])}
            else:
                entry = {key: error.get(key) for key in self.template}
                entry["loc"] = list(error["loc"])
            detail.append(entry)
        return VendorError(422, {"detail": detail})

    def route_not_found(self) -> VendorError:
        return VendorError(404, self.not_found)

    def method_not_allowed(self, method: str, allow: str) -> VendorError:
        return VendorError(405, {"detail": "Method Not Allowed"}, {"Allow": allow})

    def server_error(self) -> VendorError:
        return VendorError(500, {"detail": "Internal Server Error"})


def bearer_identity(api: str, token: str, fixtures: FixtureSet) -> dict[str, Any]:
    """The fixture identity holding ``token``, or the spec's documented answer to a bad credential."""
    identity = fixtures.by_token.get(token)
    if identity is None:
        raise situation_error(api, "bad_credentials")
    return identity


def mask_secrets(api: str, record: dict[str, Any]) -> dict[str, Any]:
    """The record with every ``x-secret`` field replaced by the mask the spec's examples show."""
    secrets = vendor_specs.secret_fields(api)
    if not secrets:
        return record
    return {**record, **{name: vendor_specs.mask(api, name) for name in secrets if record.get(name) is not None}}


# Unix seconds a generated body may carry: 2020-09-13 .. 2026-09-11 (never milliseconds, never 1970).
_UNIX_LOW, _UNIX_HIGH = 1_600_000_000, 1_789_000_000
_MAX_GAP = 180 * 86400


def _plausible_timestamps(body: dict[str, Any], created: str, updated: str, rng: random.Random) -> None:
    """Make a generated body's (created, updated) pair plausible, in place: ``updated >= created``, and
    integers are Unix seconds of recent years. ISO 8601 strings are only reordered (the generator's
    date-times are already recent). A pair the spec gives no type (Respan's) is drawn as anything: it
    becomes ISO 8601, as the fixtures have it."""
    present = [name for name in (created, updated) if name in body]
    values = [body[name] for name in present]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        start = rng.randint(_UNIX_LOW, _UNIX_HIGH)
        for name in present:
            body[name] = start + rng.randint(0, _MAX_GAP) if name == updated and created in present else start
    elif all(isinstance(v, str) and _is_iso(v) for v in values):
        if len(values) == 2 and values[1] < values[0]:
            body[created], body[updated] = values[1], values[0]
    else:
        start = rng.randint(_UNIX_LOW, _UNIX_HIGH)
        for name in present:
            gap = rng.randint(0, _MAX_GAP) if name == updated and created in present else 0
            body[name] = datetime.fromtimestamp(start + gap, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _is_iso(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def echo_request(ctx: Context, body: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A generated 200 body made plausible for the request, in place: every id field (``x-model``) is the
    requested id, and the (created, updated) timestamps are ordered, integers in Unix seconds."""
    facts = vendor_specs.model_facts(ctx.api)
    requested = ctx.requested_id
    if requested is not None:
        for name in facts.id_fields:
            body[name] = requested
    if facts.timestamps is not None:
        _plausible_timestamps(body, *facts.timestamps, rng)
    _related(ctx.api, body, rng)
    return body


def _holder(body: dict[str, Any], dotted: str) -> tuple[dict[str, Any] | None, str]:
    """The object holding the dotted field ``dotted`` and the field's own name (None when a parent is missing)."""
    *parents, name = dotted.split(".")
    node: Any = body
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
    return (node if isinstance(node, dict) else None), name


def _related(key: str, body: dict[str, Any], rng: random.Random) -> None:
    """Make the generated ``body`` keep the relations the page's rules state between its fields (``x-rules``
    with ``relation``: ``user.id`` = ``user_id``, values among those the page lists, ...), in place."""
    for rule in vendor_specs.rules(key):
        relation = rule.relation
        if relation is None or not relation.applies(body):
            continue  # (the request's credential is the vendor's generated() to set)
        for dotted, value in relation.then.items():
            holder, name = _holder(body, dotted)
            if holder is not None:
                holder[name] = value
        for dotted in relation.absent:
            holder, name = _holder(body, dotted)
            if holder is not None and name in holder:
                holder[name] = None
        if relation.equal:
            (source, a), (target, b) = _holder(body, relation.equal[0]), _holder(body, relation.equal[1])
            if source is not None and target is not None and source.get(a) is not None and b in target:
                target[b] = source[a]
        for dotted, values in relation.among.items():
            holder, name = _holder(body, dotted)
            if holder is not None and holder.get(name) is not None and holder[name] not in values:
                holder[name] = rng.choice(values)
