"""Find the spec operation a concrete request path belongs to.

Ids may contain ``/``: a ``format: path`` parameter matches literal slashes *and* ``%2F``, and its
value is returned percent-decoded, the way the vendors' servers see it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from vendor_specs._load import _METHODS, load_spec
from vendor_specs._servers import base_path as spec_base_path
from vendor_specs._servers import normalize_prefix


@dataclass(frozen=True)
class Operation:
    """One operation of a spec, with ``$ref`` resolved."""

    api: str
    method: str
    path: str
    operation_id: str
    definition: dict[str, Any] = field(repr=False, compare=False)
    pattern: re.Pattern[str] = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        """``GET /models/model``: how every report and log names the operation."""
        return f"{self.method} {self.path}"

    @property
    def parameters(self) -> list[dict[str, Any]]:
        return list(self.definition.get("parameters", []))

    @property
    def responses(self) -> dict[str, Any]:
        return dict(self.definition.get("responses", {}))

    @property
    def statuses(self) -> list[int]:
        return sorted(int(code) for code in self.responses if code.isdigit())


@dataclass(frozen=True)
class OperationMatch:
    operation: Operation
    path_params: dict[str, str]


def _compile(template: str, parameters: list[dict[str, Any]]) -> re.Pattern[str]:
    slashy = {p["name"] for p in parameters if p.get("in") == "path" and p.get("schema", {}).get("format") == "path"}
    out, pos = "", 0
    for m in re.finditer(r"\{([^}]+)\}", template):
        out += re.escape(template[pos : m.start()])
        name = m.group(1)
        out += f"(?P<{name}>.+)" if name in slashy else f"(?P<{name}>[^/]+)"
        pos = m.end()
    return re.compile("^" + out + re.escape(template[pos:]) + "$")


@functools.lru_cache(maxsize=None)
def operations(api: str) -> tuple[Operation, ...]:
    """Every operation of ``api``'s spec, in spec order."""
    spec = load_spec(api)
    found = []
    for template, item in spec["paths"].items():
        common = item.get("parameters", [])
        for method, op in item.items():
            if method not in _METHODS:
                continue
            params = {(p["name"], p["in"]): p for p in [*common, *op.get("parameters", [])]}
            definition = {**op, "parameters": list(params.values())}
            found.append(
                Operation(
                    api=api,
                    method=method.upper(),
                    path=template,
                    operation_id=op.get("operationId", f"{method} {template}"),
                    definition=definition,
                    pattern=_compile(template, definition["parameters"]),
                )
            )
    return tuple(found)


def match_operation(api: str, method: str | None, raw_path: str, base_path: str | None = None) -> OperationMatch | None:
    """The operation of ``api`` that ``raw_path`` (as sent, still percent-encoded) addresses, or None.

    ``base_path`` is the deployment prefix (default: the spec's first server). ``method`` None matches any.
    """
    prefix = spec_base_path(api) if base_path is None else normalize_prefix(base_path)
    if prefix:
        if not (raw_path == prefix or raw_path.startswith(prefix + "/")):
            return None
        raw_path = raw_path[len(prefix) :]
    for op in operations(api):
        if method is not None and op.method != method.upper():
            continue
        m = op.pattern.match(raw_path)
        if m:
            return OperationMatch(op, {k: unquote(v) for k, v in m.groupdict().items()})
    return None
