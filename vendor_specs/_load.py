"""Load a vendor spec from its YAML file and answer questions about its responses."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

from vendor_specs._errors import SpecError
from vendor_specs._registry import apis, spec_path

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _path_of(api_or_path: str | Path) -> Path:
    """A vendor name's spec, or the given file."""
    return spec_path(api_or_path) if isinstance(api_or_path, str) and api_or_path in apis() else Path(api_or_path)


def load_spec(api_or_path: str | Path) -> dict[str, Any]:
    """The spec as a dict, with every local ``$ref`` resolved. Cached: do not mutate it, copy it."""
    path = _path_of(api_or_path)
    return _load_resolved(str(path.resolve()))


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
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

    try:
        validate(data)
    except OpenAPIValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise SpecError(f"spec {path}: invalid OpenAPI at {where}: {exc.message}") from None
    return data


@functools.lru_cache(maxsize=None)
def _load_resolved(path: str) -> dict[str, Any]:
    raw = _load_raw(path)
    return _resolve(raw, raw, ())


def raw_spec(api_or_path: str | Path) -> dict[str, Any]:
    """The spec exactly as written (``$ref`` kept), a fresh copy the caller may change."""
    path = _path_of(api_or_path)
    return copy.deepcopy(_load_raw(str(path.resolve())))


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


@functools.lru_cache(maxsize=None)
def openapi_core_spec(api_or_path: str | Path) -> Any:
    """An ``openapi_core.OpenAPI`` for the spec, knowing the ``path`` string format."""
    from openapi_core import Config, OpenAPI

    path = _path_of(api_or_path)
    config = Config(
        extra_format_validators={"path": _path_format},
        extra_format_unmarshallers={"path": str},
    )
    return OpenAPI.from_dict(raw_spec(path), config=config)


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
