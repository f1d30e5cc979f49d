"""OpenAPI Overlays (Overlay Specification 1.0.0): what a real implementation does differently from the page.

The spec ``openapi/<vendor>.yaml`` is the vendor's page. An overlay ``openapi/overlays/<name>.yaml`` (one per
implementation and version, e.g. ``openwebui-0.12.4``) names the spec it changes in ``extends`` and lists
``actions``: an RFC 9535 JSONPath ``target``, a ``description`` (the evidence) and an ``update`` (merged into
each selected object, appended to each selected array) or ``remove: true``. The spec key
``<vendor>@<overlay>`` (``vendor_specs.spec_key``) is the page's spec with the overlay applied; every function of
``vendor_specs`` answers for it. An action that matches nothing, or a result that is not a valid OpenAPI
document, is a :class:`SpecError` naming the overlay file and the action.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonpath_rfc9535
import yaml

from vendor_specs._errors import SpecError
from vendor_specs._registry import apis, overlay_ref, roots, spec_dir

__all__ = [
    "ABSENT",
    "Action",
    "add_overlay_argument",
    "Change",
    "Overlay",
    "load_overlay",
    "overlay_changes",
    "overlay_of",
    "overlay_help",
    "overlays",
]

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def overlay_help(doing: str) -> str:
    """The help of every ``--overlay`` option: ``doing`` says what the command does by it (e.g. "judge by")."""
    return (
        f"{doing} an implementation's overlay of the vendor's spec instead of the page: a shipped one's name "
        "(`contracts overlays` lists them) or an overlay file (e.g. what `contracts check --write-overlay` wrote)"
    )


def add_overlay_argument(parser: Any, doing: str, *, required: bool = False) -> None:
    """The one ``--overlay NAME|FILE`` option of every command (argparse)."""
    parser.add_argument("--overlay", metavar="NAME|FILE", required=required, help=overlay_help(doing))


@dataclass(frozen=True)
class Action:
    """One action of an overlay; ``number`` counts from 1, as a person reads the file."""

    number: int
    target: str
    description: str
    update: Any = None
    remove: bool = False
    deviation: str = ""  # ``x-deviation``: actions naming the same one make one difference (remove, then re-add)
    page_silent: bool = False  # ``x-page-silent``: states what the implementation does where the page says nothing

    def __str__(self) -> str:
        return f"action {self.number} (target {self.target})"


@dataclass(frozen=True)
class Overlay:
    name: str  # the file's stem: how --overlay names a shipped one
    path: Path
    vendor: str  # the spec it extends
    title: str
    version: str
    actions: tuple[Action, ...] = field(repr=False)

    def label(self) -> str:
        """``overlay openwebui-0.12.4 (openapi/overlays/openwebui-0.12.4.yaml)``: how messages name it."""
        return f"overlay {self.name} ({_shown(self.path)})"


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _folders() -> tuple[Path, ...]:
    return (spec_dir() / "overlays", *(root / "openapi" / "overlays" for root in roots()))


def overlays() -> dict[str, Path]:
    """Every shipped overlay (and those under each ``VENDOR_PATH`` folder's ``openapi/overlays/``): name -> file."""
    found: dict[str, Path] = {}
    for folder in _folders():
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
            found.setdefault(path.stem, path.resolve())
    return found


def _locate(ref: str | Path) -> Path:
    shipped = overlays()
    if isinstance(ref, str) and ref in shipped:
        return shipped[ref]
    path = Path(ref)
    if path.is_file():
        return path.resolve()
    names = ", ".join(shipped) or "none"
    raise SpecError(f"overlay {str(ref)!r}: neither a shipped overlay ({names}) nor a file; check the name or path")


def load_overlay(ref: str | Path) -> Overlay:
    """The overlay named ``ref`` (a shipped name, or a file), checked against Overlay 1.0.0."""
    return _load(str(_locate(ref)))


def _fail(path: Path, problem: str) -> SpecError:
    return SpecError(f"overlay {path.stem} ({_shown(path)}): {problem}")


@functools.lru_cache(maxsize=None)
def _load(file: str) -> Overlay:
    path = Path(file)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _fail(path, f"cannot be read as YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(data, dict) or not str(data.get("overlay", "")).startswith("1.0."):
        raise _fail(path, "is not an Overlay 1.0 document (no `overlay: 1.0.0` key)")
    info = data.get("info")
    if not isinstance(info, dict) or not isinstance(info.get("title"), str) or not isinstance(info.get("version"), str):
        raise _fail(path, "`info` needs a `title` and a `version` (strings)")
    extends = data.get("extends")
    vendor = Path(str(extends or "")).stem
    if not isinstance(extends, str) or vendor not in apis():
        raise _fail(path, f"`extends` must name the vendor spec it changes ({', '.join(f'{a}.yaml' for a in apis())})")
    raw = data.get("actions")
    if not isinstance(raw, list) or not raw:
        raise _fail(path, "`actions` must be a list of at least one action")
    actions = []
    for number, item in enumerate(raw, 1):
        where = f"action {number}"
        if not isinstance(item, dict) or not isinstance(item.get("target"), str) or not item["target"].startswith("$"):
            raise _fail(path, f"{where}: `target` must be a JSONPath query starting with `$`")
        where = f"action {number} (target {item['target']})"
        if not isinstance(item.get("description"), str) or not item["description"].strip():
            raise _fail(path, f"{where}: needs a `description` giving its evidence (what was observed, where)")
        remove = item.get("remove", False)
        if not isinstance(remove, bool) or (not remove and "update" not in item):
            raise _fail(path, f"{where}: needs an `update` or `remove: true`")
        try:
            jsonpath_rfc9535.compile(item["target"])
        except jsonpath_rfc9535.JSONPathError as exc:
            raise _fail(path, f"{where}: not an RFC 9535 JSONPath query ({exc})") from None
        deviation = str(item.get("x-deviation") or f"action {number}")
        silent = item.get("x-page-silent") is True
        actions.append(
            Action(number, item["target"], item["description"].strip(), item.get("update"), remove, deviation, silent)
        )
    return Overlay(path.stem, path, vendor, info["title"], info["version"], tuple(actions))


def overlay_of(api: str) -> Overlay | None:
    """The overlay a spec key applies (None for a vendor's page spec)."""
    ref = overlay_ref(api)
    return None if ref is None else load_overlay(ref)


def _merge(node: dict[str, Any], update: dict[str, Any]) -> None:
    """Overlay 1.0: the update's properties are merged recursively into the object; other values replace."""
    for name, value in update.items():
        if isinstance(value, dict) and isinstance(node.get(name), dict):
            _merge(node[name], value)
        else:
            node[name] = copy.deepcopy(value)


def _apply(doc: dict[str, Any], action: Action, overlay: Overlay) -> None:
    nodes = jsonpath_rfc9535.find(action.target, doc)
    if not nodes:
        raise SpecError(
            f"{overlay.label()} {action}: matches nothing in {overlay.vendor}.yaml "
            f"(after the actions before it); fix the target or remove the action"
        )
    if any(not isinstance(node.value, (dict, list)) for node in nodes):
        raise SpecError(f"{overlay.label()} {action}: selects a value that is not an object or array (Overlay 1.0)")
    if action.remove:
        if any(not node.location for node in nodes):
            raise SpecError(f"{overlay.label()} {action}: cannot remove the whole document")
        # deepest and highest indexes first, so that no removal moves what a later one removes
        for node in sorted(nodes, key=lambda n: (len(n.location), n.location), reverse=True):
            parent: Any = doc
            for part in node.location[:-1]:
                parent = parent[part]
            del parent[node.location[-1]]
        return
    for node in nodes:
        if isinstance(node.value, list):
            node.value.append(copy.deepcopy(action.update))
        elif isinstance(action.update, dict) and isinstance(node.value, dict):
            _merge(node.value, action.update)
        else:
            raise SpecError(f"{overlay.label()} {action}: `update` must be an object to merge into the selected object")


def apply_actions(spec: dict[str, Any], overlay: Overlay, upto: int | None = None) -> dict[str, Any]:
    """A copy of ``spec`` with the overlay's actions (the first ``upto`` of them) applied, not validated."""
    doc = copy.deepcopy(spec)
    for action in overlay.actions[:upto]:
        _apply(doc, action, overlay)
    return doc


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


#: the value of a :class:`Change` side where the node does not exist
ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Change:
    """One node an action changes: its JSON pointer in the spec, before (the page) and after."""

    pointer: str
    page: Any
    overlay: Any


def _pointer(parts: tuple[Any, ...]) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _changes(before: Any, after: Any, parts: tuple[Any, ...]) -> list[Change]:
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for name in [*before, *(k for k in after if k not in before)]:
            found += _changes(before.get(name, ABSENT), after.get(name, ABSENT), (*parts, name))
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        return [c for i, (a, b) in enumerate(zip(before, after, strict=True)) for c in _changes(a, b, (*parts, i))]
    return [] if before == after else [Change(_pointer(parts), before, after)]


def overlay_changes(overlay: Overlay, base: dict[str, Any]) -> tuple[tuple[Action, tuple[Change, ...]], ...]:
    """Each action of ``overlay`` with the nodes of ``base`` (its vendor's spec) it changes, applied in order."""
    doc = copy.deepcopy(base)
    out = []
    for action in overlay.actions:
        before = copy.deepcopy(doc)
        _apply(doc, action, overlay)
        out.append((action, tuple(_changes(before, doc, ()))))
    return tuple(out)
