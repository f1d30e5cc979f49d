"""Parse the vendors' documentation pages (``shared/seeds``) into what they document.

The coverage test compares this against the specs, so the field lists come from the pages
themselves, never from a list typed into a test.

The pages are not part of this repository: they are read from ``$SEED_PAGES_DIR``, else from
``../shared/seeds`` beside the checkout (where CI has them). Without them the coverage tests skip and say
where they looked.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_VAR = "SEED_PAGES_DIR"
DEFAULT_SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED_OF = {
    "openwebui": "000_39dab24eef2061e3.txt",
    "respan": "002_e346da8f44da002c.txt",
    "selise": "003_8a7baab5025d5870.txt",
}
_TYPES = {"string", "integer", "number", "boolean", "object", "array"}


@dataclass
class SeedPage:
    api: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, documented type) of the 200 body
    sub_fields: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # object name -> its fields
    statuses: set[int] = field(default_factory=set)
    examples: dict[int, list[Any]] = field(default_factory=dict)  # status -> JSON bodies shown


def seeds_dir() -> Path:
    """Where the pages are looked for: ``$SEED_PAGES_DIR``, else ``../shared/seeds`` beside the checkout."""
    return Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else DEFAULT_SEEDS


def missing_pages() -> str | None:
    """None when every vendor's page is there; else a sentence saying which is missing and where to put it."""
    folder = seeds_dir()
    missing = [name for name in SEED_OF.values() if not (folder / name).is_file()]
    if not missing:
        return None
    return (
        f"the vendors' documentation pages are not in {folder} (missing {', '.join(missing)}): check out the "
        f"shared folder beside this repository (../shared/seeds) or set {ENV_VAR} to the folder holding them"
    )


def seed_text(api: str) -> str:
    path = seeds_dir() / SEED_OF[api]
    if not path.is_file():
        raise FileNotFoundError(missing_pages())
    return path.read_text(encoding="utf-8")


def _json_objects(text: str) -> list[tuple[int, Any]]:
    """Every top-level JSON object in ``text`` with its start offset."""
    decoder, found, pos = json.JSONDecoder(), [], 0
    while (start := text.find("{", pos)) != -1:
        try:
            value, end = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            pos = start + 1
            continue
        found.append((start, value))
        pos = end
    return found


def parse_openwebui(text: str) -> SeedPage:
    page = SeedPage("openwebui", statuses={200})
    section = text.split("\nResponse\n", 1)[1].split("Example Request", 1)[0]
    lines = [line.strip() for line in section.splitlines() if line.strip()]
    page.fields = [
        (lines[i], lines[i + 1]) for i in range(len(lines) - 1) if lines[i + 1] in _TYPES and " " not in lines[i]
    ]
    example = text.split("Example Response", 1)[1].split("Error Responses", 1)[0]
    page.examples[200] = [value for _, value in _json_objects(example)]
    errors = text.split("Error Responses", 1)[1]
    for m in re.finditer(r"^(\d{3})\n[^\n]*\n(\{.*?\})", errors, re.S | re.M):
        page.statuses.add(int(m.group(1)))
        page.examples.setdefault(int(m.group(1)), []).append(json.loads(m.group(2)))
    return page


def parse_respan(text: str) -> SeedPage:
    page = SeedPage("respan")
    for m in re.finditer(r"```json (\d{3}) [A-Za-z ]+?(?= \{)", text):
        status = int(m.group(1))
        _, body = _json_objects(text[m.end() :])[0]
        page.statuses.add(status)
        page.examples.setdefault(status, []).append(body)
    for m in re.finditer(r"^Errors\s*\n+(\d{3})", text, re.M):
        page.statuses.add(int(m.group(1)))
    page.fields = sorted(_json_fields(page.examples[200][0]))
    return page


def _json_type(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", dict: "object", list: "array"}.get(
        type(value), "null"
    )


def _json_fields(body: dict[str, Any]) -> set[tuple[str, str]]:
    return {(key, _json_type(value)) for key, value in body.items()}


def _table(text: str, heading: str) -> list[list[str]]:
    block = text.split("\n" + heading + "\n", 1)[1]
    rows = []
    for line in block.splitlines():
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not rows and (len(cells) < 2 or cells[1] in ("Type", "Description", "Meaning")) or set(cells[0]) <= {"-"}:
            continue
        rows.append(cells)
    return rows


def parse_selise(text: str) -> SeedPage:
    page = SeedPage("selise")
    page.fields = [(row[0], row[1]) for row in _table(text, "Response Fields")]
    page.sub_fields["Capabilities"] = [(row[0], row[1]) for row in _table(text, "Capabilities Object")]
    page.sub_fields["detail[]"] = [(row[0], row[1]) for row in _table(text, "Error Response Fields")]
    page.statuses = {int(row[0]) for row in _table(text, "Error Codes")}
    success = text.split("Success Response (200 OK)", 1)[1]
    page.examples[200] = [_json_objects(success)[0][1]]
    error = text.split("Error Response (422 Unprocessable Entity)", 1)[1]
    page.examples[422] = [_json_objects(error)[0][1]]
    return page


def parse(api: str) -> SeedPage:
    return {"openwebui": parse_openwebui, "respan": parse_respan, "selise": parse_selise}[api](seed_text(api))
