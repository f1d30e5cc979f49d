"""The spec as this mock serves it to Swagger UI (``<base URL>/openapi.json``), so "Try it out" works first time.

The files in ``openapi/`` stay the vendor's contract; only the copy served by the mock changes:

- ``servers`` is the one URL the mock is served at, as the browser addressed it (Connexion's own rewrite
  leaves ``""`` for a mock at the root: an empty Servers box).
- Each security scheme's description lists the fixture tokens this mock accepts and the models each may
  read, so the Authorize dialog says what to paste.
- The model-id parameter is pre-filled with the fixture model the most identities may read (the vendor's
  examples stay selectable after it).
- Optional parameters are not pre-filled: a pre-filled example (SELISE's ``project_key=YOUR_PROJECT_KEY``)
  would be sent and override the credential given under Authorize. Their examples move into the text.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import vendor_specs
from mock_server.identities import identities, readable_by_most
from mock_server.vendors._common import FixtureSet

__all__ = ["served_spec"]

_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def _tokens_text(api: str, fixtures: FixtureSet) -> str:
    lines = [
        "",
        "",
        f"**This mock** (`mock-server`, fixtures `{fixtures.file}`) accepts these tokens: paste one as the value.",
        "",
        "| identity | token | may read |",
        "|---|---|---|",
    ]
    for person in identities(api, fixtures):
        reads = ", ".join(f"`{model_id}`" for model_id in person.may_read) or "none of the fixture models"
        lines.append(f"| {person.name} | `{person.token}` | {reads} |")
    return "\n".join(lines)


def _example_values(param: dict[str, Any]) -> list[Any]:
    values = [example.get("value") for example in (param.get("examples") or {}).values() if isinstance(example, dict)]
    return values + ([param["example"]] if "example" in param else [])


def _parameters(spec: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in (spec.get("paths") or {}).values():
        found += item.get("parameters", [])
        for method, op in item.items():
            if method in _METHODS:
                found += op.get("parameters", [])
    return [p for p in found if isinstance(p, dict) and "$ref" not in p]


def served_spec(api: str, spec: dict[str, Any], fixtures: FixtureSet, base_url: str) -> dict[str, Any]:
    """A copy of ``spec`` (resolved, as Connexion serves it) adjusted for this mock at ``base_url``."""
    spec = copy.deepcopy(spec)
    spec["servers"] = [{"url": base_url, "description": "this mock (mock-server)"}]
    for scheme in ((spec.get("components") or {}).get("securitySchemes") or {}).values():
        scheme["description"] = str(scheme.get("description", "")).rstrip() + _tokens_text(api, fixtures)
    id_name = vendor_specs.model_facts(api).id_parameter
    model_id, readers = readable_by_most(api, fixtures)
    for param in _parameters(spec):
        if param.get("name") == id_name and model_id is not None:
            who = ", ".join(readers)
            param["examples"] = {
                "mock": {"summary": f"A fixture model of this mock ({who} may read it)", "value": model_id},
                **(param.get("examples") or {}),
            }
            param.pop("example", None)
        elif not param.get("required") and _example_values(param):
            shown = ", ".join(f"`{json.dumps(v) if not isinstance(v, str) else v}`" for v in _example_values(param))
            param["description"] = (
                f"{param.get('description', '')} (Example on the vendor's page: {shown}. Not pre-filled by "
                "this mock: an optional parameter is sent only when you fill it in.)"
            ).strip()
            param.pop("examples", None)
            param.pop("example", None)
            if isinstance(param.get("schema"), dict):
                param["schema"].pop("example", None)
    return spec
