"""JSON pointers into the spec as written: where in the file a violated rule is stated.

``load_spec`` resolves every ``$ref``, so a validator's schema path names the inlined copy (the whole 200
schema, or ``properties/meta/properties/profile_image_url`` of it). These functions walk the same path
through the raw spec (``$ref`` kept), following each reference, and name the subschema where it is written:
``#/components/schemas/ModelMeta/properties/profile_image_url``. openapi-core's errors (``_violations``) and
Schemathesis' (``contracts``) are located through here, so every report names the same pointer.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from vendor_specs._load import _key_of, _raw
from vendor_specs._match import Operation

__all__ = ["instance_pointer", "json_pointer", "response_pointer", "schema_at", "schema_pointer"]


def _escape(part: str | int) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def json_pointer(*parts: str | int) -> str:
    """``#/paths/~1models~1model/get`` for the parts ``paths, /models/model, get``."""
    return "#" + "".join("/" + _escape(p) for p in parts)


def _split(ptr: str) -> list[str]:
    body = ptr.split("#", 1)[-1]
    return [_unescape(p) for p in body.split("/")[1:]] if body else []


class _Walker:
    """A position in the raw document: the node and the pointer it is written at."""

    def __init__(self, document: dict[str, Any], start: str) -> None:
        self.document = document
        self.node: Any = document
        self.parts: list[str] = []
        for part in _split(start):
            if not self.step(part):
                raise KeyError(start)

    def follow(self) -> None:
        """Jump through ``$ref`` s (local ones) to where the referenced schema is written."""
        seen = 0
        while isinstance(self.node, dict) and isinstance(self.node.get("$ref"), str) and seen < 32:
            ref = self.node["$ref"]
            if not ref.startswith("#"):
                return
            node: Any = self.document
            for part in _split(ref):
                if not isinstance(node, dict) or part not in node:
                    return
                node = node[part]
            self.node, self.parts, seen = node, _split(ref), seen + 1

    def step(self, part: str | int) -> bool:
        if part == "$ref":  # a validator that reports the reference it followed (jsonschema-rs)
            self.follow()
            return True
        if isinstance(self.node, dict) and "$ref" in self.node and str(part) not in self.node:
            self.follow()
        if isinstance(self.node, dict) and str(part) in self.node:
            self.node, self.parts = self.node[str(part)], [*self.parts, str(part)]
            return True
        if isinstance(self.node, list) and isinstance(part, int | str) and str(part).isdigit():
            index = int(part)
            if index < len(self.node):
                self.node, self.parts = self.node[index], [*self.parts, str(index)]
                return True
        return False

    @property
    def pointer(self) -> str:
        return json_pointer(*self.parts)


def _document(api_or_path: str | Path) -> dict[str, Any]:
    """The spec as written (a key's overlay applied: the pointers of an overlaid spec are those of its file)."""
    return _raw(_key_of(api_or_path))


def schema_pointer(api_or_path: str | Path, start: str, schema_path: Iterable[str | int]) -> str:
    """Where the subschema at ``schema_path`` (keywords below ``start``, ``$ref`` followed) is written.

    A path that leaves the document (a keyword the raw spec does not have, e.g. one a validator added)
    stops at the last subschema that exists; a ``start`` that does not exist is returned unchanged."""
    try:
        walker = _Walker(_document(api_or_path), start)
    except KeyError:
        return start
    for part in schema_path:
        if not walker.step(part):
            break
    walker.follow()
    return walker.pointer


def schema_at(api_or_path: str | Path, ptr: str) -> Any:
    """The node written at ``ptr`` in the raw spec, its ``$ref`` followed (None when there is none)."""
    try:
        walker = _Walker(_document(api_or_path), ptr)
    except KeyError:
        return None
    walker.follow()
    return walker.node


def instance_pointer(api_or_path: str | Path, start: str, instance_path: Iterable[str | int]) -> str:
    """Where the schema of the body value at ``instance_path`` (keys and indexes) is written, below the
    schema at ``start``: ``properties/<key>`` (or ``additionalProperties``) for a key, ``items`` for an index.
    Stops at the last schema that exists (an undocumented key of an open object: the object)."""
    try:
        walker = _Walker(_document(api_or_path), start)
    except KeyError:
        return start
    for part in instance_path:
        walker.follow()
        node = walker.node if isinstance(walker.node, dict) else {}
        if isinstance(part, int):
            if not walker.step("items"):
                break
        elif isinstance(node.get("properties"), dict) and part in node["properties"]:
            walker.step("properties")
            walker.step(part)
        elif isinstance(node.get("additionalProperties"), dict):
            walker.step("additionalProperties")
        else:
            break
    walker.follow()
    return walker.pointer


def response_pointer(op: Operation, status: int | None = None, media_type: str | None = None) -> str:
    """The pointer of ``op``'s response for ``status`` (its documented code, ``default`` otherwise; None: all
    responses), and below it the schema of the documented content matching ``media_type``."""
    base = json_pointer("paths", op.path, op.method.lower(), "responses")
    if status is None:
        return base
    codes = op.responses
    code = str(status) if str(status) in codes else f"{str(status)[0]}XX" if f"{str(status)[0]}XX" in codes else None
    if code is None:
        code = "default" if "default" in codes else None
    if code is None:
        return base
    if media_type is None:
        return f"{base}/{_escape(code)}"
    content = codes[code].get("content") or {}
    wanted = media_type.split(";")[0].strip().lower()
    media = next((m for m in content if m.lower() == wanted), None)
    if media is None:
        return f"{base}/{_escape(code)}/content"
    return f"{base}/{_escape(code)}/content/{_escape(media)}/schema"
