"""A page-shaped 200 body as an overlay's implementation sends it.

Fixture records hold one truth, in the shape of the vendor's page (they are validated against the page's
spec). With an overlay (``openwebui@openwebui-0.12.4``) the mock serves them in the implementation's shape,
which the overlaid 200 schema states with three annotations (nothing else knows them):

- ``x-observed-value: V``: the implementation sends ``V`` for this property in every answer;
- ``x-when-unset: V``: it sends ``V`` when the page-shaped object does not set the property;
- ``x-from: NAME`` or ``x-from: $.QUERY``: the value of the page-shaped object's property ``NAME`` (which is then
  not sent under its own name: the implementation renamed it), or of the RFC 9535 query on the page-shaped body.

A required property none of these gives is generated: stable per (model, place), a UUID for ``format: uuid``.
Properties of a closed object that its schema does not declare are left out. Without an overlay the body is
served as it is.

``page_form`` goes the other way, for ``mock-server record --overlay``: an implementation's body back in the
page's shape, as far as the same annotations allow. A renamed property (``x-from: NAME``) goes back under its
page name; what the implementation derives or always sends (``x-from: $.QUERY``, ``x-observed-value``) and an
unset default (a value equal to ``x-when-unset``) are left out, as is what a closed page object does not
declare; what the page requires and the implementation does not send is generated as above.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from typing import Any

import jsonpath_rfc9535

import vendor_specs
from mock_server.generate import generate

__all__ = ["observed_form", "page_form"]


def observed_form(api: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` (page-shaped) as the implementation of spec key ``api`` sends it (the same object without an overlay)."""
    if vendor_specs.overlay_ref(api) is None:
        return body
    schema = vendor_specs.response_schema(api, 200)
    if schema is None:
        return body
    shaped: dict[str, Any] = _shape(schema, body, body, str(body.get(vendor_specs.model_facts(api).key, "")))
    return shaped


def _from(source: str, page: dict[str, Any], root: dict[str, Any]) -> tuple[bool, Any]:
    if source.startswith("$"):
        node = jsonpath_rfc9535.find_one(source, root)
        return (node is not None, None if node is None else node.value)
    return (source in page, page.get(source))


def _generated(schema: dict[str, Any], where: str) -> Any:
    if schema.get("type") == "string" and schema.get("format") == "uuid":
        return str(uuid.uuid5(uuid.NAMESPACE_URL, where))
    digest = hashlib.sha256(where.encode()).digest()
    return generate(schema, random.Random(int.from_bytes(digest[:8], "big")))


def _shape(schema: dict[str, Any], value: Any, root: dict[str, Any], where: str) -> Any:
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [_shape(schema["items"], item, root, f"{where}[{i}]") for i, item in enumerate(value)]
    props = schema.get("properties")
    if not isinstance(value, dict) or not isinstance(props, dict):
        return value
    renamed = {
        p["x-from"] for p in props.values() if isinstance(p.get("x-from"), str) and not p["x-from"].startswith("$")
    }
    out: dict[str, Any] = {}
    for name, prop in props.items():
        if "x-observed-value" in prop:
            out[name] = prop["x-observed-value"]
            continue
        if isinstance(prop.get("x-from"), str):
            found, taken = _from(prop["x-from"], value, root)
            if found:
                out[name] = taken
                continue
        if name in value and name not in renamed:
            out[name] = _shape(prop, value[name], root, f"{where}.{name}")
        elif "x-when-unset" in prop:
            out[name] = prop["x-when-unset"]
        elif name in (schema.get("required") or ()):
            out[name] = _generated(prop, f"{where}.{name}")
    if schema.get("additionalProperties") is not False:
        out.update({k: v for k, v in value.items() if k not in props})
    return out


def page_form(api: str, body: dict[str, Any], generated: list[str] | None = None) -> dict[str, Any]:
    """``body`` as the implementation of spec key ``api`` sent it, in the shape of the vendor's page (the same
    object without an overlay). The path of each value generated for the page is appended to ``generated``."""
    if vendor_specs.overlay_ref(api) is None:
        return body
    schema = vendor_specs.response_schema(api, 200)
    page = vendor_specs.response_schema(vendor_specs.vendor_of(api), 200)
    if schema is None or page is None:
        return body
    made: list[str] = [] if generated is None else generated
    shaped: dict[str, Any] = _unshape(schema, page, body, str(body.get(vendor_specs.model_facts(api).key, "")), made)
    return shaped


def _derived(prop: dict[str, Any]) -> bool:
    """The implementation makes this value up: always the same, or taken from elsewhere in the body."""
    source = prop.get("x-from")
    return "x-observed-value" in prop or (isinstance(source, str) and source.startswith("$"))


def _unshape(schema: dict[str, Any], page: dict[str, Any], value: Any, where: str, made: list[str]) -> Any:
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        items: dict[str, Any] = page["items"] if isinstance(page.get("items"), dict) else {}
        return [_unshape(schema["items"], items, item, f"{where}[{i}]", made) for i, item in enumerate(value)]
    props, page_props = schema.get("properties"), page.get("properties")
    if not isinstance(value, dict) or not isinstance(props, dict) or not isinstance(page_props, dict):
        return value
    out: dict[str, Any] = {}
    for name, item in value.items():
        prop: dict[str, Any] = props[name] if isinstance(props.get(name), dict) else {}
        source = prop.get("x-from")
        page_name = source if isinstance(source, str) and not source.startswith("$") else name
        if _derived(prop) or ("x-when-unset" in prop and item == prop["x-when-unset"]):
            continue
        if page_name not in page_props and page.get("additionalProperties") is False:
            continue
        out[page_name] = _unshape(prop, page_props.get(page_name) or {}, item, f"{where}.{page_name}", made)
    for name in page.get("required") or ():
        if name not in out:
            out[name] = _generated(page_props.get(name) or {}, f"{where}.{name}")
            made.append(f"{where}.{name}")
    return out
