"""Drafting an overlay from what a server was seen to do: the difference as an OpenAPI Overlay 1.0.0 document.

The harness (``contracts check --write-overlay``) and the recorder (``mock-server record --write-overlay``) each
turn what they saw into :class:`Deviation` s (one difference the spec could state: a key an object has or lacks,
a value of another type or null, an error text, the status a situation is answered with) and say which
differences no contract can excuse (a broken access rule, a leaked secret, a server error). :func:`draft` makes
the document: one action per spec node, with an RFC 9535 JSONPath ``target``, the ``update`` (or ``remove``)
that makes the observed answers conform and the evidence as its ``description``; the others are listed in the
file's header comment, as what to fix in the server. Given an overlay the spec already applies, the draft
extends it (its actions first).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

from vendor_specs._load import _key_of, _raw
from vendor_specs._pointers import _split

__all__ = ["Deviation", "base_actions", "draft", "jsonpath_of", "schema_deviation", "schema_of_value", "value_at"]

KINDS = ("extra_key", "missing_key", "null", "type", "enum", "format", "bound", "text", "status")


@dataclass(frozen=True)
class Deviation:
    """One difference an overlay can state. ``pointer`` is the spec node it changes: an object schema (``key``
    extra or missing), a property schema (``null``, ``type``, ``enum``, ``format``, ``bound`` with the
    ``keyword``), an example (``text``: ``value`` is the observed body), or an operation (``status``: the
    ``situation`` answered ``status`` with the body ``value``). ``evidence`` says where it was seen."""

    kind: str
    pointer: str
    key: str = ""
    value: Any = None
    keyword: str = ""
    situation: str = ""
    status: int = 0
    evidence: str = ""
    example: str = ""  # one request that showed it (credentials hidden) and the start of its answer


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def jsonpath_of(pointer: str) -> str:
    """The RFC 9535 JSONPath of a JSON pointer: ``#/paths/~1models~1model/get`` -> ``$.paths['/models/model'].get``."""
    out = "$"
    for part in _split(pointer):
        if _NAME.fullmatch(part):
            out += f".{part}"
        else:
            escaped = part.replace("\\", "\\\\").replace("'", "\\'")
            out += f"['{escaped}']"
    return out


def schema_of_value(value: Any) -> dict[str, Any]:
    """The schema a learned field gets from the value seen: its JSON type (nullable when it was null)."""
    if value is None:
        return {"nullable": True}
    for kind, name in (
        (bool, "boolean"),
        (int, "integer"),
        (float, "number"),
        (str, "string"),
        (dict, "object"),
        (list, "array"),
    ):
        if isinstance(value, kind):
            return {"type": name}
    return {}


_BOUNDS = (
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
)
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['((?:[^'\\]|\\.)*)'\]")
_ABSENT = object()


def value_at(body: Any, path: str, default: Any = None) -> Any:
    """The value at a JSON path (``$.meta.voice``, ``$.access_grants[0].id``) of ``body``, else ``default``."""
    node = body
    for name, index, quoted in _STEP.findall(path[1:]):
        if index:
            if not isinstance(node, list) or int(index) >= len(node):
                return default
            node = node[int(index)]
        else:
            key = name or quoted.replace("\\'", "'")
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
    return node


def schema_deviation(
    rule: str, path: str, pointer: str, body: Any, evidence: str = "", example: str = ""
) -> Deviation | None:
    """The difference a schema violation shows (its ``rule``, e.g. ``additionalProperties: false`` or
    ``type: string``, at the body's ``path``, written at the spec's ``pointer``), when an overlay can state it."""
    value = value_at(body, path, _ABSENT) if path else _ABSENT
    key = path.rsplit(".", 1)[-1] if path else ""
    if rule == "additionalProperties: false" and key:
        return Deviation(
            "extra_key", pointer, key, None if value is _ABSENT else value, evidence=evidence, example=example
        )
    if rule == "required" and key:
        parent = re.sub(r"/properties/[^/]+$", "", pointer)
        return Deviation("missing_key", parent, key, evidence=evidence, example=example)
    if value is _ABSENT:
        return None
    keyword = rule.split(":", 1)[0].strip()
    if keyword in ("type", "nullable"):
        kind = "null" if value is None else "type"
        return (
            None
            if keyword == "nullable" and value is not None
            else Deviation(kind, pointer, value=value, evidence=evidence, example=example)
        )
    if keyword in ("enum", "format"):
        return Deviation(keyword, pointer, value=value, evidence=evidence, example=example)
    if keyword in _BOUNDS:
        bound = len(value) if keyword.endswith(("Length", "Items")) and hasattr(value, "__len__") else value
        return Deviation("bound", pointer, value=bound, keyword=keyword, evidence=evidence, example=example)
    return None


def base_actions(key: str) -> list[dict[str, Any]]:
    """The actions (as written in its file) of the overlay the spec ``key`` applies; none for a page's spec."""
    from vendor_specs._overlay import overlay_of

    overlay = overlay_of(key)
    if overlay is None:
        return []
    data = yaml.safe_load(overlay.path.read_text(encoding="utf-8")) or {}
    return list(data.get("actions") or [])


def _plain(value: Any) -> Any:
    """Plain dicts and lists all the way down (a parser's dict subclasses are no YAML)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _node(spec: dict[str, Any], pointer: str) -> Any:
    node: Any = spec
    for part in _split(pointer):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _described(deviations: list[Deviation]) -> str:
    """The evidence of an action: what was seen and how often, and one request that showed it."""
    seen = "; ".join(dict.fromkeys(d.evidence for d in deviations if d.evidence))
    if len(seen) > 800:
        seen = seen[:797] + "..."
    example = next((d.example for d in deviations if d.example), "")
    return f"Learned: {seen}" + (f"\nFor example: {example}" if example else "")


def _object_update(spec: dict[str, Any], pointer: str, deviations: list[Deviation]) -> dict[str, Any]:
    node = _node(spec, pointer) or {}
    update: dict[str, Any] = {}
    extra = {d.key: d.value for d in deviations if d.kind == "extra_key"}
    if extra:
        # what the implementation sends: required (the mock then sends it too), null when it has no value
        update["properties"] = {
            k: {
                **schema_of_value(v),
                **({"x-when-unset": None} if v is None else {}),
                "description": "Learned: sent by the implementation.",
            }
            for k, v in extra.items()
        }
    lacks = {d.key for d in deviations if d.kind == "missing_key"}
    if lacks or extra:
        required = [k for k in node.get("required", []) if k not in lacks]
        update["required"] = required + [k for k in extra if k not in required]
    return update


def _property_update(
    spec: dict[str, Any], pointer: str, deviations: list[Deviation]
) -> tuple[dict[str, Any], list[str]]:
    """(update, keywords to remove) for one property schema."""
    node = _node(spec, pointer) or {}
    update: dict[str, Any] = {}
    removes: list[str] = []
    for d in deviations:
        if d.kind == "null":
            update["nullable"] = True
            update["x-when-unset"] = None  # the mock sends null where its data has no value
        elif d.kind == "type":
            learned = schema_of_value(d.value)
            if "type" in learned:
                update["type"] = learned["type"]
        elif d.kind == "enum":
            seen = list(update.get("enum") or node.get("enum") or [])
            if d.value not in seen:
                update["enum"] = [*seen, d.value]
        elif d.kind == "format":
            removes.append("format")
        elif d.kind == "bound" and d.keyword:
            update[d.keyword] = d.value
    return update, sorted(set(removes))


def _status_update(spec: dict[str, Any], pointer: str, deviations: list[Deviation]) -> dict[str, Any]:
    operation = _node(spec, pointer) or {}
    responses: dict[str, Any] = {}
    situations: dict[str, Any] = {}
    for d in deviations:
        documented = (operation.get("responses") or {}).get(str(d.status))
        example = f"learned_{d.situation}"
        content: dict[str, Any] = {"examples": {example: {"summary": f"{d.situation} (learned)", "value": d.value}}}
        if documented is None:
            content["schema"] = {}
            responses[str(d.status)] = {
                "description": f"Learned: the answer to {d.situation}.",
                "content": {"application/json": content},
            }
        else:
            responses[str(d.status)] = {"content": {"application/json": content}}
        situations[d.situation] = {
            "answers": [{"status": d.status, "example": example, "exact-message": False}],
            "reason": "Learned: the implementation answers so.",
        }
    return {"responses": responses, "x-situations": situations}


def draft(
    key: str,
    deviations: Iterable[Deviation],
    unfixable: Iterable[str] = (),
    base: Iterable[dict[str, Any]] = (),
    title: str = "",
    source: str = "",
) -> tuple[str, int]:
    """The overlay document (YAML text, header comments included) for the spec ``key`` and how many new actions
    it has. ``base``: the actions of the overlay ``key`` already applies (raw, as in its file), kept first."""
    spec = _raw(_key_of(key))
    vendor = key.split("@", 1)[0]
    fixes = list(dict.fromkeys(unfixable))
    families = {"extra_key": "object", "missing_key": "object", "text": "example", "status": "operation"}
    groups: dict[tuple[str, str], list[Deviation]] = {}
    for d in deviations:
        groups.setdefault((families.get(d.kind, "property"), d.pointer), []).append(d)
    actions: list[dict[str, Any]] = list(base)
    new = 0
    for (family, pointer), found in sorted(groups.items(), key=lambda item: item[0][1]):
        target = jsonpath_of(pointer)
        described = _described(found)
        if family == "object":
            update = _object_update(spec, pointer, found)
        elif family == "example":
            update = {"summary": "Learned: the implementation's body", "value": found[-1].value}
        elif family == "operation":
            update = _status_update(spec, pointer, found)
        else:
            update, removes = _property_update(spec, pointer, found)
            for keyword in removes:
                actions.append({"target": f"{target}.{keyword}", "description": described, "remove": True})
                new += 1
        if update:
            actions.append({"target": target, "description": described, "update": update})
            new += 1
    if not actions and fixes:
        # nothing an overlay can describe, but findings to fix: still an overlay (Overlay 1.0 needs an action),
        # one that changes nothing a check reads, so the file can be used as any other
        actions.append(
            {
                "target": "$.info",
                "description": "Learned: nothing an overlay can describe; the findings listed above stay failures.",
                "update": {"x-learned": "nothing describable"},
            }
        )
    document = {
        "overlay": "1.0.0",
        "info": {"title": title or f"{vendor}, as learned from a server", "version": dt.date.today().isoformat()},
        "extends": f"{vendor}.yaml",
        "actions": actions,
    }
    header = [
        f"# Learned by {source or 'the harness'} on {dt.date.today().isoformat()}: what this implementation does differently"
    ]
    header.append(
        "# from the page (openapi/{}.yaml). Review each action, then use it: --overlay <this file>.".format(vendor)
    )
    if fixes:
        header.append("#")
        header.append("# Not described here: no contract excuses these; fix them in the server:")
        header += [f"#   - {line}" for line in fixes]
    body = yaml.safe_dump(_plain(document), sort_keys=False, allow_unicode=True, width=110)
    return "\n".join(header) + "\n" + body, new
