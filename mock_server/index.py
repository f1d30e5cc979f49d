"""The page a person gets at ``/`` (and at the base path): which vendor this is, where its API and Swagger UI
are, and the fixture identities to try it with. HTML for a browser (``Accept: text/html``), JSON otherwise.
Everything on it is read from the spec and the current fixtures.
"""

from __future__ import annotations

import html
from typing import Any

import vendor_specs
from mock_server.identities import identities
from mock_server.journal import RESERVED
from mock_server.vendors._common import FixtureSet

__all__ = ["index_document", "index_html"]


def index_document(api: str, fixtures: FixtureSet, origin: str, base_path: str) -> dict[str, Any]:
    """The index as data; ``origin`` is ``http://host:port`` as the client addressed the mock."""
    spec = vendor_specs.load_spec(api)
    base_url = origin + base_path
    return {
        "vendor": api,
        "title": spec.get("info", {}).get("title", api),
        "base_url": base_url,
        "swagger_ui": f"{base_url}/ui/",
        "openapi": f"{base_url}/openapi.json",
        "operations": [
            {"method": op.method.upper(), "path": base_path + op.path, "summary": op.definition.get("summary", "")}
            for op in vendor_specs.operations(api)
        ],
        "identities": [
            {"name": person.name, "token": person.token, "send": person.send, "may_read": list(person.may_read)}
            for person in identities(api, fixtures)
        ],
        "models": list(fixtures.models),
        "fixtures": fixtures.file,
        "journal": f"{origin}{RESERVED}requests",
    }


def _link(url: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(url)}</a>'


def index_html(doc: dict[str, Any]) -> str:
    """The index as a small HTML page."""
    e = html.escape
    ops = "".join(
        f"<li><code>{e(op['method'])} {e(op['path'])}</code> {e(op['summary'])}</li>" for op in doc["operations"]
    )
    rows = "".join(
        f"<tr><td>{e(p['name'])}</td><td><code>{e(p['send'])}</code></td>"
        f"<td>{e(', '.join(p['may_read']) or 'none of the fixture models')}</td></tr>"
        for p in doc["identities"]
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{e(doc["title"])} (mock)</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}td,th{{border-bottom:1px solid #ddd;padding:.3em .6em;text-align:left}}table{{border-collapse:collapse}}</style>
</head><body>
<h1>{e(doc["title"])}</h1>
<p>Mock of <strong>{e(doc["vendor"])}</strong> served from its OpenAPI spec by <code>mock-server</code>.</p>
<ul>
<li>Base URL: <code>{e(doc["base_url"])}</code></li>
<li>Swagger UI: {_link(doc["swagger_ui"])} (click <em>Authorize</em> and paste a token below)</li>
<li>OpenAPI spec: {_link(doc["openapi"])}</li>
<li>Request journal (what your app sent): {_link(doc["journal"])}</li>
</ul>
<h2>Operations</h2><ul>{ops}</ul>
<h2>Identities (fixtures: <code>{e(doc["fixtures"])}</code>)</h2>
<table><tr><th>name</th><th>send</th><th>may read</th></tr>{rows}</table>
</body></html>
"""
