"""Load a vendor spec from its YAML file (with its overlay, for a spec key that names one) and answer
questions about its responses. Every cache here is keyed by the spec key, so ``openwebui`` and
``openwebui@openwebui-0.12.4`` never share an answer."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from vendor_specs._errors import SpecError
from vendor_specs._overlay import apply_actions, overlay_of
from vendor_specs._registry import is_api, overlay_ref, spec_path, vendor_of

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _key_of(api_or_path: str | Path) -> str:
    """A spec key as is; a file path as its resolved path."""
    if is_api(api_or_path):
        return str(api_or_path)
    return str(Path(api_or_path).resolve())


def load_spec(api_or_path: str | Path) -> dict[str, Any]:
    """The spec as a dict, with every local ``$ref`` resolved. Cached: do not mutate it, copy it."""
    return _load_resolved(_key_of(api_or_path))


def _raw(key: str) -> dict[str, Any]:
    """The spec of a key (its overlay applied) or of a file, as written; cached, never to be mutated."""
    if not is_api(key):
        return _load_raw(key)
    if overlay_ref(key) is None:
        return base_spec(key)
    return _overlaid(key)


def base_spec(api: str) -> dict[str, Any]:
    """The page's spec of ``api``'s vendor (without the key's overlay), as written; cached, never to be mutated."""
    return _load_raw(str(spec_path(api).resolve()))


@functools.lru_cache(maxsize=None)
def _load_raw(path: str) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(f"spec {path}: cannot be read ({exc.strerror or exc}); check the path") from None
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader, C-accelerated when available
    except yaml.YAMLError as exc:
        raise SpecError(f"spec {path}: is not valid YAML ({exc}); fix the file") from None
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3.0"):
        raise SpecError(f"spec {path}: is not an OpenAPI 3.0 document (no `openapi: 3.0.x` key)")
    problem = openapi_problem(data)
    if problem is not None:
        raise SpecError(f"spec {path}: {problem}")
    return data


def openapi_problem(data: dict[str, Any]) -> str | None:
    """Why ``data`` is not a valid OpenAPI document (openapi-spec-validator), or None."""
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate(data)
    except OpenAPIValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        return f"invalid OpenAPI at {where}: {exc.message}"
    return None


@functools.lru_cache(maxsize=None)
def _overlaid(key: str) -> dict[str, Any]:
    """The spec of ``key``: the vendor's spec with the key's overlay applied, a valid OpenAPI document;
    :class:`SpecError` naming the action that broke it otherwise. Cached per key: do not mutate it."""
    base = base_spec(key)
    overlay = overlay_of(key)
    assert overlay is not None
    if overlay.vendor != vendor_of(key):
        raise SpecError(f"{overlay.label()} extends {overlay.vendor}.yaml, not {spec_path(key).name}")
    doc = apply_actions(base, overlay)
    problem = openapi_problem(doc)
    if problem is None:
        return doc
    for count in range(1, len(overlay.actions) + 1):  # which action broke it (only on this error path)
        if openapi_problem(apply_actions(base, overlay, count)) is not None:
            raise SpecError(f"{overlay.label()} {overlay.actions[count - 1]}: the result is {problem}")
    raise SpecError(f"{overlay.label()}: the result is {problem}")  # pragma: no cover


@functools.lru_cache(maxsize=None)
def _load_resolved(key: str) -> dict[str, Any]:
    raw = _raw(key)
    return _resolve(raw, raw, ())


def raw_spec(api_or_path: str | Path) -> dict[str, Any]:
    """The spec exactly as written (``$ref`` kept; a key's overlay applied), a fresh copy the caller may change."""
    return copy.deepcopy(_raw(_key_of(api_or_path)))


def _resolve(root: dict[str, Any], node: Any, seen: tuple[str, ...]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in seen:
                raise SpecError(f"recursive $ref {ref} is not supported")
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            return _resolve(root, target, seen + (ref,))
        return {key: _resolve(root, value, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(root, item, seen) for item in node]
    return node


def _path_format(value: object) -> bool:
    return isinstance(value, str)


#: the string formats the specs use beyond OpenAPI's own, with their checks (openapi-core and the fast validator)
EXTRA_FORMATS: dict[str, Callable[[Any], bool]] = {"path": _path_format}


@functools.lru_cache(maxsize=None)
def openapi_core_spec(api_or_path: str | Path) -> Any:
    """An ``openapi_core.OpenAPI`` for the spec, knowing the ``path`` string format. openapi-core is imported
    here, on first use: importing it costs a process start about 0.35 s, and only explaining an answer needs it."""
    from openapi_core import Config, OpenAPI

    config = Config(
        extra_format_validators=EXTRA_FORMATS,
        extra_format_unmarshallers=dict.fromkeys(EXTRA_FORMATS, str),
    )
    return OpenAPI.from_dict(raw_spec(api_or_path), config=config)


def _single_operation(spec: dict[str, Any]) -> dict[str, Any]:
    ops = [op for item in spec["paths"].values() for method, op in item.items() if method in _METHODS]
    return ops[0]


_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def documented_statuses(api: str) -> list[int]:
    """Every status the spec documents for the vendor's operation, ascending."""
    return sorted(int(code) for code in _single_operation(load_spec(api))["responses"] if code.isdigit())


def response_schema(api: str, status: int) -> dict[str, Any] | None:
    """The resolved JSON body schema documented for ``status``, or None when it is not documented."""
    response = _single_operation(load_spec(api))["responses"].get(str(status))
    if response is None:
        return None
    return response.get("content", {}).get("application/json", {}).get("schema")


def examples_for(api: str, status: int) -> dict[str, dict[str, Any]]:
    """The named examples documented for ``status``: name -> Example Object (``value``, ``summary``, ``x-*``)."""
    response = _single_operation(load_spec(api))["responses"].get(str(status), {})
    return dict(response.get("content", {}).get("application/json", {}).get("examples", {}))
