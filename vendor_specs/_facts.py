"""Vendor facts the specs state as ``x-`` extensions, read by the mock and the harness alike.

- ``x-model`` (operation): the parameter carrying the model id, the body fields that echo it (the first is
  the key models are stored under), the (created, updated) timestamp pair.
- ``x-situations`` (operation): the documented answer(s) to no credentials, a bad credential, a caller
  without access, a missing model; every answer the vendor's page allows, the first one preferred.
- ``x-message-field`` (error schema): where an error body carries its human-readable message.
- ``x-secret`` (property): a credential that is only ever returned masked, as the examples show it.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from vendor_specs._errors import SpecError
from vendor_specs._load import load_spec
from vendor_specs._match import Operation, operations

__all__ = [
    "Answer",
    "ModelFacts",
    "Situation",
    "check_facts",
    "documented_refusal",
    "json_body_schema",
    "mask",
    "message_field",
    "message_of",
    "mock_port",
    "model_facts",
    "model_operation",
    "secret_fields",
    "situation",
    "situations",
    "varying_message",
    "walk",
    "with_message",
]


def json_body_schema(response: dict[str, Any], media: str = "application/json") -> dict[str, Any] | None:
    """The schema of a response object's ``media`` content, or None."""
    schema = ((response.get("content") or {}).get(media) or {}).get("schema")
    return schema if isinstance(schema, dict) else None


def mock_port(api: str) -> int:
    """The port the mock serves ``api`` on by default (``info.x-mock-port``)."""
    port = (load_spec(api).get("info") or {}).get("x-mock-port")
    if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
        raise SpecError(f"spec {api}: `info.x-mock-port` must be the mock's default port (1-65535), got {port!r}")
    return port


@dataclass(frozen=True)
class ModelFacts:
    id_parameter: str
    id_fields: tuple[str, ...]
    timestamps: tuple[str, str] | None
    per_caller: tuple[str, ...] = ()  # the fields whose value depends on who reads the model

    @property
    def key(self) -> str:
        """The field models are stored and looked up under."""
        return self.id_fields[0]


@functools.lru_cache(maxsize=None)
def model_operation(api: str) -> Operation:
    """The operation that reads one model (the one with ``x-model``)."""
    for op in operations(api):
        if "x-model" in op.definition:
            return op
    raise SpecError(f"spec {api}: no operation has `x-model` (id-parameter, id-fields); add it to the model operation")


@functools.lru_cache(maxsize=None)
def model_facts(api: str) -> ModelFacts:
    """``x-model`` of :func:`model_operation`."""
    op = model_operation(api)
    raw = op.definition["x-model"]
    try:
        param = str(raw["id-parameter"])
        fields = tuple(str(f) for f in raw["id-fields"])
        stamps = raw.get("timestamps")
    except (KeyError, TypeError):
        raise SpecError(f"spec {api}: {op.operation_id} `x-model` needs id-parameter and id-fields") from None
    if param not in {p["name"] for p in op.parameters} or not fields:
        raise SpecError(f"spec {api}: `x-model.id-parameter` {param!r} is not a parameter of {op.operation_id}")
    pair = (str(stamps[0]), str(stamps[1])) if isinstance(stamps, list) and len(stamps) == 2 else None
    return ModelFacts(param, fields, pair, tuple(str(f) for f in raw.get("per-caller") or ()))


@dataclass(frozen=True)
class Answer:
    """One documented answer: a status and the named example whose body it carries."""

    status: int
    example: str
    body: Any
    exact_message: bool = True  # False: the text varies (it names the input); compare status and shape


@dataclass(frozen=True)
class Situation:
    name: str
    description: str
    answers: tuple[Answer, ...]
    reason: str = ""  # why the page allows several answers, in its own words

    @property
    def preferred(self) -> Answer:
        """The answer the mock gives."""
        return self.answers[0]

    def statuses(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(answer.status for answer in self.answers))


def _example(op: Operation, status: int, name: str) -> Any:
    response = op.responses.get(str(status))
    examples = (((response or {}).get("content") or {}).get("application/json") or {}).get("examples") or {}
    if name not in examples:
        raise SpecError(
            f"spec {op.api}: x-situations names example {name!r} of status {status}, which {op.operation_id} does not document"
        )
    return examples[name].get("value")


@functools.lru_cache(maxsize=None)
def _situations(api: str) -> dict[str, Situation]:
    op = model_operation(api)
    found: dict[str, Situation] = {}
    for name, raw in (op.definition.get("x-situations") or {}).items():
        answers = tuple(
            Answer(
                int(a["status"]),
                str(a["example"]),
                _example(op, int(a["status"]), str(a["example"])),
                bool(a.get("exact-message", True)),
            )
            for a in raw.get("answers") or []
        )
        if not answers:
            raise SpecError(f"spec {api}: x-situations.{name} lists no answers")
        found[str(name)] = Situation(str(name), str(raw.get("description", "")), answers, str(raw.get("reason", "")))
    return found


def situations(api: str) -> tuple[Situation, ...]:
    """Every situation of ``api``'s ``x-situations``."""
    return tuple(_situations(api).values())


def varying_message(api: str, status: int) -> bool:
    """Whether some situation answered with ``status`` has a text that varies with the input
    (``exact-message: false``): then only the body's shape can be compared, not its text."""
    return any(not a.exact_message for s in situations(api) for a in s.answers if a.status == status)


def situation(api: str, name: str) -> Situation:
    """The situation ``name`` (``no_credentials``, ``bad_credentials``, ``denied``, ``not_found``)."""
    found = _situations(api)
    if name not in found:
        raise SpecError(f"spec {api}: x-situations has no {name!r} (has {', '.join(found) or 'none'})")
    return found[name]


def message_field(schema: dict[str, Any] | None) -> tuple[str, ...] | None:
    """Where an error body of ``schema`` carries its message (``x-message-field``, as keys), None if unknown."""
    field = (schema or {}).get("x-message-field")
    return tuple(str(field).split(".")) if field else None


_message_path = message_field


def message_of(schema: dict[str, Any] | None, body: Any) -> Any:
    """The human-readable message of an error ``body`` where its ``schema`` says it lives (None if unknown)."""
    path = _message_path(schema)
    if path is None:
        return None
    for part in path:  # keys, and indexes into lists (FastAPI's `detail.0.msg`)
        if isinstance(body, list) and part.isdigit():
            body = body[int(part)] if int(part) < len(body) else None
        elif isinstance(body, dict):
            body = body.get(part)
        else:
            return None
    return body


def with_message(schema: dict[str, Any] | None, body: Any, text: str) -> Any:
    """A copy of ``body`` with its message (``x-message-field``) replaced by ``text``."""
    path = _message_path(schema)
    if path is None:
        raise SpecError("this error schema has no `x-message-field`; say where its message lives")
    out = copy.deepcopy(body)
    node = out
    for part in path[:-1]:
        node = node[int(part)] if isinstance(node, list) and part.isdigit() else node.setdefault(part, {})
    if isinstance(node, list) and path[-1].isdigit():
        node[int(path[-1])] = text
    else:
        node[path[-1]] = text
    return out


def _schema_props(schema: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(schema, dict):
        for name, prop in (schema.get("properties") or {}).items():
            yield name, prop
            yield from _schema_props(prop)
        for key in ("items", "additionalProperties"):
            yield from _schema_props(schema.get(key))
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in schema.get(key) or []:
                yield from _schema_props(sub)


def walk(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair of a JSON value, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


@functools.lru_cache(maxsize=None)
def secret_fields(api: str) -> dict[str, tuple[Any, ...]]:
    """Field name -> the masked values the spec's examples show for it, for every ``x-secret: true`` field."""
    found: dict[str, list[Any]] = {}
    for op in operations(api):
        for response in op.responses.values():
            for name, prop in _schema_props(json_body_schema(response)):
                if prop.get("x-secret"):
                    found.setdefault(name, [])
            content = (response.get("content") or {}).get("application/json") or {}
            for example in (content.get("examples") or {}).values():
                for key, value in walk(example.get("value")):
                    if key in found and not isinstance(value, (dict, list)) and value not in found[key]:
                        found[key].append(value)
    return {k: tuple(v) for k, v in found.items()}


def mask(api: str, field: str) -> Any:
    """The masked value the spec's examples show for the secret ``field`` (``***masked***``)."""
    shown = secret_fields(api).get(field)
    if not shown:
        raise SpecError(f"spec {api}: no example shows how the secret field {field!r} is masked")
    return shown[0]


def check_facts(api: str) -> None:
    """Load ``api``'s spec and read every vendor fact it states; :class:`SpecError` saying what is wrong."""
    model_facts(api)
    situations(api)
    secret_fields(api)
    mock_port(api)


def documented_refusal(op: Operation, status: int) -> bool:
    """A documented 4xx: the server refused a request as its contract says (its request errors are not its fault)."""
    return 400 <= status < 500 and str(status) in op.responses
